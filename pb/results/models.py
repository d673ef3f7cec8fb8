"""The stored outcome of a round's tally, and its publication."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, utcnow
from pb.extensions import db


class Result(db.Model):
    __tablename__ = "results"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(60))
    satisfaction: Mapped[str | None] = mapped_column(String(40))
    tie_break: Mapped[str] = mapped_column(String(40))
    tie_break_seed: Mapped[str | None] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(64))
    budget: Mapped[int] = mapped_column(BigInteger)
    total_cost: Mapped[int] = mapped_column(BigInteger)
    ballot_count: Mapped[int]
    # The allocation engine's full outcome (selection order and the trace), as canonical JSON.
    outcome_json: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    projects: Mapped[list[ResultProject]] = relationship(
        cascade="all, delete-orphan", order_by="ResultProject.rank"
    )


class ResultProject(db.Model):
    """One project's line in the results table."""

    __tablename__ = "result_projects"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("results.round_id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int]  # display order: funded first in order chosen, then the rest by votes
    votes: Mapped[int]  # ballots that include the project
    score: Mapped[str] = mapped_column(String(64))  # the rule's measure, exact ("p/q" if needed)
    cost: Mapped[int] = mapped_column(BigInteger)
    funded: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(40))  # the engine's reason code
    reason_detail: Mapped[str] = mapped_column(Text, default="")

    def to_json(self) -> dict[str, object]:
        """The line as the API and the audit bundle publish it."""
        return {
            "id": self.proposal_id,
            "rank": self.rank,
            "votes": self.votes,
            "score": self.score,
            "cost": self.cost,
            "funded": self.funded,
            "reason": self.reason,
        }
