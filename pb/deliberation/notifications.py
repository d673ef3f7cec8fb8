"""In-app notifications (with an unread count) and their e-mail copies.

A notification stores a kind and a few values; its text is rendered when read, in the reader's
language. Nobody is notified of their own action. Phase changes notify everyone who took part in
the round: proposed, commented, supported, amended or voted (only *that* they voted is known).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, union

from pb import inbox
from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import utcnow
from pb.deliberation.models import (
    Amendment,
    Comment,
    Notification,
    NotificationKind,
    Support,
)
from pb.extensions import db
from pb.labels import PHASE_LABELS, STATUS_LABELS
from pb.mail import outbox as mail
from pb.pagination import Page
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting.models import Participation

PAGE_SIZE = 30
NOTIFIED_PHASES = (Phase.DELIBERATION, Phase.REVIEW, Phase.VOTING, Phase.CLOSED, Phase.PUBLISHED)


def notify(
    recipients: Iterable[int | None],
    kind: NotificationKind,
    *,
    actor: User | None,
    round_id: int | None = None,
    proposal_id: int | None = None,
    comment_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Create one notification per recipient (never the actor); queue e-mail copies."""
    ids = {rid for rid in recipients if rid is not None and (actor is None or rid != actor.id)}
    if not ids:
        return 0
    now = utcnow()
    created = [
        Notification(
            user_id=uid,
            kind=kind,
            round_id=round_id,
            proposal_id=proposal_id,
            comment_id=comment_id,
            data=dict(data or {}),
            created_at=now,
        )
        for uid in sorted(ids)
    ]
    db.session.add_all(created)
    db.session.flush()
    if mail.enabled():
        _queue_emails(created)
    return len(created)


def unread_count(user: User) -> int:
    return inbox.unread_count(Notification, user)


def listing(user: User, page: int = 1) -> Page[Notification]:
    return inbox.listing(Notification, user, page, PAGE_SIZE)


def mark_all_read(user: User) -> int:
    count = inbox.mark_all_read(Notification, user)
    if count:
        audit.record("notifications.read", user, {"count": count}, actor=user)
    return count


def message(notification: Notification) -> str:
    """The notification's sentence, in the current language."""
    data = notification.data or {}
    title = data.get("title", "")
    name = data.get("name", "")
    kind = notification.kind
    if kind is NotificationKind.COMMENT_REPLY:
        return _("%(name)s replied to your comment on “%(title)s”.", name=name, title=title)
    if kind is NotificationKind.PROPOSAL_REVIEWED:
        status = STATUS_LABELS.get(ProposalStatus(data.get("status", "submitted")), "")
        return _("Your proposal “%(title)s” was reviewed: %(status)s.", title=title, status=status)
    if kind is NotificationKind.PROPOSAL_AMENDED:
        return _("%(name)s proposed an amendment to “%(title)s”.", name=name, title=title)
    if kind is NotificationKind.AMENDMENT_DECIDED:
        if data.get("accepted"):
            return _("Your amendment to “%(title)s” was accepted.", title=title)
        return _("Your amendment to “%(title)s” was not accepted.", title=title)
    if kind is NotificationKind.PROPOSAL_MERGED:
        return _(
            "“%(source)s” was merged into “%(title)s”.", source=data.get("source"), title=title
        )
    phase = PHASE_LABELS.get(Phase(data.get("phase", "proposals")), "")
    return _("“%(title)s” is now in the phase: %(phase)s.", title=title, phase=phase)


def link(notification: Notification) -> str:
    """Where the notification leads (a proposal, its comment, or the round)."""
    if notification.proposal_id is not None and notification.round_id is not None:
        url = url_for(
            "public.project",
            round_id=notification.round_id,
            proposal_id=notification.proposal_id,
        )
        if notification.comment_id is not None:
            url += f"#comment-{notification.comment_id}"
        return url
    if notification.round_id is not None:
        return url_for("public.round", round_id=notification.round_id)
    return url_for("deliberation.notifications")


def participants(round_: Round) -> set[int]:
    """Everyone who took part in the round so far."""
    in_round = select(Proposal.id).where(Proposal.round_id == round_.id).scalar_subquery()
    query = union(
        select(Proposal.author_id).where(Proposal.round_id == round_.id),
        select(Comment.author_id).where(Comment.proposal_id.in_(in_round)),
        select(Support.user_id).where(Support.proposal_id.in_(in_round)),
        select(Amendment.author_id).where(Amendment.proposal_id.in_(in_round)),
        select(Participation.user_id).where(Participation.round_id == round_.id),
    )
    return {uid for uid in db.session.scalars(query) if uid is not None}


def _phase_changed(round_: Round, actor: User) -> None:
    notify(
        participants(round_),
        NotificationKind.PHASE_CHANGED,
        actor=actor,
        round_id=round_.id,
        data={"title": round_.title, "phase": round_.phase.value},
    )


for _phase in NOTIFIED_PHASES:
    rounds.on_entering(_phase)(_phase_changed)


def _queue_emails(created: list[Notification]) -> None:
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_([n.user_id for n in created])))
    }
    site = current_app.config["SITE_URL"].rstrip("/")
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for notification in created:
        user = users.get(notification.user_id)
        if user is None or not user.active:
            continue
        with force_locale(user.language or default):  # each in the language its reader chose
            text = message(notification)
            body = text
            if site and has_request_context():
                body += "\n\n" + site + link(notification)
            body += "\n\n" + _("You receive this because you take part in a ward budget round.")
            mail.queue(db.session(), user.email, _("Ward budgets: %(text)s", text=text), body)
