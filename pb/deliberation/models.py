"""Tables of the deliberation phase. Invariants live in the schema: one support per citizen per
proposal, one reaction per person per comment, one report per person per item, replies point at
comments, a merge never points a proposal at itself."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.accounts.models import User
from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.proposals.models import Proposal


class Comment(db.Model):
    """A comment on a proposal or ballot project; replies are one level deep (parent is a root)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)  # as typed; rendered through pb.deliberation.formatting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.id", passive_deletes=True
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentReaction(db.Model):
    """Agree (+1) or disagree (-1): one per person per comment."""

    __tablename__ = "comment_reactions"
    __table_args__ = (CheckConstraint("value IN (-1, 1)", name="value_agree_or_disagree"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)


class Support(db.Model):
    """A citizen backing a proposal before review; the unique constraint makes it once only."""

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AmendmentStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSED = "closed"  # its proposal was merged or left deliberation before a decision


class Amendment(db.Model):
    """A citizen's proposed change to someone else's proposal, decided by that proposal's author."""

    __tablename__ = "amendments"
    __table_args__ = (CheckConstraint("estimated_cost > 0", name="estimated_cost_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    estimated_cost: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column()  # the proposal version it was written against
    status: Mapped[AmendmentStatus] = mapped_column(
        str_enum(AmendmentStatus, "amendment_status"), default=AmendmentStatus.PENDING
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User | None] = relationship()


class VersionKind(StrEnum):
    ORIGINAL = "original"
    EDITED = "edited"  # by its author
    AMENDMENT = "amendment"  # an accepted amendment
    MERGE = "merge"  # rewritten by an officer when merging others into it


class ProposalVersion(db.Model):
    """One state of a proposal's text and cost; number 1 is the original."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    kind: Mapped[VersionKind] = mapped_column(str_enum(VersionKind, "version_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    estimated_cost: Mapped[int] = mapped_column(BigInteger)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendments.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()
    amendment: Mapped[Amendment | None] = relationship()


class ProposalMerge(db.Model):
    """`source` was merged into `target`: the source page links on, its author is credited."""

    __tablename__ = "proposal_merges"
    __table_args__ = (CheckConstraint("source_id != target_id", name="not_into_itself"),)

    source_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    supports_moved: Mapped[int] = mapped_column(default=0)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[Proposal] = relationship(foreign_keys=[source_id])
    target: Mapped[Proposal] = relationship(foreign_keys=[target_id])


class ReportStatus(StrEnum):
    OPEN = "open"
    HIDDEN = "hidden"  # upheld: the item was hidden
    DISMISSED = "dismissed"


class Report(db.Model):
    """A citizen flagging a proposal (comment_id NULL) or one of its comments for moderation."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "comment_id"),
        # One report per person per proposal (the comment's unique constraint cannot see NULLs).
        Index(
            "uq_reports_proposal_reporter",
            "reporter_id",
            "proposal_id",
            unique=True,
            sqlite_where=db.text("comment_id IS NULL"),
            postgresql_where=db.text("comment_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "report_status"), default=ReportStatus.OPEN
    )
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    comment: Mapped[Comment | None] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class HiddenProposal(db.Model):
    """A proposal hidden by moderation: its page shows the public reason instead of its text."""

    __tablename__ = "hidden_proposals"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(StrEnum):
    COMMENT_REPLY = "comment_reply"
    PROPOSAL_REVIEWED = "proposal_reviewed"
    PROPOSAL_AMENDED = "proposal_amended"  # someone proposed an amendment to my proposal
    AMENDMENT_DECIDED = "amendment_decided"
    PROPOSAL_MERGED = "proposal_merged"
    PHASE_CHANGED = "phase_changed"


class Notification(db.Model):
    """An in-app message; its text is rendered from `kind` and `data` in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
