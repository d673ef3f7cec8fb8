"""The audit log, its signed checkpoints, the export bundle and the offline verifier.

Pure modules (standard library, `cryptography`, `pb.allocation` only; `pb verify` runs on them
with no web application): `chain` (canonical JSON, entry hashes, receipts), `signing`
(Ed25519 checkpoints), `bundle` (the archive format), `pairwise` (pairwise ballots and
pairwise.csv), `verify`, `recount`, `verdict`, `verify_cli`.
The database side: `services` (`record()`, imported as `audit` by other services), `models`,
`checkpoints`, `keys`, `export`, `secrecy`, `integrity`, `commands`, `views`.
"""
