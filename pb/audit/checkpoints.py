"""Signed checkpoints of the audit chain: at every phase change, and on a schedule.

A phase change marks its transaction as needing a checkpoint; the checkpoint is signed just
before that transaction commits, so it covers every entry the change wrote, whichever phase hooks
(tally, publication, notifications...) ran and in whatever order. The scheduler's command
(`flask --app wsgi pb checkpoint`, every 15 minutes while voting is open) signs the head
directly. Checkpoints are not log entries: signing one never moves the head it signs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from pb.audit import keys, signing
from pb.audit import services as audit
from pb.audit.chain import format_time
from pb.audit.models import Checkpoint
from pb.db import utcnow
from pb.extensions import db
from pb.pagination import Page, paginate
from pb.rounds import services as rounds
from pb.rounds.models import PHASE_ORDER, Phase, Round

DUE = "pb_checkpoint_due"


def sign_head(now: datetime | None = None) -> Checkpoint | None:
    """Sign the current head; None when the log is empty or the head is already signed."""
    audit.lock_head()
    head = audit.head()
    if head is None:
        return None
    latest = latest_checkpoint()
    if latest is not None and latest.seq >= head.seq:
        return None
    key = keys.signing_key()
    signed = signing.sign_checkpoint(
        key, audit.origin() or "", head.seq, head.entry_hash, format_time(now or utcnow())
    )
    checkpoint = Checkpoint(
        seq=signed["seq"],
        origin=signed["origin"],
        entry_hash=signed["hash"],
        signed_at=datetime.strptime(signed["signed_at"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        public_key=signed["public_key"],
        signature=signed["signature"],
    )
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def latest_checkpoint() -> Checkpoint | None:
    return db.session.scalar(select(Checkpoint).order_by(Checkpoint.seq.desc()).limit(1))


def checkpoints(*, up_to: int | None = None, newest_first: bool = False) -> list[Checkpoint]:
    query = select(Checkpoint)
    if up_to is not None:
        query = query.where(Checkpoint.seq <= up_to)
    order = Checkpoint.seq.desc() if newest_first else Checkpoint.seq
    return list(db.session.scalars(query.order_by(order)))


def page(number: int, size: int) -> Page[Checkpoint]:
    """One page of checkpoints, newest first."""
    query = select(Checkpoint).order_by(Checkpoint.seq.desc())
    return paginate(query, number, size, count=select(func.count(Checkpoint.seq)))


def voting_is_open() -> bool:
    rounds_voting = db.session.scalars(select(Round).where(Round.phase == Phase.VOTING))
    return any(rounds.accepting_ballots(round_) for round_ in rounds_voting)


def _mark_due(round_: Round, actor: object) -> None:
    """Phase hook: sign the head when this transaction commits (refuse now if we cannot)."""
    keys.signing_key()  # a missing key refuses the phase change, rather than failing the commit
    db.session.info[DUE] = True


for _phase in PHASE_ORDER[1:]:
    rounds.on_entering(_phase)(_mark_due)


@event.listens_for(Session, "before_commit")
def _sign_before_commit(session: Session) -> None:
    if session.info.pop(DUE, False):
        sign_head()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(DUE, None)
