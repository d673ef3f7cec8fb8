"""Scale-out on the engines we already run: two gunicorn instances (two app servers) on one
PostgreSQL database and one Redis. Voters cast through both at once, some of them through both
at the same moment; the audit log stays one unbroken chain, nobody has two ballots, and a rate
limit counts the attempts made through either instance together."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.audit import integrity
from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.conftest import REDIS_URL, unavailable
from tests.live import Browserless, gunicorn, post_with_cookie

VOTERS = 8
STRANGERS = 6  # failed sign-ins of unknown addresses, each one an audit entry
ACCOUNT_LIMIT = 3  # failed sign-ins per account (and client address) in the test's window
pytestmark = pytest.mark.redis


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", f"{REDIS_URL}: {error}")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_app_servers_on_one_postgresql_and_one_redis(app: Flask, database_url: str) -> None:
    _redis_or_skip()
    setup = factories.round_in_phase(Phase.VOTING, voters=VOTERS, costs=[10_000] * 3)
    target = factories.user(email=f"{uuid.uuid4().hex}@example.test", home=setup.ward)
    db.session.commit()
    emails, target_email = [v.email for v in setup.voters], target.email
    projects = [project.id for project in setup.projects]  # threads have no app context
    cast = f"/rounds/{setup.round.id}/ballot/cast"
    shared = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"pb-scale-{uuid.uuid4().hex}",  # this run's counters only
        "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per 15 minutes",
    }
    with ExitStack() as servers:
        bases = [
            servers.enter_context(
                gunicorn(database_url, workers=2, threads=4, extra_env=shared, start_timeout=120)
            )
            for _ in range(2)
        ]

        def vote_through_both(number: int) -> list[int]:
            """Sign in on one server, then cast through both at the same moment."""
            browser = Browserless(bases[number % 2])
            browser.login(emails[number], factories.PASSWORD)
            form = {"csrf_token": browser.csrf_token(cast.removesuffix("/cast"))}
            form[f"project-{projects[number % 3]}"] = "1"
            cookie = browser.cookie_header()
            with ThreadPoolExecutor(2) as pair:
                both = [pair.submit(post_with_cookie, b, cast, cookie, form) for b in bases]
                return sorted(future.result() for future in both)

        with ThreadPoolExecutor(VOTERS + STRANGERS) as pool:
            # failed sign-ins append to the audit log through both servers meanwhile
            strangers = [
                pool.submit(_wrong_password, bases[n % 2], f"stranger{n}@example.test")
                for n in range(STRANGERS)
            ]
            outcomes = list(pool.map(vote_through_both, range(VOTERS)))
            assert [job.result() for job in strangers] == [422] * STRANGERS
        failed = [_wrong_password(bases[n % 2], target_email) for n in range(ACCOUNT_LIMIT + 2)]

    assert outcomes == [[302, 409]] * VOTERS  # one ballot each; the second was refused
    db.session.rollback()  # see the servers' writes
    in_round = Ballot.round_id == setup.round.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(in_round)) == (
        VOTERS
    )
    participations = db.session.scalars(
        sa.select(Participation.voter_key).where(Participation.round_id == setup.round.id)
    )
    assert max(Counter(participations).values()) == 1 and len(set(participations)) <= VOTERS
    # the limit held across servers: each saw at most 3 attempts, yet the 4th was refused
    assert failed == [422] * ACCOUNT_LIMIT + [429, 429]
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "login.failed"))
        == ACCOUNT_LIMIT + STRANGERS
    )
    seqs = list(db.session.scalars(sa.select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert seqs == list(range(len(seqs)))  # no gap, no fork
    result = integrity.check_stored()
    assert result.ok, result.problem


def _wrong_password(base: str, email: str) -> int:
    browser = Browserless(base)
    token = browser.csrf_token("/login")
    form = {"csrf_token": token, "email": email, "password": "not the password"}
    return browser.post("/login", form)[0]
