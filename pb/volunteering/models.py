"""Skills (opt-in), volunteer tasks on funded projects, pledges, and the time-credit ledger.

Time is stored as whole minutes (integers, exact): one credit is one hour given. The ledger is
append-only: an entry is never changed or deleted (the ORM refuses, and so do the database
triggers of the migration); a correction is a new entry reversing an earlier one, at most once
(a unique `reverses_id`). A balance is the sum of a person's entries, nothing stored apart.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.accounts.models import User
from pb.db import UTCDateTime, utcnow
from pb.extensions import db
from pb.proposals.models import Proposal

MAX_TASK_MINUTES = 200 * 60  # one task asks for at most 200 hours of each volunteer
MAX_ENTRY_MINUTES = 200 * 60  # one confirmation records at most 200 hours
MAX_VOLUNTEERS = 500


class VolunteerProfile(db.Model):
    """A resident's skills and availability, kept only while they consent (withdrawing deletes
    the row); seen only by officers of the resident's home ward."""

    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(300), default="")
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class VolunteerTask(db.Model):
    __tablename__ = "volunteer_tasks"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_TASK_MINUTES}", name="minutes_range"),
        CheckConstraint(
            f"volunteers_needed > 0 AND volunteers_needed <= {MAX_VOLUNTEERS}",
            name="volunteers_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    skill: Mapped[str] = mapped_column(String(60))
    minutes: Mapped[int]  # the time asked of each volunteer
    volunteers_needed: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[date] = mapped_column(Date)
    when_text: Mapped[str] = mapped_column(String(120), default="")
    # Work with children or vulnerable adults: an officer confirms each volunteer's check
    # before confirming hours. No check document is ever stored here.
    safeguarding_required: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="task", order_by="Pledge.id", cascade="all, delete-orphan"
    )


class Pledge(db.Model):
    __tablename__ = "volunteer_pledges"
    # One pledge per resident per task, whatever the race (tests send 50 at once).
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("volunteer_tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    safeguarding_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    task: Mapped[VolunteerTask] = relationship(back_populates="pledges")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CreditEntry(db.Model):
    """One line of the time-credit ledger: minutes given (positive) or a reversal (negative)."""

    __tablename__ = "time_credit_entries"
    __table_args__ = (
        CheckConstraint(
            f"minutes <> 0 AND minutes >= -{MAX_ENTRY_MINUTES} AND minutes <= {MAX_ENTRY_MINUTES}",
            name="minutes_range",
        ),
        # a reversal is negative and names the entry it reverses; a confirmation is positive
        CheckConstraint(
            "(reverses_id IS NULL AND minutes > 0) OR (reverses_id IS NOT NULL AND minutes < 0)",
            name="reversal_sign",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_pledges.id", ondelete="CASCADE"), index=True
    )
    minutes: Mapped[int]
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("time_credit_entries.id", ondelete="CASCADE"), unique=True
    )
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledge: Mapped[Pledge] = relationship()


class AppendOnly(Exception):
    """A ledger entry was about to be changed or deleted."""


@event.listens_for(CreditEntry, "before_update")
@event.listens_for(CreditEntry, "before_delete")
def _refuse_changes(_mapper, _connection, _target) -> None:  # type: ignore[no-untyped-def]
    raise AppendOnly("the time-credit ledger is append-only: add a reversing entry instead")
