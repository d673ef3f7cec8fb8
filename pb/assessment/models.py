"""Tables of co-assessment. Invariants live in the schema: one rating per resident per project
(unique), scores 1-5 (check), one score per criterion per rating (primary key), one invitation
per resident per project, one inspection per inspector per project."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.accounts.models import User
from pb.db import UTCDateTime, utcnow
from pb.extensions import db
from pb.proposals.models import Proposal

SCALE = 5  # every criterion is rated 1..SCALE


class AssessmentSettings(db.Model):
    """A round's co-assessment settings, set by its councillors."""

    __tablename__ = "assessment_settings"
    __table_args__ = (
        CheckConstraint("min_raters >= 1", name="min_raters_positive"),
        CheckConstraint("window_days >= 1", name="window_days_positive"),
        CheckConstraint("email_delay_days >= 0", name="email_delay_not_negative"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    min_raters: Mapped[int] = mapped_column(default=5)  # k: aggregates need k raters
    window_days: Mapped[int] = mapped_column(default=60)
    email_delay_days: Mapped[int] = mapped_column(default=7)


class Criterion(db.Model):
    """One question residents answer on a 1-5 scale. Built-in defaults carry a key (shown in
    the reader's language); a councillor's own wording is stored as `text`."""

    __tablename__ = "assessment_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    builtin: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(200), default="")


class ProjectAssessment(db.Model):
    """A delivered project's rating window and its last published aggregate."""

    __tablename__ = "project_assessments"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window_not_empty"),)

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    min_raters: Mapped[int] = mapped_column(default=5)  # k, copied when the window opened
    # Recomputed at the close and once a day, never per rating: {"count", "criteria": [...]}
    # when at least k residents rated, {} otherwise.
    aggregate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    aggregated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final: Mapped[bool] = mapped_column(default=False)  # aggregated after the close

    proposal: Mapped[Proposal] = relationship()


class Invitation(db.Model):
    """A resident asked to rate a project (shown on their invitations page)."""

    __tablename__ = "assessment_invitations"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("project_assessments.proposal_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rating(db.Model):
    """One resident's rating of one project; changed in place until the window closes."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("project_assessments.proposal_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(Text, default="")  # rendered by deliberation.formatting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scores: Mapped[list[Score]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", passive_deletes=True
    )


class CommentReport(db.Model):
    """A resident flagging a rating's comment for the ward's moderators: once per person."""

    __tablename__ = "rating_comment_reports"

    rating_id: Mapped[int] = mapped_column(
        ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True
    )
    reporter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(db.Model):
    __tablename__ = "rating_scores"
    __table_args__ = (CheckConstraint(f"value BETWEEN 1 AND {SCALE}", name="value_in_scale"),)

    rating_id: Mapped[int] = mapped_column(
        ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_criteria.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)

    rating: Mapped[Rating] = relationship(back_populates="scores")


class Inspection(db.Model):
    """A resident inspector's visit to a delivered project: offered by a resident (volunteering)
    or started by an officer, assigned by an officer of the ward, filed by the inspector
    (checklist and findings), answered publicly by an officer."""

    __tablename__ = "inspections"
    __table_args__ = (UniqueConstraint("proposal_id", "inspector_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("project_assessments.proposal_id", ondelete="CASCADE"), index=True
    )
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the resident volunteered
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: offer not taken up
    checklist: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # item -> yes/no/unsure
    findings: Mapped[str] = mapped_column(Text, default="")
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The key names the project's assessment, whose key is the proposal's id.
    proposal: Mapped[Proposal] = relationship(
        primaryjoin="Inspection.proposal_id == Proposal.id",
        foreign_keys=[proposal_id],
        viewonly=True,
    )
    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
