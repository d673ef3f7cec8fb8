"""Nothing in the database, visible or physical, may tie a ballot to its voter after close.

Ballots carry a random id and no timestamp, and there are no per-ballot log entries. While voting
is open a ballot is written in its voter's transaction, so on PostgreSQL it shares their `xmin`
and lies near their participation on disk. When voting closes the round is sealed
(pb.voting.seal): every ballot is written again under a new random id, in one transaction and in
new-id order, and its receipt and key hash move out. The rows the seal deleted stay on
PostgreSQL's pages as dead versions (readable with pageinspect or from the data files) until the
table is rewritten, so just after the closing commit both ballot tables are rewritten (CLUSTER
in primary-key order, which copies only live rows into new files). SQLite: the ballot tables are
WITHOUT ROWID (rows stored by their random key) and `secure_delete` zeroes deleted content.

CLUSTER needs an exclusive lock. It waits at most LOCK_WAIT for one (a long read elsewhere must
not stall anything); if it cannot get it, the scheduler's next `flask pb checkpoint` run does
the rewrite (BallotSeal.compacted says whether it is done). docs/threat-model.md: what this
covers and what it does not (WAL archives, replicas, backups taken during voting).
"""

from __future__ import annotations

import logging

from sqlalchemy import Select, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from pb.audit import separated
from pb.audit import services as audit
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import seal
from pb.voting.models import BallotSeal

logger = logging.getLogger(__name__)
LOCK_WAIT = "2s"
# Table and index names come from the first migration.
CLUSTER_STATEMENTS = (
    "CLUSTER ballots USING pk_ballots",
    "CLUSTER ballot_choices USING pk_ballot_choices",
)


# CLUSTER copies a deleted row that some transaction could still see ("recently dead"): one
# whose id is not older than the horizon, the oldest snapshot or running transaction of this
# database, CLUSTER's own included. A rewrite is complete only if no such snapshot predates the
# newest pending seal. A transaction running in ANY database counts too (every new snapshot,
# here as well, starts at or before it), as do prepared transactions and replication slots.
# A session of this database whose details this role may not read counts as old: unseen is not
# proven young (grant the role pg_read_all_stats, docs/operations.md). PostgreSQL's horizon also
# counts backends still starting (`datname` is NULL).
OLDER_SNAPSHOTS = text(
    """
    WITH newest_seal AS (
        SELECT min(age(b.xmin)) AS age FROM ballots b
        JOIN ballot_seals s ON s.round_id = b.round_id WHERE NOT s.compacted
    ), held AS (
        SELECT coalesce(backend_xmin, backend_xid) AS xid,
               datname = current_database() AND query = '<insufficient privilege>' AS unseen
        FROM pg_stat_activity WHERE datname = current_database() OR datname IS NULL
        UNION ALL
        SELECT backend_xid, false FROM pg_stat_activity
        UNION ALL
        SELECT transaction, false FROM pg_prepared_xacts
        UNION ALL
        SELECT xmin, false FROM pg_replication_slots
    )
    SELECT count(*) FROM held, newest_seal
    WHERE newest_seal.age IS NOT NULL AND (age(held.xid) >= newest_seal.age OR held.unseen)
    """
)
LOCK_BALLOTS = text("LOCK TABLE ballots, ballot_choices IN ACCESS EXCLUSIVE MODE")


class _NotYet(Exception):
    """A snapshot or transaction older than a pending seal is open: CLUSTER would keep rows."""


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_NOT_YET = "ballot tables not rewritten yet (%s); the scheduler will retry"


def _no_older_snapshots(session: Session) -> None:
    """Raise `_NotYet` if a snapshot or transaction older than a pending seal is open."""
    session.execute(text("SELECT pg_stat_clear_snapshot()"))  # fresh, even in a long transaction
    if session.scalar(OLDER_SNAPSHOTS):
        raise _NotYet("a transaction older than the seal is still open")


def rewrite_in_key_order(session: Session | None = None) -> bool:
    """Rewrite the ballot tables in random-id order, dropping dead rows, and mark the seals it
    covered compacted. Only useful in a transaction that has not itself deleted ballots (CLUSTER
    keeps rows deleted by its own transaction). False if the lock was busy or a transaction
    older than a pending seal is still open (the scheduler retries)."""
    session = session or db.session()
    pending = select(BallotSeal.round_id).where(BallotSeal.compacted.is_(False))
    if not _postgresql(session):
        covered = list(session.scalars(pending))
    else:
        session.flush()
        try:
            _no_older_snapshots(session)  # checked first too: no need to queue for the lock
            covered = _cluster(session, pending)
        except (OperationalError, _NotYet) as error:  # lock_not_available: someone reads ballots
            logger.warning(_NOT_YET, error)
            return False
    session.execute(
        update(BallotSeal).where(BallotSeal.round_id.in_(covered)).values(compacted=True)
    )
    return True


