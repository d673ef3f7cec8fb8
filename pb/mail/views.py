"""Development only: the outbox as a page, to read e-mails (and their links) without a server.

Answers 404 in production (PB_PRODUCTION=1), where e-mails may hold one-use sign-in links that
nobody but their recipient should see; elsewhere only an admin may open it (pb/access.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from pb.mail.models import OutboxMessage
from pb.pagination import paginate

bp = Blueprint("mail", __name__)
PAGE_SIZE = 20


@bp.get("/dev/mail")
def outbox_page():  # type: ignore[no-untyped-def]
    """The e-mails the platform wrote, newest first, with their delivery state."""
    if current_app.config["ENV_PRODUCTION"]:
        abort(404)
    listing = paginate(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()),
        request.args.get("page", 1, type=int) or 1,
        PAGE_SIZE,
    )
    return render_template("mail/outbox.html", listing=listing)
