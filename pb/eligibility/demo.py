"""The demo's census: a register for both wards, Riverside's residents (the demo resident too)
already verified, one entry left for newcomer@demo.test to verify with, and two residents without
an account for the poll clerk to find at a polling station (README)."""

from __future__ import annotations

from sqlalchemy import select

from pb.accounts.models import User
from pb.eligibility import census, register
from pb.eligibility.models import CensusEntry
from pb.extensions import db
from pb.wards.models import Ward

# What newcomer@demo.test types on /account/census (README).
NEWCOMER = ("RIV-0000", "1990-01-01", "RV1 1AA")
# Riverside residents with no account, for clerk@demo.test to find at the polling station.
STATION_VISITORS = (("RIV-0001", "1985-05-05", "RV1 2BB"), ("RIV-0002", "1949-11-30", "RV1 3CC"))


def _reference(user: User) -> str:
    return "REF-" + user.email.split("@", 1)[0].upper()


def populate(admin: User, verified: list[User], others: list[tuple[User, Ward]]) -> None:
    """Upload the register; bind `verified` to their entries (they verified before voting)."""
    lines = ["reference,date_of_birth,postcode,ward", ",".join((*NEWCOMER, "RIV"))]
    lines += [",".join((*visitor, "RIV")) for visitor in STATION_VISITORS]
    for person, ward in [(p, p.home_ward) for p in verified] + others:
        lines.append(f"{_reference(person)},1970-01-01,DE1 1MO,{ward.code}")  # type: ignore[union-attr]
    register.import_register("\n".join(lines) + "\n", actor=admin)
    key = register._key()
    wanted = {census.reference_hash(key, _reference(p)): p for p in verified}
    entries = db.session.scalars(
        select(CensusEntry).where(CensusEntry.reference_hash.in_(list(wanted)))
    )
    for entry in entries:
        entry.user_id = wanted[entry.reference_hash].id
    db.session.flush()
