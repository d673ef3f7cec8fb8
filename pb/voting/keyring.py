"""The voter's ballot keys and receipts, kept in their browser only, encrypted.

The session cookie is signed, not encrypted: anyone holding a copy reads it. A ballot key lets
its holder see and replace a ballot during voting, and a receipt names one on the board, so
neither may travel in it (issue 12). They travel in a cookie of their own, encrypted and
authenticated with AES-GCM under a key derived from SECRET_KEY, and bound to the sign-in
session (the session id is the associated data): a copied cookie is unreadable, and useless
once that session ends (signing out, or any revocation). The server never stores them: a
table of keys per user would hand every ballot to whoever reads the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Response, current_app, g, request, session

COOKIE = "pb_ballots"
PATH = "/rounds/"
_INFO = b"pb ballot keyring v1"
_NONCE = 12
_MAX_COOKIE = 3000  # characters: well under browsers' 4 KiB a cookie


def _cipher() -> AESGCM:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return AESGCM(key)


def _binding() -> bytes:
    """The sign-in session this keyring belongs to ("user id:session key")."""
    return str(session.get("_user_id", "")).encode()


def load() -> dict[str, Any]:
    """This request's keyring: {"keys": {round: key}, "receipts": {round: receipt}, "new": ...}."""
    if "ballot_keyring" not in g:
        g.ballot_keyring = _decrypt(request.cookies.get(COOKIE, ""))
    return g.ballot_keyring  # type: ignore[no-any-return]


def _decrypt(text: str) -> dict[str, Any]:
    if not text or len(text) > _MAX_COOKIE or not _binding():
        return {}
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
        plain = _cipher().decrypt(raw[:_NONCE], raw[_NONCE:], _binding())
        data = json.loads(plain)
    except (ValueError, binascii.Error, InvalidTag, UnicodeEncodeError):
        return {}  # tampered, from another session, or from before a key change: start afresh
    return data if isinstance(data, dict) else {}


def get(kind: str, round_id: int) -> str | None:
    value = load().get(kind, {}).get(str(round_id))
    return value if isinstance(value, str) else None


def put(kind: str, round_id: int, value: str) -> None:
    keyring = load()
    keyring[kind] = {**keyring.get(kind, {}), str(round_id): value}
    g.ballot_keyring_changed = True


def pop_new_key(round_id: int) -> str | None:
    """The ballot key to show once on the receipt page, then forget here."""
    keyring = load()
    new = keyring.get("new", {})
    value = new.pop(str(round_id), None) if isinstance(new, dict) else None
    if value is not None:
        g.ballot_keyring_changed = True
    return value if isinstance(value, str) else None


def save(response: Response) -> Response:
    """Write the keyring back if this request changed it (after_request of the voting pages)."""
    if not g.get("ballot_keyring_changed"):
        return response
    nonce = os.urandom(_NONCE)
    plain = json.dumps(load(), sort_keys=True).encode()
    sealed = base64.urlsafe_b64encode(nonce + _cipher().encrypt(nonce, plain, _binding()))
    response.set_cookie(
        COOKIE,
        sealed.decode("ascii"),
        path=PATH,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,  # no script reads it
        samesite="Lax",
    )
    return response
