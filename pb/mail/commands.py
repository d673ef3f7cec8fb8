"""`flask --app wsgi pb outbox [--loop]`: the delivery worker.

Once: deliver what is due now and exit (cron-style). With `--loop`: a long-running worker that
checks every `--interval` seconds, deletes delivered mail past its retention once an hour, and
stops cleanly on SIGTERM or Ctrl-C after the batch in hand (systemd, compose and `make run`
all run it this way).
"""

from __future__ import annotations

import signal
import threading
import time

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from pb.errors import DomainError
from pb.extensions import db
from pb.mail import delivery
from pb.ops import logconfig

PURGE_EVERY_SECONDS = 3600


@click.command("outbox")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM, Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=2.0,
    show_default=True,
    help="Seconds between looks at the outbox when nothing was due.",
)
def outbox(loop: bool, interval: float) -> None:
    """Deliver the e-mail outbox: once, or with --loop as a worker."""
    try:
        if not loop:
            report = delivery.deliver_due()
            click.echo(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}")
            return
        logconfig.configure()
        _run_worker(interval)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    finally:
        db.session.remove()


def _run_worker(interval: float) -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    current_app.logger.info("outbox worker started")
    next_purge = 0.0
    while not stop.is_set():
        handled = 0
        try:
            handled = delivery.deliver_due().handled
            if time.monotonic() >= next_purge:
                delivery.purge_sent()
                next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        except SQLAlchemyError as error:  # the database restarts: wait and try again
            db.session.rollback()
            current_app.logger.warning("outbox worker: database error %s", type(error).__name__)
        finally:
            db.session.remove()
        if not handled:
            stop.wait(interval)
    current_app.logger.info("outbox worker stopped")
