"""A real local SMTP server (aiosmtpd) that keeps what it receives, for the e-mail tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller

from tests.live import free_port


class Sink:
    """Accepts every message, except to the addresses in `refuse` (550, for good); `delay`
    seconds per message make a slow server."""

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list[Any] = []
        self.delay = delay
        self.refuse: set[str] = set()
        # Once this many messages arrived, the next one hangs (after its DATA, before the
        # server's answer) until `release` is set: a client is caught mid-message.
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.envelopes) >= self.hold_after:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[Any]:
        """The parsed messages (`email.message.EmailMessage`), in the order received."""
        return [message_from_bytes(e.content, policy=policy.default) for e in list(self.envelopes)]


@contextmanager
def smtp_server(delay: float = 0.0) -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(delay), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
