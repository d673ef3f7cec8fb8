"""Casting order must not be recoverable from where ballot rows sit in the database.

Ballots carry a random id and no timestamp, and there are no per-ballot log entries. What is
left is physical row order. SQLite: the ballot tables are WITHOUT ROWID, so rows are stored by
their random key (see pb.voting.models). PostgreSQL keeps new rows roughly in insertion order,
so when voting closes both ballot tables are rewritten in primary-key order (CLUSTER), in the
closing transaction: after close, a dump or a `SELECT` without ORDER BY lists ballots by their
random id, whatever order they were cast in.
"""

from __future__ import annotations

from sqlalchemy import text

from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round

# CLUSTER takes an exclusive lock on each table until the close commits (ballots being cast in
# other rounds wait for that moment). Table and index names come from the first migration.
CLUSTER_STATEMENTS = (
    "CLUSTER ballots USING pk_ballots",
    "CLUSTER ballot_choices USING pk_ballot_choices",
)


@rounds.on_entering(Phase.CLOSED)
def forget_casting_order(round_: Round, actor: object) -> None:
    """Rewrite the ballot tables in random-id order (PostgreSQL; SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.flush()
    for statement in CLUSTER_STATEMENTS:
        db.session.execute(text(statement))
