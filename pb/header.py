"""The site header of every page, and the signed-in header's counts.

The counts (unread notifications, unread notices, rating invitations) are one statement (three
scalar subqueries over the owners' own queries: pb/inbox.py, pb/assessment/services.py), built
once, run at most once per request and only when a page's header asks. Counted fresh on every
page: a notice read in another tab or process never shows as unread afterwards.

The header itself (templates/_site_header.html: its translated links, the language menu) was
about a fifth of a signed-in page's rendering, and it is the same for everyone who shares a
language, a role, kiosk mode and the same counts. So it is rendered once per such combination
and kept, with a marker where the two per-request values go (the CSRF token of a signed-in
person's forms, the return path of the language form), filled on every request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import Select, bindparam, select

from pb import clock, inbox
from pb.accounts.models import Role
from pb.assessment.services import waiting_query
from pb.db import UTCDateTime
from pb.deliberation.models import Notification
from pb.extensions import db
from pb.following.models import Notice
from pb.i18n import per_language
from pb.security import return_path


@dataclass(frozen=True)
class HeaderCounts:
    notifications: int = 0  # deliberation: replies, decisions (pb/deliberation/notifications.py)
    notices: int = 0  # what the person follows (pb/following)
    rating_invitations: int = 0  # residents only: delivered projects waiting for their rating


NONE = HeaderCounts()


@cache
def _statement() -> Select[tuple[int, int, int]]:
    return _statement_at(bindparam("now", type_=UTCDateTime()))


def _statement_at(now: Any) -> Select[tuple[int, int, int]]:
    user_id = bindparam("user_id")
    return select(
        inbox.unread_query(Notification, user_id).scalar_subquery(),
        inbox.unread_query(Notice, user_id).scalar_subquery(),
        waiting_query(user_id, now).scalar_subquery(),
    )


_LABELS = ("header_notifications", "header_notices", "header_waiting")


def with_counts(statement: Select[Any]) -> Select[Any]:
    """`statement` (the signed-in user's, one row or none, with a `user_id` parameter) with
    the three counts, at the `header_now` parameter (the platform's clock: `counts_params`).
    The ballot page and the review (pb/accounts/sessions.py) then render their header without
    a statement of its own."""
    counts = _statement_at(bindparam("header_now", type_=UTCDateTime())).selected_columns
    return statement.add_columns(
        *(column.label(label) for column, label in zip(counts, _LABELS, strict=True))
    )


def counts_params() -> dict[str, Any]:
    return {"header_now": clock.now()}


def keep_counts(row: Any, role: Role) -> None:
    """This request's counts are the ones `with_counts` read (same transaction, same rule)."""
    found = row._mapping
    notifications, notices, waiting = (found[label] for label in _LABELS)
    g.header_counts = HeaderCounts(notifications, notices, waiting if role is Role.CITIZEN else 0)


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


# Cannot occur in rendered text: stored texts refuse NUL (pb/forms.py), and the rest is random.
_MARK = f"\x00{secrets.token_hex(8)}\x00"
_SLOTS = {
    "csrf": lambda: generate_csrf(),
    "return": lambda: str(escape(return_path())),
}


def site_header() -> Markup:
    """The header for this request: the kept rendering for its key, its slots filled. Even
    parts of the kept tuple are text, odd ones slot names."""
    parts = per_language(_header_key(), _render_header)
    return Markup(
        "".join(part if index % 2 == 0 else _SLOTS[part]() for index, part in enumerate(parts))
    )


def _header_key() -> tuple[Any, ...]:
    """Every value the header template reads but the slots and the language (which
    `per_language` adds): the mount point (its links), kiosk mode, who is signed in as what,
    and their counts."""
    kiosk = g.get("kiosk") is not None
    signed_in = bool(current_user.is_authenticated)
    role = current_user.role if signed_in else None
    counts = header_counts() if signed_in and not kiosk else None
    return ("site-header", request.script_root, kiosk, signed_in, role, counts)


def _render_header() -> tuple[str, ...]:
    def mark(name: str) -> Markup:
        return Markup(f"{_MARK}{name}{_MARK}")

    html = render_template(
        "_site_header.html",
        csrf_token=lambda: mark("csrf"),
        return_path=lambda: mark("return"),
    )
    return tuple(html.split(_MARK))


def init_app(app: Flask) -> None:
    app.add_template_global(header_counts)
    app.add_template_global(site_header)
