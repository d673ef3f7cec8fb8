"""Delivery plans of funded projects; officers of the project's ward edit them.

Other domains react to a status change without this package importing them:

    @delivery.services.on_status_change
    def invite_raters(project_id: int, status: str, when: datetime) -> None: ...

Each callback runs in the transaction of the change (a refusal rolls everything back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.db import utcnow
from pb.delivery.models import (
    SPEND_LIMIT,
    DeliveryPlan,
    DeliveryStatus,
    DeliveryUpdate,
    Milestone,
    StatusChange,
)
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.following import services as following
from pb.following.models import FollowKind
from pb.media import services as media
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round

StatusHook = Callable[[int, str, datetime], None]
STATUS_HOOKS: list[StatusHook] = []
REASON_LIMIT = 2000
BODY_LIMIT = 5000
TITLE_LIMIT = 200
FIRST_YEAR, LAST_YEAR = 2000, 2100


def on_status_change(fn: StatusHook) -> StatusHook:
    """Register `fn(project_id, status, when)`, called whenever a delivery status changes."""
    STATUS_HOOKS.append(fn)
    return fn


def delivery_status(project_id: int) -> str | None:
    """The project's delivery status ("planned", "done"...), or None without a plan."""
    plan = _plan_of(project_id)
    return plan.status.value if plan else None


def funded_project(round_id: int, proposal_id: int) -> Proposal:
    """The funded project at this address; NotFound for anything else (not funded, not yet
    published, another round's project)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.round_id != round_id or not results.is_funded(proposal):
        raise NotFound(_("This project has no delivery plan: it was not funded."))
    return proposal


def plan_of(proposal: Proposal) -> DeliveryPlan | None:
    """The project's plan (None for a project funded before plans existed: it gets one at its
    first edit, and pages show it as planned meanwhile)."""
    return _plan_of(proposal.id)


def round_plans(round_: Round) -> dict[int, DeliveryPlan]:
    """Every plan of the round, by proposal id (for the round page)."""
    plans = db.session.scalars(select(DeliveryPlan).where(DeliveryPlan.round_id == round_.id))
    return {plan.proposal_id: plan for plan in plans}


def officer_projects(officer: User) -> list[tuple[Proposal, DeliveryPlan | None]]:
    """Funded projects of published rounds in the officer's wards, with their plans."""
    ward_ids = [ward.id for ward in officer.wards]
    query = (
        select(Proposal)
        .join(Round, Round.id == Proposal.round_id)
        .where(Round.phase == Phase.PUBLISHED, Proposal.ward_id.in_(ward_ids))
        .order_by(Round.id.desc(), Proposal.id)
    )
    funded = [p for p in db.session.scalars(query) if results.is_funded(p)]
    return [(p, _plan_of(p.id)) for p in funded]


@rounds.on_entering(Phase.PUBLISHED)
def plan_funded_projects(round_: Round, actor: User | None) -> None:
    """Publication gives every funded project a plan, planned, with nothing spent."""
    for proposal in results.funded_projects(round_):
        _ensure_plan(proposal, actor)


def check_editor(officer: User, proposal: Proposal) -> None:
    """Only officers of the project's ward edit its plan (Forbidden otherwise)."""
    if officer.role is not Role.OFFICER or not officer.works_for({proposal.ward_id}):
        raise Forbidden(_("You are not an officer for this project's ward."))


def shown_plan(proposal: Proposal) -> DeliveryPlan:
    """The plan to show: the stored one, or (for a project funded before plans existed, until
    its first edit) an unsaved planned one, so that reading never writes."""
    return plan_of(proposal) or DeliveryPlan(
        proposal_id=proposal.id,
        round_id=proposal.round_id,
        status=DeliveryStatus.PLANNED,
        progress=0,
        spent=0,
    )


def editable_plan(officer: User, proposal: Proposal) -> DeliveryPlan:
    check_editor(officer, proposal)
    return _ensure_plan(proposal, officer)


