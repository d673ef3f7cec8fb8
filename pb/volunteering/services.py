"""Skills (opt-in), tasks on funded projects, pledges. Services take plain values and flush.

Who sees what: a resident's skills only the officers of the resident's home ward; a task is
posted, and its pledges managed, only by officers of the funded project's ward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.volunteering.models import (
    MAX_TASK_MINUTES,
    MAX_VOLUNTEERS,
    Pledge,
    VolunteerProfile,
    VolunteerTask,
)

MAX_SKILLS = 20


# --- skills ------------------------------------------------------------------------------


def clean_skills(text: str) -> list[str]:
    """One skill per line or comma: trimmed, case-insensitively unique, in the order typed."""
    seen: dict[str, str] = {}
    for part in text.replace(",", "\n").splitlines():
        skill = " ".join(part.split())[:60]
        if skill and skill.casefold() not in seen:
            seen[skill.casefold()] = skill
    if len(seen) > MAX_SKILLS:
        raise InvalidInput(_("List at most %(n)d skills.", n=MAX_SKILLS), field="skills")
    return list(seen.values())


def profile_of(user: User) -> VolunteerProfile | None:
    return db.session.get(VolunteerProfile, user.id)


def save_skills(user: User, skills: Sequence[str], availability: str) -> VolunteerProfile:
    """Keep a resident's skills with their consent (given by saving them)."""
    if user.role is not Role.CITIZEN or user.home_ward_id is None:
        raise Forbidden(_("Only residents with a home ward can offer their skills."))
    if not skills:
        raise InvalidInput(_("Name at least one skill."), field="skills")
    profile = profile_of(user) or VolunteerProfile(user_id=user.id, consented_at=utcnow())
    profile.skills = list(skills)
    profile.availability = availability.strip()
    db.session.add(profile)
    db.session.flush()
    audit.record("volunteering.skills_saved", ("user", user.id), {}, actor=user)
    return profile


def withdraw_consent(user: User) -> bool:
    """Delete the resident's skills and availability (withdrawing consent deletes the data)."""
    deleted = db.session.execute(
        delete(VolunteerProfile).where(VolunteerProfile.user_id == user.id)
    ).rowcount
    if deleted:
        audit.record("volunteering.consent_withdrawn", ("user", user.id), {}, actor=user)
    return bool(deleted)


def matching_residents(officer: User, skill: str) -> list[VolunteerProfile]:
    """Residents of the officer's wards who offered this skill (case-insensitive)."""
    ward_ids = [ward.id for ward in officer.wards]
    if officer.role is not Role.OFFICER or not ward_ids:
        return []
    query = (
        select(VolunteerProfile)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(User.home_ward_id.in_(ward_ids), User.active.is_(True))
        .order_by(User.display_name, User.id)
    )
    wanted = skill.casefold()
    return [p for p in db.session.scalars(query) if wanted in {s.casefold() for s in p.skills}]


# --- tasks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDraft:
    title: str
    description: str
    skill: str
    minutes: int
    volunteers_needed: int
    starts_on: date
    when_text: str
    safeguarding_required: bool


def check_officer_of(officer: User, proposal: Proposal) -> None:
    if officer.role is not Role.OFFICER or not officer.works_for({proposal.ward_id}):
        raise Forbidden(_("You are not an officer for this project's ward."))


