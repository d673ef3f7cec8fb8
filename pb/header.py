"""The signed-in header's counts: unread notifications, unread notices, rating invitations.

Every signed-in page shows them, so they are one statement (three scalar subqueries over the
owners' own queries: pb/inbox.py, pb/assessment/services.py), built once, run at most once per
request and only when a page's header asks. Counted fresh on every page: a notice read in another
tab or process never shows as unread afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from pb import clock, inbox
from pb.accounts.models import Role
from pb.assessment.services import waiting_query
from pb.db import UTCDateTime
from pb.deliberation.models import Notification
from pb.extensions import db
from pb.following.models import Notice


@dataclass(frozen=True)
class HeaderCounts:
    notifications: int = 0  # deliberation: replies, decisions (pb/deliberation/notifications.py)
    notices: int = 0  # what the person follows (pb/following)
    rating_invitations: int = 0  # residents only: delivered projects waiting for their rating


NONE = HeaderCounts()


@cache
def _statement() -> Select[tuple[int, int, int]]:
    user_id = bindparam("user_id")
    now = bindparam("now", type_=UTCDateTime())
    return select(
        inbox.unread_query(Notification, user_id).scalar_subquery(),
        inbox.unread_query(Notice, user_id).scalar_subquery(),
        waiting_query(user_id, now).scalar_subquery(),
    )


def header_counts() -> HeaderCounts:
    """The signed-in person's counts (all zero for a visitor), once per request."""
    if not current_user.is_authenticated:
        return NONE
    found: HeaderCounts | None = g.get("header_counts")
    if found is None:
        params = {"user_id": current_user.id, "now": clock.now()}
        # On the session's connection (its transaction): no ORM object is loaded, and the
        # session's ORM execution path cost about as much CPU as the statement itself.
        row = db.session.connection().execute(_statement(), params).one()
        notifications, notices, waiting = row
        citizen = current_user.role is Role.CITIZEN
        found = g.header_counts = HeaderCounts(notifications, notices, waiting if citizen else 0)
    return found


def init_app(app: Flask) -> None:
    app.add_template_global(header_counts)
