"""A person's inbox: deliberation's notifications and following's notices are both rows with an
id, a user_id and a read_at (None until read). The unread count, a page newest first, and
marking everything read are the same for both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update

from pb.accounts.models import User
from pb.db import utcnow
from pb.extensions import db
from pb.pagination import Page, paginate


def unread_query(model: Any, user_id: int | ColumnElement[int]) -> Select[tuple[int]]:
    """The count of the user's unread rows (`user_id` may be a bound parameter: pb/header.py)."""
    return select(func.count(model.id)).where(model.user_id == user_id, model.read_at.is_(None))


def unread_count(model: Any, user: User) -> int:
    return db.session.scalar(unread_query(model, user.id)) or 0


def listing(model: Any, user: User, page: int, per_page: int) -> Page[Any]:
    mine = model.user_id == user.id
    return paginate(
        select(model).where(mine).order_by(model.id.desc()),
        page,
        per_page,
        count=select(func.count(model.id)).where(mine),
    )


def mark_all_read(model: Any, user: User) -> int:
    """Mark every unread row of the user's as read now; how many there were."""
    result = db.session.execute(
        update(model)
        .where(model.user_id == user.id, model.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
