"""Plain figures for the outcomes report (issue 18 item 4): volunteer time pledged and given,
and how many residents volunteered, per round and per ward. Read-only; no person is named."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from pb.extensions import db
from pb.proposals.models import Proposal
from pb.volunteering.models import CreditEntry, Pledge, VolunteerTask


def _scoped(query: Select, round_id: int | None, ward_id: int | None) -> Select:  # type: ignore[type-arg]
    query = query.join(Proposal, Proposal.id == VolunteerTask.proposal_id)
    if round_id is not None:
        query = query.where(Proposal.round_id == round_id)
    if ward_id is not None:
        query = query.where(Proposal.ward_id == ward_id)
    return query


def minutes_pledged(*, round_id: int | None = None, ward_id: int | None = None) -> int:
    """Each pledge counts the time its task asks of one volunteer."""
    query = select(func.coalesce(func.sum(VolunteerTask.minutes), 0)).select_from(Pledge)
    query = query.join(VolunteerTask, VolunteerTask.id == Pledge.task_id)
    return int(db.session.scalar(_scoped(query, round_id, ward_id)) or 0)


def minutes_given(*, round_id: int | None = None, ward_id: int | None = None) -> int:
    """The ledger's sum: confirmed time less its corrections."""
    query = select(func.coalesce(func.sum(CreditEntry.minutes), 0)).select_from(CreditEntry)
    query = query.join(Pledge, Pledge.id == CreditEntry.pledge_id)
    query = query.join(VolunteerTask, VolunteerTask.id == Pledge.task_id)
    return int(db.session.scalar(_scoped(query, round_id, ward_id)) or 0)


def volunteers(*, round_id: int | None = None, ward_id: int | None = None) -> int:
    """Distinct residents who pledged to at least one task."""
    query = select(func.count(func.distinct(Pledge.user_id))).select_from(Pledge)
    query = query.join(VolunteerTask, VolunteerTask.id == Pledge.task_id)
    return int(db.session.scalar(_scoped(query, round_id, ward_id)) or 0)
