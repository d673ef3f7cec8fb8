"""The offline verifier: everything `pb verify BUNDLE` checks, in the order it checks it.

Pure on purpose: it imports the standard library, `cryptography` (signatures), `pb.allocation`
(the recount) and the pure parts of `pb.audit` (chain, signing, bundle, recount). No Flask, no
SQLAlchemy, no database, no network: an auditor runs it on a laptop. A test enforces this.

Each check raises `VerificationFailed` with a message naming the first bad file, line or entry,
so a tampered bundle fails precisely. docs/verification.md lists the checks for third parties.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pb.audit import amendments, recount, separated, strict, turnout
from pb.audit.bundle import (
    CHECKPOINTS,
    CONFIG,
    LEGACY_FORMAT,
    LOG,
    MANIFEST,
    Bundle,
    BundleError,
    read_bundle,
    sha256_bytes,
)
from pb.audit.chain import (
    GENESIS_PREV_HASH,
    LOG_FORMAT,
    PHASE_ACTIONS,
    ChainBreak,
    canonical_json,
    check_entry,
    log_format_of,
)
from pb.audit.signing import checkpoint_problem, key_id
from pb.audit.verdict import Report, VerificationFailed

__all__ = ["KeptCheckpoint", "Report", "VerificationFailed", "kept_from_file", "verify_bundle"]

_KEPT = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class KeptCheckpoint:
    """A checkpoint the auditor saw published and kept: the log must still hold it."""

    seq: int
    hash: str
    origin: str | None = None  # known when it came from a saved checkpoint file

    @classmethod
    def parse(cls, text: str) -> KeptCheckpoint:
        """Read `SEQ:HASH` (HASH: 64 hex digits); raises ValueError."""
        match = _KEPT.match(text.strip().lower())
        if not match:
            raise ValueError(f"{text!r} is not SEQ:HASH (a number, a colon, 64 hex digits)")
        return cls(int(match.group(1)), match.group(2))

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def kept_from_file(path: str | Path) -> list[KeptCheckpoint]:
    """Checkpoints saved from the transparency page's JSON (signatures checked)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VerificationFailed(f"{path}: cannot read saved checkpoints ({error})") from None
    if isinstance(data, Mapping) and "checkpoints" in data:
        data = data["checkpoints"]
    items = data if isinstance(data, list) else [data]
    kept = []
    for number, item in enumerate(items, start=1):
        problem = checkpoint_problem(item)
        if problem:
            raise VerificationFailed(f"{path}: checkpoint #{number}: {problem}")
        kept.append(KeptCheckpoint(item["seq"], item["hash"], item["origin"]))
    return kept


@dataclass(frozen=True)
class Log:
    entries: list[dict[str, Any]]
    hashes: list[str]

    @property
    def origin(self) -> str:
        return str(self.entries[0]["object_id"])

    @property
    def head(self) -> int:
        return len(self.entries) - 1

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        """The round's own entries; their data must not be withheld."""
        found = [
            e
            for e in self.entries
            if e.get("object_type") == "round" and e.get("object_id") == str(round_id)
        ]
        for entry in found:
            if entry["data"] is None:
                raise VerificationFailed(
                    f"{LOG}: entry {entry['seq']} is about this round but its data is withheld"
                )
        return found


def verify_bundle(
    source: bytes | str | Path,
    *,
    kept: Sequence[KeptCheckpoint] = (),
    keys: Iterable[str] = (),
) -> Report:
    """Check a bundle completely; returns a report, or raises `VerificationFailed`.

    `kept` are checkpoints the auditor saw published earlier (they catch a rewritten or
    truncated log even if the bundle's own checkpoints were stripped or re-signed); `keys` pins
    the public keys checkpoints must be signed with (hex).
    """
    report = Report()
    try:
        bundle = read_bundle(source)
    except BundleError as error:
        raise VerificationFailed(str(error)) from None
    report.facts.append(f"{MANIFEST}: {len(bundle.manifest['files'])} files, every SHA-256 matches")
    round_id = _manifest_int(bundle, "round_id")
    log = read_log(bundle)
    _check_manifest_head(bundle, log)
    report.facts.append(
        f"{LOG}: {len(log.entries)} entries from the genesis entry (origin {log.origin}) to seq "
        f"{log.head}, hash {log.hashes[-1]}: the chain is unbroken"
    )
    signed = check_checkpoints(bundle, log, {k.lower() for k in keys}, report)
    check_signed_head(bundle, log, signed, report)
    check_kept(kept, log, report)
    config, config_hash = check_config(bundle, log, round_id, report)
    versions = amendments.check_versions(bundle, log.of_round(round_id), config_hash, report)
    strict.check_line_ends(bundle)
    ballots = check_ballot_lists(
        bundle, log.of_round(round_id), config, config_hash, report, versions
    )
    if ballots.vote_type != "pairwise":  # pairwise rounds have no pabulib file (pb.audit.pairwise)
        strict.check_pabulib_meta(bundle, config)
    recount.check_close(bundle, log.of_round(round_id), ballots, report)
    turnout.check_turnout(bundle, log.of_round(round_id), config_hash, ballots, report)
    recount.check_results(bundle, log.of_round(round_id), config, config_hash, ballots, report)
    check_coverage(log, round_id, signed)
    if not kept:
        report.notes.append(
            "You gave no checkpoints of your own (--checkpoint SEQ:HASH): a log rewritten and "
            "re-signed with another key would only be caught by comparing keys."
        )
    return report


