"""A frozen round's ballot projects are read once per process and texts version
(pb/voting/cards.py), yet an edit made during voting to what a card shows (a translation, a
ward's name) shows on the next request in every worker: the edit raises the round's
`ballot_texts_version` in its own transaction (pb/rounds/services.py), and each request reads
that with the round."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.db import writing
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds.models import Phase, Round
from pb.wards import services as wards
from pb.wards.models import Ward
from tests import factories
from tests.conftest import make_app
from tests.sql import recorded_statements

PROJECTS = "FROM proposals"


@pytest.fixture
def other_worker(database_url: str) -> Iterator[Flask]:
    """A second application on the same database, as another worker process would run."""
    other = make_app(database_url)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _voter(app: Flask) -> tuple[factories.RoundSetup, FlaskClient, str]:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    return setup, client, f"/rounds/{setup.round.id}/ballot"


def _ballot(client: FlaskClient, path: str, language: str = "en") -> tuple[str, int]:
    """The ballot page and how many statements read the proposals for it."""
    with recorded_statements(lambda statement: PROJECTS in statement) as seen:
        response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.text, len(seen)


def _version(round_id: int) -> int:
    db.session.rollback()  # a fresh snapshot: the edit was committed elsewhere
    round_ = db.session.get(Round, round_id)
    assert round_ is not None
    return round_.ballot_texts_version


def test_a_translation_saved_during_voting_shows_on_the_next_ballot_and_review(
    app: Flask, other_worker: Flask
) -> None:
    setup, voter, path = _voter(app)
    project = setup.projects[0]
    review = {f"project-{project.id}": "1"}
    assert _ballot(voter, path, "pl")[1] == 1  # read once, then kept
    assert _ballot(voter, path, "pl")[1] == 0
    assert "Nowy plac zabaw" not in voter.post(path + "/review", data=review).text

    councillor = other_worker.test_client()
    factories.login(councillor, setup.councillor)
    saved = councillor.post(
        f"/manage/rounds/{setup.round.id}/translations",
        data={f"project-{project.id}-pl-title": "Nowy plac zabaw"},
    )
    assert saved.status_code == 302
    assert _version(setup.round.id) == 1

    page, reads = _ballot(voter, path, "pl")
    assert "Nowy plac zabaw" in page and reads == 1  # the new version's rows, read once
    assert _ballot(voter, path, "pl")[1] == 0
    reviewed = voter.post(path + "/review", data=review, headers={"Accept-Language": "pl"})
    assert "Nowy plac zabaw" in reviewed.text
    assert "Nowy plac zabaw" not in _ballot(voter, path, "en")[0]


def test_a_ward_renamed_during_voting_shows_on_the_next_ballot(app: Flask) -> None:
    setup, voter, path = _voter(app)
    assert "Riverside North" not in _ballot(voter, path)[0]
    db.session.rollback()
    with writing():
        ward = db.session.get(Ward, setup.ward.id)
        assert ward is not None
        wards.save_ward(ward, ward.code, "Riverside North", actor=None)
        db.session.commit()
    assert _version(setup.round.id) == 1
    assert "Riverside North" in _ballot(voter, path)[0]


def test_the_round_s_own_texts_leave_the_projects_kept(app: Flask) -> None:
    """The round's title and translations are read with it on every request: an edit to them
    needs no new read of the projects."""
    setup, voter, path = _voter(app)
    _ballot(voter, path)
    db.session.rollback()
    with writing():
        round_ = db.session.get(Round, setup.round.id)
        assert round_ is not None
        round_.translations = {"en": {"title": "A retitled round"}}
        db.session.commit()
    assert _version(setup.round.id) == 0
    page, reads = _ballot(voter, path)
    assert "A retitled round" in page and reads == 0


def _edit_title(proposal_id: int, title: str) -> list[str]:
    """Retitle a proposal in a transaction of its own; the statements that wrote a round."""
    from pb.proposals.models import Proposal

    db.session.rollback()
    with writing(), recorded_statements(lambda sql: sql.startswith("UPDATE rounds")) as seen:
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal is not None
        proposal.title = title
        db.session.commit()
    return seen


def test_an_edit_off_any_frozen_ballot_raises_no_version(app: Flask) -> None:
    """A proposal not (yet) on a ballot writes no round; a feasible one of a round not frozen
    leaves its version as it was (its ballot is read on every request)."""
    submitted = factories.round_in_phase(Phase.PROPOSALS)
    assert _edit_title(submitted.projects[0].id, "Still a proposal") == []
    assert _version(submitted.round.id) == 0
    reviewed = factories.round_in_phase(Phase.REVIEW)
    feasible = reviewed.projects[0]
    with writing():
        officer, cost = reviewed.officer, feasible.estimated_cost
        proposals.review(feasible, officer=officer, feasible=True, reason="Ok.", final_cost=cost)
        db.session.commit()
    _edit_title(feasible.id, "Feasible, not yet frozen")
    frozen = factories.round_in_phase(Phase.VOTING)
    assert _edit_title(frozen.projects[0].id, "On the ballot")
    assert (_version(frozen.round.id), _version(reviewed.round.id)) == (1, 0)
