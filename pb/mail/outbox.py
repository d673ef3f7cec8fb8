"""Queueing e-mail: a row in the outbox, in the caller's transaction.

`queue(session, to, subject, body)` keeps the shape of the old `pb.deliberation.mail.queue`, so
callers switch by import. The message is only delivered if the transaction commits; delivery
itself (`pb.mail.delivery`) happens later, in a worker, with retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from email.utils import make_msgid, parseaddr

from flask import current_app
from prometheus_client import Metric
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb import clock
from pb.extensions import db
from pb.mail.models import MailStatus, OutboxMessage
from pb.ops import metrics

SUBJECT_LIMIT = 500


def transport_name() -> str:
    """How the outbox is delivered: "smtp", "console" (development), or "" (nowhere).

    MAIL_TRANSPORT chooses; left empty, SMTP when SMTP_HOST is set, otherwise the console
    outside production (and the outbox page at /dev/mail), and nowhere in production.
    """
    config = current_app.config
    if config["MAIL_TRANSPORT"]:
        return str(config["MAIL_TRANSPORT"])
    if config["SMTP_HOST"]:
        return "smtp"
    return "" if config["ENV_PRODUCTION"] else "console"


def enabled() -> bool:
    """Whether courtesy copies (notification e-mails) are worth queueing at all."""
    return bool(transport_name())


def queue(
    session: Session, to: str, subject: str, body: str, *, not_before: datetime | None = None
) -> OutboxMessage:
    """Write one e-mail to the outbox; it leaves when the transaction commits (and, with
    `not_before`, no earlier than that moment: e.g. an invitation sent days after a vote)."""
    message = OutboxMessage(
        message_id=make_msgid(domain=_sender_domain()),
        recipient=" ".join(to.split()),
        subject=" ".join(subject.split())[:SUBJECT_LIMIT],  # one line: no header injection
        body=body,
        not_before=not_before or clock.now(),
    )
    session.add(message)
    session.flush()
    metrics.count_on_commit(session, metrics.MAIL_QUEUED)
    return message


def _sender_domain() -> str:
    """The right-hand side of Message-IDs: the sender's domain (so ids are globally unique)."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "localhost"


def gauges() -> Iterator[Metric]:
    """The outbox's state for Prometheus: messages by status, and how late the oldest due one
    is (a growing figure means no worker is delivering)."""
    by_status = GaugeMetricFamily(
        "pb_mail_outbox_messages", "E-mails in the outbox, by delivery status.", labels=["status"]
    )
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    for status in MailStatus:
        by_status.add_metric([status.value], counts.get(status, 0))
    yield by_status
    now = clock.now()
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == MailStatus.PENDING, OutboxMessage.not_before <= now
        )
    )
    late = (now - oldest).total_seconds() if oldest else 0.0
    yield GaugeMetricFamily(
        "pb_mail_outbox_oldest_due_seconds", "How long the oldest due e-mail has waited.", late
    )
