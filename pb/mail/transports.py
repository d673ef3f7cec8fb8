"""Where delivered mail goes: a registry of transports, chosen by `outbox.transport_name()`.

A transport is opened once per batch (one SMTP connection for many messages) and sends one
`EmailMessage` at a time. `send` raises `Refused` when this message can never be delivered
(a 5xx answer: a bad address), and anything else (`OSError`, a 4xx answer) when a later
attempt may succeed.
"""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from typing import Any, Protocol


class Refused(Exception):
    """The mail server refused this message for good."""


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class _Smtp:
    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Refused(f"recipient refused ({codes[0]})") from error
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise Refused(f"refused ({error.smtp_code})") from error
            raise


@contextmanager
def smtp(config: dict[str, Any]) -> Iterator[Sender]:
    with smtplib.SMTP(
        config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]
    ) as connection:
        if config["SMTP_STARTTLS"]:
            connection.starttls()
        if config["SMTP_USERNAME"]:
            connection.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        yield _Smtp(connection)


CONSOLE_HEADERS = ("From", "To", "Subject", "Message-ID", "Date")


class _Console:
    """Development: the whole message on standard output (the `make run` terminal), not in the
    logs, since a message may hold a sign-in link that no log line may carry."""

    def send(self, message: EmailMessage) -> None:
        headers = "".join(f"{name}: {message[name]}\n" for name in CONSOLE_HEADERS)
        body = message.get_content()  # decoded: links stay whole and clickable
        sys.stdout.write(f"----- e-mail -----\n{headers}\n{body}\n------------------\n")
        sys.stdout.flush()


@contextmanager
def console(config: dict[str, Any]) -> Iterator[Sender]:
    yield _Console()


TRANSPORTS: dict[str, Callable[[dict[str, Any]], AbstractContextManager[Sender]]] = {
    "smtp": smtp,
    "console": console,
}
