"""The verifier's building blocks agree with the platform: receipts, vote types, signatures."""

from __future__ import annotations

import pytest

from pb.audit import signing
from pb.audit.chain import (
    LEGACY_LOG_FORMAT,
    LOG_FORMAT,
    WITHHOLDING_LOG_FORMAT,
    ChainBreak,
    check_chain,
    data_hash,
    entry_hash,
    receipt_of,
    redact,
)
from pb.audit.recount import VOTE_TYPES_BY_FORMAT
from pb.audit.verify import KeptCheckpoint
from pb.voting.formats import BALLOT_FORMATS
from pb.voting.services import compute_receipt


def test_receipts_are_computed_as_the_voting_service_computes_them() -> None:
    choices = {12: 2, 3: 1, 40: 3}
    assert receipt_of(7, "ab" * 16, choices) == compute_receipt(7, "ab" * 16, choices)


def test_the_verifier_knows_how_every_ballot_format_is_counted() -> None:
    assert {name: f.vote_type for name, f in BALLOT_FORMATS.items()} == VOTE_TYPES_BY_FORMAT


def _chain(length: int, log_format: str = LOG_FORMAT) -> list[dict]:
    entries: list[dict] = []
    for seq in range(length):
        entry = {
            "seq": seq,
            "occurred_at": "2026-01-01T00:00:00.000000Z",
            "actor_role": "system",
            "actor_ref": "",
            "action": "log.genesis" if seq == 0 else "ward.created",
            "object_type": "ward",
            "object_id": str(seq),
            "data": {"format": log_format} if seq == 0 else {"n": seq},
            "prev_hash": entries[-1]["entry_hash"] if entries else "0" * 64,
        }
        entry["entry_hash"] = entry_hash(entry, log_format)
        entries.append(entry)
    return entries


def test_a_chain_verifies_and_a_float_or_a_stray_field_does_not() -> None:
    entries = _chain(4)
    assert check_chain(entries)[-1] == entries[-1]["entry_hash"]
    entries[2]["data"] = {"n": 2.0}
    with pytest.raises(ChainBreak, match="entry 2: its data is not canonical JSON"):
        check_chain(entries)
    entries = _chain(3)
    entries[1]["note"] = "unhashed"
    with pytest.raises(ChainBreak, match="entry 1: an entry must have exactly the fields"):
        check_chain(entries)
    entries = _chain(3)
    entries[0]["action"] = "ward.created"
    entries[0]["entry_hash"] = entry_hash(entries[0])
    with pytest.raises(ChainBreak, match="the first entry is not a genesis entry"):
        check_chain(entries)


def test_withheld_data_keeps_the_chain_provable_but_cannot_be_changed() -> None:
    entries = _chain(4)
    entries[2]["data_sha256"] = data_hash(entries[2]["data"])
    entries[2]["data"] = None
    assert check_chain(entries)[-1] == entries[-1]["entry_hash"]
    entries[2]["data_sha256"] = data_hash({"n": 99})
    with pytest.raises(ChainBreak, match="entry 2: entry_hash does not match"):
        check_chain(entries)
    older = _chain(4, WITHHOLDING_LOG_FORMAT)  # pb-audit-2 withholds data the same way
    older[2]["data_sha256"] = data_hash(older[2]["data"])
    older[2]["data"] = None
    assert check_chain(older)[-1] == older[-1]["entry_hash"]
    legacy = _chain(3, LEGACY_LOG_FORMAT)
    assert check_chain(legacy)  # the first deployments' chains still verify...
    legacy[1]["data_sha256"] = data_hash(legacy[1]["data"])
    legacy[1]["data"] = None
    with pytest.raises(ChainBreak, match="does not allow"):  # ...but cannot withhold data
        check_chain(legacy)
    unknown = _chain(2)
    unknown[0]["data"] = {"format": "pb-audit-9"}
    with pytest.raises(ChainBreak, match="no known log format"):
        check_chain(unknown)


def test_a_redacted_entry_keeps_the_chain_provable_and_cannot_be_changed() -> None:
    entries = _chain(4)
    full = dict(entries[2])
    entries[2] = redact(full)
    assert set(entries[2]) == {"seq", "prev_hash", "body_sha256", "entry_hash"}
    assert check_chain(entries)[-1] == entries[-1]["entry_hash"]
    for name in ("body_sha256", "prev_hash"):
        forged = [dict(e) for e in entries]
        forged[2][name] = "0" * 64
        with pytest.raises(ChainBreak, match="entry 2: "):
            check_chain(forged)
    entries[2]["actor_ref"] = full["actor_ref"]  # half-redacted: refused
    with pytest.raises(ChainBreak, match="a redacted entry must have exactly"):
        check_chain(entries)
    older = _chain(3, WITHHOLDING_LOG_FORMAT)  # pb-audit-2 hashes every field: nothing to redact
    older[1] = redact(_chain(3)[1])
    with pytest.raises(ChainBreak, match="does not allow"):
        check_chain(older)
    genesis = _chain(2)
    genesis[0] = redact(genesis[0])
    with pytest.raises(ChainBreak, match="entry 0: the genesis entry names no known log format"):
        check_chain(genesis)


def test_a_checkpoint_signature_covers_every_signed_field() -> None:
    key = signing.load_private_key(signing.new_private_key_pem())
    signed = signing.sign_checkpoint(key, "o" * 32, 5, "a" * 64, "2026-01-01T00:00:00.000000Z")
    assert signing.checkpoint_problem(signed) is None
    for name, other in [("seq", 6), ("hash", "b" * 64), ("origin", "x"), ("signed_at", "x")]:
        assert "does not verify" in signing.checkpoint_problem(dict(signed, **{name: other}))
    assert "lacks signature" in signing.checkpoint_problem(
        {k: v for k, v in signed.items() if k != "signature"}
    )
    assert "no signature covers: key_id" in signing.checkpoint_problem(dict(signed, key_id="x"))
    seed = key.private_bytes_raw().hex()
    assert signing.public_key_hex(signing.load_private_key(seed)) == signed["public_key"]
    with pytest.raises(signing.UnreadableKey):
        signing.load_private_key("not a key")


def test_kept_checkpoints_are_read_strictly() -> None:
    assert KeptCheckpoint.parse(f" 12:{'A' * 64} ") == KeptCheckpoint(12, "a" * 64)
    for bad in ["12", "x:" + "a" * 64, "12:" + "a" * 63, "-1:" + "a" * 64]:
        with pytest.raises(ValueError, match="SEQ:HASH"):
            KeptCheckpoint.parse(bad)