def get_project(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(_("No such project."))
    return proposal


def check_funded(proposal: Proposal) -> None:
    if not results.is_funded(proposal):
        raise Conflict(_("Volunteer tasks can be posted only on a funded project."))


def post_task(officer: User, proposal: Proposal, draft: TaskDraft) -> VolunteerTask:
    check_officer_of(officer, proposal)
    check_funded(proposal)
    if not 0 < draft.minutes <= MAX_TASK_MINUTES:
        raise InvalidInput(_("Between a quarter of an hour and 200 hours."), field="hours")
    if not 0 < draft.volunteers_needed <= MAX_VOLUNTEERS:
        raise InvalidInput(_("Between 1 and 500 volunteers."), field="volunteers_needed")
    task = VolunteerTask(proposal_id=proposal.id, created_by_id=officer.id, **draft.__dict__)
    db.session.add(task)
    db.session.flush()
    audit.record(
        "volunteering.task_posted",
        ("volunteer_task", task.id),
        {"proposal": proposal.id, "minutes": task.minutes, "needed": task.volunteers_needed},
        actor=officer,
    )
    return task


def get_task(task_id: int) -> VolunteerTask:
    task = db.session.get(VolunteerTask, task_id)
    if task is None:
        raise NotFound(_("No such volunteer task."))
    return task


def managed_task(officer: User, task_id: int) -> VolunteerTask:
    task = get_task(task_id)
    check_officer_of(officer, task.proposal)
    return task


def tasks_of(proposal: Proposal) -> list[VolunteerTask]:
    query = select(VolunteerTask).where(VolunteerTask.proposal_id == proposal.id)
    return list(db.session.scalars(query.order_by(VolunteerTask.starts_on, VolunteerTask.id)))


def pledge_counts(task_ids: Sequence[int]) -> dict[int, int]:
    if not task_ids:
        return {}
    query = (
        select(Pledge.task_id, func.count(Pledge.id))
        .where(Pledge.task_id.in_(task_ids))
        .group_by(Pledge.task_id)
    )
    return {task_id: count for task_id, count in db.session.execute(query)}


def unfilled_tasks(officer: User) -> list[tuple[VolunteerTask, int]]:
    """Tasks in the officer's wards with fewer pledges than volunteers needed, and their count."""
    ward_ids = [ward.id for ward in officer.wards]
    if not ward_ids:
        return []
    query = (
        select(VolunteerTask)
        .join(Proposal, Proposal.id == VolunteerTask.proposal_id)
        .where(Proposal.ward_id.in_(ward_ids))
        .order_by(VolunteerTask.starts_on, VolunteerTask.id)
    )
    tasks = list(db.session.scalars(query))
    counts = pledge_counts([task.id for task in tasks])
    return [(t, counts.get(t.id, 0)) for t in tasks if counts.get(t.id, 0) < t.volunteers_needed]


# --- pledges -----------------------------------------------------------------------------


def pledge(user: User, task: VolunteerTask) -> bool:
    """Pledge time to a task; True if this added the pledge, False if it was already there."""
    if user.role is not Role.CITIZEN:
        raise Forbidden(_("Only residents pledge their time."))
    db.session.execute(  # serialise pledges to one task (PostgreSQL; SQLite: BEGIN IMMEDIATE)
        select(VolunteerTask.id).where(VolunteerTask.id == task.id).with_for_update()
    )
    if pledge_of(user, task) is not None:
        return False
    if not added_once(Pledge(task_id=task.id, user_id=user.id, created_at=utcnow())):
        return False
    audit.record("volunteering.pledged", ("volunteer_task", task.id), {}, actor=user)
    return True


def pledge_of(user: User, task: VolunteerTask) -> Pledge | None:
    query = select(Pledge).where(Pledge.task_id == task.id, Pledge.user_id == user.id)
    return db.session.scalar(query)


def get_pledge(task: VolunteerTask, pledge_id: int | None) -> Pledge:
    found = db.session.get(Pledge, pledge_id) if pledge_id else None
    if found is None or found.task_id != task.id:
        raise InvalidInput(_("Choose a volunteer of this task."), field="pledge")
    return found


def confirm_safeguarding(officer: User, pledge_: Pledge) -> None:
    """The officer says the volunteer's check was done; no document is stored."""
    check_officer_of(officer, pledge_.task.proposal)
    if pledge_.safeguarding_checked_at is not None:
        raise Conflict(_("This volunteer's check is already confirmed."))
    pledge_.safeguarding_checked_at = utcnow()
    pledge_.checked_by_id = officer.id
    db.session.flush()
    audit.record(
        "volunteering.safeguarding_confirmed", ("volunteer_pledge", pledge_.id), {}, actor=officer
    )


def pledges_of(user: User) -> list[Pledge]:
    query = select(Pledge).where(Pledge.user_id == user.id).order_by(Pledge.created_at.desc())
    return list(db.session.scalars(query))
