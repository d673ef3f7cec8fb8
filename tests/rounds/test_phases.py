"""The phase machine: each step checks what it needs; voting opens with a frozen configuration."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask

from pb.audit.chain import sha256_hex
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories


def test_draft_round_is_hidden_from_the_public(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.DRAFT)
    assert app.test_client().get(f"/rounds/{setup.round.id}").status_code == 404
    client = app.test_client()
    factories.login(client, setup.councillor)
    assert client.get(f"/rounds/{setup.round.id}").status_code == 200


def test_review_cannot_start_before_proposals_close(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    with pytest.raises(Conflict):
        rounds.advance_phase(setup.round, actor=setup.councillor)


def test_voting_needs_every_proposal_reviewed_and_one_on_the_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    with pytest.raises(Conflict, match="reviewed"):
        rounds.advance_phase(setup.round, actor=setup.councillor)
    for project in setup.projects:
        proposals.review(
            project, officer=setup.officer, feasible=False, reason="No.", final_cost=None
        )
    with pytest.raises(Conflict, match="feasible"):
        rounds.advance_phase(setup.round, actor=setup.councillor)


def test_opening_voting_freezes_the_configuration(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    round_ = setup.round
    config = json.loads(round_.config_json)
    assert round_.config_hash == sha256_hex(round_.config_json)
    assert config["budget"] == round_.budget and config["rule"] == "greedy"
    assert [p["id"] for p in config["projects"]] == [p.id for p in setup.projects]
    assert [p["cost"] for p in config["projects"]] == [p.cost for p in setup.projects]
    settings = factories.settings([setup.ward.id], round_.proposals_open_at, budget=1)
    with pytest.raises(Conflict, match="frozen"):
        rounds.update_round(round_, settings, actor=setup.councillor)


def test_a_threshold_round_funds_only_projects_reaching_it(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.CLOSED,
        rule="greedy-threshold",
        min_project_score=2,
        ballots=[{0: 1, 1: 1}, {1: 1}, {2: 1}],
    )
    assert json.loads(setup.round.config_json)["min_project_score"] == 2
    from pb.results import services as results

    lines = {line.proposal_id: line for line in results.get_result(setup.round).projects}
    assert lines[setup.projects[1].id].funded  # two votes
    for index in (0, 2):  # one vote each: below the threshold although the budget would allow
        assert lines[setup.projects[index].id].reason == "below_threshold"


def test_a_lottery_round_publishes_its_seed_when_frozen(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, tie_break="lottery")
    seed = setup.round.tie_break_seed
    assert seed and json.loads(setup.round.config_json)["tie_break_seed"] == seed


def test_voting_closes_only_after_its_closing_date(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    with pytest.raises(Conflict):
        rounds.advance_phase(setup.round, actor=setup.councillor)
    later = setup.round.voting_close_at + timedelta(seconds=1)
    assert rounds.advance_phase(setup.round, actor=setup.councillor, now=later) is Phase.CLOSED


def test_a_finished_round_goes_no_further(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}])
    with pytest.raises(Conflict):
        rounds.advance_phase(setup.round, actor=setup.councillor)


def test_councillors_only_configure_their_own_wards(app: Flask) -> None:
    mine, theirs = factories.ward(), factories.ward()
    councillor = factories.user(factories.Role.COUNCILLOR, wards_=[mine])
    start = factories.utcnow()
    with pytest.raises(Forbidden):
        rounds.create_round(factories.settings([theirs.id], start), actor=councillor)
    with pytest.raises(Forbidden):
        rounds.create_round(factories.settings([mine.id, theirs.id], start), actor=councillor)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": 0}, "budget"),
        ({"proposals_close_at": "open"}, "proposals_close_at"),
        ({"voting_open_at": "before proposals close"}, "voting_open_at"),
        ({"voting_close_at": "open"}, "voting_close_at"),
        ({"ballot_format": "plurality"}, "ballot_format"),
        ({"ballot_params": {"min_projects": 3, "max_projects": 1}}, "approval_max_projects"),
        ({"rule": "dictatorship"}, "rule"),
        (
            {
                "ballot_format": "ranked",
                "ballot_params": {"min_rank": 1, "max_rank": 3},
                "satisfaction": "cost",
            },
            "satisfaction",
        ),
        ({"tie_break": "coin"}, "tie_break"),
        ({"rule": "greedy-threshold"}, "min_project_score"),
    ],
)
def test_settings_are_checked_field_by_field(app: Flask, overrides: dict, field: str) -> None:
    ward = factories.ward()
    councillor = factories.user(factories.Role.COUNCILLOR, wards_=[ward])
    start = factories.utcnow()
    dates = {"open": start, "before proposals close": start}
    values = {
        key: dates.get(value, value) if isinstance(value, str) else value
        for key, value in overrides.items()
    }
    with pytest.raises(InvalidInput) as refused:
        rounds.create_round(factories.settings([ward.id], start, **values), actor=councillor)
    assert refused.value.field == field
    db.session.rollback()


def test_a_step_its_dates_forbid_is_a_disabled_button_with_its_date(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    client = app.test_client()
    factories.login(client, setup.councillor)
    page = client.get(f"/manage/rounds/{setup.round.id}").text
    assert 'disabled aria-describedby="not-before"' in page and "Available from" in page
    voting = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}])
    factories.login(client, voting.councillor)
    page = client.get(f"/manage/rounds/{voting.round.id}").text
    assert "Available from" in page  # closing waits for the voting closing date
    review = factories.round_in_phase(Phase.REVIEW)
    factories.login(client, review.councillor)
    page = client.get(f"/manage/rounds/{review.round.id}").text
    assert "Available from" not in page and "disabled" not in page
