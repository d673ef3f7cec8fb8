"""Proposals: citizens submit and edit them; officers review them onto (or off) the ballot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.db import utcnow
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.media import services as media
from pb.pagination import Page, paginate
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import eligibility

# Statuses an officer reviews; merged and not-shortlisted proposals never reach review.
REVIEWABLE = (ProposalStatus.SUBMITTED, ProposalStatus.FEASIBLE, ProposalStatus.INFEASIBLE)
ChangeHook = Callable[[Proposal, User, str], None]
CHANGE_HOOKS: list[ChangeHook] = []


def on_change(hook: ChangeHook) -> ChangeHook:
    """Register work done, in the same transaction, after a proposal is submitted, edited or
    reviewed (`hook(proposal, actor, "submitted" | "edited" | "reviewed")`): version history
    and notifications live in pb.deliberation, so this module does not import them."""
    CHANGE_HOOKS.append(hook)
    return hook


def _changed(proposal: Proposal, actor: User, event: str) -> None:
    for hook in CHANGE_HOOKS:
        hook(proposal, actor, event)


@dataclass
class ProposalDraft:
    title: str
    description: str
    estimated_cost: int
    ward_id: int
    category: str
    location: str = ""
    image: bytes | None = None  # an uploaded picture, checked by pb.media (alt text required)
    image_alt: str = ""


def get_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def round_proposals(round_: Round) -> list[Proposal]:
    query = select(Proposal).where(Proposal.round_id == round_.id).order_by(Proposal.id)
    return list(db.session.scalars(query))


LISTING_PAGE_SIZE = 50
LOCATION_MAX = 200


def round_proposals_page(
    round_: Round, page: int = 1, per_page: int = LISTING_PAGE_SIZE
) -> Page[Proposal]:
    """A page of the round's proposals, in the order they were submitted: listing them all is
    fine for a few hundred, not for thousands. A page number out of range gives the nearest."""
    in_round = Proposal.round_id == round_.id
    return paginate(
        select(Proposal).where(in_round).order_by(Proposal.id),
        page,
        per_page,
        count=select(func.count(Proposal.id)).where(in_round),
    )


def proposals_by(user: User) -> list[Proposal]:
    query = select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id.desc())
    return list(db.session.scalars(query))


def check_can_propose(round_: Round, user: User, now: datetime | None = None) -> None:
    """Refuse, with the reason, a user who may not propose in this round now. The form page
    asks first, so nobody fills in a whole proposal only to be refused."""
    if not rounds.accepting_proposals(round_, now):
        raise Conflict(_("This round is not accepting proposals now."))
    if not eligibility.can_take_part(user, round_):
        raise Forbidden(_("Only residents of this round's wards can propose projects."))


def submit(
    round_: Round, draft: ProposalDraft, *, author: User, now: datetime | None = None
) -> Proposal:
    check_can_propose(round_, author, now)
    _check_draft(round_, draft)
    proposal = Proposal(round_id=round_.id, author_id=author.id)
    _apply(proposal, draft, author)
    db.session.add(proposal)
    db.session.flush()
    audit.record("proposal.submitted", proposal, _draft_data(proposal), actor=author)
    _changed(proposal, author, "submitted")
    return proposal


def edit(proposal: Proposal, draft: ProposalDraft, *, author: User) -> None:
    check_editable_by(proposal, author)
    _check_draft(proposal.round, draft)
    _apply(proposal, draft, author)
    db.session.flush()
    audit.record("proposal.edited", proposal, _draft_data(proposal), actor=author)
    _changed(proposal, author, "edited")


def check_editable_by(proposal: Proposal, user: User) -> None:
    """Authors may edit their own proposal until the review phase starts."""
    if proposal.author_id != user.id:
        raise Forbidden(_("You can only edit your own proposals."))
    if (
        proposal.round.phase is not Phase.PROPOSALS
        or proposal.status is not ProposalStatus.SUBMITTED
    ):
        raise Conflict(_("Proposals can only be edited until the review starts."))


def can_review(officer: User, proposal: Proposal) -> bool:
    return officer.role is Role.OFFICER and officer.works_for({proposal.ward_id})


NOTE_LIMIT = 4000


def save_internal_note(proposal: Proposal, *, officer: User, note: str) -> None:
    """The ward officers' working note on a proposal. The audit chain records that it changed,
    never what it says (the chain is published with the round)."""
    if not can_review(officer, proposal):
        raise Forbidden(_("You are not an officer for this proposal's ward."))
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(
            _("Keep the note under %(num)d characters.", num=NOTE_LIMIT), field="note"
        )
    if note == proposal.internal_note:
        return
    proposal.internal_note = note
    db.session.flush()
    audit.record("proposal.note_updated", proposal, {}, actor=officer)


def review_queue(officer: User) -> list[Proposal]:
    """Proposals in rounds under review, in the officer's wards; unreviewed first."""
    query = (
        select(Proposal)
        .join(Round, Proposal.round_id == Round.id)
        .where(Round.phase == Phase.REVIEW)
        .where(Proposal.ward_id.in_([ward.id for ward in officer.wards]))
        .where(Proposal.status.in_(REVIEWABLE))
        .order_by(Proposal.status != ProposalStatus.SUBMITTED, Proposal.round_id, Proposal.id)
    )
    return list(db.session.scalars(query))


