"""Paper ballots keyed twice by two people; mismatches reconciled before the round is counted."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.audit.models import AuditEntry
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.paper import services as paper
from pb.paper.models import BatchStatus
from pb.results import services as results
from pb.results.models import Result
from pb.rounds import services as rounds
from pb.voting import services as voting
from pb.voting.models import Ballot
from tests import factories
from tests.paper.helpers import lines, paper_round


def _actions(round_id: int) -> list[str]:
    query = sa.select(AuditEntry.action).where(
        AuditEntry.object_id == str(round_id), AuditEntry.action.startswith("paper.")
    )
    return list(db.session.scalars(query.order_by(AuditEntry.seq)))


def test_a_mismatch_is_caught_and_reconciled_before_the_count(app: Flask) -> None:
    run = paper_round(marks=3, online=2)
    round_ = run.round
    assert results.get_result(round_) is None  # the count waits for the paper ballots
    with factories.writing():
        batch = paper.open_batch(round_, run.setup.ward.id, "Box 1", 3, actor=run.first)
        paper.enter_reading(round_, batch, lines(run.setup, (1,), (2,), (1, 2)), actor=run.first)
        paper.enter_reading(round_, batch, lines(run.setup, (1,), (0,), (1, 2)), actor=run.second)
    assert batch.status is BatchStatus.RECONCILING
    assert [d.position for d in batch.discrepancies] == [2]
    assert voting.paper_ballot_count(round_) == 0  # nothing counts before reconciliation
    with pytest.raises(Conflict, match="Batch Box 1 is not keyed twice and reconciled yet"):
        paper.complete(round_, actor=run.first)
    with pytest.raises(Conflict, match="Paper ballots are still being entered"):
        rounds.advance_phase(round_, actor=run.setup.councillor)  # publishing refuses
    db.session.rollback()
    with factories.writing():
        paper.resolve(round_, batch, 2, 2, actor=run.first)  # the paper says project 1
    assert batch.status is BatchStatus.CONFIRMED
    with factories.writing():
        paper.complete(round_, actor=run.first)
    result = db.session.get(Result, round_.id)
    assert result is not None and result.ballot_count == 5
    votes = {line.proposal_id: line.votes for line in result.projects}
    projects = [p.id for p in run.setup.projects]
    assert votes == {projects[0]: 3, projects[1]: 2, projects[2]: 1}  # 2 online + 3 paper
    assert _actions(round_.id) == [
        "paper.batch_opened",
        "paper.batch_entered",
        "paper.batch_entered",
        "paper.batch_mismatched",
        "paper.discrepancy_resolved",
        "paper.batch_confirmed",
        "paper.entry_completed",
    ]
    tallied = json.loads(
        db.session.scalars(
            sa.select(AuditEntry.data).where(AuditEntry.action == "round.tallied")
        ).one()
    )
    assert tallied["paper_ballots"] == 3 and tallied["ballots"] == 5
    assert tallied["participated_by_channel"] == {"code": 0, "kiosk": 0, "paper": 3, "web": 2}
    with factories.writing():
        rounds.advance_phase(round_, actor=run.setup.councillor)  # now it publishes


def test_the_same_person_cannot_key_a_batch_twice(app: Flask) -> None:
    run = paper_round(marks=1, online=0)
    with factories.writing():
        batch = paper.open_batch(run.round, run.setup.ward.id, "Box 1", 1, actor=run.first)
        paper.enter_reading(run.round, batch, lines(run.setup, (0,)), actor=run.first)
    with pytest.raises(Conflict, match="You keyed this batch already"):
        paper.enter_reading(run.round, batch, lines(run.setup, (0,)), actor=run.first)


def test_more_paper_ballots_than_paper_marks_are_refused(app: Flask) -> None:
    run = paper_round(marks=2, online=1)
    with factories.writing():
        paper.open_batch(run.round, run.setup.ward.id, "Box 1", 2, actor=run.first)
    with pytest.raises(InvalidInput, match="More paper ballots than the paper register's marks"):
        paper.open_batch(run.round, run.setup.ward.id, "Box 2", 1, actor=run.first)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1", "This batch has 2 sheets, but 1 lines were keyed"),
        ("{a}\n{a} x", "Line 2: Use only project numbers"),
        ("{a}\n{a} {a}", "Line 2: A project number appears twice"),
        ("{a}\n999999", "Line 2: Your ballot names a project that is not on this ballot"),
        ("{a}\n\u0661", "Line 2: Use only project numbers"),
        ("{a}\n 1" + "0" * 30, "Line 2: Use only project numbers"),
    ],
)
def test_bad_sheets_are_refused_with_their_line(app: Flask, text: str, message: str) -> None:
    run = paper_round(marks=2, online=0)
    with factories.writing():
        batch = paper.open_batch(run.round, run.setup.ward.id, "Box 1", 2, actor=run.first)
    keyed = text.format(a=run.setup.projects[0].id)
    with pytest.raises(InvalidInput, match=message):
        paper.enter_reading(run.round, batch, keyed, actor=run.first)
    assert batch.readings == []


def test_a_round_without_paper_marks_is_counted_at_close(app: Flask) -> None:
    setup = factories.round_in_phase(factories.Phase.CLOSED, ballots=[{0: 1}])
    assert results.get_result(setup.round).ballot_count == 1
    with pytest.raises(Conflict, match="Nobody was handed a ballot paper"):
        paper.complete(setup.round, actor=setup.officer)


def test_paper_ballots_carry_the_channel_and_nothing_else(app: Flask) -> None:
    run = paper_round(marks=1, online=1)
    with factories.writing():
        batch = paper.open_batch(run.round, run.setup.ward.id, "Box 1", 1, actor=run.first)
        for person in (run.first, run.second):
            paper.enter_reading(run.round, batch, lines(run.setup, (2,)), actor=person)
    rows = db.session.execute(
        sa.select(Ballot.channel, Ballot.receipt, Ballot.revote_hash).order_by(Ballot.channel)
    ).all()
    assert sorted(rows, key=str) == sorted([("paper", None, None), (None, None, None)], key=str)
