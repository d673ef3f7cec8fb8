"""A round's ballot is read from its frozen configuration once, not from the proposals on every
request: a cast reads no project row, a review reads them once (for its summary)."""

from __future__ import annotations

from contextlib import AbstractContextManager

import sqlalchemy as sa
from flask import Flask

from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories
from tests.sql import recorded_statements


def proposal_reads() -> AbstractContextManager[list[str]]:
    """Every SELECT on the proposals table while the block runs."""
    return recorded_statements(
        lambda sql: sql.lstrip().upper().startswith("SELECT") and "FROM proposals" in sql
    )


def test_casting_reads_the_ballot_from_the_frozen_config(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1, costs=[10_000, 20_000])
    client = app.test_client()
    factories.login(client, setup.voters[0])
    choice = {f"project-{setup.projects[0].id}": "1"}
    base = f"/rounds/{setup.round.id}/ballot"
    with proposal_reads() as on_review:
        assert client.post(base + "/review", data=choice).status_code == 200
    with proposal_reads() as on_cast:
        assert client.post(base + "/cast", data=choice).status_code == 302
    assert len(on_review) == 1  # the summary's titles; choices are checked against the config
    assert on_cast == []


def test_the_frozen_costs_are_the_ones_a_ballot_is_checked_against(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.VOTING,
        voters=1,
        costs=(60_000, 50_000),
        ballot_format="knapsack",
        ballot_params={"min_share_percent": 0},
    )
    frozen = rounds.ballot_items(setup.round)
    # a row changed behind the platform's back after the freeze (the config is what voters saw)
    with factories.writing():
        db.session.execute(sa.update(Proposal).values(final_cost=1))
    db.session.expire_all()
    assert rounds.ballot_items(setup.round) == frozen
    assert [item.cost for item in frozen] == [60_000, 50_000]
    client = app.test_client()
    factories.login(client, setup.voters[0])
    both = {f"project-{p.id}": "1" for p in setup.projects}  # 110,000 > the 100,000 budget
    assert client.post(f"/rounds/{setup.round.id}/ballot/cast", data=both).status_code == 422