def review(
    proposal: Proposal,
    *,
    officer: User,
    feasible: bool,
    reason: str,
    final_cost: int | None,
) -> None:
    """Record the officer's decision; feasible proposals go on the ballot at their final cost."""
    if not can_review(officer, proposal):
        raise Forbidden(_("You are not an officer for this proposal's ward."))
    if proposal.round.phase is not Phase.REVIEW:
        raise Conflict(_("Proposals can only be reviewed during the review phase."))
    if proposal.status not in REVIEWABLE:
        raise Conflict(_("This proposal was merged or did not reach the support threshold."))
    if not feasible and not reason.strip():
        raise InvalidInput(
            _("Say why it is not feasible: the reason is shown publicly."), field="reason"
        )
    if feasible and (final_cost is None or final_cost <= 0):
        raise InvalidInput(_("A feasible project needs a final cost."), field="final_cost")
    if feasible and final_cost is not None and final_cost > proposal.round.budget:
        raise InvalidInput(
            _("The final cost cannot exceed the round's budget."), field="final_cost"
        )
    proposal.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.INFEASIBLE
    proposal.review_reason = reason.strip()
    proposal.final_cost = final_cost if feasible else None
    proposal.reviewed_by_id = officer.id
    proposal.reviewed_at = utcnow()
    db.session.flush()
    audit.record(
        "proposal.reviewed",
        proposal,
        {
            "status": proposal.status.value,
            "reason": proposal.review_reason,
            "final_cost": proposal.final_cost,
        },
        actor=officer,
    )
    _changed(proposal, officer, "reviewed")


def _check_draft(round_: Round, draft: ProposalDraft) -> None:
    if draft.ward_id not in round_.ward_ids:
        raise InvalidInput(_("Choose one of this round's wards."), field="ward")
    if round_.categories and draft.category not in round_.categories:
        raise InvalidInput(_("Choose one of this round's categories."), field="category")
    if len(draft.location) > LOCATION_MAX:
        raise InvalidInput(
            _("Keep the location under %(num)d characters.", num=LOCATION_MAX), field="location"
        )
    if draft.estimated_cost <= 0:
        raise InvalidInput(_("The cost must be more than zero."), field="estimated_cost")
    if draft.estimated_cost > round_.budget:
        raise InvalidInput(
            _("The cost cannot exceed the round's whole budget."), field="estimated_cost"
        )


def _apply(proposal: Proposal, draft: ProposalDraft, author: User) -> None:
    if draft.image is not None:  # refused (422, nothing written) unless clean, with alt text
        stored = media.store(draft.image, draft.image_alt, owner=author, field="image")
        proposal.image_id = stored.id
    proposal.location = " ".join(draft.location.split())
    proposal.title = draft.title.strip()
    proposal.description = draft.description.strip()
    proposal.estimated_cost = draft.estimated_cost
    proposal.ward_id = draft.ward_id
    proposal.category = draft.category


def _draft_data(proposal: Proposal) -> dict[str, object]:
    return {
        "round_id": proposal.round_id,
        "title": proposal.title,
        "estimated_cost": proposal.estimated_cost,
        "ward_id": proposal.ward_id,
        "category": proposal.category,
        "location": proposal.location,
        "image_id": proposal.image_id,
    }
