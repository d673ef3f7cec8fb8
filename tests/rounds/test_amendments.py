"""Extending voting or ending it early: an audited amendment of the frozen configuration."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from pb.audit.chain import format_time, sha256_hex
from pb.audit.models import AuditEntry
from pb.db import utcnow
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.results import services as results
from pb.rounds import amendments
from pb.rounds import services as rounds
from pb.rounds.models import Phase, RoundAmendment
from pb.voting import services as voting
from pb.voting.models import Ballot
from tests import factories

REASON = "The site was down for three hours on Saturday."


def _amended_entries(round_id: int) -> list[dict[str, object]]:
    query = select(AuditEntry).where(
        AuditEntry.action == "round.amended", AuditEntry.object_id == str(round_id)
    )
    return [json.loads(entry.data) for entry in db.session.scalars(query.order_by(AuditEntry.seq))]


def _amendment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(RoundAmendment)) or 0


def test_extension_changes_only_the_closing_date_and_keeps_earlier_ballots(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=2, ballots=[{0: 1}])
    round_ = setup.round
    first_json, first_hash = round_.config_json, round_.config_hash
    items = rounds.ballot_items(round_)
    new_close = round_.voting_close_at + timedelta(days=2)
    with factories.writing():
        amendments.extend_voting(round_, new_close, f"  {REASON}\n", actor=setup.councillor)

    assert round_.voting_close_at == new_close
    assert round_.config_hash == sha256_hex(round_.config_json) != first_hash
    before, after = json.loads(first_json), json.loads(round_.config_json)
    assert {k for k in before if before[k] != after[k]} == {"voting_close_at"}
    assert after["voting_close_at"] == format_time(new_close)
    assert _amended_entries(round_.id) == [
        {
            "kind": "extended",
            "field": "voting_close_at",
            "old_value": before["voting_close_at"],
            "new_value": after["voting_close_at"],
            "reason": REASON,
            "previous_config_hash": first_hash,
            "config_hash": round_.config_hash,
        }
    ]
    assert amendments.config_versions(round_) == [first_json, round_.config_json]
    # the ballot cache is keyed by hash: the new version gives the same ballot
    assert rounds.ballot_items(round_) == items
    # a ballot cast before keeps its hash; one cast after carries the new one
    with factories.writing():
        voting.cast(round_, setup.voters[1], {setup.projects[1].id: 1})
    hashes = sorted(db.session.scalars(select(Ballot.config_hash)))
    assert hashes == sorted([first_hash, round_.config_hash])


def test_a_revote_after_an_extension_replaces_the_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    round_ = setup.round
    with factories.writing():
        secret = voting.cast(round_, setup.voters[0], {setup.projects[0].id: 1}).revote_secret
    with factories.writing():
        later = round_.voting_close_at + timedelta(hours=6)
        amendments.extend_voting(round_, later, REASON, actor=setup.councillor)
    with factories.writing():
        voting.replace(round_, setup.voters[0], secret or "", {setup.projects[2].id: 1})
    ballots = voting.round_ballots(round_)
    assert [b.config_hash for b in ballots] == [round_.config_hash]
    assert voting.choices_of(ballots[0]) == {setup.projects[2].id: 1}


def test_a_round_past_its_closing_date_can_be_extended_before_the_count(app: Flask) -> None:
    now = utcnow()
    setup = factories.round_in_phase(Phase.VOTING, voting_close_at=now - timedelta(minutes=5))
    round_ = setup.round
    assert not rounds.accepting_ballots(round_)
    with factories.writing():
        amendments.extend_voting(round_, now + timedelta(days=1), REASON, actor=setup.councillor)
    assert rounds.accepting_ballots(round_)


@pytest.mark.parametrize(
    ("shift", "reason", "message"),
    [
        (timedelta(days=1), "   ", "Give the public reason for the change."),
        (timedelta(days=1), "x" * 1001, "The reason may be at most 1000 characters."),
        (-timedelta(days=3), REASON, "The new closing date must be in the future."),
        (-timedelta(hours=1), REASON, "An extension must close later than the current"),
    ],
)
def test_a_bad_extension_is_refused_with_nothing_written(
    app: Flask, shift: timedelta, reason: str, message: str
) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    round_ = setup.round
    frozen_hash, close = round_.config_hash, round_.voting_close_at
    with pytest.raises(InvalidInput, match=message):
        amendments.extend_voting(round_, close + shift, reason, actor=setup.councillor)
    db.session.rollback()
    assert (round_.config_hash, round_.voting_close_at) == (frozen_hash, close)
    assert _amendment_count() == 0


def test_ending_early_closes_and_counts_under_the_amended_configuration(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=2, ballots=[{0: 1}, {0: 1, 1: 1}])
    round_ = setup.round
    now = utcnow()
    with factories.writing():
        amendments.end_voting_early(round_, REASON, actor=setup.councillor, now=now)
    assert round_.phase is Phase.CLOSED
    assert round_.voting_close_at == now
    result = results.get_result(round_)
    assert result is not None and result.ballot_count == 2
    assert result.config_hash == round_.config_hash
    (entry,) = _amended_entries(round_.id)
    assert entry["kind"] == "ended_early" and entry["new_value"] == format_time(now)


@pytest.mark.parametrize("phase", [Phase.REVIEW, Phase.CLOSED, Phase.PUBLISHED])
def test_only_a_round_in_voting_can_be_amended(app: Flask, phase: Phase) -> None:
    setup = factories.round_in_phase(phase)
    later = utcnow() + timedelta(days=5)
    with pytest.raises(Conflict, match="only be extended or ended early while"):
        amendments.extend_voting(setup.round, later, REASON, actor=setup.councillor)
    with pytest.raises(Conflict, match="only be extended or ended early while"):
        amendments.end_voting_early(setup.round, REASON, actor=setup.councillor)


def test_ending_early_needs_voting_open_and_not_yet_due(app: Flask) -> None:
    now = utcnow()
    setup = factories.round_in_phase(Phase.VOTING, voting_close_at=now - timedelta(minutes=1))
    with pytest.raises(Conflict, match="already reached its closing date"):
        amendments.end_voting_early(setup.round, REASON, actor=setup.councillor, now=now)
    opens = setup.round.voting_open_at
    with pytest.raises(Conflict, match="not opened yet"):
        amendments.end_voting_early(setup.round, REASON, actor=setup.councillor, now=opens)
