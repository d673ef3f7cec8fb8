"""The demo's census: a register for both wards, Riverside's residents (the demo resident too)
already verified, one entry left for newcomer@demo.test to verify with, residents without an
account who are sent access codes by post (README): one code issued with a known value, so that
anyone trying the demo can vote by code, and references for an officer to issue letters to; and
two residents without an account for the poll clerk to find at a polling station (README)."""

from __future__ import annotations

from sqlalchemy import select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.eligibility import access_codes, census, codes, register
from pb.eligibility.models import AccessCode, CensusEntry
from pb.extensions import db
from pb.rounds.models import Round
from pb.wards.models import Ward

# What newcomer@demo.test types on /account/census (README).
NEWCOMER = ("RIV-0000", "1990-01-01", "RV1 1AA")
# Riverside residents without an account: letters by post (docs/demo-letter-references.csv).
LETTER_REFERENCES = tuple(f"RIV-{number:04d}" for number in range(101, 106))
# The demo's one pre-issued code (for RIV-0100), printed in the README: only a demo has a code
# anyone knows. Real codes come from `secrets` (pb/eligibility/codes.py).
DEMO_CODE = codes.grouped("RVRS1DE2027C0DE5" + codes.check_symbol("RVRS1DE2027C0DE5"))
# Riverside residents with no account, for clerk@demo.test to find at the polling station.
STATION_VISITORS = (("RIV-0001", "1985-05-05", "RV1 2BB"), ("RIV-0002", "1949-11-30", "RV1 3CC"))


def _reference(user: User) -> str:
    return "REF-" + user.email.split("@", 1)[0].upper()


def populate(admin: User, verified: list[User], others: list[tuple[User, Ward]]) -> None:
    """Upload the register; bind `verified` to their entries (they verified before voting)."""
    lines = ["reference,date_of_birth,postcode,ward", ",".join((*NEWCOMER, "RIV"))]
    for reference in ("RIV-0100", *LETTER_REFERENCES):
        lines.append(f"{reference},1960-01-01,RV1 2LT,RIV")
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


def issue_demo_code(round_: Round, ward: Ward, officer: User) -> None:
    """The demo code, bound to RIV-0100's census entry in the census-and-code round."""
    reference = census.reference_hash(register._key(), "RIV-0100")
    entry = db.session.scalar(select(CensusEntry).where(CensusEntry.reference_hash == reference))
    db.session.add(
        AccessCode(
            code_hash=access_codes.code_hash(codes.canonical(DEMO_CODE)),
            round_id=round_.id,
            ward_id=ward.id,
            census_entry_id=entry.id if entry else None,
        )
    )
    db.session.flush()
    data = {"ward": ward.code, "codes": 1, "bound_to_census": True}
    audit.record("codes.issued", round_, data, actor=officer)
