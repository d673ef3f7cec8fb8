"""The ballot's steps read a frozen round as its row (pb/voting/round_row.py): it must answer
as the `Round` object would, column by column, and be read afresh on every request."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.accounts.sessions import load_user, open_session
from pb.db import writing
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.voting import round_row as round_row_module
from pb.voting import services
from pb.voting.round_row import RoundRow, frozen_round_row
from tests import factories


def test_a_frozen_round_s_row_answers_every_column_as_the_round_does(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["email"])
    with app.test_request_context():
        row = frozen_round_row(setup.round.id)
        full = db.session.get(Round, setup.round.id)
        assert isinstance(row, RoundRow) and full is not None and full.config_hash
        for column in Round.__table__.columns:
            assert getattr(row, column.key) == getattr(full, column.key), column.key
        assert row.phase is Phase.VOTING  # the enum, not its text
        assert row.ward_ids == {ward.id for ward in full.wards} and row.is_frozen
        assert row.wards == full.wards  # what the row does not hold comes from the Round


def test_a_draft_or_a_round_not_frozen_is_left_to_the_round_object(app: Flask) -> None:
    draft = factories.round_in_phase(Phase.DRAFT)
    proposing = factories.round_in_phase(Phase.PROPOSALS)
    with app.test_request_context():
        assert frozen_round_row(draft.round.id) is None
        assert frozen_round_row(proposing.round.id) is None
        assert frozen_round_row(10**6) is None


def test_a_translation_added_after_freezing_shows_on_the_next_ballot_page(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    path = f"/rounds/{setup.round.id}/ballot"
    assert client.get(path).status_code == 200
    db.session.rollback()  # a new transaction, which takes the write lock (not an old snapshot)
    with writing():
        round_ = db.session.get(Round, setup.round.id)
        round_.translations = {"en": {"title": "Renamed for the ballot"}}
        db.session.commit()
    assert "Renamed for the ballot" in client.get(path).text


def _refuse_a_second_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The round's own statement fails: a step that still runs it after the user's shows."""

    def second_read(round_id: int) -> None:
        raise AssertionError(f"round {round_id} read again after the user's statement")

    monkeypatch.setattr(round_row_module, "round_row", second_read)


def test_the_ballot_s_steps_read_the_round_with_the_signed_in_user(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    _refuse_a_second_read(monkeypatch)
    path = f"/rounds/{setup.round.id}/ballot"
    choice = {f"project-{setup.projects[0].id}": "1"}
    assert client.get(path).status_code == 200
    assert client.post(path + "/review", data=choice).status_code == 200
    assert client.post(path + "/cast", data=choice).status_code == 302
    db.session.rollback()  # a fresh read: the cast committed in its own transaction
    assert services.ballot_count(setup.round) == 1


def test_the_round_read_with_the_user_answers_every_column_as_the_round_does(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    key = open_session(setup.voters[0])
    db.session.commit()
    with app.test_request_context(f"/rounds/{setup.round.id}/ballot"):
        assert load_user(f"{setup.voters[0].id}:{key}") is not None
        monkeypatch.setattr(round_row_module, "round_row", lambda _id: None)  # the kept row only
        row = frozen_round_row(setup.round.id)
        full = db.session.get(Round, setup.round.id)
        assert isinstance(row, RoundRow) and full is not None
        for column in Round.__table__.columns:
            assert getattr(row, column.key) == getattr(full, column.key), column.key
        assert frozen_round_row(setup.round.id) is None  # kept for one read: the next reads afresh


def test_a_missing_or_draft_round_read_with_the_user_is_still_not_found(app: Flask) -> None:
    draft = factories.round_in_phase(Phase.DRAFT, voters=1)
    client = app.test_client()
    factories.login(client, draft.voters[0])
    assert client.get(f"/rounds/{draft.round.id}/ballot").status_code == 404
    assert client.get(f"/rounds/{10**6}/ballot").status_code == 404