def change_status(
    officer: User, proposal: Proposal, status: DeliveryStatus, reason: str
) -> StatusChange:
    """Move the plan to `status`, with a public reason (required); followers are told."""
    plan = editable_plan(officer, proposal)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the public reason for this change."), field="reason")
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(
            _("Keep the reason under %(num)d characters.", num=REASON_LIMIT), field="reason"
        )
    if status is plan.status:
        raise Conflict(_("The project already has this status."))
    now = utcnow()
    change = StatusChange(plan_id=plan.id, status=status, reason=reason, changed_at=now)
    previous, plan.status, plan.updated_at = plan.status, status, now
    if status is DeliveryStatus.DONE:
        plan.progress = 100
    db.session.add(change)
    db.session.flush()
    audit.record(
        "delivery.status_changed",
        proposal,
        {"from": previous.value, "to": status.value, "reason": reason},
        actor=officer,
    )
    for hook in STATUS_HOOKS:
        hook(proposal.id, status.value, now)
    following.notify_followers(
        FollowKind.PROJECT,
        proposal.id,
        "delivery.status",
        {"title": proposal.title, "status": status.value, "reason": reason},
        actor=officer,
    )
    return change


def set_progress(officer: User, proposal: Proposal, progress: int, spent: int) -> DeliveryPlan:
    """Progress in percent (0-100) and the spend to date in minor units."""
    plan = editable_plan(officer, proposal)
    if not 0 <= progress <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), field="progress")
    if not 0 <= spent < SPEND_LIMIT:
        raise InvalidInput(_("Enter the amount spent so far, from 0."), field="spent")
    if (plan.progress, plan.spent) == (progress, spent):
        return plan
    before = {"progress": plan.progress, "spent": plan.spent}
    plan.progress, plan.spent, plan.updated_at = progress, spent, utcnow()
    db.session.flush()
    audit.record(
        "delivery.progress_updated",
        proposal,
        {"before": before, "progress": progress, "spent": spent, "cost": proposal.cost},
        actor=officer,
    )
    return plan


def add_milestone(officer: User, proposal: Proposal, title: str, due_on: date) -> Milestone:
    plan = editable_plan(officer, proposal)
    title = " ".join(title.split())
    if not title or len(title) > TITLE_LIMIT:
        raise InvalidInput(_("Name the milestone (up to 200 characters)."), field="title")
    _check_date(due_on, "due_on")
    milestone = Milestone(plan_id=plan.id, title=title, due_on=due_on)
    db.session.add(milestone)
    plan.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "delivery.milestone_added",
        proposal,
        {"milestone": milestone.id, "title": title, "due_on": due_on.isoformat()},
        actor=officer,
    )
    return milestone


def complete_milestone(
    officer: User, proposal: Proposal, milestone_id: int, done_on: date
) -> Milestone:
    plan = editable_plan(officer, proposal)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.plan_id != plan.id:
        raise NotFound(_("This project has no such milestone."))
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already reached."))
    _check_date(done_on, "done_on")
    milestone.done_on, plan.updated_at = done_on, utcnow()
    db.session.flush()
    audit.record(
        "delivery.milestone_reached",
        proposal,
        {"milestone": milestone.id, "done_on": done_on.isoformat()},
        actor=officer,
    )
    return milestone


def post_update(
    officer: User,
    proposal: Proposal,
    happened_on: date,
    body: str,
    photo: bytes | None = None,
    alt_text: str = "",
) -> DeliveryUpdate:
    """A dated public update, with an optional photo (checked by pb.media); followers are told."""
    plan = editable_plan(officer, proposal)
    body = body.strip()
    if not body or len(body) > BODY_LIMIT:
        raise InvalidInput(_("Write the update (up to 5000 characters)."), field="body")
    _check_date(happened_on, "happened_on")
    stored = media.store(photo, alt_text, owner=officer) if photo is not None else None
    update = DeliveryUpdate(
        plan_id=plan.id,
        happened_on=happened_on,
        body=body,
        media_id=stored.id if stored else None,
    )
    db.session.add(update)
    plan.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "delivery.update_posted",
        proposal,
        {"update": update.id, "happened_on": happened_on.isoformat(), "photo": bool(stored)},
        actor=officer,
    )
    following.notify_followers(
        FollowKind.PROJECT,
        proposal.id,
        "delivery.update",
        {"title": proposal.title},
        actor=officer,
    )
    return update


def _plan_of(project_id: int) -> DeliveryPlan | None:
    query = select(DeliveryPlan).where(DeliveryPlan.proposal_id == project_id)
    return db.session.scalars(query).first()


def _ensure_plan(proposal: Proposal, actor: User | None) -> DeliveryPlan:
    plan = _plan_of(proposal.id)
    if plan is not None:
        return plan
    plan = DeliveryPlan(proposal_id=proposal.id, round_id=proposal.round_id)
    db.session.add(plan)
    db.session.flush()
    audit.record("delivery.planned", proposal, {"cost": proposal.cost}, actor=actor)
    return plan


def _check_date(value: date, field: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(_("Enter a date between 2000 and 2100."), field=field)
