"""Fifty simultaneous ballots from one voter, through a real gunicorn server: exactly one lands."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.live import Browserless, gunicorn, post_with_cookie

THREADS = 50


def _storm(
    database_url: str, setup: factories.RoundSetup, ballots: list[dict[str, str]]
) -> list[int]:
    voter = setup.voters[0]
    path = f"/rounds/{setup.round.id}/ballot/cast"
    with gunicorn(database_url) as base:
        browser = Browserless(base)
        browser.login(voter.email, factories.PASSWORD)
        token = browser.csrf_token(f"/rounds/{setup.round.id}/ballot")
        cookie = browser.cookie_header()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [
                pool.submit(post_with_cookie, base, path, cookie, {"csrf_token": token, **ballot})
                for ballot in ballots
            ]
            return [future.result() for future in futures]


def _stored(setup: factories.RoundSetup) -> tuple[list[Ballot], int]:
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) to see the server's writes
    ballots = list(db.session.scalars(sa.select(Ballot).where(Ballot.round_id == setup.round.id)))
    participations = db.session.scalar(sa.select(sa.func.count()).select_from(Participation))
    return ballots, participations


def test_fifty_simultaneous_ballots_leave_exactly_one(app: Flask, database_url: str) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1, costs=[10_000] * 6)
    project_ids = [p.id for p in setup.projects]
    # 50 different valid ballots: every non-empty subset of the six projects, in turn
    submissions = [
        {f"project-{pid}": "1" for bit, pid in enumerate(project_ids) if (n % 63 + 1) >> bit & 1}
        for n in range(THREADS)
    ]
    statuses = _storm(database_url, setup, submissions)
    ballots, participations = _stored(setup)
    assert len(ballots) == 1 and participations == 1
    assert statuses.count(302) == 1, statuses  # the one that landed went on to its receipt
    assert set(statuses) <= {302, 409}, statuses  # the rest were told they already voted
    stored = {f"project-{pid}": "1" for pid in voting.choices_of(ballots[0])}
    assert stored in submissions


def test_budget_cap_holds_under_concurrency(app: Flask, database_url: str) -> None:
    setup = factories.round_in_phase(
        Phase.VOTING,
        voters=1,
        costs=(60_000, 50_000, 30_000, 20_000),
        ballot_format="knapsack",
        ballot_params={"min_share_percent": 0},
    )
    a, b, c, d = (f"project-{p.id}" for p in setup.projects)
    over_budget = [{a: "1", b: "1"}, {a: "1", b: "1", c: "1"}, {a: "1", c: "1", d: "1"}]
    within = [{a: "1", c: "1"}, {b: "1", d: "1"}, {d: "1"}]
    submissions = [(over_budget + within)[n % 6] for n in range(THREADS)]
    statuses = _storm(database_url, setup, submissions)
    ballots, participations = _stored(setup)
    assert len(ballots) == 1 and participations == 1
    costs = {p.id: p.cost for p in setup.projects}
    assert sum(costs[pid] for pid in voting.choices_of(ballots[0])) <= setup.round.budget
    assert statuses.count(302) == 1
    refused = [
        status
        for status, ballot in zip(statuses, submissions, strict=True)
        if ballot in over_budget
    ]
    assert refused == [422] * len(refused)  # every over-budget ballot was refused as invalid
