"""The counts a councillor sees on a round's page: proposals by review state and turnout."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Round
from pb.voting.models import Ballot, Participation


@dataclass(frozen=True)
class Dashboard:
    proposals: int
    awaiting_review: int
    on_ballot: int
    participants: int
    ballots: int


def dashboard(round_: Round) -> Dashboard:
    """Counts a councillor sees; during voting only turnout, never how anyone voted."""
    statuses = list(
        db.session.scalars(select(Proposal.status).where(Proposal.round_id == round_.id))
    )
    return Dashboard(
        proposals=len(statuses),
        awaiting_review=statuses.count(ProposalStatus.SUBMITTED),
        on_ballot=statuses.count(ProposalStatus.FEASIBLE),
        participants=_count_rows(Participation, round_),
        ballots=_count_rows(Ballot, round_),
    )


def _count_rows(model: type[Participation] | type[Ballot], round_: Round) -> int:
    query = select(func.count()).select_from(model).where(model.round_id == round_.id)
    return db.session.scalar(query) or 0
