"""The ward register of co-production already happening (suggested by residents, approved by
officers), and the ward focus: councillors' ranked service areas where co-production should grow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.wards.models import Ward

MAX_FOCUS_AREAS = 10


class EntryStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CommunityEntry(db.Model):
    """A community group, self-help or volunteer scheme working in a ward."""

    __tablename__ = "community_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    activity: Mapped[str] = mapped_column(Text)  # what they do
    services: Mapped[str] = mapped_column(String(300), default="")  # which services they touch
    contact: Mapped[str] = mapped_column(String(200), default="")
    # The contact is published only when the group agreed to it; otherwise officers alone see it.
    contact_public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EntryStatus] = mapped_column(
        str_enum(EntryStatus, "community_entry_status"), default=EntryStatus.PENDING
    )
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ward: Mapped[Ward] = relationship()


class FocusArea(db.Model):
    """One ranked service area of a ward's focus (rank 1 first)."""

    __tablename__ = "ward_focus_areas"
    __table_args__ = (
        UniqueConstraint("ward_id", "rank"),
        CheckConstraint(f"rank >= 1 AND rank <= {MAX_FOCUS_AREAS}", name="rank_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"))
    rank: Mapped[int]
    area: Mapped[str] = mapped_column(String(80))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
