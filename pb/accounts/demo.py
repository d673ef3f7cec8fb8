"""The demo's accounts: staff and residents who sign in with the demo password, and synthetic
residents who cannot sign in at all (they only hold ballots, proposals and ratings)."""

from __future__ import annotations

from pb.accounts import services as accounts
from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.extensions import db

DEMO_PASSWORD = "demo"
UNUSABLE_PASSWORD = "!synthetic-account-cannot-sign-in"


def account(
    email: str, name: str, role: Role, *, wards: list[str] | None = None, home: str | None = None
) -> User:
    return accounts.create_staff_user(
        email,
        name,
        DEMO_PASSWORD,
        role,
        ward_codes=wards,
        home_ward_code=home,
        allow_short_password=True,
    )


def synthetic_citizens(prefix: str, ward_id: int, count: int) -> list[User]:
    people = [
        User(
            email=f"{prefix}{n:03d}@residents.demo.test",
            display_name=f"Resident {n}",
            password_hash=UNUSABLE_PASSWORD,
            role=Role.CITIZEN,
            home_ward_id=ward_id,
            email_verified_at=utcnow(),
        )
        for n in range(1, count + 1)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people
