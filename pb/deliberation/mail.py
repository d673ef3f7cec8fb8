"""E-mail copies of notifications, sent through SMTP only when SMTP_HOST is configured.

Messages are queued on the database session and sent after it commits, so a request that fails
(and rolls back its notifications) sends nothing. All of a commit's messages share one SMTP
connection. A mail server that is down is logged, never shown to the user as an error: the in-app
notification is the record; e-mail is a courtesy copy. Point SMTP_HOST at a local relay in
production so a slow remote server cannot slow requests down.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

OUTBOX = "pb_mail_outbox"


def enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def queue(session: Session, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # no line breaks: no header injection
    message.set_content(body)
    session.info.setdefault(OUTBOX, []).append(message)


def send_all(messages: list[EmailMessage]) -> int:
    """Send over one connection; returns how many were accepted."""
    config = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]
        ) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPRecipientsRefused:
                    current_app.logger.warning("mail refused for one recipient")
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("could not send %d e-mails: %s", len(messages) - sent, error)
    return sent


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX, None)
    if messages and has_app_context() and enabled():
        send_all(messages)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:  # type: ignore[no-untyped-def]
    if not session.in_transaction():  # the whole transaction, not a savepoint, was rolled back
        session.info.pop(OUTBOX, None)
