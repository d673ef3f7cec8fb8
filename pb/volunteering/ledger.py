"""The time-credit ledger: an officer confirms the minutes a volunteer gave; a correction is a
reversing entry. One credit is one hour; credits are a record and a thank-you, never spent.

A balance is only ever the sum of entries (nothing kept apart that could drift from them).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.i18n import format_number
from pb.volunteering import services
from pb.volunteering.models import MAX_ENTRY_MINUTES, CreditEntry, Pledge, VolunteerTask

MINUTES_PER_CREDIT = 60


def confirm_hours(officer: User, pledge: Pledge, minutes: int, note: str = "") -> CreditEntry:
    """Record time a volunteer actually gave on their pledged task."""
    services.check_officer_of(officer, pledge.task.proposal)
    if not 0 < minutes <= MAX_ENTRY_MINUTES:
        raise InvalidInput(_("Between a quarter of an hour and 200 hours."), field="hours")
    if pledge.task.safeguarding_required and pledge.safeguarding_checked_at is None:
        raise Conflict(_("Confirm this volunteer's safeguarding check first."))
    entry = CreditEntry(
        user_id=pledge.user_id,
        pledge_id=pledge.id,
        minutes=minutes,
        note=note.strip()[:200],
        created_by_id=officer.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "volunteering.hours_confirmed",
        ("volunteer_pledge", pledge.id),
        {"entry": entry.id, "minutes": minutes},
        actor=officer,
    )
    return entry


def reverse(officer: User, entry: CreditEntry, note: str = "") -> CreditEntry:
    """Cancel a confirmation by appending its opposite (once: `reverses_id` is unique)."""
    services.check_officer_of(officer, entry.pledge.task.proposal)
    if entry.reverses_id is not None:
        raise Conflict(_("A correction cannot itself be reversed: confirm the hours again."))
    if reversal_of(entry) is not None:
        raise Conflict(_("This entry has already been reversed."))
    correction = CreditEntry(
        user_id=entry.user_id,
        pledge_id=entry.pledge_id,
        minutes=-entry.minutes,
        reverses_id=entry.id,
        note=note.strip()[:200],
        created_by_id=officer.id,
    )
    db.session.add(correction)
    db.session.flush()
    audit.record(
        "volunteering.hours_reversed",
        ("volunteer_pledge", entry.pledge_id),
        {"entry": correction.id, "reverses": entry.id, "minutes": correction.minutes},
        actor=officer,
    )
    return correction


def reversal_of(entry: CreditEntry) -> CreditEntry | None:
    return db.session.scalar(select(CreditEntry).where(CreditEntry.reverses_id == entry.id))


def get_entry(task: VolunteerTask, entry_id: int | None) -> CreditEntry:
    entry = db.session.get(CreditEntry, entry_id) if entry_id else None
    if entry is None or entry.pledge.task_id != task.id:
        raise InvalidInput(_("Choose an entry of this task."), field="entry")
    return entry


def entries_of(user: User) -> list[CreditEntry]:
    query = select(CreditEntry).where(CreditEntry.user_id == user.id)
    return list(db.session.scalars(query.order_by(CreditEntry.id)))


def task_entries(task: VolunteerTask) -> list[CreditEntry]:
    query = (
        select(CreditEntry)
        .join(Pledge, Pledge.id == CreditEntry.pledge_id)
        .where(Pledge.task_id == task.id)
        .order_by(CreditEntry.id)
    )
    return list(db.session.scalars(query))


def balance_minutes(user: User) -> int:
    """The sum of the person's entries, in minutes."""
    query = select(func.coalesce(func.sum(CreditEntry.minutes), 0))
    return int(db.session.scalar(query.where(CreditEntry.user_id == user.id)) or 0)


def credits(minutes: int) -> Fraction:
    """Minutes as credits (hours), exactly."""
    return Fraction(minutes, MINUTES_PER_CREDIT)


def hours(minutes: int) -> Decimal:
    """Minutes as hours, exactly for quarter hours: 90 -> 1.5, 135 -> 2.25, 120 -> 2."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize() + Decimal(0)


def hours_text(minutes: int) -> str:
    """Minutes as hours in the reader's language ("2.25" in English, "2,25" in Polish)."""
    return format_number(hours(minutes))
