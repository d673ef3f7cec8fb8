"""The audit chain's pure core: canonical JSON and entry hashes (standard library only).

An auditor's offline verifier recomputes every hash with exactly these functions, so nothing here
may depend on Flask, SQLAlchemy or the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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
