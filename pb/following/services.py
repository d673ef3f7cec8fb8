"""Following things and being told about them.

Domains plug in through two registries, so this package imports none of them:

    following.register_kind(FollowKind.PROJECT, Target(check=..., title=..., link=...))
    following.register_event("delivery.update", lambda data: _("...", **data))
    following.notify_followers(FollowKind.PROJECT, project_id, "delivery.update", data, actor=user)

Nobody is notified of their own action. E-mail copies go through the outbox, in the
transaction of the change, only to followers who asked for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from pb import inbox
from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.errors import NotFound
from pb.extensions import db
from pb.following.models import AuthorEmail, Follow, FollowKind, Notice
from pb.mail import outbox as mail
from pb.pagination import Page

PAGE_SIZE = 30
PROPOSAL_REASON = _l(
    "You receive this because you follow this proposal and asked for e-mail. "
    "You can stop following it on its page."
)
AUTHOR_REASON = _l(
    "You receive this because you wrote this proposal. On your Following page you can choose "
    "one e-mail a day instead."
)


@dataclass(frozen=True)
class Target:
    """What can be followed: `check` raises NotFound unless the object may be followed now."""

    check: Callable[[int], None]
    title: Callable[[int], str]
    link: Callable[[int], str]


KINDS: dict[FollowKind, Target] = {}
EVENTS: dict[str, Callable[[dict[str, Any]], str]] = {}


def register_kind(kind: FollowKind, target: Target) -> None:
    KINDS[kind] = target


def register_event(event: str, message: Callable[[dict[str, Any]], str]) -> None:
    EVENTS[event] = message


def target(kind_name: str) -> tuple[FollowKind, Target]:
    try:
        kind = FollowKind(kind_name)
        return kind, KINDS[kind]
    except (ValueError, KeyError):
        raise NotFound(_("This cannot be followed.")) from None


def follow(user: User, kind: FollowKind, object_id: int, *, email: bool) -> Follow:
    """Follow (or change whether e-mail copies come); following twice keeps one row."""
    KINDS[kind].check(object_id)
    existing = following(user, kind, object_id)
    if existing is None:
        existing = Follow(user_id=user.id, kind=kind, object_id=object_id, email=email)
        if not added_once(existing):  # a double click racing itself: the constraint wins
            existing = following(user, kind, object_id)
            assert existing is not None
    existing.email = email
    db.session.flush()
    audit.record("follow.started", existing, {"kind": kind.value, "object": object_id}, actor=user)
    return existing


def unfollow(user: User, kind: FollowKind, object_id: int) -> bool:
    result = db.session.execute(
        delete(Follow).where(
            Follow.user_id == user.id, Follow.kind == kind, Follow.object_id == object_id
        )
    )
    if not result.rowcount:
        return False
    audit.record("follow.stopped", user, {"kind": kind.value, "object": object_id}, actor=user)
    return True


def following(user: User | None, kind: FollowKind, object_id: int) -> Follow | None:
    if user is None:
        return None
    return db.session.scalars(
        select(Follow).where(
            Follow.user_id == user.id, Follow.kind == kind, Follow.object_id == object_id
        )
    ).first()


def follows_of(user: User) -> list[Follow]:
    return list(
        db.session.scalars(
            select(Follow).where(Follow.user_id == user.id).order_by(Follow.id.desc())
        )
    )


def followers_count(kind: FollowKind, object_id: int) -> int:
    query = select(func.count(Follow.id)).where(Follow.kind == kind, Follow.object_id == object_id)
    return db.session.scalar(query) or 0


def notify_followers(
    kind: FollowKind, object_id: int, event: str, data: dict[str, Any], *, actor: User | None
) -> int:
    """One notice per follower (never the actor); an e-mail copy to those who asked."""
    follows = db.session.scalars(
        select(Follow).where(Follow.kind == kind, Follow.object_id == object_id)
    ).all()
    recipients = [f for f in follows if actor is None or f.user_id != actor.id]
    notices = _create(kind, object_id, event, data, [f.user_id for f in recipients])
    emailed = {f.user_id for f in recipients if f.email}
    if emailed and mail.enabled():
        reason = PROPOSAL_REASON if kind is FollowKind.PROPOSAL else None
        _queue_emails([n for n in notices if n.user_id in emailed], reason=reason)
    return len(notices)


def notify_author(
    author_id: int | None,
    kind: FollowKind,
    object_id: int,
    event: str,
    data: dict[str, Any],
    *,
    actor: User | None,
) -> Notice | None:
    """Tell an author of something on their own object (never of their own action): a notice,
    and an e-mail now or in tomorrow's digest, as the author chose (pb.following.digest)."""
    from pb.following import digest  # digest renders with this module's message()

    if author_id is None or (actor is not None and actor.id == author_id):
        return None
    (notice,) = _create(kind, object_id, event, data, [author_id])
    if not mail.enabled():
        return notice
    if digest.author_email(author_id) is AuthorEmail.DAILY:
        digest.hold(notice)
    else:
        _queue_emails([notice], reason=AUTHOR_REASON)
    return notice


def _create(
    kind: FollowKind, object_id: int, event: str, data: dict[str, Any], user_ids: list[int]
) -> list[Notice]:
    now = utcnow()
    notices = [
        Notice(
            user_id=user_id,
            kind=kind,
            object_id=object_id,
            event=event,
            data=data,
            created_at=now,
        )
        for user_id in user_ids
    ]
    db.session.add_all(notices)
    db.session.flush()
    return notices


def message(notice: Notice) -> str:
    render = EVENTS.get(notice.event)
    return render(notice.data or {}) if render else notice.event


def link(notice: Notice) -> str:
    return KINDS[notice.kind].link(notice.object_id)


def title(follow_: Follow) -> str:
    return KINDS[follow_.kind].title(follow_.object_id)


def unread_count(user: User) -> int:
    return inbox.unread_count(Notice, user)


def listing(user: User, page: int = 1) -> Page[Notice]:
    return inbox.listing(Notice, user, page, PAGE_SIZE)


def mark_all_read(user: User) -> int:
    return inbox.mark_all_read(Notice, user)


def _queue_emails(notices: list[Notice], reason: object = None) -> None:
    ids = [n.user_id for n in notices]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    site = current_app.config["SITE_URL"].rstrip("/")
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for notice in notices:
        user = users.get(notice.user_id)
        if user is None or not user.active:
            continue
        with force_locale(user.language or default):  # each in the language its reader chose
            text = message(notice)
            body = text
            if site and has_request_context():
                body += "\n\n" + site + link(notice)
            body += "\n\n" + (
                str(reason)  # a lazy string: rendered here, in the reader's language
                if reason is not None
                else _(
                    "You receive this because you follow this project and asked for e-mail. "
                    "You can stop following it on its page."
                )
            )
            mail.queue(db.session(), user.email, _("Ward budgets: %(text)s", text=text), body)
