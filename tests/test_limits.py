"""Rate limits (pb/limits.py): the attacker is throttled, not the owner; limits hold across
workers with the default storage; every limit comes from the environment; proxies are trusted
only as configured."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb import limits
from pb.accounts.models import Role
from pb.config import Settings
from pb.limit_storage import SQLiteStorage
from tests import factories
from tests.conftest import custom_app, make_app
from tests.live import Browserless, gunicorn

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _attempt(client: FlaskClient, email: str, password: str = "wrong guess") -> int:
    return client.post("/login", data={"email": email, "password": password}).status_code


def test_failures_lock_out_the_guesser_not_the_owner(database_url: str) -> None:
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute"}
    with custom_app(database_url, **settings) as app:
        owner = factories.user(Role.CITIZEN, home=factories.ward())
        attacker = _client(app, ATTACKER)
        statuses = [_attempt(attacker, owner.email) for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        # the guesser's address is throttled on this account, even with the right password...
        assert _attempt(attacker, owner.email, factories.PASSWORD) == 429
        # ...the owner, anywhere else, signs in at once
        assert _attempt(_client(app, OWNER), owner.email, factories.PASSWORD) == 302


def test_failures_from_one_address_across_accounts_are_limited(database_url: str) -> None:
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_CLIENT_RATE_LIMIT": "4 per minute"}
    with custom_app(database_url, **settings) as app:
        sprayer = _client(app, ATTACKER)
        statuses = [_attempt(sprayer, f"person{n}@example.test") for n in range(5)]
        assert statuses == [422, 422, 422, 422, 429]
        person = factories.user(Role.CITIZEN, home=factories.ward())
        assert _attempt(_client(app, OWNER), person.email, factories.PASSWORD) == 302


def test_successful_sign_ins_do_not_count(database_url: str) -> None:
    """Many residents behind one address (a library) are not throttled for signing in."""
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_CLIENT_RATE_LIMIT": "2 per minute"}
    with custom_app(database_url, **settings) as app:
        ward = factories.ward()
        people = [factories.user(Role.CITIZEN, home=ward) for _ in range(4)]
        statuses = [_attempt(_client(app, OWNER), p.email, factories.PASSWORD) for p in people]
        assert statuses == [302] * 4


def test_every_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for entry in limits.LIMITS.values():
        monkeypatch.setenv(entry.setting, "7 per hour")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    settings = Settings.from_environment(
        {"SECRET_KEY": "x", "AUDIT_PSEUDONYM_KEY": "y", "CENSUS_HMAC_KEY": "z"}
    )
    assert {getattr(settings, e.setting) for e in limits.LIMITS.values()} == {"7 per hour"}
    assert settings.RATELIMIT_STORAGE_URI == "memory://"
    assert settings.TRUSTED_PROXY_HOPS == 2


def test_every_limit_has_its_setting() -> None:
    fields = Settings.__dataclass_fields__
    assert all(entry.setting in fields for entry in limits.LIMITS.values())
    # and every *_RATE_LIMIT setting is a named limit someone applies
    named = {entry.setting for entry in limits.LIMITS.values()}
    assert {name for name in fields if name.endswith("_RATE_LIMIT")} == named


def test_a_mistyped_limit_stops_the_start() -> None:
    with pytest.raises(RuntimeError, match="LOGIN_CLIENT_RATE_LIMIT"):
        make_app("sqlite://", LOGIN_CLIENT_RATE_LIMIT="sixty a minute")


def test_the_default_storage_is_shared_by_every_worker_on_the_host() -> None:
    """memory:// counts per gunicorn worker (three workers, three times the limit)."""
    assert Settings().RATELIMIT_STORAGE_URI.startswith("sqlite:///")
    assert Settings().RATELIMIT_STORAGE_URI.endswith("instance/ratelimits.db")


def test_sqlite_counters_are_shared_between_connections(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'counters.db'}"
    one, two = SQLiteStorage(uri), SQLiteStorage(uri)  # as two worker processes would
    assert [one.incr("k", 60), two.incr("k", 60), one.incr("k", 60)] == [1, 2, 3]
    assert two.get("k") == 3 and two.get("other") == 0
    assert two.get_expiry("k") > 0
    one.clear("k")
    assert two.get("k") == 0
    assert one.incr("short", 0) == 1  # an expired window starts again from the amount
    assert two.incr("short", 0) == 1
    assert one.check() and one.reset() is not None


