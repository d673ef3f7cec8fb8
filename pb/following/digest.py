"""Authors' daily digest: notices about their own proposals gathered into one e-mail a day.

An author chooses, on the Following page, between an e-mail for each comment or support
(the default) and one digest a day. A held notice waits in `digest_items`; `flask pb digest`
(run daily by a timer, docs/operations.md) queues one e-mail per author through the outbox,
listing every held notice, and forgets them. The in-app notices are never held back.
"""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import utcnow
from pb.extensions import db
from pb.following import services
from pb.following.models import AuthorEmail, DigestItem, Notice, NoticeSetting
from pb.mail import outbox as mail


def author_email(user_id: int) -> AuthorEmail:
    setting = db.session.get(NoticeSetting, user_id)
    return setting.author_email if setting is not None else AuthorEmail.IMMEDIATELY


def choose(user: User, choice: AuthorEmail) -> None:
    """Set how the author hears of comments and supports by e-mail."""
    setting = db.session.get(NoticeSetting, user.id)
    if setting is None:
        setting = NoticeSetting(user_id=user.id, author_email=choice)
        db.session.add(setting)
    elif setting.author_email is choice:
        return
    setting.author_email = choice
    db.session.flush()
    audit.record("follow.email_choice", user, {"author_email": choice.value}, actor=user)


def hold(notice: Notice) -> None:
    db.session.add(DigestItem(notice_id=notice.id, user_id=notice.user_id))
    db.session.flush()


def send() -> tuple[int, int]:
    """Queue one e-mail per author with held notices, then forget them: (e-mails, notices)."""
    rows = db.session.execute(
        select(DigestItem.user_id, Notice)
        .join(Notice, Notice.id == DigestItem.notice_id)
        .order_by(DigestItem.user_id, Notice.id)
    ).all()
    held: dict[int, list[Notice]] = defaultdict(list)
    for user_id, notice in rows:
        held[user_id].append(notice)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(held))))}
    sent = 0
    for user_id, notices in held.items():
        user = users.get(user_id)
        if user is not None and user.active:
            _queue(user, notices)
            sent += 1
    db.session.execute(delete(DigestItem).where(DigestItem.user_id.in_(list(held))))
    if held:
        day = ("digest", utcnow().date().isoformat())
        audit.record("follow.digest_sent", day, {"emails": sent, "notices": len(rows)})
    return sent, len(rows)


def _queue(user: User, notices: list[Notice]) -> None:
    site = current_app.config["SITE_URL"].rstrip("/")
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        lines = [f"- {services.message(n)}" for n in notices]
        subject = ngettext(
            "Ward budgets: %(num)d new notice about your proposals",
            "Ward budgets: %(num)d new notices about your proposals",
            len(notices),
        )
        body = "\n".join(lines)
        if site:
            body += "\n\n" + site + "/following"
        body += "\n\n" + _(
            "You receive one e-mail a day because you chose a daily digest on your Following page."
        )
        mail.queue(db.session(), user.email, subject, body)
