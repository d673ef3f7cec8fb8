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


# The genesis entry's data names the chain's format, which fixes how every entry is hashed.
# pb-audit-3 hashes an entry as {seq, prev_hash, body_sha256}: a bundle can REDACT a whole entry
# of another round (only those four fields are published) and the chain still verifies, so one
# round's bundle shows nothing of the rest of the site. pb-audit-2 hashes an entry's data through
# its own SHA-256, so an export can only withhold data (the entry then carries `"data": null` and
# its `data_sha256`). pb-audit-1 (the first deployments) hashed the data itself.
LOG_FORMAT = "pb-audit-3"
WITHHOLDING_LOG_FORMAT = "pb-audit-2"
LEGACY_LOG_FORMAT = "pb-audit-1"
LOG_FORMATS = (LEGACY_LOG_FORMAT, WITHHOLDING_LOG_FORMAT, LOG_FORMAT)
# Entries that change a round's phase or results: each is checkpointed when it commits.
PHASE_ACTIONS = frozenset(
    {"round.frozen", "round.phase_changed", "round.tallied", "round.results_published"}
)
BODY_FIELDS = ("occurred_at", "actor_role", "actor_ref", "action", "object_type", "object_id")
REDACTED_FIELDS = ("seq", "prev_hash", "body_sha256", "entry_hash")


def data_hash(data: Any) -> str:
    return sha256_hex(canonical_json(data))


def _data_sha256(entry: Mapping[str, Any]) -> str:
    """The data's hash: recomputed, or taken from the entry when its data is withheld (null)."""
    return entry["data_sha256"] if entry["data"] is None else data_hash(entry["data"])


def body_hash(entry: Mapping[str, Any]) -> str:
    """pb-audit-3: SHA-256 of the canonical JSON of the body fields and `data_sha256`."""
    body = {name: entry[name] for name in BODY_FIELDS} | {"data_sha256": _data_sha256(entry)}
    return sha256_hex(canonical_json(body))


def entry_hash(entry: Mapping[str, Any], log_format: str = LOG_FORMAT) -> str:
    """SHA-256 over the canonical JSON of the entry's hashed fields (previous hash included).

    pb-audit-3: over `{seq, prev_hash, body_sha256}` (`body_sha256` taken from a redacted entry,
    else recomputed by `body_hash`). pb-audit-2: `data` enters as `data_sha256`, the SHA-256 of
    its canonical JSON (taken from the entry when its data is withheld, i.e. null). pb-audit-1:
    `data` enters as it is.
    """
    if log_format == LEGACY_LOG_FORMAT:
        return sha256_hex(canonical_json({name: entry[name] for name in HASHED_FIELDS}))
    if log_format == LOG_FORMAT:
        body = entry["body_sha256"] if is_redacted(entry) else body_hash(entry)
        link = {"seq": entry["seq"], "prev_hash": entry["prev_hash"], "body_sha256": body}
        return sha256_hex(canonical_json(link))
    body = {name: entry[name] for name in HASHED_FIELDS if name != "data"}
    body["data_sha256"] = _data_sha256(entry)
    return sha256_hex(canonical_json(body))


def is_redacted(entry: Mapping[str, Any]) -> bool:
    """A pb-audit-3 entry published as its link only (seq, prev_hash, body_sha256, hash)."""
    return "body_sha256" in entry


def redact(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The redacted form of a full pb-audit-3 entry (its hash unchanged)."""
    return {
        "seq": entry["seq"],
        "prev_hash": entry["prev_hash"],
        "body_sha256": body_hash(entry),
        "entry_hash": entry["entry_hash"],
    }


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
HEX = frozenset("0123456789abcdef")


def log_format_of(genesis: Mapping[str, Any]) -> str:
    """The chain format named by a genesis entry's data (raises `ChainBreak` if unknown)."""
    data = genesis.get("data") if isinstance(genesis, Mapping) else None
    found = data.get("format") if isinstance(data, Mapping) else None
    if found not in LOG_FORMATS:
        raise ChainBreak(
            0, f"the genesis entry names no known log format ({', '.join(LOG_FORMATS)})"
        )
    return str(found)


def check_entry(
    entry: Mapping[str, Any], expected_seq: int, prev_hash: str, log_format: str = LOG_FORMAT
) -> str:
    """Check one entry against its position; return its hash or raise `ChainBreak`."""
    if not isinstance(entry, Mapping):
        raise ChainBreak(expected_seq, "an entry must be a JSON object")
    if is_redacted(entry):
        return _check_redacted(entry, expected_seq, prev_hash, log_format)
    withheld = entry.get("data", {}) is None
    expected_fields = set(ENTRY_FIELDS) | ({"data_sha256"} if withheld else set())
    if set(entry) != expected_fields:
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
    if withheld:
        digest = entry["data_sha256"]
        if log_format == LEGACY_LOG_FORMAT or seq == 0:
            raise ChainBreak(seq, "its data is withheld, which this log's format does not allow")
        if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= HEX:
            raise ChainBreak(seq, "data_sha256 is not 64 lowercase hex digits")
    elif not isinstance(entry["data"], Mapping):
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
        expected = entry_hash(entry, log_format)
    except TypeError as error:
        raise ChainBreak(seq, f"its data is not canonical JSON ({error})") from None
    if entry["entry_hash"] != expected:
        raise ChainBreak(seq, "entry_hash does not match its contents (the entry was edited)")
    return expected


def _check_redacted(
    entry: Mapping[str, Any], expected_seq: int, prev_hash: str, log_format: str
) -> str:
    """A redacted entry: exactly the four link fields, in a format that allows it, not seq 0."""
    if set(entry) != set(REDACTED_FIELDS):
        raise ChainBreak(expected_seq, f"a redacted entry must have exactly {REDACTED_FIELDS}")
    if entry["seq"] != expected_seq or type(entry["seq"]) is not int:
        raise ChainBreak(
            expected_seq,
            f"found seq {entry['seq']} where seq {expected_seq} should be "
            "(an entry was deleted, inserted or moved)",
        )
    if log_format != LOG_FORMAT or expected_seq == 0:
        raise ChainBreak(expected_seq, "it is redacted, which this log's format does not allow")
    for name in ("prev_hash", "body_sha256", "entry_hash"):
        value = entry[name]
        if not isinstance(value, str) or len(value) != 64 or not set(value) <= HEX:
            raise ChainBreak(expected_seq, f"{name} is not 64 lowercase hex digits")
    if entry["prev_hash"] != prev_hash:
        raise ChainBreak(
            expected_seq,
            "prev_hash is not the hash of the entry before it "
            "(an entry was inserted, deleted or replaced before it)",
        )
    if entry["entry_hash"] != entry_hash(entry, log_format):
        raise ChainBreak(expected_seq, "entry_hash does not match its link (the entry was edited)")
    return str(entry["entry_hash"])


def check_chain(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every entry's hash, in order, after checking the chain from its genesis entry (whose
    data names the log format).

    Raises `ChainBreak` naming the first entry that does not follow from the one before it.
    """
    hashes: list[str] = []
    prev = GENESIS_PREV_HASH
    log_format = LOG_FORMAT
    for position, entry in enumerate(entries):
        if position == 0:
            log_format = log_format_of(entry)
        prev = check_entry(entry, position, prev, log_format)
        hashes.append(prev)
    return hashes
