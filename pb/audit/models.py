"""The append-only audit log: one row per state change, chained by hashes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pb.audit.chain import format_time
from pb.audit.signing import CHECKPOINT_FORMAT
from pb.db import UTCDateTime
from pb.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_ref: Mapped[str] = mapped_column(String(64))  # keyed pseudonym, never a user id
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    def hashed_fields(self) -> dict[str, Any]:
        """The entry as the chain hashes it (and as the JSON Lines export writes it)."""
        return {
            "seq": self.seq,
            "occurred_at": format_time(self.occurred_at),
            "actor_role": self.actor_role,
            "actor_ref": self.actor_ref,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data": json.loads(self.data),
            "prev_hash": self.prev_hash,
        }


class Checkpoint(db.Model):
    """A signed head of the audit chain (see pb.audit.signing). Append-only, like the log."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    origin: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))

    def published(self) -> dict[str, Any]:
        """The checkpoint as the public JSON and the export bundle carry it."""
        return {
            "format": CHECKPOINT_FORMAT,
            "origin": self.origin,
            "seq": self.seq,
            "hash": self.entry_hash,
            "signed_at": format_time(self.signed_at),
            "public_key": self.public_key,
            "signature": self.signature,
        }
