"""A real local SMTP server (aiosmtpd) that keeps what it receives, for the e-mail tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller

from tests.live import free_port


class Sink:
    """Accepts every message; `delay` seconds per message make a slow server."""

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list[Any] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.delay:
            await asyncio.sleep(self.delay)
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
