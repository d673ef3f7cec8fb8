"""Who may take part in a round. The one place eligibility is decided.

Today: an active citizen whose home ward is one of the round's wards. Census lists, access codes
and in-person voting will add voter kinds here; callers only see `voter_key` and the counts.
"""

from __future__ import annotations

from sqlalchemy import func, select

from pb.accounts.models import Role, User
from pb.extensions import db
from pb.rounds.models import Round


def can_take_part(user: User, round_: Round) -> bool:
    return (
        user.role is Role.CITIZEN
        and user.is_active
        and user.home_ward_id is not None
        and user.home_ward_id in round_.ward_ids
    )


def voter_key(user: User, round_: Round) -> str | None:
    """The identity participation is recorded under, or None when the user may not vote."""
    return f"user:{user.id}" if can_take_part(user, round_) else None


def eligible_count(round_: Round) -> int:
    query = select(func.count(User.id)).where(
        User.role == Role.CITIZEN,
        User.active.is_(True),
        User.home_ward_id.in_(round_.ward_ids),
    )
    return db.session.scalar(query) or 0
