"""Co-design: amendments to someone else's proposal, the author's decision, and the proposal's
version history with word-level diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import utcnow
from pb.deliberation import follows, policy
from pb.deliberation.models import (
    Amendment,
    AmendmentStatus,
    NotificationKind,
    ProposalVersion,
    VersionKind,
)
from pb.deliberation.notifications import notify
from pb.deliberation.supports import lock
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.proposals import services as proposals
from pb.proposals.models import Proposal, ProposalStatus


@dataclass
class AmendmentDraft:
    title: str
    description: str
    estimated_cost: int
    reason: str


@dataclass(frozen=True)
class Change:
    """One piece of a diff: "equal", "insert" or "delete", and its text."""

    op: str
    text: str


@dataclass
class VersionView:
    version: ProposalVersion
    title_diff: list[Change]
    description_diff: list[Change]
    previous_cost: int | None


def get_amendment(amendment_id: int) -> Amendment:
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_("No such amendment."))
    return amendment


def amendments_of(proposal: Proposal) -> list[Amendment]:
    query = select(Amendment).where(Amendment.proposal_id == proposal.id).order_by(Amendment.id)
    return list(db.session.scalars(query))


def check_can_propose(proposal: Proposal, author: User) -> None:
    if proposal.author_id == author.id:
        raise Conflict(_("This is your own proposal: edit it instead of amending it."))
    policy.check_shaping_open(author, proposal)
    policy.check_not_hidden(proposal)


def propose(proposal: Proposal, author: User, draft: AmendmentDraft) -> Amendment:
    check_can_propose(proposal, author)
    _check(proposal, draft)
    if (draft.title.strip(), draft.description.strip(), draft.estimated_cost) == (
        proposal.title,
        proposal.description,
        proposal.estimated_cost,
    ):
        raise InvalidInput(_("Change the title, description or cost to propose an amendment."))
    base = ensure_history(proposal)
    amendment = Amendment(
        proposal_id=proposal.id,
        author_id=author.id,
        title=draft.title.strip(),
        description=draft.description.strip(),
        estimated_cost=draft.estimated_cost,
        reason=draft.reason.strip(),
        base_version=base.number,
        status=AmendmentStatus.PENDING,
        created_at=utcnow(),
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        "amendment.proposed",
        amendment,
        {
            "proposal_id": proposal.id,
            "title": amendment.title,
            "estimated_cost": amendment.estimated_cost,
            "base_version": amendment.base_version,
        },
        actor=author,
    )
    follows.amended(proposal, amendment, author)
    notify(
        [proposal.author_id],
        NotificationKind.PROPOSAL_AMENDED,
        actor=author,
        round_id=proposal.round_id,
        proposal_id=proposal.id,
        data={"name": author.display_name, "title": proposal.title},
    )
    return amendment


def decide(amendment: Amendment, user: User, *, accept: bool, reason: str) -> None:
    """The proposal's author accepts (the proposal takes the amended text) or rejects it."""
    proposal = amendment.proposal
    if proposal.author_id != user.id:
        raise Forbidden(_("Only the proposal's author can accept or reject its amendments."))
    lock(proposal)
    if amendment.status is not AmendmentStatus.PENDING:
        raise Conflict(_("This amendment has already been decided."))
    if (
        proposal.round.phase not in policy.SHAPING_PHASES
        or proposal.status is not ProposalStatus.SUBMITTED
    ):
        raise Conflict(_("Amendments are closed: the review has started."))
    reason = reason.strip()
    if not accept and not reason:
        raise InvalidInput(_("Say why you are not accepting it."), field="reason")
    if accept:
        _check(
            proposal,
            AmendmentDraft(
                amendment.title, amendment.description, amendment.estimated_cost, amendment.reason
            ),
        )
        ensure_history(proposal)
        proposal.title = amendment.title
        proposal.description = amendment.description
        proposal.estimated_cost = amendment.estimated_cost
        db.session.flush()
        version = record_version(proposal, VersionKind.AMENDMENT, amendment.author)
        version.amendment_id = amendment.id
    amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
    amendment.decision_reason = reason
    amendment.decided_at = utcnow()
    db.session.flush()
    audit.record(
        "amendment.accepted" if accept else "amendment.rejected",
        amendment,
        {"proposal_id": proposal.id, "reason": reason},
        actor=user,
    )
    notify(
        [amendment.author_id],
        NotificationKind.AMENDMENT_DECIDED,
        actor=user,
        round_id=proposal.round_id,
        proposal_id=proposal.id,
        data={"title": proposal.title, "accepted": accept},
    )


