"""The delivery worker as a real process: killed mid-batch, nothing is lost.

The SMTP server holds the worker in the middle of its second batch (one message sent, the server
has not answered yet), the worker is killed with SIGKILL, and a new worker takes over once the
dead one's lease expires. Every message arrives, at least once, and a repeated one carries the
same Message-ID, so a mail system can drop the copy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from pb.extensions import db
from pb.mail import outbox
from pb.mail.models import MailStatus, OutboxMessage
from tests.live import REPO_ROOT
from tests.smtp import smtp_server

MESSAGES = 12
BATCH = 5


@contextmanager
def worker(database_url: str, smtp_port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-secret",
        "AUDIT_PSEUDONYM_KEY": "test-audit-key",
        "CENSUS_HMAC_KEY": "test-census-key",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "MAIL_BATCH_SIZE": str(BATCH),
        "MAIL_LEASE_SECONDS": "2",
        "PYTHONWARNINGS": "ignore",
    }
    flask = str(Path(sys.executable).with_name("flask"))
    command = [flask, "--app", "wsgi", "pb", "outbox", "--loop", "--interval", "0.2"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=20)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def rows() -> list[OutboxMessage]:
    db.session.rollback()  # a fresh snapshot: see what the worker committed
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_worker_killed_mid_batch_loses_nothing(app: Flask, database_url: str) -> None:
    queued = [
        outbox.queue(db.session(), f"r{n}@example.test", f"Message {n}", "Body.")
        for n in range(MESSAGES)
    ]
    ids = {m.message_id for m in queued}
    db.session.commit()
    with smtp_server() as (sink, port):
        sink.hold_after = BATCH + 1  # the 7th message hangs: the second batch is mid-way
        with worker(database_url, port) as first:
            wait_for(sink.holding.is_set, "the worker to reach the held message")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=20)
        at_kill = Counter(row.status for row in rows())
        assert at_kill[MailStatus.SENT] == BATCH + 1  # the first batch and one more
        assert at_kill[MailStatus.PENDING] == MESSAGES - BATCH - 1
        sink.release.set()  # the held message now arrives too: sent, but never marked as sent
        with worker(database_url, port) as second:
            wait_for(lambda: all(r.status is MailStatus.SENT for r in rows()), "every message")
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0  # a clean stop after the batch in hand
        received = Counter(message["Message-ID"] for message in sink.messages)
    assert set(received) == ids  # nothing lost
    repeated = [mid for mid, count in received.items() if count > 1]
    assert len(repeated) <= 1 and sum(received.values()) == MESSAGES + len(repeated)
    assert all(r.attempts in (1, 2) for r in rows())
