"""Signed-in sessions the server can end: one (signing out) or all of an account's.

The cookie carries "user id:session key". Each request looks the pair up with the user in one
query and writes nothing; signing in adds a row, signing out deletes it, and `revoke_sessions`
deletes every row of an account (a password change or reset, a role change, a disabled account,
"sign out everywhere"), so a copied cookie stops working at once.

Expiry uses the real time, not the platform's simulated clock (`pb.clock`): tests that move a
round through weeks of phases keep their people signed in, as people would be in real life.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, delete, func, select

from pb.accounts.models import User, UserSession
from pb.accounts.signed_in import COLUMNS, RECORD_ENDPOINTS, SignedInUser
from pb.db import UTCDateTime, utcnow
from pb.eligibility.services import keep_census, with_census
from pb.extensions import db
from pb.header import counts_params, keep_counts, with_counts
from pb.voting.round_row import keep_round, with_round

# The user of a live session, built once: every signed-in request runs it, and building the
# statement (and its cache key) each time cost more than running it.
_LIVE_SESSION_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        UserSession.key_hash == bindparam("key_hash"),
        UserSession.expires_at > bindparam("now", type_=UTCDateTime()),
    )
)
# The same, as the columns of a `SignedInUser` (the ballot's steps: pb/accounts/signed_in.py).
_LIVE_SESSION_RECORD = _LIVE_SESSION_USER.with_only_columns(
    *(User.__table__.c[name] for name in COLUMNS)
)
# The same with the round the step is about (pb/voting/round_row.py): its row, which the view
# reads next, comes with the user's (one statement instead of two, three times a ballot).
_LIVE_SESSION_RECORD_AND_ROUND = with_round(_LIVE_SESSION_RECORD)
# And what each step asks next of the person (2026-12-04): the cast "may they vote" (the census
# entry, pb/eligibility), the ballot page and the review also "did they vote already" and the
# header's counts (pb/header.py). Two statements fewer on the page and the review, one on the
# cast; the same rows, read in the same transaction, each taken once by its reader.
_WITH_CENSUS = with_census(_LIVE_SESSION_RECORD_AND_ROUND)
_STEP_STATEMENTS = {
    "voting.ballot": with_counts(_WITH_CENSUS),
    "voting.review": with_counts(_WITH_CENSUS),
    "voting.cast": _WITH_CENSUS,
}


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(user: User) -> str:
    """Start a session for `user`; returns its key (set on `user`, so `get_id()` names it)."""
    now = utcnow()
    db.session.execute(  # forget this account's expired sessions while we are here
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    key = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME"])
    db.session.add(
        UserSession(user_id=user.id, key_hash=_hash(key), created_at=now, expires_at=now + lifetime)
    )
    db.session.flush()
    user.session_key = key
    return key


def load_user(identity: str) -> User | SignedInUser | None:
    """Flask-Login's loader: the user of a live session named by the cookie, or None. On the
    ballot's steps a `SignedInUser` record (same check, same statement's conditions), elsewhere
    the ORM `User`."""
    user_id, _, key = identity.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10 and key):
        return None
    params = {"user_id": int(user_id), "key_hash": _hash(key), "now": utcnow()}
    if has_request_context() and request.endpoint in RECORD_ENDPOINTS:
        return _signed_in_record(params, key)
    user = db.session.scalar(_LIVE_SESSION_USER, params)
    if user is not None:
        user.session_key = key
    return user


def _signed_in_record(params: dict[str, object], key: str) -> SignedInUser | None:
    """The ballot's steps: the user as a record, with the step's round row kept for its view."""
    round_id = (request.view_args or {}).get("round_id")
    statement = (
        _LIVE_SESSION_RECORD if round_id is None else _STEP_STATEMENTS[request.endpoint or ""]
    )
    counts = statement is not _WITH_CENSUS and round_id is not None
    params = {**params, "round_id": round_id, **(counts_params() if counts else {})}
    # On the session's connection: no ORM object, and the ORM's execution path cost about as
    # much CPU as the statement (the same reason as pb/header.py's counts).
    row = db.session.connection().execute(statement, params).first()
    if row is None:
        return None
    user = SignedInUser(row, key)
    if round_id is not None:
        keep_round(round_id, row)
        keep_census(user.id, round_id, row)
        if counts:
            keep_counts(row, user.role)
    return user


def current_session(user: User) -> UserSession | None:
    """The row of the session this request was made in (None outside a signed-in request)."""
    if not user.session_key:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.key_hash == _hash(user.session_key))
    )


def close_session(user: User) -> None:
    """Sign out: the session this request was made in no longer exists."""
    if user.session_key:
        db.session.execute(
            delete(UserSession).where(UserSession.key_hash == _hash(user.session_key))
        )
    user.session_key = ""


def revoke_sessions(user: User) -> int:
    """End every session of the account, everywhere; returns how many there were."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_key = ""
    return result.rowcount or 0


def count_sessions(user: User) -> int:
    """The account's live sessions (this one included)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        )
        or 0
    )
