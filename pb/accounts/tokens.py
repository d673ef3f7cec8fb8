"""Signed, expiring links for e-mail verification and password reset (itsdangerous).

A link carries the account id and a fingerprint of what it may change, signed with SECRET_KEY
under its own salt (a verification link is not a reset link). Nothing is stored: a reset link
names the password hash it was issued for, so it stops working once the password is changed
(single use), and a verification link names the address it confirms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFY_SALT = "pb.accounts.verify-email"
RESET_SALT = "pb.accounts.reset-password"
# A staff invitation: a reset link under its own salt, so it may live longer (INVITATION_MAX_AGE)
# without making ordinary reset links longer-lived.
INVITE_SALT = "pb.accounts.invite-staff"


@dataclass(frozen=True)
class Claim:
    user_id: int
    fingerprint: str


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, user_id: int, value: str) -> str:
    return str(_serializer(salt).dumps({"u": user_id, "f": fingerprint(value)}))


def read(salt: str, token: str, max_age: int) -> Claim | None:
    """The claim in a link still valid after `max_age` seconds; None if forged, altered or old."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return Claim(user_id=data["u"], fingerprint=str(data.get("f", "")))


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for an e-mail: on SITE_URL when set (never on the Host header a client
    sent, which would let anyone have reset links point at their own server)."""
    site = current_app.config["SITE_URL"].rstrip("/")
    if site:
        return site + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
