"""Supports: a resident backs a proposal once (a unique constraint), may withdraw, and a round's
threshold decides which proposals go forward to review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.deliberation import follows, policy
from pb.deliberation.models import Support
from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round


@dataclass(frozen=True)
class Progress:
    supports: int
    threshold: int | None

    @property
    def reached(self) -> bool:
        return self.threshold is None or self.supports >= self.threshold

    @property
    def percent(self) -> int:
        if not self.threshold:
            return 100
        return min(100, self.supports * 100 // self.threshold)


def lock(proposal: Proposal) -> None:
    """Serialise changes to one proposal's supports (PostgreSQL row lock; SQLite already
    serialises writers at BEGIN IMMEDIATE). A waiting request then sees the first one's row."""
    db.session.execute(select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())


def support(proposal: Proposal, user: User) -> bool:
    """Support a proposal; True if this added a support, False if it was already there."""
    policy.check_shaping_open(user, proposal)
    policy.check_not_hidden(proposal)
    lock(proposal)
    if has_supported(user, proposal):
        return False
    if not added_once(Support(proposal_id=proposal.id, user_id=user.id, created_at=utcnow())):
        return False
    audit.record("support.added", proposal, {}, actor=user)
    follows.supported(proposal, user)
    return True


def withdraw(proposal: Proposal, user: User) -> bool:
    policy.check_shaping_open(user, proposal)
    lock(proposal)
    result = db.session.execute(
        delete(Support).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    )
    if not result.rowcount:
        return False
    audit.record("support.withdrawn", proposal, {}, actor=user)
    return True


def has_supported(user: User | None, proposal: Proposal) -> bool:
    if user is None or not user.is_authenticated:
        return False
    query = select(Support.id).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    return db.session.scalar(query) is not None


def supported_by(user: User | None, proposal_ids: Iterable[int]) -> set[int]:
    ids = list(proposal_ids)
    if user is None or not user.is_authenticated or not ids:
        return set()
    query = select(Support.proposal_id).where(
        Support.user_id == user.id, Support.proposal_id.in_(ids)
    )
    return set(db.session.scalars(query))


def counts(proposal_ids: Iterable[int]) -> dict[int, int]:
    ids = list(proposal_ids)
    if not ids:
        return {}
    query = (
        select(Support.proposal_id, func.count(Support.id))
        .where(Support.proposal_id.in_(ids))
        .group_by(Support.proposal_id)
    )
    return {pid: count for pid, count in db.session.execute(query)}


def progress(round_: Round, supports: int) -> Progress:
    return Progress(supports, round_.support_threshold)


@rounds.on_entering(Phase.REVIEW)
def apply_threshold(round_: Round, actor: User) -> None:
    """Proposals below the round's support threshold do not go forward to review."""
    if round_.support_threshold is None:
        return
    submitted = list(
        db.session.scalars(
            select(Proposal).where(
                Proposal.round_id == round_.id, Proposal.status == ProposalStatus.SUBMITTED
            )
        )
    )
    tally = counts(p.id for p in submitted)
    for proposal in submitted:
        supports = tally.get(proposal.id, 0)
        if supports < round_.support_threshold:
            proposal.status = ProposalStatus.NOT_SHORTLISTED
            db.session.flush()
            audit.record(
                "proposal.not_shortlisted",
                proposal,
                {"supports": supports, "threshold": round_.support_threshold},
                actor=actor,
            )
