"""Who voted (participation) and what was voted (anonymous ballots), kept strictly apart.

A ballot row holds no user id and no timestamp, and its primary key is random, so neither the table
order nor any column can tie it back to a participation row. One ballot per voter per round is
enforced by the unique constraint on participation, written in the same transaction as the ballot.

While voting is open a ballot carries its receipt and the hash of its ballot key (to replace it).
When voting closes the round is sealed (pb.voting.seal): every ballot is written again under a
new random id, without receipt or key hash, and the receipts move to `ballot_receipts`, a list
with no link to any ballot. docs/threat-model.md explains why.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db


class Participation(db.Model):
    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("round_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # Who the eligibility service says this voter is ("user:42"; later census or access codes).
    voter_key: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    # How they took part: "web" (online), "code", "kiosk" or "paper" (marked at the station).
    channel: Mapped[str] = mapped_column(String(20), default="web")
    # Day only: enough for a participation-over-time chart, too coarse to match a ballot.
    voted_on: Mapped[date] = mapped_column(Date)


class Ballot(db.Model):
    __tablename__ = "ballots"
    # SQLite stores rowid tables in insertion order; WITHOUT ROWID stores rows by the random
    # primary key, so the file's row order says nothing about when a ballot was cast.
    __table_args__ = (
        CheckConstraint("channel IS NULL OR channel = 'paper'", name="channel_paper_only"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # NULL once the round is sealed: then only `ballot_receipts` lists the receipts.
    receipt: Mapped[str | None] = mapped_column(String(64), unique=True)
    config_hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the revote secret shown once to the voter; lets them replace this ballot
    # without the database ever linking it to them. NULL once sealed (no replacing after close).
    revote_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Ballots carry no channel, except paper ballots, keyed in batches after the close
    # (pb.paper): the verifier checks they never outnumber the paper register's marks.
    channel: Mapped[str | None] = mapped_column(String(10))

    choices: Mapped[list[BallotChoice]] = relationship(
        cascade="all, delete-orphan", order_by="BallotChoice.proposal_id", passive_deletes=True
    )


class BallotChoice(db.Model):
    """One project on a ballot; `value` is 1 (approval), a rank (1 = first) or points."""

    __tablename__ = "ballot_choices"
    __table_args__ = (
        CheckConstraint("value > 0", name="value_positive"),
        {"sqlite_with_rowid": False},  # stored by (random) ballot id, not in casting order
    )

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="RESTRICT"), primary_key=True
    )
    value: Mapped[int] = mapped_column(default=1)


class BallotReceipt(db.Model):
    """A sealed round's receipts: a list apart from its ballots, in receipt order."""

    __tablename__ = "ballot_receipts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    receipt: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class BallotSeal(db.Model):
    """A round whose ballots were sealed at close; `compacted`: the ballot tables were rewritten
    since (PostgreSQL), so no dead row version of a ballot from before the seal is left."""

    __tablename__ = "ballot_seals"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    ballots: Mapped[int]
    compacted: Mapped[bool] = mapped_column(default=False)