def _cluster(session: Session, pending: Select[tuple[int]]) -> list[int]:
    """CLUSTER both ballot tables under their lock; the seals pending once it was held."""
    previous = session.scalar(text("SELECT current_setting('lock_timeout')"))
    with session.begin_nested():
        session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
        # Waiting for the lock waits for every seal still being written: the seals pending
        # now are all there can be until this commits, so they are the ones to check and mark.
        session.execute(LOCK_BALLOTS)
        covered = list(session.scalars(pending))
        _no_older_snapshots(session)  # (one may have begun while the lock was awaited)
        for statement in CLUSTER_STATEMENTS:
            session.execute(text(statement))
        restore = text("SELECT set_config('lock_timeout', :value, true)")
        session.execute(restore, {"value": previous})
    return covered


def in_key_order() -> bool:
    """True when the ballots sit in primary-key order (always on SQLite)."""
    if not _postgresql(db.session()):
        return True
    physical = list(db.session.scalars(text("SELECT id FROM ballots ORDER BY ctid")))
    return physical == sorted(physical)


def rewrite_if_needed() -> bool | None:
    """For the scheduler: seal any closed round not sealed yet (one closed before sealing
    existed; the rewrite then follows its commit), else rewrite the ballot tables if a seal
    left dead rows (the rewrite after a close could not get its lock).

    None when nothing was needed, else whether the rewrite happened (or is due at commit).
    """
    closed = select(Round).where(Round.phase.in_([Phase.CLOSED, Phase.PUBLISHED]))
    sealed = [round_ for round_ in list(db.session.scalars(closed)) if seal_round(round_, None)]
    if sealed and _postgresql(db.session()):
        rewrite_after_commit()
        return True
    # Only a seal not yet followed by a rewrite asks for one: rewriting while other rounds are
    # open would lock their ballot casting for nothing (their ballots get sealed at their close).
    pending = select(BallotSeal.round_id).where(BallotSeal.compacted.is_(False)).limit(1)
    if db.session.scalar(pending) is None:
        return None
    return rewrite_in_key_order()


_REWRITE_AFTER_COMMIT = "pb.rewrite_ballot_tables"


def rewrite_after_commit() -> None:
    db.session.info[_REWRITE_AFTER_COMMIT] = True


def seal_round(round_: Round, actor: object) -> bool:
    """Seal the round's ballots and log what was sealed (round.sealed); False if it already was.

    The entry holds the count and a digest of the sealed ballots, which the bundle's ballots.csv
    must match (pb.audit.separated); no receipt and no ballot is named in it.
    """
    sealed = seal.seal(round_)
    if sealed is None:
        return False
    data = {"ballots": sealed.ballots, "ballots_sha256": sealed.ballots_sha256}
    audit.record(separated.SEALED, round_, data, actor=actor)
    return True


@rounds.on_entering(Phase.CLOSED, first=True)  # before the tally and the closing checkpoint
def forget_casting_order(round_: Round, actor: object) -> None:
    """Phase hook: seal the round's ballots as voting closes; rewrite the tables just after."""
    seal_round(round_, actor)
    if _postgresql(db.session()):
        rewrite_after_commit()
    else:  # SQLite: WITHOUT ROWID tables and secure_delete leave nothing to rewrite
        db.session.execute(update(BallotSeal).values(compacted=True))


def _rewrite_in_new_transaction(session: Session) -> None:
    if not session.info.pop(_REWRITE_AFTER_COMMIT, False):
        return
    with Session(bind=session.get_bind()) as fresh, fresh.begin():
        rewrite_in_key_order(fresh)


def _forget_on_rollback(session: Session, previous_transaction: object) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint
        session.info.pop(_REWRITE_AFTER_COMMIT, None)


def _listen() -> None:
    from sqlalchemy import event

    if not event.contains(Session, "after_commit", _rewrite_in_new_transaction):
        event.listen(Session, "after_commit", _rewrite_in_new_transaction)
        event.listen(Session, "after_soft_rollback", _forget_on_rollback)


_listen()
