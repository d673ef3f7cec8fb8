"""Accounts: registration, password checks, staff creation and role grants."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from pb.accounts.models import Role, User
from pb.accounts.sessions import revoke_sessions
from pb.audit import services as audit
from pb.db import before_writing, utcnow
from pb.errors import Conflict, InvalidInput, NotFound
from pb.extensions import db
from pb.pagination import Page, paginate
from pb.wards.models import Postcode, Ward, normalise_postcode

MIN_PASSWORD_LENGTH = 10
# Argon2id parameters by name; only the test suite may choose the cheap one (PASSWORD_HASHING).
_HASHER_PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "cheapest-for-tests": profiles.CHEAPEST,
}


@cache
def _hasher_for(profile: str) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher.from_parameters(_HASHER_PROFILES[profile])
    # Verified against when the e-mail is unknown, so both failures take the same time.
    return hasher, hasher.hash("not a real password")


def _hasher() -> PasswordHasher:
    return _hasher_for(current_app.config["PASSWORD_HASHING"])[0]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return find_user_by_email(email) is not None


def ward_for_postcode(postcode: str) -> Ward | None:
    row = db.session.get(Postcode, normalise_postcode(postcode))
    return row.ward if row else None


def resolve_home_ward(ward_id: int | None, postcode: str | None) -> Ward:
    """The citizen's home ward, chosen directly or found from the admin's postcode list."""
    if postcode:
        ward = ward_for_postcode(postcode)
        if ward is None:
            raise InvalidInput(
                _("We could not find that postcode. Choose your ward from the list instead."),
                field="postcode",
            )
        return ward
    ward = db.session.get(Ward, ward_id) if ward_id else None
    if ward is None:
        raise InvalidInput(_("Choose your ward or enter your postcode."), field="home_ward")
    return ward


def register_citizen(
    email: str,
    display_name: str,
    password: str,
    ward_id: int | None,
    postcode: str | None,
    language: str | None = None,
) -> User:
    """A citizen account with `password` hashed here, in the caller's transaction (a test, a
    command); a request hashes outside it and calls `add_citizen` (recovery.register)."""
    return add_citizen(email, display_name, hash_password(password), ward_id, postcode, language)


def add_citizen(
    email: str,
    display_name: str,
    password_hash: str,
    ward_id: int | None,
    postcode: str | None,
    language: str | None = None,
) -> User:
    """A citizen account whose password is already hashed; checks the address and the ward
    again, in the writing transaction."""
    if email_taken(email):  # only reached by a race (recovery.register checked first)
        raise InvalidInput(_("An account with this e-mail address already exists."), field="email")
    ward = resolve_home_ward(ward_id, postcode)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        password_hash=password_hash,
        role=Role.CITIZEN,
        home_ward=ward,
        language=_known_language(language),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "account.registered", user, {"role": user.role.value, "language": user.language}, actor=user
    )
    return user


def set_language(user: User, language: str) -> None:
    """Remember the language a user chose (their e-mails are written in it); unknown codes are
    ignored."""
    chosen = _known_language(language)
    if chosen is None or chosen == user.language:
        return
    user.language = chosen
    db.session.flush()
    audit.record("account.language_set", user, {"language": chosen}, actor=user)


def _known_language(language: str | None) -> str | None:
    return language if language in current_app.config["LANGUAGES"] else None


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches an active account; None otherwise (one generic error)."""
    hasher, dummy_hash = _hasher_for(current_app.config["PASSWORD_HASHING"])
    with before_writing():  # the hash below runs outside any transaction: no lock is held
        user = find_user_by_email(email)
        stored = user.password_hash if user else dummy_hash
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        audit.record(
            "login.failed", ("account", audit.pseudonym(f"email:{normalise_email(email)}")), {}
        )
        return None
    # Stronger parameters since the hash was made: rehash now, still outside any transaction.
    rehashed = hash_password(password) if hasher.check_needs_rehash(stored) else None
    if user is None or not user.is_active:  # reads the account again, in the writing transaction
        return None
    if rehashed and user.password_hash == stored:
        user.password_hash = rehashed
    return user


