"""The demo's e-mail: the notifications its history produced count as delivered long ago (they
are listed at /dev/mail rather than printed all at once when `make run` starts), and two new
messages show delivery: one leaves at once, one waits a day (a delayed message)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from pb.extensions import db
from pb.mail import outbox
from pb.mail.models import MailStatus, OutboxMessage

WELCOME = (
    "This is the demo's outbox at work: every e-mail the platform writes (notifications, and "
    "sign-in links) is delivered by a worker. In development it is printed where `make run` "
    "runs and listed at /dev/mail."
)


def populate(now: datetime) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.PENDING)
        .values(status=MailStatus.SENT, sent_at=now, attempts=1)
    )
    session = db.session()
    outbox.queue(session, "admin@demo.test", "Ward budgets: the demo is running", WELCOME)
    outbox.queue(
        session,
        "citizen@demo.test",
        "Ward budgets: voting in Riverside Community Fund 2027 closes soon",
        "A reminder written by the demo, delivered a day after it was loaded.",
        not_before=now + timedelta(days=1),
    )
