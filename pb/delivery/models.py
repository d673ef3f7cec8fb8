"""A funded project's delivery plan and its public history.

Delivery is per project and can take years: the round stays published, each funded project
carries its own status. Every status change keeps its public reason (`StatusChange`); money is
in integer minor units like the rest of the code.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.media.models import Media

# Spend to date is refused at or above this many minor units (what MoneyField reads back).
SPEND_LIMIT = 10**15


class DeliveryStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class DeliveryPlan(db.Model):
    __tablename__ = "delivery_plans"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint(f"spent >= 0 AND spent < {SPEND_LIMIT}", name="spent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), unique=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PLANNED
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    spent: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units, to date
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    milestones: Mapped[list[Milestone]] = relationship(
        order_by="(Milestone.due_on, Milestone.id)", cascade="all, delete-orphan"
    )
    changes: Mapped[list[StatusChange]] = relationship(
        order_by="StatusChange.id.desc()", cascade="all, delete-orphan"
    )
    updates: Mapped[list[DeliveryUpdate]] = relationship(
        order_by="(DeliveryUpdate.happened_on.desc(), DeliveryUpdate.id.desc())",
        cascade="all, delete-orphan",
    )


class Milestone(db.Model):
    __tablename__ = "delivery_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plans.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class StatusChange(db.Model):
    """A status the plan entered, with the public reason given for it."""

    __tablename__ = "delivery_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plans.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus, "change_status"))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryUpdate(db.Model):
    """A dated public update, with an optional photo."""

    __tablename__ = "delivery_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plans.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    photo: Mapped[Media | None] = relationship()
