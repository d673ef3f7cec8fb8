"""Casting and replacing ballots: one per voter, anonymous, replaceable only with the key."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from pb.accounts.models import Role
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.models import Ballot, BallotChoice, Participation
from tests import factories


@pytest.fixture
def open_round(app: Flask) -> factories.RoundSetup:
    return factories.round_in_phase(Phase.VOTING, voters=3)


def ids(setup: factories.RoundSetup, *indexes: int) -> dict[int, int]:
    return {setup.projects[i].id: 1 for i in indexes}


def test_cast_records_who_and_what_apart(open_round: factories.RoundSetup) -> None:
    voter = open_round.voters[0]
    receipt = voting.cast(open_round.round, voter, ids(open_round, 0, 1))
    db.session.commit()
    participation = db.session.scalars(sa.select(Participation)).one()
    assert participation.user_id == voter.id
    ballot = db.session.scalars(sa.select(Ballot)).one()
    assert ballot.receipt == receipt.receipt
    assert ballot.config_hash == open_round.round.config_hash
    assert voting.choices_of(ballot) == ids(open_round, 0, 1)
    assert receipt.receipt == voting.compute_receipt(
        open_round.round.id, ballot.id, ids(open_round, 0, 1)
    )
    assert len(ballot.id) == 32 and int(ballot.id, 16) >= 0  # random hex, not a sequence


def test_ballot_tables_cannot_link_a_ballot_to_a_person(app: Flask) -> None:
    inspector = sa.inspect(db.engine)
    for table in ("ballots", "ballot_choices"):
        columns = {column["name"] for column in inspector.get_columns(table)}
        assert not columns & {"user_id", "voter_key", "created_at", "cast_at", "updated_at"}
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "users" not in targets and "participations" not in targets


def test_second_ballot_is_refused(open_round: factories.RoundSetup) -> None:
    voter = open_round.voters[0]
    voting.cast(open_round.round, voter, ids(open_round, 0))
    with pytest.raises(Conflict):
        voting.cast(open_round.round, voter, ids(open_round, 1))
    db.session.commit()
    assert voting.ballot_count(open_round.round) == 1
    assert voting.participation_count(open_round.round) == 1


def test_one_participation_per_voter_is_a_database_constraint(
    open_round: factories.RoundSetup,
) -> None:
    voting.cast(open_round.round, open_round.voters[0], ids(open_round, 0))
    db.session.commit()
    duplicate = Participation(
        round_id=open_round.round.id,
        voter_key=f"user:{open_round.voters[0].id}",
        voted_on=factories.utcnow().date(),
    )
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_replace_with_the_key_keeps_one_ballot(open_round: factories.RoundSetup) -> None:
    voter = open_round.voters[0]
    first = voting.cast(open_round.round, voter, ids(open_round, 0))
    db.session.commit()
    second = voting.replace(open_round.round, voter, first.revote_secret, ids(open_round, 1, 2))
    db.session.commit()
    ballots = db.session.scalars(sa.select(Ballot)).all()
    assert len(ballots) == 1
    assert voting.choices_of(ballots[0]) == ids(open_round, 1, 2)
    assert second.receipt != first.receipt
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BallotChoice)) == 2
    # the key is typed by people: case and dashes do not matter
    voting.replace(
        open_round.round, voter, first.revote_secret.lower().replace("-", " "), ids(open_round, 2)
    )
    db.session.commit()
    assert voting.choices_of(db.session.scalars(sa.select(Ballot)).one()) == ids(open_round, 2)


def test_replace_with_a_wrong_key_changes_nothing(open_round: factories.RoundSetup) -> None:
    voter = open_round.voters[0]
    voting.cast(open_round.round, voter, ids(open_round, 0))
    db.session.commit()
    with pytest.raises(InvalidInput):
        voting.replace(open_round.round, voter, "AAAA-BBBB-CCCC-DDDD", ids(open_round, 1))
    db.session.rollback()
    assert voting.choices_of(db.session.scalars(sa.select(Ballot)).one()) == ids(open_round, 0)


def test_another_voters_key_cannot_replace_without_voting(
    open_round: factories.RoundSetup,
) -> None:
    first = voting.cast(open_round.round, open_round.voters[0], ids(open_round, 0))
    db.session.commit()
    with pytest.raises(Conflict):  # voter 1 never voted: there is nothing of theirs to replace
        voting.replace(
            open_round.round, open_round.voters[1], first.revote_secret, ids(open_round, 1)
        )


def test_only_residents_of_the_rounds_wards_vote(open_round: factories.RoundSetup) -> None:
    outsider = factories.user(Role.CITIZEN, home=factories.ward())
    with pytest.raises(Forbidden):
        voting.cast(open_round.round, outsider, ids(open_round, 0))
    staff = open_round.councillor
    with pytest.raises(Forbidden):
        voting.cast(open_round.round, staff, ids(open_round, 0))


def test_no_vote_outside_the_voting_dates(open_round: factories.RoundSetup) -> None:
    round_ = open_round.round
    voter = open_round.voters[0]
    with pytest.raises(Conflict):
        voting.cast(
            round_, voter, ids(open_round, 0), now=round_.voting_open_at - timedelta(seconds=1)
        )
    with pytest.raises(Conflict):
        voting.cast(round_, voter, ids(open_round, 0), now=round_.voting_close_at)
    voting.cast(
        round_, voter, ids(open_round, 0), now=round_.voting_close_at - timedelta(seconds=1)
    )


def test_invalid_ballot_is_refused_and_nothing_is_stored(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.VOTING,
        voters=1,
        ballot_format="knapsack",
        ballot_params={"min_share_percent": 0},
        costs=(60_000, 50_000),
    )
    with pytest.raises(InvalidInput):
        voting.cast(setup.round, setup.voters[0], ids(setup, 0, 1))  # 110k > 100k budget
    db.session.rollback()
    assert voting.ballot_count(setup.round) == 0
    assert voting.participation_count(setup.round) == 0


def test_ballot_order_in_storage_is_not_the_cast_order(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=40)
    receipts = []
    for voter in setup.voters:
        receipts.append(voting.cast(setup.round, voter, ids(setup, 0)).receipt)
    db.session.commit()
    listed = [ballot.receipt for ballot in voting.round_ballots(setup.round)]
    assert sorted(listed) == sorted(receipts) and listed != receipts  # by random id
    assert list(db.session.scalars(voting.receipts_query(setup.round))) == sorted(receipts)
    stored_ids = list(db.session.scalars(sa.select(Ballot.id).order_by(Ballot.id)))
    by_id = [db.session.get(Ballot, ballot_id).receipt for ballot_id in stored_ids]
    assert by_id != receipts  # 40! orderings; equal only by a 1-in-10^47 chance