def create_staff_user(
    email: str,
    display_name: str,
    password: str,
    role: Role,
    ward_codes: list[str] | None = None,
    home_ward_code: str | None = None,
    *,
    allow_short_password: bool = False,
) -> User:
    """Create any account from the command line (staff are never self-registered)."""
    if len(password) < MIN_PASSWORD_LENGTH and not allow_short_password:
        raise InvalidInput(
            _("Staff passwords need at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    if email_taken(email):
        raise InvalidInput(_("An account with this e-mail address already exists."), field="email")
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        home_ward=_ward_by_code(home_ward_code) if home_ward_code else None,
        wards=[_ward_by_code(code) for code in ward_codes or []],
        email_verified_at=utcnow(),  # an administrator vouches for the address
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, _role_data(user))
    return user


STAFF_ROLES = (Role.COUNCILLOR, Role.OFFICER, Role.POLL_CLERK, Role.AUDITOR, Role.ADMIN)
WARD_ROLES = (Role.COUNCILLOR, Role.OFFICER, Role.POLL_CLERK)


def create_invited_staff(
    email: str, display_name: str, role: Role, ward_ids: list[int], *, actor: User
) -> User:
    """A staff account made from the admin screen: its password is a random secret nobody
    knows (unusable) until the invitee sets one through the mailed link (recovery.invite)."""
    if role not in STAFF_ROLES:
        raise InvalidInput(_("Choose a staff role."), field="role")
    if email_taken(email):
        raise InvalidInput(_("An account with this e-mail address already exists."), field="email")
    wards = _wards_by_id(ward_ids) if role in WARD_ROLES else []
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        password_hash=hash_password(secrets.token_urlsafe(32)),
        role=role,
        wards=wards,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, _role_data(user), actor=actor)
    return user


def _wards_by_id(ward_ids: list[int]) -> list[Ward]:
    wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(ward_ids)))) if ward_ids else []
    if len(wards) != len(set(ward_ids)):
        raise InvalidInput(_("Unknown ward."), field="wards")
    return wards


def grant_role(user: User, role: Role, ward_ids: list[int], *, actor: User | None) -> None:
    """Change a user's role and staff wards."""
    wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(ward_ids)))) if ward_ids else []
    if user.role is not role:
        revoke_sessions(user)  # sign them out everywhere, so the new role applies at once
    user.role = role
    user.wards = wards if role in WARD_ROLES else []
    db.session.flush()
    audit.record("account.role_granted", user, _role_data(user), actor=actor)


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    """Enable or disable an account; disabling ends every session of it at once."""
    if not active and actor is not None and user.id == actor.id:
        raise Conflict(_("You cannot disable your own account."))
    user.active = active
    revoke_sessions(user)
    db.session.flush()
    audit.record("account.activated" if active else "account.deactivated", user, {}, actor=actor)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password once the current one is confirmed; every session of the account ends
    (one opened with the old password, perhaps by someone else, must not outlive it)."""
    hasher = _hasher()
    with before_writing():  # both hashes run outside any transaction: no lock is held
        stored = user.password_hash
    try:
        hasher.verify(stored, current)
    except (VerificationError, InvalidHashError) as error:
        raise InvalidInput(_("That is not your current password."), field="current") from error
    if len(new) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field="password"
        )
    user.password_hash = hash_password(new)
    revoke_sessions(user)
    db.session.flush()
    audit.record("account.password_changed", user, {}, actor=user)


def sign_out_everywhere(user: User) -> None:
    """End every session of the account (a lost phone, a shared computer)."""
    count = revoke_sessions(user)
    audit.record("account.signed_out_everywhere", user, {"sessions": count}, actor=user)


USERS_PER_PAGE = 50


def users_page(query: str, page: int, per_page: int = USERS_PER_PAGE) -> Page[User]:
    """Accounts whose e-mail address or name contains `query` (any case), by address."""
    statement = select(User).order_by(User.email, User.id)
    if query:
        statement = statement.where(
            or_(
                User.email.contains(query.lower(), autoescape=True),
                func.lower(User.display_name).contains(query.lower(), autoescape=True),
            )
        )
    return paginate(statement, page, per_page)


def count_users_by_role() -> dict[Role, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role))
    return {role: count for role, count in rows}


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def _ward_by_code(code: str) -> Ward:
    ward = db.session.scalar(select(Ward).where(Ward.code == code))
    if ward is None:
        raise InvalidInput(_("Unknown ward code: %(code)s", code=code))
    return ward


def _role_data(user: User) -> dict[str, object]:
    return {"role": user.role.value, "wards": sorted(ward.code for ward in user.wards)}
