"""The register (residents suggest, officers of the ward approve) and the ward focus
(councillors of the ward set it; a new round may take its categories from it)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.community.models import MAX_FOCUS_AREAS, CommunityEntry, EntryStatus, FocusArea
from pb.db import utcnow
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.wards.models import Ward


def get_ward(ward_id: int) -> Ward:
    ward = db.session.get(Ward, ward_id)
    if ward is None:
        raise NotFound(_("No such ward."))
    return ward


@dataclass(frozen=True)
class EntryDraft:
    name: str
    activity: str
    services: str
    contact: str
    contact_public: bool


def suggest(user: User, ward: Ward, draft: EntryDraft) -> CommunityEntry:
    """A resident suggests a group for their ward's register; it waits for an officer."""
    if user.role is not Role.CITIZEN:
        raise Forbidden(_("Residents suggest entries; officers approve them."))
    entry = CommunityEntry(ward_id=ward.id, suggested_by_id=user.id, **draft.__dict__)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "community.suggested", ("community_entry", entry.id), {"ward": ward.id}, actor=user
    )
    return entry


def approved(ward: Ward) -> list[CommunityEntry]:
    query = select(CommunityEntry).where(
        CommunityEntry.ward_id == ward.id, CommunityEntry.status == EntryStatus.APPROVED
    )
    return list(db.session.scalars(query.order_by(CommunityEntry.name, CommunityEntry.id)))


def queue(officer: User) -> list[CommunityEntry]:
    """Suggestions waiting in the officer's wards, oldest first."""
    ward_ids = [ward.id for ward in officer.wards]
    query = select(CommunityEntry).where(
        CommunityEntry.ward_id.in_(ward_ids), CommunityEntry.status == EntryStatus.PENDING
    )
    return list(db.session.scalars(query.order_by(CommunityEntry.id)))


def decide(officer: User, entry_id: int | None, approve: bool) -> CommunityEntry:
    entry = db.session.get(CommunityEntry, entry_id) if entry_id else None
    if entry is None or not officer.works_for({entry.ward_id}):
        raise InvalidInput(_("Choose a suggestion from your wards."), field="entry")
    if entry.status is not EntryStatus.PENDING:
        raise Conflict(_("This suggestion has already been decided."))
    entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    entry.decided_by_id, entry.decided_at = officer.id, utcnow()
    db.session.flush()
    action = "community.approved" if approve else "community.rejected"
    audit.record(action, ("community_entry", entry.id), {"ward": entry.ward_id}, actor=officer)
    return entry


def focus_of(ward: Ward) -> list[str]:
    query = select(FocusArea.area).where(FocusArea.ward_id == ward.id).order_by(FocusArea.rank)
    return list(db.session.scalars(query))


def check_councillor_of(user: User, ward: Ward) -> None:
    if user.role is not Role.COUNCILLOR or not user.works_for({ward.id}):
        raise Forbidden(_("You are not a councillor for this ward."))


def clean_areas(text: str) -> list[str]:
    """One area per line, in rank order: trimmed, case-insensitively unique."""
    seen: dict[str, str] = {}
    for line in text.splitlines():
        area = " ".join(line.split())
        if len(area) > 80:
            raise InvalidInput(_("Each area fits in 80 characters."), field="areas")
        if area and area.casefold() not in seen:
            seen[area.casefold()] = area
    if len(seen) > MAX_FOCUS_AREAS:
        raise InvalidInput(_("Rank at most %(n)d areas.", n=MAX_FOCUS_AREAS), field="areas")
    return list(seen.values())


def set_focus(councillor: User, ward: Ward, areas: list[str]) -> list[str]:
    """Replace the ward's ranked focus (an empty list clears it)."""
    check_councillor_of(councillor, ward)
    db.session.execute(delete(FocusArea).where(FocusArea.ward_id == ward.id))
    for rank, area in enumerate(areas, start=1):
        db.session.add(FocusArea(ward_id=ward.id, rank=rank, area=area, set_by_id=councillor.id))
    db.session.flush()
    audit.record("community.focus_set", ward, {"areas": areas}, actor=councillor)
    return areas
