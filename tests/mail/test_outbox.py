"""The outbox: written with the change or not at all, delivered later with retries, a stable
Message-ID, delayed delivery, and a development page to read it. Real SMTP (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from prometheus_client import REGISTRY
from sqlalchemy import select

from pb.accounts.models import Role
from pb.db import utcnow
from pb.extensions import db
from pb.mail import delivery, outbox
from pb.mail.models import MailStatus, OutboxMessage
from tests import factories
from tests.conftest import TimeMachine, custom_app
from tests.live import free_port
from tests.smtp import Sink, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    with smtp_server() as server:
        yield server


def _queue(to: str = "resident@example.test", not_before: datetime | None = None) -> OutboxMessage:
    subject = "Your round\nBcc: evil@x"
    message = outbox.queue(db.session(), to, subject, "Hello.", not_before=not_before)
    db.session.commit()
    return message


def _counter(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def test_a_message_leaves_only_if_its_transaction_commits(database_url: str) -> None:
    with custom_app(database_url) as app:
        outbox.queue(db.session(), "gone@example.test", "Never", "Rolled back.")
        db.session.rollback()
        queued = _counter("pb_mail_queued_total")
        kept = _queue()
        assert _counter("pb_mail_queued_total") == queued + 1
        rows = list(db.session.scalars(select(OutboxMessage)))
        assert [(r.recipient, r.status) for r in rows] == [
            ("resident@example.test", MailStatus.PENDING)
        ]
        assert kept.subject == "Your round Bcc: evil@x"  # one line: no header injection
        assert kept.message_id.startswith("<") and kept.message_id.endswith("@localhost>")
        assert app.config["MAIL_TRANSPORT"] == "" and outbox.transport_name() == "console"


def test_retries_with_backoff_keep_the_message_id(
    database_url: str, smtp: tuple[Sink, int], time_machine: TimeMachine
) -> None:
    sink, port = smtp
    down = free_port()  # nothing listens there: the mail server is down
    with custom_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=down, SMTP_TIMEOUT=2) as app:
        message = _queue()
        start = message.not_before
        time_machine.travel(start)
        assert delivery.deliver_due() == delivery.Report(retried=1)
        db.session.refresh(message)
        assert (message.status, message.attempts) == (MailStatus.PENDING, 1)
        assert message.not_before == start + timedelta(seconds=30)
        assert message.last_error == "ConnectionRefusedError"
        time_machine.travel(start + timedelta(seconds=29))
        assert delivery.deliver_due().handled == 0  # not yet due
        time_machine.travel(start + timedelta(seconds=31))
        delivery.deliver_due()
        db.session.refresh(message)
        assert message.not_before == start + timedelta(seconds=31 + 60)  # the wait doubles
        app.config["SMTP_PORT"] = port  # the server is back
        time_machine.travel(start + timedelta(seconds=200))
        assert delivery.deliver_due() == delivery.Report(sent=1)
        db.session.refresh(message)
        assert (message.status, message.attempts) == (MailStatus.SENT, 3)
        [received] = sink.messages
        assert received["Message-ID"] == message.message_id
        assert received["Subject"] == "Your round Bcc: evil@x" and received["Bcc"] is None
        assert received.get_content().strip() == "Hello."


def test_a_refusal_or_the_last_attempt_gives_up(
    database_url: str, smtp: tuple[Sink, int], time_machine: TimeMachine
) -> None:
    sink, port = smtp
    sink.refuse.add("nobody@example.test")
    overrides = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "MAIL_MAX_ATTEMPTS": 2}
    overrides["METRICS_TOKEN"] = "t0ken"
    with custom_app(database_url, **overrides) as app:
        refused, fine = _queue("nobody@example.test"), _queue("someone@example.test")
        assert delivery.deliver_due() == delivery.Report(sent=1, failed=1)
        db.session.refresh(refused)
        assert (refused.status, refused.last_error) == (
            MailStatus.FAILED,
            "recipient refused (550)",
        )
        assert [m["To"] for m in sink.messages] == [fine.recipient]
        app.config["SMTP_PORT"] = free_port()  # down: two attempts, then it gives up
        late = _queue()
        time_machine.travel(late.not_before)
        delivery.deliver_due()
        time_machine.travel(late.not_before + timedelta(hours=1))
        assert delivery.deliver_due() == delivery.Report(failed=1)
        db.session.refresh(late)
        assert (late.status, late.attempts) == (MailStatus.FAILED, 2)
        scrape = app.test_client().get("/metrics", headers={"Authorization": "Bearer t0ken"})
        text = scrape.get_data(as_text=True)
        assert 'pb_mail_outbox_messages{status="failed"} 2.0' in text
        assert 'pb_mail_outbox_messages{status="sent"} 1.0' in text


def test_a_delayed_message_waits_for_its_time(
    database_url: str, smtp: tuple[Sink, int], time_machine: TimeMachine
) -> None:
    sink, port = smtp
    with custom_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port):
        invitation = _queue(not_before=utcnow() + timedelta(days=3))
        now = _queue()
        assert delivery.deliver_due() == delivery.Report(sent=1)
        assert [m["Message-ID"] for m in sink.messages] == [now.message_id]
        time_machine.travel(invitation.not_before + timedelta(seconds=1))
        assert delivery.deliver_due() == delivery.Report(sent=1)
        assert sink.messages[-1]["Message-ID"] == invitation.message_id
        # delivered mail is deleted after MAIL_KEEP_SENT_DAYS (it may hold a one-use link)
        assert delivery.purge_sent(invitation.not_before + timedelta(days=6)) == 1
        assert delivery.purge_sent(invitation.not_before + timedelta(days=8)) == 1
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_the_development_outbox_page(app: Flask) -> None:
    _queue("reader@example.test")
    client = app.test_client()
    factories.login(client, factories.user(Role.ADMIN))
    page = client.get("/dev/mail").get_data(as_text=True)
    assert "reader@example.test" in page and "Hello." in page
    other = app.test_client()
    factories.login(other, factories.user(Role.CITIZEN, home=factories.ward()))
    assert other.get("/dev/mail").status_code == 403
    app.config["ENV_PRODUCTION"] = True
    assert client.get("/dev/mail").status_code == 404


def test_in_development_mail_is_printed_whole(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    link = "https://pb.test/verify?token=" + "a1=" * 30  # long, with '=': no quoted-printable
    outbox.queue(db.session(), "new@example.test", "Confirm your address", f"Open {link}")
    db.session.commit()
    assert delivery.deliver_due() == delivery.Report(sent=1)
    printed = capsys.readouterr().out
    assert link in printed and "Subject: Confirm your address" in printed
