"""Asking a done project's ward to rate it: an invitation row per verified resident (their
in-app notice) and an e-mail through the outbox, not before the round's delay has passed."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from pb.assessment.models import Invitation, ProjectAssessment
from pb.extensions import db
from pb.mail import outbox


def invite(assessment: ProjectAssessment, email_at: datetime) -> int:
    """Invite every verified resident of the project's ward; returns how many."""
    from pb.assessment.services import residents_of

    people = residents_of(assessment.proposal)
    for person in people:
        db.session.add(Invitation(proposal_id=assessment.proposal_id, user_id=person.id))
    db.session.flush()
    if outbox.enabled():
        for person in people:
            _email(assessment, person, email_at)
    return len(people)


def _email(assessment: ProjectAssessment, person, email_at: datetime) -> None:  # type: ignore[no-untyped-def]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    site = current_app.config["SITE_URL"].rstrip("/")
    title = assessment.proposal.title
    with force_locale(person.language or default):  # in the language its reader chose
        subject = _("Ward budgets: how did “%(title)s” turn out?", title=title)
        body = _(
            "“%(title)s”, funded by your ward's budget, has been delivered. Tell the council "
            "whether it was done as promised and whether it is used: your marks are counted "
            "with your neighbours' and never shown with your name.",
            title=title,
        )
        path = _rate_path(assessment)
        body += "\n\n" + site + path
        body += "\n\n" + _("You receive this because you are a verified resident of the ward.")
        outbox.queue(db.session(), person.email, subject, body, not_before=email_at)


def _rate_path(assessment: ProjectAssessment) -> str:
    """The rating page's path, built without a request (the hook may run in a command)."""
    adapter = current_app.url_map.bind("localhost")
    values = {"round_id": assessment.round_id, "proposal_id": assessment.proposal_id}
    return str(adapter.build("assessment.rate", values))
