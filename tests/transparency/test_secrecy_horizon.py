"""A seal is marked compacted only when no dead version of a ballot from before it can be left.

CLUSTER keeps every deleted row that some transaction could still see. These tests hold such a
transaction open where the first check did not look (another database; a report that began
while the rewrite was waiting for its lock) and read the pages themselves with pageinspect.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from pb.audit import secrecy
from pb.db import writing
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting.models import BallotSeal
from tests import factories
from tests.transparency.test_secrecy import READERS, _cast_one_by_one, _raw_tuples, compact

REWRITE_FLAG = "pb.rewrite_ballot_tables"  # pb.audit.secrecy: rewrite after the commit


@pytest.fixture
def voted(app: Flask, backend: str) -> tuple[factories.RoundSetup, set[str]]:
    """A round in voting where each voter cast in their own transaction; the ids issued."""
    if backend != "postgresql":
        pytest.skip("dead tuples and snapshot horizons are PostgreSQL's (SQLite: secure_delete)")
    db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    setup = factories.round_in_phase(Phase.VOTING, voters=READERS, costs=(10, 10, 10, 10))
    _truth, issued = _cast_one_by_one(setup)
    return setup, issued


def _close(setup: factories.RoundSetup, *, rewrite: bool = True) -> None:
    round_ = db.session.get(Round, setup.round.id)
    closing = round_.voting_close_at + timedelta(days=1)
    rounds.advance_phase(round_, actor=setup.councillor, now=closing)
    if not rewrite:
        db.session.info.pop(REWRITE_FLAG, None)


def _compacted(round_id: int) -> bool:
    db.session.rollback()  # a fresh snapshot
    return db.session.get(BallotSeal, round_id).compacted


def _deleted_ids_left(issued: set[str]) -> set[str]:
    data = b"".join(bytes(t[2]) for t in _raw_tuples("ballots"))
    return {old for old in issued if old.encode() in data}


def _checkpoint(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["pb", "checkpoint"])
    assert result.exit_code == 0, result.output


def test_a_transaction_open_in_another_database_delays_the_rewrite(
    app: Flask, voted: tuple[factories.RoundSetup, set[str]]
) -> None:
    setup, issued = voted
    round_id = setup.round.id
    elsewhere = sa.create_engine(db.engine.url.set(database="postgres"))
    try:
        with elsewhere.connect() as other:  # a running transaction, in another database
            other.execute(sa.text("SELECT pg_current_xact_id()"))
            with factories.writing():
                _close(setup)
            assert _compacted(round_id) is False
            assert _deleted_ids_left(issued)  # what the seal deleted is still on the pages
            _checkpoint(app)
            assert _compacted(round_id) is False  # still open: the scheduler waits again
    finally:
        elsewhere.dispose()
    assert compact(app, round_id)
    assert _deleted_ids_left(issued) == set()


def test_a_seal_committed_while_the_rewrite_waits_for_its_lock_is_checked_again(
    app: Flask, voted: tuple[factories.RoundSetup, set[str]]
) -> None:
    setup, issued = voted
    round_id = setup.round.id
    engine, outcome = db.engine, {}

    def rewrite() -> None:  # a scheduler's run, in its own connection
        with Session(bind=engine) as session, session.begin():
            outcome["rewritten"] = secrecy.rewrite_in_key_order(session)

    with engine.connect() as report:  # a long read that began before the seal commits
        report.execution_options(isolation_level="REPEATABLE READ")  # one snapshot throughout
        report.execute(sa.text("SELECT 1"))
        db.session.commit()  # (this test's own read snapshot ends here)
        with writing():
            _close(setup, rewrite=False)  # sealed, not committed: the ballot tables are busy
            waiting = threading.Thread(target=rewrite)
            waiting.start()
            time.sleep(0.5)  # the rewrite saw no pending seal and now waits for the lock
            db.session.commit()
        waiting.join()
        assert outcome == {"rewritten": False}
        assert _compacted(round_id) is False
    assert compact(app, round_id)
    assert _deleted_ids_left(issued) == set()
