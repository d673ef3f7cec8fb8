"""The audit chain's pure core: canonical JSON and entry hashes (standard library only).

An auditor's offline verifier recomputes every hash with exactly these functions, so nothing here
may depend on Flask, SQLAlchemy or the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS_PREV_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_role",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "data",
    "prev_hash",
)


def _refuse_floats(value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical JSON (their text is not canonical)")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("canonical JSON object keys must be strings")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text, integers only: one text per value."""
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_time(moment: datetime) -> str:
    """UTC, microseconds, 'Z': the one text form of an entry's time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the entry's hashed fields (previous hash included)."""
    return sha256_hex(canonical_json({name: entry[name] for name in HASHED_FIELDS}))


def receipt_of(round_id: int, ballot_id: str, choices: Mapping[int, int]) -> str:
    """A ballot's receipt: SHA-256 over the round, its random id and its canonical choices.

    `choices` maps project ids to values (1 for approval, a rank, or points); the receipt hashes
    them as a list of [project, value] pairs sorted by project id.
    """
    body = {
        "round": round_id,
        "ballot": ballot_id,
        "choices": [[project, value] for project, value in sorted(choices.items())],
    }
    return sha256_hex(canonical_json(body))


def receipts_digest(receipts: Iterable[str]) -> str:
    """One hash over a round's receipts: SHA-256 of the sorted receipts joined by newlines."""
    return sha256_hex("\n".join(sorted(receipts)))


class ChainBreak(ValueError):
    """The first entry where a chain stops verifying; `seq` is the sequence number expected."""

    def __init__(self, seq: int, problem: str) -> None:
        super().__init__(f"entry {seq}: {problem}")
        self.seq = seq
        self.problem = problem


ENTRY_FIELDS = (*HASHED_FIELDS, "entry_hash")


def check_entry(entry: Mapping[str, Any], expected_seq: int, prev_hash: str) -> str:
    """Check one entry against its position; return its hash or raise `ChainBreak`."""
    if not isinstance(entry, Mapping) or set(entry) != set(ENTRY_FIELDS):
        raise ChainBreak(expected_seq, f"an entry must have exactly the fields {ENTRY_FIELDS}")
    seq = entry["seq"]
    if type(seq) is not int:
        raise ChainBreak(expected_seq, "seq is not an integer")
    if seq != expected_seq:
        raise ChainBreak(
            expected_seq,
            f"found seq {seq} where seq {expected_seq} should be "
            "(an entry was deleted, inserted or moved)",
        )
    for name in ENTRY_FIELDS:
        if name not in ("seq", "data") and not isinstance(entry[name], str):
            raise ChainBreak(seq, f"{name} is not a string")
    if not isinstance(entry["data"], Mapping):
        raise ChainBreak(seq, "data is not an object")
    if seq == 0 and entry["action"] != "log.genesis":
        raise ChainBreak(seq, "the first entry is not a genesis entry")
    if entry["prev_hash"] != prev_hash:
        raise ChainBreak(
            seq,
            "prev_hash is not the hash of the entry before it "
            "(an entry was inserted, deleted or replaced before it)",
        )
    try:
        expected = entry_hash(entry)
    except TypeError as error:
        raise ChainBreak(seq, f"its data is not canonical JSON ({error})") from None
    if entry["entry_hash"] != expected:
        raise ChainBreak(seq, "entry_hash does not match its contents (the entry was edited)")
    return expected


def check_chain(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every entry's hash, in order, after checking the chain from its genesis entry.

    Raises `ChainBreak` naming the first entry that does not follow from the one before it.
    """
    hashes: list[str] = []
    prev = GENESIS_PREV_HASH
    for position, entry in enumerate(entries):
        prev = check_entry(entry, position, prev)
        hashes.append(prev)
    return hashes
