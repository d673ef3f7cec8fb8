"""Resident inspectors (tenant-inspector style): an officer of the ward assigns a verified
resident who volunteered to a delivered project; the inspector files a report with a checklist
and findings; an officer answers publicly. Report and answer appear on the project's public
assessment page, without the inspector's name."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pb.accounts.models import Role, User
from pb.assessment.models import Inspection, ProjectAssessment
from pb.assessment.services import may_rate
from pb.audit import services as audit
from pb.db import added_once
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.media import services as media

MAX_TEXT = 5000
MAX_PHOTOS = 6  # per report: one is added each time the inspector saves it with a photo
CHECKLIST = {
    "as_described": _l("Built as the proposal described"),
    "in_place": _l("In the planned place"),
    "condition": _l("Safe and in good repair"),
    "accessible": _l("Accessible to everyone, including disabled people"),
    "in_use": _l("In use by residents"),
}
ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "unsure": _l("Not sure")}


def get_inspection(inspection_id: int) -> Inspection:
    found = db.session.get(Inspection, inspection_id)
    if found is None:
        raise NotFound(_("No such inspection."))
    return found


def _check_officer(officer: User, assessment_proposal) -> None:  # type: ignore[no-untyped-def]
    if officer.role is not Role.OFFICER or not officer.works_for({assessment_proposal.ward_id}):
        raise Forbidden(_("Only an officer of the project's ward can do this."))


def volunteer(resident: User, assessment: ProjectAssessment, now: datetime) -> Inspection:
    """A verified resident of the ward offers to inspect the project; an officer takes it up."""
    if not may_rate(resident, assessment.proposal):
        raise Forbidden(_("Only verified residents of the project's ward can inspect it."))
    offer = Inspection(proposal_id=assessment.proposal_id, inspector_id=resident.id, offered_at=now)
    if not added_once(offer):
        raise Conflict(_("You have already offered to inspect this project."))
    audit.record(
        "inspection.offered", offer, {"proposal_id": assessment.proposal_id}, actor=resident
    )
    return offer


def assign(officer: User, assessment: ProjectAssessment, email: str, now: datetime) -> Inspection:
    """Assign the resident with this e-mail address (usually one who volunteered) as an
    inspector of the project."""
    _check_officer(officer, assessment.proposal)
    address = (email or "").strip().lower()
    person = db.session.scalars(select(User).where(func.lower(User.email) == address)).first()
    if person is None or not may_rate(person, assessment.proposal):
        raise InvalidInput(
            _("No verified resident of the project's ward has that address."), field="email"
        )
    found = db.session.scalars(
        select(Inspection).where(
            Inspection.proposal_id == assessment.proposal_id, Inspection.inspector_id == person.id
        )
    ).first()
    if found is not None and found.assigned_at is not None:
        raise Conflict(_("This resident already inspects this project."))
    inspection = found or Inspection(proposal_id=assessment.proposal_id, inspector_id=person.id)
    inspection.assigned_by_id, inspection.assigned_at = officer.id, now
    if not added_once(inspection):
        raise Conflict(_("This resident already inspects this project."))
    audit.record(
        "inspection.assigned", inspection, {"proposal_id": assessment.proposal_id}, actor=officer
    )
    return inspection


def mine(inspection_id: int, user: User) -> Inspection:
    """The inspection, if `user` is its inspector (to anyone else it is not there)."""
    found = get_inspection(inspection_id)
    if found.inspector_id != user.id:
        raise NotFound(_("No such inspection."))
    return found


def check_assigned(inspection: Inspection) -> None:
    if inspection.assigned_at is None:
        raise Conflict(_("An officer has not assigned you to this inspection yet."))


def file(
    inspector: User,
    inspection: Inspection,
    answers: dict[str, str],
    findings: str,
    now: datetime,
    photo: bytes | None = None,
    alt_text: str = "",
) -> None:
    """File (or correct, until an officer answers) the report, adding a photo if one is given
    (checked by pb.media; a refused photo leaves the report as it was)."""
    findings = _checked_report(inspector, inspection, answers, findings)
    if photo is not None:
        if len(inspection.photos) >= MAX_PHOTOS:
            raise InvalidInput(
                _("A report can carry at most %(count)d photos.", count=MAX_PHOTOS), field="photo"
            )
        inspection.photos.append(media.store(photo, alt_text, owner=inspector))
    first = inspection.filed_at is None
    inspection.checklist, inspection.findings, inspection.filed_at = dict(answers), findings, now
    db.session.flush()
    action = "inspection.filed" if first else "inspection.corrected"
    details = {"checklist": inspection.checklist, "photos": [m.id for m in inspection.photos]}
    audit.record(action, inspection, details, actor=inspector)


def _checked_report(
    inspector: User, inspection: Inspection, answers: dict[str, str], findings: str
) -> str:
    """The findings, stripped, once the inspector and every part of the report are valid."""
    if inspection.inspector_id != inspector.id:
        raise NotFound(_("No such inspection."))
    check_assigned(inspection)
    if inspection.responded_at is not None:
        raise Conflict(_("An officer has answered this report: it can no longer change."))
    if set(answers) != set(CHECKLIST) or not set(answers.values()) <= set(ANSWERS):
        raise InvalidInput(_("Answer every item of the checklist."))
    findings = (findings or "").strip()
    if not findings:
        raise InvalidInput(_("Describe what you found."), field="findings")
    if len(findings) > MAX_TEXT:
        raise InvalidInput(
            _("Keep it under %(count)d characters.", count=MAX_TEXT), field="findings"
        )
    return findings


def respond(officer: User, inspection: Inspection, text: str, now: datetime) -> None:
    """The council's public answer to a filed report (once)."""
    _check_officer(officer, inspection.proposal)
    if inspection.filed_at is None:
        raise Conflict(_("The inspector has not filed this report yet."))
    if inspection.responded_at is not None:
        raise Conflict(_("This report has already been answered."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write the council's answer."), field="response")
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Keep it under %(count)d characters.", count=MAX_TEXT), field="response"
        )
    inspection.response, inspection.responded_at = text, now
    inspection.responded_by_id = officer.id
    db.session.flush()
    audit.record("inspection.responded", inspection, {"response": text}, actor=officer)


def of_project(assessment: ProjectAssessment, *, filed_only: bool) -> list[Inspection]:
    """Assigned inspections (only filed reports for the public page)."""
    query = select(Inspection).where(
        Inspection.proposal_id == assessment.proposal_id, Inspection.assigned_at.is_not(None)
    )
    if filed_only:
        query = query.where(Inspection.filed_at.is_not(None))
    return list(db.session.scalars(query.order_by(Inspection.id)))


def offers(assessment: ProjectAssessment) -> list[Inspection]:
    """Residents who volunteered and wait for an officer (the staff page)."""
    query = select(Inspection).where(
        Inspection.proposal_id == assessment.proposal_id, Inspection.assigned_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(Inspection.offered_at)))


def offer_of(user: User, assessment: ProjectAssessment) -> Inspection | None:
    query = select(Inspection).where(
        Inspection.proposal_id == assessment.proposal_id, Inspection.inspector_id == user.id
    )
    return db.session.scalars(query).first()


def assigned_to(user: User) -> list[Inspection]:
    query = select(Inspection).where(Inspection.inspector_id == user.id)
    return list(db.session.scalars(query.order_by(Inspection.id.desc())))
