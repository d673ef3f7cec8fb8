"""A co-commissioning round: what is being decided, by whom, with which ballot and rule."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.wards.models import Ward


class Phase(StrEnum):
    DRAFT = "draft"
    PROPOSALS = "proposals"
    # Optional (a round with no `deliberation_close_at` skips it): comments, supports and
    # amendments continue after proposals close; no new proposals.
    DELIBERATION = "deliberation"
    REVIEW = "review"
    VOTING = "voting"
    CLOSED = "closed"
    PUBLISHED = "published"

    def reached(self, other: Phase) -> bool:
        """True when this phase is `other` or comes after it (string order would be wrong)."""
        return PHASE_ORDER.index(self) >= PHASE_ORDER.index(other)


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

_KEPT_WARD_IDS = "_pb_kept_ward_ids"

round_wards = Table(
    "round_wards",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="RESTRICT"), primary_key=True),
)


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint("proposals_close_at > proposals_open_at", name="proposal_dates_ordered"),
        CheckConstraint("voting_open_at >= proposals_close_at", name="voting_after_proposals"),
        CheckConstraint("voting_close_at > voting_open_at", name="voting_dates_ordered"),
        CheckConstraint(
            "deliberation_close_at IS NULL OR (deliberation_close_at > proposals_close_at"
            " AND voting_open_at >= deliberation_close_at)",
            name="deliberation_dates_ordered",
        ),
        CheckConstraint(
            "support_threshold IS NULL OR support_threshold > 0", name="support_threshold_positive"
        ),
        CheckConstraint(
            "min_project_score IS NULL OR min_project_score > 0", name="min_project_score_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[int] = mapped_column(BigInteger)  # minor units (pence, grosze)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    phase: Mapped[Phase] = mapped_column(str_enum(Phase, "phase"), default=Phase.DRAFT)
    proposals_open_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proposals_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Deliberation runs from proposals_close_at to this; NULL: the round has no deliberation.
    deliberation_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Supports a proposal needs to go forward to review; NULL: every proposal goes forward.
    support_threshold: Mapped[int | None] = mapped_column()
    # Rules with a threshold (greedy-threshold): the least votes/points a project needs.
    min_project_score: Mapped[int | None] = mapped_column()
    voting_open_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voting_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    ballot_format: Mapped[str] = mapped_column(String(30))
    ballot_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rule: Mapped[str] = mapped_column(String(60))
    satisfaction: Mapped[str | None] = mapped_column(String(40))
    tie_break: Mapped[str] = mapped_column(String(40))
    tie_break_seed: Mapped[str | None] = mapped_column(String(64))
    # Groups of proposal ids of which at most one may be funded (two projects for one site),
    # declared by officers during review; frozen with the configuration when voting opens.
    conflicts: Mapped[list[list[int]]] = mapped_column(JSON, default=list, server_default="[]")
    # How residents are verified (pb.eligibility.methods registry keys); part of the frozen config.
    verification_methods: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["email"], server_default='["email"]'
    )
    # Set once, when voting opens: the canonical configuration every ballot is cast under.
    config_json: Mapped[str | None] = mapped_column(Text)
    config_hash: Mapped[str | None] = mapped_column(String(64))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised with every change to what a ballot card shows that the frozen configuration does not
    # hold (a project's texts and translations, its ward's name): a frozen round's ballot rows
    # are kept per process under it (pb/voting/cards.py; raised by `pb.rounds.services`).
    ballot_texts_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Texts in other languages, entered by councillors: {"pl": {"title": ..., "description": ...,
    # "category:Parks": ...}}. Display only: never part of the frozen configuration.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )

    wards: Mapped[list[Ward]] = relationship(secondary=round_wards, order_by=Ward.name)

    @property
    def ward_ids(self) -> set[int] | frozenset[int]:
        kept = self.__dict__.get(_KEPT_WARD_IDS)
        return kept if kept is not None else {ward.id for ward in self.wards}

    def keep_ward_ids(self, ids: frozenset[int]) -> None:
        """`ward_ids` for this object's life (a request) without loading `wards`: a frozen
        round's, which `pb.rounds.services.keep_frozen_wards` reads once per process. Not a
        mapped attribute (an expiry or a refresh leaves it), so for frozen rounds only."""
        self.__dict__[_KEPT_WARD_IDS] = ids

    @property
    def is_frozen(self) -> bool:
        return self.config_hash is not None

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.phase}>"


class AmendmentKind(StrEnum):
    EXTENDED = "extended"
    ENDED_EARLY = "ended_early"


class RoundAmendment(db.Model):
    """A change to a frozen configuration (voting extended or ended early), with its public
    reason. Keeps the configuration it replaced, so the audit bundle can carry every version."""

    __tablename__ = "round_amendments"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AmendmentKind] = mapped_column(str_enum(AmendmentKind, "amendment_kind"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(String(40))
    new_value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    previous_config_json: Mapped[str] = mapped_column(Text)
    previous_config_hash: Mapped[str] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def old_moment(self) -> datetime:
        return datetime.fromisoformat(self.old_value)

    @property
    def new_moment(self) -> datetime:
        return datetime.fromisoformat(self.new_value)
