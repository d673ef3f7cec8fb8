"""Casting order must not be recoverable from where ballot rows sit in the database.

Ballots carry a random id and no timestamp, and there are no per-ballot log entries. What is
left is physical row order. SQLite: the ballot tables are WITHOUT ROWID, so rows are stored by
their random key (see pb.voting.models). PostgreSQL keeps new rows roughly in insertion order,
so when voting closes both ballot tables are rewritten in primary-key order (CLUSTER), in the
closing transaction: after close, a dump or a `SELECT` without ORDER BY lists ballots by their
random id, whatever order they were cast in.

CLUSTER needs an exclusive lock. It waits at most LOCK_WAIT for one (a long read elsewhere
must not stall the close, nor every ballot cast queued behind it); if it cannot get it, the
close goes ahead and the scheduler's next `flask pb checkpoint` run does the rewrite.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting.models import Ballot

logger = logging.getLogger(__name__)
LOCK_WAIT = "2s"
# Table and index names come from the first migration.
CLUSTER_STATEMENTS = (
    "CLUSTER ballots USING pk_ballots",
    "CLUSTER ballot_choices USING pk_ballot_choices",
)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def rewrite_in_key_order() -> bool:
    """Rewrite the ballot tables in random-id order (PostgreSQL); False if the lock was busy."""
    if not _postgresql():
        return True
    db.session.flush()
    previous = db.session.scalar(text("SELECT current_setting('lock_timeout')"))
    try:
        with db.session.begin_nested():
            db.session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            for statement in CLUSTER_STATEMENTS:
                db.session.execute(text(statement))
            db.session.execute(
                text("SELECT set_config('lock_timeout', :value, true)"), {"value": previous}
            )
    except OperationalError as error:  # lock_not_available: someone is reading ballots
        logger.warning("ballot tables not rewritten yet (%s); the scheduler will retry", error)
        return False
    return True


def in_key_order() -> bool:
    """True when the ballots sit in primary-key order (always on SQLite)."""
    if not _postgresql():
        return True
    physical = list(db.session.scalars(text("SELECT id FROM ballots ORDER BY ctid")))
    return physical == sorted(physical)


def rewrite_if_needed() -> bool | None:
    """For the scheduler: rewrite if a round has closed and the ballots are out of key order.

    None when nothing was needed, else whether the rewrite happened.
    """
    closed = select(Round.id).where(Round.phase.in_([Phase.CLOSED, Phase.PUBLISHED])).limit(1)
    has_ballots = select(Ballot.id).limit(1)
    if db.session.scalar(closed) is None or db.session.scalar(has_ballots) is None:
        return None
    if in_key_order():
        return None
    return rewrite_in_key_order()


@rounds.on_entering(Phase.CLOSED)
def forget_casting_order(round_: Round, actor: object) -> None:
    """Phase hook: rewrite the ballot tables in random-id order as voting closes."""
    rewrite_in_key_order()
