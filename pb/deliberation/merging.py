"""Merging similar proposals: an officer folds sources into a target. Each source keeps its page,
which links on to the target; its supports move over, counted once per resident; its author is
credited on the target; its pending amendments close."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.db import utcnow
from pb.deliberation import amendments
from pb.deliberation.models import NotificationKind, ProposalMerge, Support, VersionKind
from pb.deliberation.notifications import notify
from pb.deliberation.supports import lock
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Phase, Round

MERGE_PHASES = frozenset({Phase.PROPOSALS, Phase.DELIBERATION, Phase.REVIEW})


def can_merge(officer: User, proposal: Proposal) -> bool:
    return officer.role is Role.OFFICER and officer.works_for({proposal.ward_id})


def mergeable(officer: User, round_: Round) -> list[Proposal]:
    """Proposals in the round this officer may merge (their wards, not yet reviewed)."""
    query = (
        select(Proposal)
        .where(Proposal.round_id == round_.id, Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.id)
    )
    return [p for p in db.session.scalars(query) if can_merge(officer, p)]


def merge(
    target: Proposal,
    sources: Sequence[Proposal],
    *,
    officer: User,
    reason: str,
    title: str | None = None,
    description: str | None = None,
) -> int:
    """Merge `sources` into `target`; returns how many supports moved over."""
    if not sources:
        raise InvalidInput(_("Choose at least one proposal to merge."), field="sources")
    if target.round.phase not in MERGE_PHASES:
        raise Conflict(_("Proposals can only be merged before voting opens."))
    if not reason.strip():
        raise InvalidInput(_("Give a reason: it is shown publicly."), field="reason")
    for proposal in (target, *sources):
        if not can_merge(officer, proposal):
            raise Forbidden(_("You are not an officer for this proposal's ward."))
        if proposal.round_id != target.round_id:
            raise InvalidInput(_("Only proposals of the same round can be merged."))
        if proposal.status is not ProposalStatus.SUBMITTED:
            raise Conflict(_("Only proposals awaiting review can be merged."))
    if any(source.id == target.id for source in sources):
        raise InvalidInput(_("A proposal cannot be merged into itself."), field="sources")
    for proposal in sorted((target, *sources), key=lambda p: p.id):  # one lock order: no deadlock
        lock(proposal)
    supporters = set(
        db.session.scalars(select(Support.user_id).where(Support.proposal_id == target.id))
    )
    moved_total = 0
    for source in sources:
        moved = 0
        for support in list(
            db.session.scalars(select(Support).where(Support.proposal_id == source.id))
        ):
            if support.user_id in supporters:
                db.session.delete(support)  # supported both: counted once
            else:
                support.proposal_id = target.id
                supporters.add(support.user_id)
                moved += 1
        db.session.flush()
        source.status = ProposalStatus.MERGED
        db.session.add(
            ProposalMerge(
                source_id=source.id,
                target_id=target.id,
                merged_by_id=officer.id,
                reason=reason.strip(),
                supports_moved=moved,
                merged_at=utcnow(),
            )
        )
        amendments.close_pending(source, officer)
        db.session.flush()
        audit.record(
            "proposal.merged",
            source,
            {"into": target.id, "supports_moved": moved, "reason": reason.strip()},
            actor=officer,
        )
        notify(
            {source.author_id, target.author_id},
            NotificationKind.PROPOSAL_MERGED,
            actor=officer,
            round_id=target.round_id,
            proposal_id=target.id,
            data={"title": target.title, "source": source.title},
        )
        moved_total += moved
    if (title and title.strip() != target.title) or (
        description and description.strip() != target.description
    ):
        amendments.ensure_history(target)
        target.title = (title or target.title).strip()
        target.description = (description or target.description).strip()
        db.session.flush()
        amendments.record_version(target, VersionKind.MERGE, officer)
        audit.record("proposal.rewritten_on_merge", target, {"title": target.title}, actor=officer)
    return moved_total


def merged_into(proposal: Proposal) -> ProposalMerge | None:
    return db.session.get(ProposalMerge, proposal.id)


def merged_from(proposal: Proposal) -> list[ProposalMerge]:
    query = (
        select(ProposalMerge)
        .where(ProposalMerge.target_id == proposal.id)
        .order_by(ProposalMerge.source_id)
    )
    return list(db.session.scalars(query))