def check_ballot_lists(
    bundle: Bundle,
    round_entries: list[dict[str, Any]],
    config: dict[str, Any],
    config_hash: str,
    report: Report,
    versions: frozenset[str] = frozenset(),
) -> recount.Ballots:
    """pb-bundle-1: each ballot with its receipt; pb-bundle-2: ballots and receipts apart.
    `versions`: every configuration a ballot may have been cast under (pb.audit.amendments)."""
    if bundle.manifest["format"] == "pb-bundle-1":
        return recount.check_ballots(bundle, config, config_hash, report)
    ballots = separated.check_ballots(bundle, config, config_hash, report, versions)
    separated.check_sealed(round_entries, config_hash, ballots, report)
    return ballots


def _manifest_int(bundle: Bundle, name: str) -> int:
    value = bundle.manifest.get(name)
    if type(value) is not int:
        raise VerificationFailed(f"{MANIFEST}: {name} is not an integer")
    return value


def read_log(bundle: Bundle) -> Log:
    """Parse log.jsonl and check the whole chain from its genesis entry."""
    text = bundle.text(LOG)
    if text:
        strict.check_log_text(text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise VerificationFailed(f"{LOG}: the log is empty")
    entries: list[dict[str, Any]] = []
    hashes: list[str] = []
    prev = GENESIS_PREV_HASH
    log_format = LOG_FORMAT
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise VerificationFailed(f"{LOG} line {number}: not valid JSON ({error})") from None
        strict.check_canonical_line(line, entry, number)
        try:
            if number == 1:
                log_format = log_format_of(entry)
            prev = check_entry(entry, number - 1, prev, log_format)
        except ChainBreak as error:
            raise VerificationFailed(f"{LOG} line {number}: {error}") from None
        entries.append(entry)
        hashes.append(prev)
    return Log(entries, hashes)


def _check_manifest_head(bundle: Bundle, log: Log) -> None:
    if bundle.manifest.get("origin") != log.origin:
        raise VerificationFailed(f"{MANIFEST}: origin differs from the log's genesis entry")
    head = bundle.manifest.get("log_head")
    if head != {"seq": log.head, "hash": log.hashes[-1]}:
        raise VerificationFailed(
            f"{MANIFEST}: log_head {head} differs from the end of {LOG} "
            f"(seq {log.head}, hash {log.hashes[-1]})"
        )


def check_checkpoints(
    bundle: Bundle, log: Log, pinned: set[str], report: Report
) -> list[dict[str, Any]]:
    """Every checkpoint in the bundle: validly signed, for this log, and still on the chain."""
    checkpoints = bundle.json(CHECKPOINTS)
    if not isinstance(checkpoints, list):
        raise VerificationFailed(f"{CHECKPOINTS}: not a JSON list")
    last_seq = -1
    keys: set[str] = set()
    for number, checkpoint in enumerate(checkpoints, start=1):
        where = f"{CHECKPOINTS} #{number}"
        problem = checkpoint_problem(checkpoint)
        if problem:
            raise VerificationFailed(f"{where}: {problem}")
        seq, signed_hash = checkpoint["seq"], checkpoint["hash"]
        where = f"{where} (seq {seq})"
        if checkpoint["origin"] != log.origin:
            raise VerificationFailed(
                f"{where}: signed for the log with origin {checkpoint['origin']}, but this log's "
                f"origin is {log.origin} (the log was replaced)"
            )
        if pinned and checkpoint["public_key"] not in pinned:
            raise VerificationFailed(
                f"{where}: signed by key {key_id(checkpoint['public_key'])}, not by a key you "
                "pinned with --key"
            )
        if seq < last_seq:
            raise VerificationFailed(f"{where}: checkpoints are not in sequence order")
        last_seq = seq
        _on_chain(where, seq, signed_hash, log)
        keys.add(checkpoint["public_key"])
    if checkpoints:
        names = ", ".join(sorted(key_id(k) for k in keys))
        report.facts.append(
            f"{CHECKPOINTS}: {len(checkpoints)} signed checkpoints (key {names}), all on the "
            f"chain; the latest covers seq {last_seq}"
        )
        if not pinned:
            report.notes.append(
                f"Checkpoints are signed by key {names}. Compare it with the public key on the "
                "platform's transparency page, or pin it with --key."
            )
    return checkpoints


def _on_chain(where: str, seq: int, expected: str, log: Log) -> None:
    if seq > log.head:
        raise VerificationFailed(
            f"{where}: seq {seq} is beyond the end of {LOG}, which stops at seq {log.head} "
            "(the log was truncated)"
        )
    if log.hashes[seq] != expected:
        raise VerificationFailed(
            f"{where}: the log's entry {seq} has hash {log.hashes[seq]}, not the checkpoint's "
            f"{expected} (history was rewritten at or before entry {seq})"
        )


def check_signed_head(
    bundle: Bundle, log: Log, checkpoints: list[dict[str, Any]], report: Report
) -> None:
    """pb-bundle-2: a checkpoint in the bundle signs the very head of its log, so a tail cut off
    (and the checkpoints past the cut dropped) shows. pb-bundle-1 made no such promise."""
    if any(c["seq"] == log.head for c in checkpoints):
        report.facts.append(f"{CHECKPOINTS}: the head of the log (seq {log.head}) is signed")
        return
    if bundle.format == LEGACY_FORMAT:
        report.notes.append(
            f"This {LEGACY_FORMAT} bundle's head (seq {log.head}) is not signed: only your own "
            "checkpoints (--checkpoint) would show a tail cut off."
        )
        return
    raise VerificationFailed(
        f"{CHECKPOINTS}: no signed checkpoint covers the head of {LOG} (seq {log.head}); every "
        f"{bundle.format} bundle ends at a signed head, so the log's tail was cut or its "
        "checkpoints removed"
    )


def check_kept(kept: Sequence[KeptCheckpoint], log: Log, report: Report) -> None:
    for checkpoint in kept:
        where = f"your checkpoint {checkpoint}"
        if checkpoint.origin is not None and checkpoint.origin != log.origin:
            raise VerificationFailed(
                f"{where}: signed for the log with origin {checkpoint.origin}, but this log's "
                f"origin is {log.origin} (the log was replaced)"
            )
        _on_chain(where, checkpoint.seq, checkpoint.hash, log)
    if kept:
        report.facts.append(f"your {len(kept)} checkpoints: all still on the chain")


def check_config(
    bundle: Bundle, log: Log, round_id: int, report: Report
) -> tuple[dict[str, Any], str]:
    """The frozen configuration: canonical, for this round, and the one the log recorded."""
    raw = bundle.files[CONFIG]
    config = bundle.json(CONFIG)
    if not isinstance(config, dict) or canonical_json(config).encode() != raw:
        raise VerificationFailed(f"{CONFIG}: not the canonical JSON of a configuration")
    if config.get("round_id") != round_id:
        raise VerificationFailed(f"{CONFIG}: round_id is not the manifest's round {round_id}")
    config_hash = sha256_bytes(raw)
    frozen = [e for e in log.of_round(round_id) if e["action"] == "round.frozen"]
    if not frozen:
        raise VerificationFailed(f"{LOG}: no round.frozen entry for round {round_id}")
    entry = amendments.current_entry(log.of_round(round_id), frozen[-1])
    if entry["data"].get("config_hash") != config_hash:
        when = "when voting opened" if entry is frozen[-1] else "at its last amendment"
        raise VerificationFailed(
            f"{CONFIG}: its SHA-256 {config_hash} is not the hash the log recorded {when} "
            f"(entry {entry['seq']}: {entry['data'].get('config_hash')})"
        )
    report.facts.append(f"{CONFIG}: SHA-256 {config_hash}, as recorded in entry {entry['seq']}")
    return config, config_hash


def check_coverage(log: Log, round_id: int, checkpoints: list[dict[str, Any]]) -> None:
    """The round's last phase entry must lie under a signed checkpoint (one is made at every
    phase change), so its history cannot be rewritten without breaking a signature."""
    phase_entries = [e for e in log.of_round(round_id) if e["action"] in PHASE_ACTIONS]
    if not phase_entries:
        return
    last = phase_entries[-1]
    if not any(c["seq"] >= last["seq"] for c in checkpoints):
        raise VerificationFailed(
            f"{CHECKPOINTS}: no signed checkpoint covers entry {last['seq']} ({last['action']}); "
            "every phase change is checkpointed, so checkpoints were removed"
        )
