"""The outbox table: one row per e-mail, kept until delivered (and a few days after)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its not_before time, a worker, or a retry
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # refused for good, or out of attempts: an operator looks at it


class OutboxMessage(db.Model):
    """An e-mail waiting for (or done with) delivery.

    `message_id` is fixed when the mail is queued, so a retry after a crash repeats the same
    Message-ID and the recipient's mail system can drop the duplicate (delivery is at least
    once). `claimed_until` is a worker's lease: a worker that dies mid-batch leaves its claims to
    expire, and the next worker takes them over.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_mail_outbox_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status"), default=MailStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Not delivered before this moment: a delayed message, or the next retry after a failure.
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