def close_pending(proposal: Proposal, actor: User) -> int:
    """Close undecided amendments (their proposal was merged away)."""
    pending = list(
        db.session.scalars(
            select(Amendment).where(
                Amendment.proposal_id == proposal.id,
                Amendment.status == AmendmentStatus.PENDING,
            )
        )
    )
    for amendment in pending:
        amendment.status = AmendmentStatus.CLOSED
        amendment.decided_at = utcnow()
        db.session.flush()
        audit.record("amendment.closed", amendment, {"proposal_id": proposal.id}, actor=actor)
    return len(pending)


# --- version history -------------------------------------------------------------------------


def latest_version(proposal: Proposal) -> ProposalVersion | None:
    query = (
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal.id)
        .order_by(ProposalVersion.number.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def record_version(proposal: Proposal, kind: VersionKind, editor: User | None) -> ProposalVersion:
    number = (
        db.session.scalar(
            select(func.max(ProposalVersion.number)).where(
                ProposalVersion.proposal_id == proposal.id
            )
        )
        or 0
    ) + 1
    version = ProposalVersion(
        proposal_id=proposal.id,
        number=number,
        kind=kind,
        title=proposal.title,
        description=proposal.description,
        estimated_cost=proposal.estimated_cost,
        editor_id=editor.id if editor else None,
        created_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    return version


def ensure_history(proposal: Proposal) -> ProposalVersion:
    """The latest version, first recording the current text if it is not yet in the history
    (proposals submitted before history was kept, or changed outside these services)."""
    latest = latest_version(proposal)
    current = (proposal.title, proposal.description, proposal.estimated_cost)
    if latest is None:
        return record_version(proposal, VersionKind.ORIGINAL, proposal.author)
    if (latest.title, latest.description, latest.estimated_cost) != current:
        return record_version(proposal, VersionKind.EDITED, proposal.author)
    return latest


def history(proposal: Proposal) -> list[VersionView]:
    """Every version, newest first, each with its diff from the one before."""
    versions = list(
        db.session.scalars(
            select(ProposalVersion)
            .where(ProposalVersion.proposal_id == proposal.id)
            .order_by(ProposalVersion.number)
        )
    )
    views = []
    previous = None
    for version in versions:
        views.append(
            VersionView(
                version,
                diff(previous.title if previous else "", version.title),
                diff(previous.description if previous else "", version.description),
                previous.estimated_cost if previous else None,
            )
        )
        previous = version
    return list(reversed(views))


_TOKENS = re.compile(r"\s+|[^\s]+")


def diff(old: str, new: str) -> list[Change]:
    """A word-level diff (whitespace kept), for <del>/<ins> rendering with escaping."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(Change("equal", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("delete", "".join(before[i1:i2])))
        if j2 > j1:
            changes.append(Change("insert", "".join(after[j1:j2])))
    return changes


def diff_against_current(amendment: Amendment) -> tuple[list[Change], list[Change]]:
    proposal = amendment.proposal
    return (
        diff(proposal.title, amendment.title),
        diff(proposal.description, amendment.description),
    )


def _check(proposal: Proposal, draft: AmendmentDraft) -> None:
    if not 5 <= len(draft.title.strip()) <= 200:
        raise InvalidInput(_("The title needs 5 to 200 characters."), field="title")
    if not 20 <= len(draft.description.strip()) <= 5000:
        raise InvalidInput(_("The description needs 20 to 5000 characters."), field="description")
    if draft.estimated_cost <= 0:
        raise InvalidInput(_("The cost must be more than zero."), field="estimated_cost")
    if draft.estimated_cost > proposal.round.budget:
        raise InvalidInput(
            _("The cost cannot exceed the round's whole budget."), field="estimated_cost"
        )
    if not draft.reason.strip():
        raise InvalidInput(_("Explain why you propose this change."), field="reason")


@proposals.on_change
def _follow_proposal(proposal: Proposal, actor: User, event: str) -> None:
    """Keep the version history (submissions, author edits) and tell authors of reviews."""
    if event == "submitted":
        record_version(proposal, VersionKind.ORIGINAL, actor)
    elif event == "edited":
        ensure_history(proposal)
    elif event == "reviewed":
        notify(
            [proposal.author_id],
            NotificationKind.PROPOSAL_REVIEWED,
            actor=actor,
            round_id=proposal.round_id,
            proposal_id=proposal.id,
            data={"title": proposal.title, "status": proposal.status.value},
        )
