"""`record()`: the one way every state change enters the audit log.

Each entry is written in the caller's transaction (so the change and its record commit together or
not at all), chained to the previous entry by hash. Appends are serialised: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by the write lock every transaction takes at BEGIN
IMMEDIATE, so two writers can never both extend the same head and fork the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from pb.audit.chain import (
    GENESIS_PREV_HASH,
    LOG_FORMAT,
    canonical_json,
    entry_hash,
    format_time,
    log_format_of,
)
from pb.audit.models import AuditEntry
from pb.db import utcnow
from pb.extensions import db

# Any fixed 64-bit number; it names "the audit chain head" among advisory locks.
CHAIN_LOCK_KEY = 0x5042_4155_4449_5400 >> 1
ObjectRef = Any  # a model instance with an `id`, or an explicit (type, id) pair


def pseudonym(identity: str) -> str:
    """A stable keyed reference for an actor: lets an auditor follow one actor, never name them."""
    key = current_app.config["AUDIT_PSEUDONYM_KEY"].encode()
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()[:32]


def record(
    action: str,
    obj: ObjectRef,
    data: dict[str, Any] | None = None,
    *,
    actor: Any = None,
    actor_role: str | None = None,
) -> AuditEntry:
    """Append one entry for `action` on `obj`; `actor` is a User (or None for the system)."""
    object_type, object_id = _object_ref(obj)
    if actor is not None:
        role, ref = actor.role.value, pseudonym(_actor_identity(actor, object_type, object_id))
    else:
        role, ref = actor_role or "system", ""
    _lock_chain_head()
    head = _head()
    if head is None:
        head = _append(_genesis_fields())
    return _append(
        {
            "seq": head.seq + 1,
            "occurred_at": format_time(utcnow()),
            "actor_role": role,
            "actor_ref": ref,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": json.loads(canonical_json(data or {})),
            "prev_hash": head.entry_hash,
        }
    )


def _actor_identity(actor: Any, object_type: str, object_id: str) -> str:
    """What the pseudonym keys on. An entry about a round (the only kind a round's public bundle
    shows) gets a pseudonym of its own round: the same person has unrelated references in two
    rounds' bundles, and none of them appears in any other entry or page."""
    if object_type == "round":
        return f"round:{object_id}:user:{actor.id}"
    return f"user:{actor.id}"


def entries(after_seq: int = -1, limit: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def head() -> AuditEntry | None:
    """The newest entry (take `lock_head()` first if what you do depends on it staying so)."""
    return _head()


def lock_head() -> None:
    """Hold the chain head until this transaction ends (PostgreSQL; SQLite writers hold the
    database write lock from BEGIN IMMEDIATE)."""
    _lock_chain_head()


def origin() -> str | None:
    """This deployment's origin id: the genesis entry's object id (None before any entry)."""
    return db.session.scalar(select(AuditEntry.object_id).where(AuditEntry.seq == 0))


def _object_ref(obj: ObjectRef) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    # Flask-Login's current_user is a proxy: name the object it stands for, not the proxy
    unwrap = getattr(obj, "_get_current_object", None)
    real = unwrap() if unwrap is not None else obj
    return type(real).__name__.lower(), str(real.id)


def _lock_chain_head() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def _head() -> AuditEntry | None:
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def _genesis_fields() -> dict[str, Any]:
    return {
        "seq": 0,
        "occurred_at": format_time(utcnow()),
        "actor_role": "system",
        "actor_ref": "",
        "action": "log.genesis",
        "object_type": "deployment",
        "object_id": secrets.token_hex(16),  # this deployment's origin id
        "data": {"format": LOG_FORMAT},
        "prev_hash": GENESIS_PREV_HASH,
    }


def log_format() -> str:
    """The format this deployment's chain was started in (its genesis entry says)."""
    genesis = db.session.scalar(select(AuditEntry.data).where(AuditEntry.seq == 0))
    return log_format_of({"data": json.loads(genesis)}) if genesis else LOG_FORMAT


def _append(fields: dict[str, Any]) -> AuditEntry:
    chain_format = fields["data"]["format"] if fields["seq"] == 0 else log_format()
    entry = AuditEntry(
        seq=fields["seq"],
        occurred_at=datetime.strptime(fields["occurred_at"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        actor_role=fields["actor_role"],
        actor_ref=fields["actor_ref"],
        action=fields["action"],
        object_type=fields["object_type"],
        object_id=fields["object_id"],
        data=canonical_json(fields["data"]),
        prev_hash=fields["prev_hash"],
        entry_hash=entry_hash(fields, chain_format),
    )
    db.session.add(entry)
    db.session.flush()
    return entry
