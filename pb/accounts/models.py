"""People: citizens and staff, their single role, and the wards staff work for."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.db import UTCDateTime, str_enum, utcnow
from pb.extensions import db
from pb.wards.models import Ward


class Role(StrEnum):
    CITIZEN = "citizen"
    COUNCILLOR = "councillor"
    OFFICER = "officer"
    AUDITOR = "auditor"
    ADMIN = "admin"
    POLL_CLERK = "clerk"  # records participation at a polling station (pb/eligibility)


# Councillors run rounds, officers review proposals, and poll clerks keep polling stations, for
# the wards assigned to them here.
staff_wards = Table(
    "staff_wards",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True),
)


class SignedInInterface:
    """What Flask-Login and the pages read of a signed-in person, from the account's columns:
    shared by the ORM `User` and the ballot steps' plain record (pb/accounts/signed_in.py)."""

    __slots__ = ()
    id: int
    role: Role
    active: bool
    session_key: str
    email_verified_at: datetime | None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_authenticated(self) -> bool:  # as UserMixin's: an inactive account is signed out
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class User(SignedInInterface, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.CITIZEN)
    home_ward_id: Mapped[int | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language they last chose (or registered in): their pages after sign-in on any device,
    # and their e-mails. None: the site's default.
    language: Mapped[str | None] = mapped_column(String(10))
    # When the owner of the address followed the link we sent it (accounts created by an admin
    # are vouched for). None: the account may sign in but not propose, support or vote.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The signed-in session this object was loaded for (not stored): part of the identity
    # Flask-Login keeps in the cookie, so the server can end one session and not the others.
    session_key = ""

    home_ward: Mapped[Ward | None] = relationship()
    wards: Mapped[list[Ward]] = relationship(secondary=staff_wards, order_by=Ward.name)

    def works_for(self, ward_ids: set[int]) -> bool:
        """True when this staff member is assigned to at least one of the given wards."""
        return bool(ward_ids & {ward.id for ward in self.wards})

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """A signed-in session the server knows about. The cookie names it (signed, so it cannot be
    forged); signing out deletes it, and a deleted or expired one no longer signs anyone in.

    Only a hash of the session's key is kept: the database alone does not give a usable cookie.
    Nothing is written while the session is used, only at sign-in and sign-out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
