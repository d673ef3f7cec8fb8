"""The signed-in person as a plain record, for the ballot's steps.

Every signed-in request loads its user with its session (pb/accounts/sessions.py). As an ORM
`User` that load was the largest single part of a ballot step's CPU (about 0.38 ms a request,
2026-12-03): the ORM builds an object, its state and its identity-map entry for a person the
ballot only reads. On the endpoints listed in `RECORD_ENDPOINTS` the loader returns a
`SignedInUser` instead: the user's columns from one Core statement, with the same read interface
(`is_authenticated`, `role`, `has_role`, `email_verified`, `get_id`...). Anything else asked of it
(a relationship such as `wards`, an attribute written) goes to the full `User`, loaded from the
request's session the first time it is needed, so code that reads more keeps working; it pays
one query. Every other page gets the `User` as before (they pass it to the ORM as an actor, an
author, a relationship's value, which a record cannot be).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row

from pb.accounts.models import Role, SignedInInterface, User
from pb.extensions import db

# The ballot's three steps: what a voter's browser requests over and over while voting.
RECORD_ENDPOINTS = frozenset({"voting.ballot", "voting.review", "voting.cast"})

# Every column but the password hash, which no page reads from `current_user`.
COLUMNS = tuple(column.name for column in User.__table__.columns if column.name != "password_hash")


class SignedInUser(SignedInInterface):
    """A user's columns as a record (see the module's docstring); the ORM `User` on demand."""

    __slots__ = (*COLUMNS, "session_key", "_user")
    # Annotations for the reader and the type checker; the values are the row's.
    id: int
    email: str
    display_name: str
    role: Role
    home_ward_id: int | None
    active: bool
    created_at: datetime
    language: str | None
    email_verified_at: datetime | None

    is_anonymous = False

    def __init__(self, row: Row[Any], session_key: str) -> None:
        for name in COLUMNS:
            object.__setattr__(self, name, getattr(row, name))
        object.__setattr__(self, "session_key", session_key)
        object.__setattr__(self, "_user", None)

    @property
    def user(self) -> User:
        """The full ORM `User` (one query the first time; the session's identity map after)."""
        if self._user is None:
            loaded = db.session.get(User, self.id)
            if loaded is None:  # deleted since this request began: as if never signed in
                raise LookupError(f"user {self.id} no longer exists")
            loaded.session_key = self.session_key
            object.__setattr__(self, "_user", loaded)
        return self._user  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        # Called only for what the record does not hold: a relationship, a method of `User`.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.user, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # A write goes to the ORM object (what gets flushed), and the record keeps showing it.
        setattr(self.user, name, value)
        if name in self.__slots__:
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<SignedInUser {self.id} {self.role}>"
