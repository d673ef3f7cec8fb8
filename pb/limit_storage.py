"""Rate-limit counters in a SQLite file, shared by every gunicorn worker on one host.

The `limits` library (under Flask-Limiter) keeps counters in memory (one set per process, so three
workers allow three times the configured number), Redis, Memcached, MongoDB or etcd: all but the
first are servers the embedded demo does not have. This small storage (registered for
`sqlite:///PATH` URIs, SQLAlchemy's spelling) is the default: every worker on the machine counts in
one file, so the configured numbers hold without a server. Sites on several hosts use `redis://`.

It supports the fixed-window strategy (Flask-Limiter's default), which is all pb/limits.py uses.
Counters are not precious: the file runs without fsync, and losing it only resets the windows.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
)
"""
# Expired rows of other keys are deleted on every this-many-th increment, so the file stays small.
PURGE_EVERY = 500
# How long a connection waits for another's lock before the request fails.
BUSY_SECONDS = 30


def _in_wal_mode(connection: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting as for any lock. While workers open a new file together
    (one switching it, others reading its header), SQLite answers "database is locked" at once
    here, without its busy timeout: a sign-in then failed with a 500 (2 workers x 8 threads)."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class SQLiteStorage(Storage):
    """Fixed-window counters: one row per key, with the end of its window."""

    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012 (the library's own class attribute)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = Path(uri.removeprefix("sqlite:///"))
        self._local = threading.local()
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and per process: a connection must not cross a fork
        (gunicorn's --preload creates the app, and so this storage, before forking workers)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            _in_wal_mode(connection)
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        # One statement, so two workers incrementing at once cannot both read the old value.
        (count,) = connection.execute(
            "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  count = CASE WHEN expires_at <= ? THEN excluded.count ELSE count + excluded.count"
            "  END,"
            "  expires_at = CASE WHEN expires_at <= ? THEN excluded.expires_at ELSE expires_at END"
            " RETURNING count",
            (key, amount, now + expiry, now, now),
        ).fetchone()
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(count)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
