"""The census register, stored only as keyed hashes (HMAC-SHA-256 under CENSUS_HMAC_KEY).

An entry holds two hashes: of the person's reference alone (who they are, kept across re-uploads
and used as their participation key) and of every configured detail (what a resident must type).
Neither can be tested against a guess without the key, which is not in the database.
One entry is bound to at most one account: the binding is a column of the entry (one value), and
`user_id` is unique (one account holds at most one entry).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, utcnow
from pb.extensions import db
from pb.wards.models import Ward


class CensusUpload(db.Model):
    """One upload of the register: what came in, by whom, and when it must be deleted."""

    __tablename__ = "census_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_sha256: Mapped[str] = mapped_column(String(64))
    # What changed: {"entries", "added", "removed", "removed_bound", "moved", "changed", ...}.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retain_until: Mapped[datetime] = mapped_column(UTCDateTime)


class CensusEntry(db.Model):
    __tablename__ = "census_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_hash: Mapped[str] = mapped_column(String(64), unique=True)
    details_hash: Mapped[str] = mapped_column(String(64))
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    # A move between wards: the old ward still applies to rounds whose voting opened before it.
    previous_ward_id: Mapped[int | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL")
    )
    ward_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    upload_id: Mapped[int] = mapped_column(
        ForeignKey("census_uploads.id", ondelete="CASCADE"), index=True
    )

    ward: Mapped[Ward] = relationship(foreign_keys=[ward_id])


class AccessCode(db.Model):
    """A code posted in a letter (pb/eligibility/access_codes.py). Only a keyed hash of the code
    is stored; the code itself exists only in the officer's generation response.

    Redeeming is one `UPDATE … WHERE redeemed_at IS NULL AND revoked_at IS NULL`, in the same
    transaction as the participation and the ballot, so a code casts at most one ballot.
    """

    __tablename__ = "access_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"))
    # The person the letter goes to, when the round uses the census: the code then takes part
    # under the entry's key, where the person's online ballot would too.
    census_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("census_entries.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StationTally(db.Model):
    """A poll clerk's station in one round: counts only, never who (issue 11: no per-voter entry).

    Written with `UPDATE … SET n = n + 1`, logged once at close (`station.closed`). After the
    close, kiosk_admitted = kiosk_ballots + kiosk_unused (admitted, then walked away, declined,
    or the kiosk was left or closed first)."""

    __tablename__ = "station_tallies"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    clerk_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kiosk_admitted: Mapped[int] = mapped_column(default=0)
    paper_issued: Mapped[int] = mapped_column(default=0)
    kiosk_ballots: Mapped[int] = mapped_column(default=0)
    kiosk_unused: Mapped[int] = mapped_column(default=0)


class Kiosk(db.Model):
    """A signed-in session of a poll clerk turned into a voting kiosk for one round.

    While the row exists that session reaches only the kiosk pages. `admitted` is the one ballot
    the clerk let the next person cast; casting clears it in the ballot's transaction (`UPDATE …
    WHERE admitted`), so one admission gives at most one ballot. Nothing here names the person:
    their participation row was written when the clerk admitted them."""

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="CASCADE"), unique=True
    )
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    admitted: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
