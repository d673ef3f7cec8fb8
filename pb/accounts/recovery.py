"""Registration, e-mail verification and password reset that never reveal who has an account.

Every answer is the same page with the same status whether or not the address is known, and the
server does the same expensive work either way (one argon2 hash). What differs goes to the
address's owner, by e-mail: a link to confirm it, a note that someone tried to register it again,
or a reset link. Links are signed and expire (pb/accounts/tokens.py).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from pb.accounts import services, tokens
from pb.accounts.models import User
from pb.accounts.sessions import revoke_sessions
from pb.audit import services as audit
from pb.db import before_writing, utcnow
from pb.errors import InvalidInput
from pb.extensions import db
from pb.mail.outbox import queue


def register(
    email: str,
    display_name: str,
    password: str,
    ward_id: int | None,
    postcode: str | None,
    language: str | None = None,
) -> None:
    """Create an unverified account and mail its link; for a known address, hash the password
    all the same (same time) and tell the owner instead."""
    with before_writing():  # the reads end here: the hash below holds no lock
        existing = services.find_user_by_email(email)
        services.resolve_home_ward(ward_id, postcode)  # the same refusals, before any hash
    # The same work either way (timing tells nothing), outside any transaction.
    password_hash = services.hash_password(password)
    if existing is None:
        user = services.add_citizen(email, display_name, password_hash, ward_id, postcode, language)
        send_verification(user)
        return
    _mail(existing, _already_registered_text)  # the account is read again, in the writing one


def send_verification(user: User) -> None:
    link = tokens.external_url(
        "accounts.verify_email", token=tokens.sign(tokens.VERIFY_SALT, user.id, user.email)
    )
    _mail(user, lambda: _verify_text(link))


def verify_email(token: str) -> User:
    """Mark the account's address as confirmed (again: harmless). Refuses a forged, altered or
    expired link, and one issued for an address the account no longer has."""
    claim = tokens.read(tokens.VERIFY_SALT, token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = db.session.get(User, claim.user_id) if claim else None
    if claim is None or user is None or tokens.fingerprint(user.email) != claim.fingerprint:
        raise InvalidInput(_("This link is not valid or has expired. Ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
        audit.record("account.email_verified", user, {}, actor=user)
    return user


def request_reset(email: str) -> None:
    """Mail a reset link to the account's address, if there is one. Same work either way."""
    with before_writing():  # the reads end here: the hash below holds no lock
        user = services.find_user_by_email(email)
        wanted = user is not None and user.is_active
    services.hash_password(email)  # both branches pay for one argon2 hash (see the docstring)
    if user is None or not wanted:  # an unknown address takes no write lock at all
        return
    link = tokens.external_url(
        "accounts.reset_password",
        token=tokens.sign(tokens.RESET_SALT, user.id, user.password_hash),
    )
    _mail(user, lambda: _reset_text(link))


def reset_user(token: str) -> User:
    """The account a reset link is for; refused once used (the password it names changed)."""
    claim = tokens.read(
        tokens.RESET_SALT, token, current_app.config["PASSWORD_RESET_MAX_AGE"]
    ) or tokens.read(tokens.INVITE_SALT, token, current_app.config["INVITATION_MAX_AGE"])
    user = db.session.get(User, claim.user_id) if claim else None
    if (
        claim is None
        or user is None
        or not user.is_active
        or tokens.fingerprint(user.password_hash) != claim.fingerprint
    ):
        raise InvalidInput(_("This link is not valid or has expired. Ask for a new one."))
    return user


def invite(user: User, *, actor: User) -> None:
    """Mail a new staff account its set-your-password link: a reset link valid for
    INVITATION_MAX_AGE (a week by default), single-use like any reset link."""
    link = tokens.external_url(
        "accounts.reset_password",
        token=tokens.sign(tokens.INVITE_SALT, user.id, user.password_hash),
    )
    _mail(user, lambda: _invite_text(link, user.display_name))
    audit.record("account.invited", user, {}, actor=actor)


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link: every session ends, and the address is confirmed
    (whoever reads the mail owns it)."""
    with before_writing():  # the reads end here: the hash below holds no lock
        reset_user(token)  # a used or expired link is refused before the hash
    if len(password) < services.MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("Use at least %(count)d characters.", count=services.MIN_PASSWORD_LENGTH),
            field="password",
        )
    password_hash = services.hash_password(password)
    user = reset_user(token)  # again, in the writing transaction: a link used meanwhile is refused
    user.password_hash = password_hash
    user.email_verified_at = user.email_verified_at or utcnow()
    revoke_sessions(user)
    db.session.flush()
    audit.record("account.password_reset", user, {}, actor=user)
    return user


def _mail(user: User, write: Callable[[], tuple[str, str]]) -> None:
    """Queue a mail to the account's owner, written in the language they chose."""
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = write()
    queue(db.session(), user.email, subject, body)


def _verify_text(link: str) -> tuple[str, str]:
    return _("Confirm your e-mail address"), _(
        "Hello,\n\nTo confirm this address and start proposing, supporting and voting, open this"
        " link within two days:\n\n%(link)s\n\nIf you did not register, ignore this e-mail:"
        " nothing will happen.",
        link=link,
    )


def _already_registered_text() -> tuple[str, str]:
    return _("Your account"), _(
        "Hello,\n\nSomeone (perhaps you) tried to register again with this address. You already"
        " have an account: sign in, or reset your password from the sign-in page if you forgot"
        " it.\n\nIf it was not you, you need do nothing."
    )


def _reset_text(link: str) -> tuple[str, str]:
    return _("Reset your password"), _(
        "Hello,\n\nTo choose a new password, open this link within an hour. It works once."
        "\n\n%(link)s\n\nIf you did not ask for this, ignore this e-mail: your password stays"
        " as it is.",
        link=link,
    )


def _invite_text(link: str, name: str) -> tuple[str, str]:
    return _("Your staff account"), _(
        "Hello %(name)s,\n\nAn administrator created a staff account for you on the"
        " participatory budgeting site. To choose your password and sign in, open this link within"
        " seven days. It works once.\n\n%(link)s\n\nIf you did not expect this, ignore this"
        " e-mail.",
        name=name,
        link=link,
    )
