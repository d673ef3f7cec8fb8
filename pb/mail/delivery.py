"""Delivering the outbox: claim what is due, send it, record the outcome. At least once.

A worker claims a batch in a short transaction of its own (a lease: `claimed_until`, and one
more attempt counted), then sends each message and commits its outcome at once. If the worker
dies mid-batch, the messages it had not yet marked as sent are claimed again when the lease
expires: nothing is lost, and the one in flight may arrive twice, under the same Message-ID.
On PostgreSQL several workers share the outbox (`FOR UPDATE SKIP LOCKED`); on SQLite the claim
takes the write lock, so they take turns.

A failure that may pass (the server is down, a 4xx answer) is retried with exponential backoff;
a refusal (a 5xx answer) or the last allowed attempt marks the message failed, for an operator.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import delete, or_, select

from pb import clock
from pb.db import is_sqlite, writing
from pb.errors import Conflict
from pb.extensions import db
from pb.mail import outbox
from pb.mail.models import MailStatus, OutboxMessage
from pb.mail.transports import TRANSPORTS, Refused

RETRYABLE = (OSError, smtplib.SMTPException)


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: doubling from MAIL_RETRY_SECONDS, capped at an hour."""
    base = current_app.config["MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def deliver_due(now: datetime | None = None) -> Report:
    """Deliver one batch of due messages; commits as it goes (call it with no work pending)."""
    name = outbox.transport_name()
    if name not in TRANSPORTS:
        raise Conflict(f"no mail transport {name!r}: set SMTP_HOST or MAIL_TRANSPORT=console")
    db.session.commit()
    claimed = claim(now or clock.now())
    report = Report()
    if not claimed:
        return report
    remaining = list(claimed)
    try:
        with TRANSPORTS[name](current_app.config) as sender:
            while remaining:
                message = db.session.get_one(OutboxMessage, remaining[0])
                try:
                    sender.send(as_email(message))
                except Refused as error:
                    _fail(message, str(error), report)
                except RETRYABLE as error:
                    _retry(message, error, report)
                else:
                    _sent(message, report)
                db.session.commit()
                remaining.pop(0)
    except RETRYABLE as error:  # no connection at all, or it broke between two messages
        db.session.rollback()
        for message_id in remaining:
            _retry(db.session.get_one(OutboxMessage, message_id), error, report)
        db.session.commit()
    return report


def claim(now: datetime) -> list[int]:
    """Lease up to MAIL_BATCH_SIZE due messages to this worker; returns their ids.

    A plain read first: an idle worker looks every few seconds, and on SQLite a claim takes the
    write lock, which voters' ballots wait for; it is only taken when something is due.
    """
    config = current_app.config
    due = (
        OutboxMessage.status == MailStatus.PENDING,
        OutboxMessage.not_before <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )
    anything_due = db.session.scalar(select(OutboxMessage.id).where(*due).limit(1)) is not None
    db.session.commit()  # end the read: the claim below begins its own (writing) transaction
    if not anything_due:
        return []
    query = (
        select(OutboxMessage)
        .where(*due)
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(config["MAIL_BATCH_SIZE"])
    )
    with writing():
        if not is_sqlite():
            query = query.with_for_update(skip_locked=True)
        rows = list(db.session.scalars(query))
        for row in rows:
            row.claimed_until = now + timedelta(seconds=config["MAIL_LEASE_SECONDS"])
            row.attempts += 1
        ids = [row.id for row in rows]
        db.session.commit()
    return ids


def as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a robot
    email.set_content(message.body)
    return email


def purge_sent(now: datetime | None = None) -> int:
    """Delete delivered messages older than MAIL_KEEP_SENT_DAYS (they may hold one-use links)."""
    cutoff = (now or clock.now()) - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    with writing():
        removed = db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status == MailStatus.SENT, OutboxMessage.sent_at < cutoff
            )
        ).rowcount
        db.session.commit()
    return removed or 0


def _sent(message: OutboxMessage, report: Report) -> None:
    message.status = MailStatus.SENT
    message.sent_at = clock.now()
    message.claimed_until = None
    message.last_error = ""
    report.sent += 1


def _retry(message: OutboxMessage, error: BaseException, report: Report) -> None:
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _fail(message, _describe(error), report)
        return
    message.not_before = clock.now() + backoff(message.attempts)
    message.claimed_until = None
    message.last_error = _describe(error)
    report.retried += 1
    current_app.logger.warning(
        "mail %s: attempt %d failed, retry later", message.id, message.attempts
    )


def _fail(message: OutboxMessage, reason: str, report: Report) -> None:
    message.status = MailStatus.FAILED
    message.claimed_until = None
    message.last_error = reason[:500]
    report.failed += 1
    current_app.logger.error("mail %s: given up after %d attempts", message.id, message.attempts)


def _describe(error: BaseException) -> str:
    """What went wrong, without the message or the address (they stay out of logs)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    return type(error).__name__
