"""Who follows what, and the notices they receive.

A follow is (user, kind, object id), unique by constraint: following is something a person
chose on a page, never inferred (least of all from a ballot). A notice stores an event code and
a few values; its sentence is rendered when read, in the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db


class FollowKind(StrEnum):
    PROJECT = "project"  # a funded project's delivery (object id: the proposal's id)
    PROPOSAL = "proposal"  # a proposal before the vote (issue 17)


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[FollowKind] = mapped_column(str_enum(FollowKind, "follow_kind"))
    object_id: Mapped[int] = mapped_column(Integer)
    email: Mapped[bool] = mapped_column(Boolean, default=False)  # asked for e-mail copies
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[FollowKind] = mapped_column(str_enum(FollowKind, "notice_kind"))
    object_id: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthorEmail(StrEnum):
    """How an author hears by e-mail of comments and supports on their own proposals."""

    IMMEDIATELY = "immediately"  # one e-mail each
    DAILY = "daily"  # one digest a day (`flask pb digest`), so a popular proposal cannot flood


class NoticeSetting(db.Model):
    """A person's e-mail choice for notices about their own proposals (no row: immediately)."""

    __tablename__ = "notice_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    author_email: Mapped[AuthorEmail] = mapped_column(
        str_enum(AuthorEmail, "author_email"), default=AuthorEmail.IMMEDIATELY
    )


class DigestItem(db.Model):
    """A notice waiting for its reader's next daily digest e-mail (deleted once queued)."""

    __tablename__ = "digest_items"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
