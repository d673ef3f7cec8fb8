"""Kiosk mode: a poll clerk's signed-in session turned into a voting kiosk for one round.

The clerk opens it on the kiosk's browser (signed in as themselves). From then on that session
reaches only the kiosk pages (`KIOSK_ENDPOINTS`, enforced before every request by
pb/eligibility/kiosk_views.py), and shows a locked "ask the clerk" screen. When the clerk admits
a person to this kiosk (pb/eligibility/stations.py: their participation is written then), the
kiosk holds one ballot: the person votes with the normal ballot pages, and casting uses it up in
the ballot's own transaction (`UPDATE … WHERE admitted`), so one admission gives at most one
ballot, whatever is replayed or reloaded. Then the kiosk is locked again.

Leaving kiosk mode needs the clerk's password (limited like a password change), so the person
at the kiosk cannot take over the clerk's session. Signing out, or anything that ends the
clerk's sessions, deletes the kiosk with its session.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from pb.accounts import services as accounts
from pb.accounts.models import Role, User
from pb.accounts.sessions import current_session
from pb.audit import services as audit
from pb.eligibility import stations
from pb.eligibility.models import Kiosk
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.rounds.models import Round
from pb.voting import services as voting
from pb.voting.formats import Choices

# What a session in kiosk mode may reach; anything else sends it back to the kiosk screen.
KIOSK_ENDPOINTS = frozenset(
    {
        "kiosk.screen",
        "kiosk.ballot",
        "kiosk.review",
        "kiosk.cast",
        "kiosk.decline",
        "kiosk.leave",
        "static",
        "public.set_language",
    }
)


def current(user: User) -> Kiosk | None:
    """The kiosk this request's session is, or None (asked for poll clerks only)."""
    if user.role is not Role.POLL_CLERK or not user.session_key:
        return None
    session = current_session(user)
    if session is None:
        return None
    return db.session.scalar(select(Kiosk).where(Kiosk.session_id == session.id))


def open_kiosk(clerk: User, round_: Round) -> Kiosk:
    """Turn the clerk's current session into a kiosk for the round."""
    session = current_session(clerk)
    if session is None:
        raise Conflict(_("Sign in again to open a kiosk."))
    if current(clerk) is not None:
        raise Conflict(_("This browser is already a kiosk."))
    kiosk = Kiosk(session_id=session.id, clerk_id=clerk.id, round_id=round_.id)
    db.session.add(kiosk)
    db.session.flush()
    audit.record("kiosk.opened", round_, {"kiosk": kiosk.id}, actor=clerk)
    return kiosk


def _use_up(kiosk: Kiosk) -> None:
    used = db.session.execute(
        update(Kiosk)
        .where(Kiosk.id == kiosk.id, Kiosk.admitted.is_(True))
        .values(admitted=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise Conflict(_("This kiosk is locked. Ask the clerk."))


def cast(kiosk: Kiosk, round_: Round, choices: Choices) -> voting.CastReceipt:
    """Cast the admitted person's ballot: the kiosk's one ballot is used up with it."""
    _use_up(kiosk)
    receipt = voting.cast_admitted(round_, choices)
    stations.count(round_, kiosk.clerk_id, "kiosk_ballots")
    return receipt


def decline(kiosk: Kiosk, round_: Round) -> None:
    """The person chose not to vote after all: lock the kiosk (their mark stays)."""
    _use_up(kiosk)
    stations.count(round_, kiosk.clerk_id, "kiosk_unused")


def leave(clerk: User, kiosk: Kiosk, password: str) -> None:
    """End kiosk mode once the clerk's password is typed; an unused ballot is void."""
    if accounts.authenticate(clerk.email, password) is None:
        raise InvalidInput(_("That is not the clerk's password."), field="password")
    round_ = db.session.get(Round, kiosk.round_id)
    assert round_ is not None  # a kiosk goes with its round (ON DELETE CASCADE)
    if kiosk.admitted:
        stations.count(round_, clerk, "kiosk_unused")
    kiosk_id = kiosk.id
    db.session.delete(kiosk)
    db.session.flush()
    audit.record("kiosk.closed", round_, {"kiosk": kiosk_id}, actor=clerk)
