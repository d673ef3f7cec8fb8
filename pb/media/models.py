"""An uploaded image, re-encoded, stored in the database (every app server sees it; backups hold
it: docs/media.md says why not a disk or a bucket)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from pb.db import UTCDateTime, utcnow
from pb.extensions import db

CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")


class Media(db.Model):
    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')", name="content_type"
        ),
        CheckConstraint("width > 0 AND height > 0", name="dimensions"),
        CheckConstraint("length(alt_text) > 0", name="alt_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # SHA-256 of `data`: the ETag, and proof of what was served.
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    alt_text: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
