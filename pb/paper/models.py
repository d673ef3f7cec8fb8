"""Paper ballots on their way in: batches keyed twice, the readings, and the reconciliation queue.

A batch is a bundle of paper ballots from one ward's box, counted by hand (`size`). Two
different people key it independently (`PaperReading`, one per person: a unique constraint);
where their readings differ at a position, a `PaperDiscrepancy` waits for an officer who checks
the paper and picks the right reading. Only a confirmed batch becomes ballots (rows of
`ballots` with channel "paper", random ids, no receipt). Nothing here names a voter: a position
is the place of a sheet in a shuffled bundle, and the register marks (participations with
channel "paper") are counted, never matched to a sheet.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db

# A batch holds at most this many sheets: what two people can key and compare in one sitting.
MAX_BATCH_SIZE = 500


class BatchStatus(StrEnum):
    ENTERING = "entering"  # fewer than two readings so far
    RECONCILING = "reconciling"  # two readings that differ somewhere
    CONFIRMED = "confirmed"  # its ballots are counted


class PaperBatch(db.Model):
    __tablename__ = "paper_batches"
    __table_args__ = (
        UniqueConstraint("round_id", "label"),
        CheckConstraint(f"size > 0 AND size <= {MAX_BATCH_SIZE}", name="size_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="RESTRICT"))
    label: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    status: Mapped[BatchStatus] = mapped_column(
        str_enum(BatchStatus, "batch_status"), default=BatchStatus.ENTERING
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    readings: Mapped[list[PaperReading]] = relationship(
        order_by="PaperReading.reading", cascade="all, delete-orphan", passive_deletes=True
    )
    discrepancies: Mapped[list[PaperDiscrepancy]] = relationship(
        order_by="PaperDiscrepancy.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PaperReading(db.Model):
    """One person's keying of a whole batch: `ballots` is a list, in sheet order, of each
    sheet's choices as `[[project id, value], ...]` (an empty list: a blank sheet)."""

    __tablename__ = "paper_readings"
    __table_args__ = (
        UniqueConstraint("batch_id", "reading"),
        UniqueConstraint("batch_id", "user_id"),  # the same person never keys a batch twice
        CheckConstraint("reading IN (1, 2)", name="first_or_second"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batches.id", ondelete="CASCADE"), index=True
    )
    reading: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    ballots: Mapped[list[list[list[int]]]] = mapped_column(JSON)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaperDiscrepancy(db.Model):
    """A sheet the two readings disagree on; `chosen` (1 or 2) once an officer decided."""

    __tablename__ = "paper_discrepancies"
    __table_args__ = (
        UniqueConstraint("batch_id", "position"),
        CheckConstraint("chosen IS NULL OR chosen IN (1, 2)", name="chosen_reading"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # 1 = the first sheet of the batch
    chosen: Mapped[int | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PaperCompletion(db.Model):
    """Paper entry for a round is over: every batch confirmed; the round is then counted."""

    __tablename__ = "paper_completions"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    ballots: Mapped[int]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
