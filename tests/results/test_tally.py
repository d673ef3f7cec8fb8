"""Closing a round counts it through pb.allocation; results stay hidden until published."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from pb import allocation
from pb.accounts.models import Role
from pb.results import engine
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from tests import factories

# budget 100k; costs 30k, 50k, 40k
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]


def test_tally_stores_the_engines_outcome(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    result = results.get_result(setup.round)
    # votes: project 1 → 4, project 0 → 2, project 2 → 2 (tie with 0; lower id first)
    ids = [p.id for p in setup.projects]
    assert [line.proposal_id for line in result.projects if line.funded] == [ids[1], ids[0]]
    assert result.total_cost == 80_000 and result.ballot_count == 6
    assert {line.proposal_id: line.votes for line in result.projects} == {
        ids[0]: 2,
        ids[1]: 4,
        ids[2]: 2,
    }
    unfunded = [line for line in result.projects if not line.funded]
    assert [(line.proposal_id, line.reason) for line in unfunded] == [(ids[2], "does_not_fit")]
    assert result.config_hash == setup.round.config_hash


def test_the_stored_outcome_can_be_recomputed_exactly(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS, tie_break="lottery")
    result = results.get_result(setup.round)
    stored = allocation.Outcome.from_json(json.loads(result.outcome_json))
    ballots = [voting.choices_of(b) for b in voting.round_ballots(setup.round)]
    again = engine.run(setup.round, ballots)
    assert again == stored
    assert stored.seed == setup.round.tie_break_seed


@pytest.mark.parametrize(
    ("ballot_format", "params", "ballots", "funded"),
    [
        ("knapsack", {"min_share_percent": 0}, [{0: 1, 2: 1}, {2: 1}, {1: 1}], [2, 0]),
        ("ranked", {"min_rank": 1, "max_rank": 2}, [{1: 1, 0: 2}, {2: 1, 1: 2}, {1: 1}], [1, 2]),
        (
            "cumulative",
            {"total_points": 5, "max_per_project": 5},
            [{0: 5}, {1: 3, 2: 2}, {2: 4, 0: 1}],
            [0, 2],
        ),
    ],
)
def test_every_ballot_format_is_counted(
    app: Flask, ballot_format: str, params: dict, ballots: list, funded: list
) -> None:
    setup = factories.round_in_phase(
        Phase.CLOSED, ballot_format=ballot_format, ballot_params=params, ballots=ballots
    )
    result = results.get_result(setup.round)
    chosen = [line.proposal_id for line in result.projects if line.funded]
    assert chosen == [setup.projects[i].id for i in funded]


def test_results_are_visible_only_once_published(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    auditor = factories.user(Role.AUDITOR)
    citizen = setup.voters[0]
    other_councillor = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    assert results.visible_to(setup.round, auditor)
    assert results.visible_to(setup.round, setup.councillor)
    assert not results.visible_to(setup.round, citizen)
    assert not results.visible_to(setup.round, other_councillor)
    assert not results.visible_to(setup.round, None)
    assert app.test_client().get(f"/rounds/{setup.round.id}/results").status_code == 404
    rounds.advance_phase(setup.round, actor=setup.councillor)
    factories.db.session.commit()
    assert results.visible_to(setup.round, None)
    page = app.test_client().get(f"/rounds/{setup.round.id}/results")
    assert page.status_code == 200 and b"Not enough budget was left" in page.data


def test_nothing_is_visible_while_voting(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=APPROVALS)
    auditor = factories.user(Role.AUDITOR)
    assert not results.visible_to(setup.round, auditor)
    assert not results.visible_to(setup.round, setup.councillor)
    client = app.test_client()
    factories.login(client, auditor)
    assert client.get(f"/rounds/{setup.round.id}/results").status_code == 404
    assert client.get(f"/api/rounds/{setup.round.id}/results").status_code == 404


def test_an_empty_round_is_counted_too(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED)
    result = results.get_result(setup.round)
    assert result.ballot_count == 0
    assert all(line.votes == 0 for line in result.projects)
    # Greedy (as pabutools defines it) still walks every project, unvoted ones last, by the
    # tie-break: 30k and 50k fit the 100k budget, then 40k does not.
    assert result.total_cost == 80_000 <= result.budget
    page = app.test_client().get(f"/rounds/{setup.round.id}/results")
    assert page.status_code == 200
