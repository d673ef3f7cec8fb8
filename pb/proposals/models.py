"""Projects citizens propose, and the officer's review that puts them on the ballot."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.accounts.models import User
from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.rounds.models import Round
from pb.wards.models import Ward

if TYPE_CHECKING:
    from pb.media.models import Media


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    FEASIBLE = "feasible"  # on the ballot
    INFEASIBLE = "infeasible"
    MERGED = "merged"  # folded into another proposal by an officer (pb.deliberation.merging)
    NOT_SHORTLISTED = "not_shortlisted"  # below the round's support threshold at review


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("estimated_cost > 0", name="estimated_cost_positive"),
        CheckConstraint("final_cost IS NULL OR final_cost > 0", name="final_cost_positive"),
        CheckConstraint(
            "status != 'feasible' OR final_cost IS NOT NULL", name="feasible_has_final_cost"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60))
    estimated_cost: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "status"), default=ProposalStatus.SUBMITTED
    )
    review_reason: Mapped[str] = mapped_column(Text, default="")
    # Officers' working note: shown only on the review page, never in public pages, the API,
    # exports or the audit chain (whose entries say only that it changed).
    internal_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    final_cost: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Title and description in other languages, entered by the round's councillors:
    # {"ur": {"title": ..., "description": ...}}. Display only.
    # Where it would be built, as the author wrote it (a postcode or a street): shown as text.
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # An optional picture, checked and re-encoded by pb.media (its alt text lives there).
    image_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )

    round: Mapped[Round] = relationship()
    ward: Mapped[Ward] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    image: Mapped[Media | None] = relationship("Media")

    @property
    def on_ballot(self) -> bool:
        return self.status is ProposalStatus.FEASIBLE

    @property
    def cost(self) -> int:
        """The cost the ballot and the tally use: the officer's final cost once reviewed."""
        return self.final_cost if self.final_cost is not None else self.estimated_cost

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.status}>"