def _count_in_a_worker(uris: list[str], barrier, failures) -> None:  # type: ignore[no-untyped-def]
    """One forked worker: for each new file, wait for the others, then eight threads count."""
    errors: list[str] = []
    for uri in uris:
        barrier.wait(timeout=60)  # every worker opens this file at the same moment
        storage = SQLiteStorage(uri)

        def count() -> None:
            try:
                for key in "abcde":
                    storage.incr(key, 60)  # noqa: B023 (run before the loop moves on)
            except sqlite3.Error as error:
                errors.append(repr(error))

        threads = [threading.Thread(target=count) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    failures.put(errors)


def test_workers_opening_a_new_counter_file_together_all_count(tmp_path: Path) -> None:
    # Four forked workers of eight threads open each new file at once, as gunicorn's do on a
    # fresh host: switching a new file to WAL answered "database is locked" at once to some of
    # them (a sign-in failed with a 500), in a few of every hundred files before the fix. The
    # workers are forked once and meet at a barrier before each of the hundred files (forking
    # the test process for every file took most of this test's 43 s).
    context = multiprocessing.get_context("fork")
    uris = [f"sqlite:///{tmp_path / f'counters{attempt}.db'}" for attempt in range(100)]
    barrier, failures = context.Barrier(4), context.Queue()
    workers = [
        context.Process(target=_count_in_a_worker, args=(uris, barrier, failures)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    errors = [error for _worker in workers for error in failures.get(timeout=120)]
    for worker in workers:
        worker.join()
    assert errors == []
    for uri in uris:
        assert [SQLiteStorage(uri).get(key) for key in "abcde"] == [32] * 5


def test_forwarded_addresses_are_ignored_by_default(database_url: str) -> None:
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_CLIENT_RATE_LIMIT": "2 per minute"}
    with custom_app(database_url, **settings) as app:
        client = _client(app, ATTACKER)
        statuses = [
            client.post(
                "/login",
                data={"email": "a@example.test", "password": "x"},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},  # a fresh "address" every time
            ).status_code
            for n in range(3)
        ]
        assert statuses == [422, 422, 429]


def test_a_trusted_proxy_hop_gives_each_resident_their_own_address(database_url: str) -> None:
    settings = {
        "RATELIMIT_ENABLED": True,
        "LOGIN_CLIENT_RATE_LIMIT": "2 per minute",
        "TRUSTED_PROXY_HOPS": 1,
    }
    with custom_app(database_url, **settings) as app:
        proxy = _client(app, "127.0.0.1")

        def via_proxy(resident: str) -> int:
            return proxy.post(
                "/login",
                data={"email": "a@example.test", "password": "x"},
                # what a client wrote, then what the proxy appended: only the last is trusted
                headers={"X-Forwarded-For": f"10.9.9.9, {resident}"},
            ).status_code

        assert [via_proxy(ATTACKER) for _ in range(3)] == [422, 422, 429]
        assert via_proxy(OWNER) == 422  # another resident behind the same proxy is not throttled


def test_hit_and_exceeded_count_events_a_view_decides(database_url: str) -> None:
    with (
        custom_app(
            database_url, RATELIMIT_ENABLED=True, PASSWORD_CHANGE_RATE_LIMIT="2 per hour"
        ) as app,
        app.test_request_context(),
    ):
        assert not limits.exceeded("password_change", "someone")
        assert [limits.hit("password_change", "someone") for _ in range(3)] == [True, True, False]
        assert limits.exceeded("password_change", "someone")
        assert not limits.exceeded("password_change", "someone else")


def test_three_gunicorn_workers_enforce_the_configured_number(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """The default storage kind, a SQLite file, under the real server `make run` starts: three
    worker processes, and the fourth failure is refused whichever worker takes it."""
    path = tmp_path / "pb.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with custom_app(url):
        email = factories.user(Role.CITIZEN, home=factories.ward()).email
    limit = {"LOGIN_ACCOUNT_RATE_LIMIT": "4 per minute"}  # from the environment, as in production
    with gunicorn(url, workers=3, threads=2, extra_env=limit) as base:
        statuses = []
        for _ in range(6):
            browser = Browserless(base)  # a new connection each time: any worker may answer
            token = browser.csrf_token("/login")
            status, _ = browser.post(
                "/login", {"csrf_token": token, "email": email, "password": "wrong"}
            )
            statuses.append(status)
    assert statuses == [422, 422, 422, 422, 429, 429]


def test_guessing_the_current_password_is_limited(database_url: str) -> None:
    """A stolen session cannot try passwords on the change form without end."""
    with custom_app(
        database_url, RATELIMIT_ENABLED=True, PASSWORD_CHANGE_RATE_LIMIT="2 per minute"
    ) as app:
        person = factories.user(Role.CITIZEN, home=factories.ward())
        client = _client(app, ATTACKER)
        factories.login(client, person)
        guess = {"current": "a wrong guess", "password": "x" * 12, "confirm": "x" * 12}
        statuses = [client.post("/account/password", data=guess).status_code for _ in range(3)]
        assert statuses == [422, 422, 429]
