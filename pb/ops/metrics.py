"""Prometheus metrics, correct under several gunicorn workers.

prometheus_client's multiprocess mode is used whenever `PROMETHEUS_MULTIPROC_DIR` is set (the
gunicorn configuration in deploy/ sets it before the workers fork): each worker writes its
samples to files there, and a scrape adds up every worker's files, including those of workers
that have exited since. Without it (the test client, a one-process server) the process's own
registry is served.

Counts that depend on a transaction (a ballot cast, an e-mail queued) are only added once the
transaction commits: a rolled-back request counts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    Metric,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "pb_request_duration_seconds",
    "Time to answer a request, by endpoint (the route's name, never its URL), method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
BALLOTS_CAST = Counter(
    "pb_ballots_cast", "Ballots committed: first ballots and replacements.", ["kind"]
)
MAIL_QUEUED = Counter("pb_mail_queued", "E-mails written to the outbox (committed).")
# Read from the database at each scrape (the state of the outbox: how many messages wait, were
# sent or failed), so they are right whichever process or machine delivers the mail.
AT_SCRAPE: dict[str, Callable[[], Iterable[Metric]]] = {}

_PENDING = "pb_metrics_pending"


def count_on_commit(session: Session, counter: Counter, amount: int = 1, **labels: str) -> None:
    """Add `amount` to `counter` when (and only if) `session`'s transaction commits."""
    session.info.setdefault(_PENDING, []).append((counter, labels, amount))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, labels, amount in session.info.pop(_PENDING, ()):
        (counter.labels(**labels) if labels else counter).inc(amount)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: Any) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint, was rolled back
        session.info.pop(_PENDING, None)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint=endpoint, method=method, status=str(status)).observe(seconds)


def collect_at_scrape(name: str, collect: Callable[[], Iterable[Metric]]) -> None:
    """Add metrics computed when scraped (e.g. from the database); one entry per name."""
    AT_SCRAPE[name] = collect


class _AtScrape:
    def collect(self) -> Iterator[Metric]:
        for collect in AT_SCRAPE.values():
            yield from collect()


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape reads: every worker's samples, added up, and the metrics
    computed now."""
    if os.environ.get(MULTIPROCESS_DIR):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    now = CollectorRegistry()
    now.register(_AtScrape())
    return body + generate_latest(now), CONTENT_TYPE_LATEST
