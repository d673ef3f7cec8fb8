"""Shared fixtures: an application on a real, migrated database (SQLite and PostgreSQL).

Every database test runs twice, once per backend. The schema is built once per test process by
running the Alembic migrations; each test then starts from empty tables (a fresh copy of the
migrated SQLite file; every row deleted on PostgreSQL). The application is built once per test
process and backend and shared by the tests, which get its built settings back after each test.
Where PostgreSQL is unreachable its tests skip with the reason, except in CI (CI=true), where
they fail: CI must prove both backends.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb import create_app
from pb.extensions import db, limiter

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_PABULIB = (REPO_ROOT.parent / "shared" / "pabulib").resolve()
POSTGRES_URL = os.environ.get("PB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"

TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "AUDIT_PSEUDONYM_KEY": "test-audit-key",
    "CENSUS_HMAC_KEY": "test-census-key",
    "PASSWORD_HASHING": "cheapest-for-tests",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Counters of this process only (a test that turns limits on must not meet another run's
    # counters in instance/ratelimits.db, the default shared by a real server's workers).
    "RATELIMIT_STORAGE_URI": "memory://",
    # Pages rendered afresh (a test changes data and reads the page at once); the cache's own
    # tests turn it on (tests/public/test_page_cache.py).
    "PUBLIC_PAGE_CACHE_SECONDS": 0,
}


def unavailable(service: str, reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where every backend must be tested."""
    message = f"{service} unavailable ({reason})"
    if IN_CI:
        pytest.fail(f"{message}: CI must run these tests", pytrace=False)
    pytest.skip(message)


class IsolatedClient(FlaskClient):
    """Each request gets its own application context, as in production.

    The test itself holds an app context (to use services directly); without this, requests would
    reuse it and share `g` and the database session with the test and with each other.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides: Any) -> Flask:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = IsolatedClient
    return app


def migrate(database_url: str) -> None:
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


# ---------------------------------------------------------------------------------------------
# databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def _postgres_admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)


def worker_name(config: pytest.Config) -> str:
    """xdist's worker id ("gw0"...) when running under xdist, "main" otherwise, so the suite
    also runs with `pytest -p no:xdist` (xdist's own `worker_id` fixture would not exist)."""
    workerinput = getattr(config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "main"


@pytest.fixture(scope="session")
def postgres_url(pytestconfig: pytest.Config) -> Iterator[str | None]:
    """A database of this test process's own, migrated once; None when no server answers."""
    import psycopg

    try:
        admin = _postgres_admin_connection()
    except psycopg.OperationalError:
        yield None
        return
    # The process id keeps concurrent test runs on one server (several developers, xdist
    # workers) out of each other's databases.
    name = f"pb_test_{os.getpid()}_{worker_name(pytestconfig)}".replace("-", "_")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    migrate(url)
    yield url
    with _postgres_admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    """Delete every row (faster than TRUNCATE for small tables) with triggers and foreign-key
    checks off for this session only (session_replication_role), so order does not matter and
    the audit log's append-only trigger does not refuse the test's clean-up."""
    import psycopg

    tables = [table.name for table in db.metadata.sorted_tables]
    with psycopg.connect(url, autocommit=True) as connection:
        # A connection an earlier test leaked (a thread, a server) must not hold locks that
        # would make the clean-up wait forever: end every other session on this database.
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with connection.transaction():
            connection.execute("SET LOCAL lock_timeout = '20s'")
            connection.execute("SET LOCAL session_replication_role = replica")
            for table in tables:
                connection.execute(f'DELETE FROM "{table}"')


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one SQLite file this test process's tests use, refilled before each of them (a fixed
    path, so one shared application per process can stay bound to it)."""
    return tmp_path_factory.mktemp("sqlite") / "pb.db"


def _refill_sqlite(path: Path, template: Path) -> None:
    """A fresh copy of the migrated template at `path`. The copy is renamed into place, so a
    connection an earlier test leaked keeps the old file; the old file's WAL and shared-memory
    files go first, since SQLite would otherwise replay them into the new one."""
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    fresh = path.with_name(path.name + ".fresh")
    shutil.copyfile(template, fresh)
    os.replace(fresh, path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, sqlite_template: Path, sqlite_path: Path) -> str:
    if request.param == "sqlite":
        _refill_sqlite(sqlite_path, sqlite_template)
        return f"sqlite:///{sqlite_path}"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        unavailable("PostgreSQL", f"no server at {POSTGRES_URL}")
    _empty_postgres(url)
    return url


@pytest.fixture(scope="session")
def shared_apps() -> dict[str, Flask]:
    """One application per database URL for the whole test process, with the configuration it
    was built with (building one is ~0.1 s, paid by nearly every test otherwise)."""
    return {}


@pytest.fixture
def app(database_url: str, shared_apps: dict[str, Flask]) -> Iterator[Flask]:
    """The shared application of this backend, on an empty database, in its context. A test
    that needs other settings from the start uses `custom_app`; one that changes `app.config`
    gets the built configuration back afterwards, and nothing it kept in the app survives."""
    app = shared_apps.get(database_url)
    if app is None:
        app = shared_apps[database_url] = make_app(database_url)
        app.extensions[_BUILT_CONFIG] = dict(app.config)
    # Flask-Limiter has one `limiter` for the process, and each `init_app` sets whether it is
    # on: a `custom_app` with rate limits on would leave them on for this app's later tests.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        _forget_test_state(app)


_BUILT_CONFIG = "pb_tests_built_config"
# What the application keeps between requests for itself: the public page cache.
_PER_TEST_EXTENSIONS = ("pb_public_pages",)


def _forget_test_state(app: Flask) -> None:
    """Undo what a test may have left in the shared application: its settings and its caches."""
    app.config.clear()
    app.config.update(app.extensions[_BUILT_CONFIG])
    for name in _PER_TEST_EXTENSIONS:
        app.extensions.pop(name, None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def backend(app: Flask) -> str:
    return db.engine.dialect.name


@pytest.fixture
def bare_app() -> Iterator[Flask]:
    """An application for code that needs Flask's context (translations) but no database."""
    app = make_app("sqlite://")
    with app.test_request_context():
        yield app


class TimeMachine:
    """Moves the platform's clock (`pb.clock.now`) for every request in the test process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import pb.clock

        self._monkeypatch = monkeypatch
        self._module = pb.clock
        self.now = pb.clock.now()

    def travel(self, moment: Any) -> None:
        self.now = moment
        self._monkeypatch.setattr(self._module, "now", lambda: self.now)


@pytest.fixture
def time_machine(monkeypatch: pytest.MonkeyPatch) -> TimeMachine:
    return TimeMachine(monkeypatch)


@contextmanager
def custom_app(database_url: str, **overrides: Any) -> Iterator[Flask]:
    """An application with non-default settings (CSRF on, rate limits on...), in its context,
    whose connections are closed afterwards."""
    app = make_app(database_url, **overrides)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def mailer(database_url: str) -> Iterator[tuple[Flask, Any]]:
    """An app that sends its mail to a real local SMTP server, and that server's sink (the
    recovery and staff-invitation tests read the links it received)."""
    from tests.smtp import smtp_server

    with (
        smtp_server() as (sink, port),
        custom_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port) as app,
    ):
        yield app, sink
