"""Polling stations: a poll clerk finds a person on the census register and marks them.

The mark is the person's participation, written at once under the census entry's key
("census:<reference hash>", the key the same person has online), with channel "kiosk" (they vote
now at a kiosk, pb/eligibility/kiosks.py) or "paper" (they are handed a paper ballot, entered
after the close). The unique constraint on participations (round, key) refuses a second mark, a
mark after an online ballot, and an online ballot after a mark, whatever the order and timing.

Nothing per person is logged: each station (a clerk in a round) keeps counts in StationTally,
written to the audit chain once, when the round closes (`station.closed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from pb import clock, limits
from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.db import added_once
from pb.eligibility import census, register
from pb.eligibility.methods import STATION_CHANNELS
from pb.eligibility.models import CensusEntry, Kiosk, StationTally
from pb.eligibility.services import census_ward, methods_of
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting.formats import get_format
from pb.voting.models import Participation

METHOD = "in_person"


def is_clerk_of(user: User, round_: Round) -> bool:
    return user.role is Role.POLL_CLERK and user.works_for(set(round_.ward_ids))


def open_rounds(clerk: User) -> list[Round]:
    """Rounds of the clerk's wards that take votes in person and are open for voting now."""
    ward_ids = [ward.id for ward in clerk.wards]
    if not ward_ids:
        return []
    query = select(Round).where(Round.phase == Phase.VOTING).order_by(Round.voting_close_at)
    return [
        round_
        for round_ in db.session.scalars(query)
        if is_clerk_of(clerk, round_) and METHOD in methods_of(round_)
        if rounds.accepting_ballots(round_)
    ]


def station_round(clerk: User, round_id: int) -> Round:
    """The round, if this clerk may keep a station in it now (403 another ward's, 409 not open,
    404 a round that does not take votes in person)."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("No such round."))
    if not is_clerk_of(clerk, round_):
        raise Forbidden(_("You are not a poll clerk for this round's wards."))
    if not rounds.accepting_ballots(round_):
        raise Conflict(_("Voting is not open for this round."))
    if METHOD not in methods_of(round_):
        raise NotFound(_("This round does not take votes in person."))
    return round_


def find_entry(round_: Round, values: Sequence[str], clerk: User) -> CensusEntry:
    """The register entry these details match, in this round's and the clerk's wards.

    Wrong details count against the entry whose reference was typed (`census_entry`), as on
    the resident's own page, so a station cannot be used to guess a person's date of birth."""
    key = register._key()
    reference = census.reference_hash(key, values[0])
    counter = f"entry:{reference}"
    if limits.exceeded("census_entry", counter):
        raise register.TooManyAttempts(_("Too many attempts for this person. Ask the council."))
    entry = db.session.scalar(select(CensusEntry).where(CensusEntry.reference_hash == reference))
    if entry is None or entry.details_hash != census.details_hash(key, values):
        limits.hit("census_entry", counter)
        raise InvalidInput(_("These details do not match the register. Check them and try again."))
    ward = census_ward(entry, round_)
    if ward not in round_.ward_ids or not clerk.works_for({ward}):
        raise Conflict(_("This person is on the register of another ward: they vote there."))
    return entry


def admit(
    clerk: User,
    round_: Round,
    values: Sequence[str],
    channel: str,
    kiosk_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Mark the person on the register: they vote at the kiosk `kiosk_id` ("kiosk") or are
    handed a paper ballot ("paper"). Refused if they already took part by any channel."""
    if channel not in STATION_CHANNELS or (channel == "kiosk") != (kiosk_id is not None):
        raise InvalidInput(_("Choose where the person votes."), field="where")
    if channel == "paper" and get_format(round_.ballot_format).vote_type == "pairwise":
        raise Conflict(_("Paper ballots are not available for pairwise rounds."))
    entry = find_entry(round_, values, clerk)
    if kiosk_id is not None:
        _reserve(clerk, round_, kiosk_id)
    participation = Participation(
        round_id=round_.id,
        voter_key=f"census:{entry.reference_hash}",
        user_id=None,  # the clerk saw the person, not an account
        ward_id=census_ward(entry, round_),
        channel=channel,
        voted_on=(now or clock.now()).date(),
    )
    if not added_once(participation):
        raise Conflict(
            _("This person has already taken part in this round (online, by code or here).")
        )
    count(round_, clerk, "kiosk_admitted" if channel == "kiosk" else "paper_issued")


def _reserve(clerk: User, round_: Round, kiosk_id: int) -> None:
    """Give the kiosk its one ballot; refused if its last person has not finished yet."""
    if not _set_admitted(clerk, round_, kiosk_id, True):
        raise Conflict(_("That kiosk is not free: wait until its voter has finished."))


def release(clerk: User, round_: Round, kiosk_id: int) -> None:
    """Take back a kiosk's unused ballot (the person walked away). Their mark stays: the person
    took part, so they cannot vote again in this round by any channel."""
    if not _set_admitted(clerk, round_, kiosk_id, False):
        raise Conflict(_("That kiosk has no one waiting."))
    count(round_, clerk, "kiosk_unused")


def _set_admitted(clerk: User, round_: Round, kiosk_id: int, admitted: bool) -> bool:
    """Flip the clerk's kiosk between free and admitted in one `UPDATE … WHERE admitted = not
    admitted`: of two concurrent requests only one changes it."""
    changed = db.session.execute(
        update(Kiosk)
        .where(
            Kiosk.id == kiosk_id,
            Kiosk.clerk_id == clerk.id,
            Kiosk.round_id == round_.id,
            Kiosk.admitted.is_(not admitted),
        )
        .values(admitted=admitted)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def kiosks(clerk: User, round_: Round) -> list[Kiosk]:
    query = (
        select(Kiosk)
        .where(Kiosk.clerk_id == clerk.id, Kiosk.round_id == round_.id)
        .order_by(Kiosk.id)
    )
    return list(db.session.scalars(query))


def tally(round_: Round, clerk: User) -> StationTally | None:
    return db.session.get(StationTally, (round_.id, clerk.id))


def count(round_: Round, clerk_or_id: User | int, column: str, by: int = 1) -> None:
    """Add to one of the station's counts (a row per clerk and round, made on first use)."""
    clerk_id = clerk_or_id if isinstance(clerk_or_id, int) else clerk_or_id.id
    if db.session.get(StationTally, (round_.id, clerk_id)) is None:
        db.session.add(StationTally(round_id=round_.id, clerk_id=clerk_id))
        db.session.flush()
    db.session.execute(
        update(StationTally)
        .where(StationTally.round_id == round_.id, StationTally.clerk_id == clerk_id)
        .values({column: getattr(StationTally, column) + by})
        .execution_options(synchronize_session=False)
    )


@rounds.on_entering(Phase.CLOSED)
def close_stations(round_: Round, actor: User | None) -> None:
    """At the close: a kiosk's ballot nobody used is void (counted unused), and each station
    logs its counts, one entry per clerk, never anything about one person."""
    for kiosk in db.session.scalars(select(Kiosk).where(Kiosk.round_id == round_.id)):
        if kiosk.admitted:
            kiosk.admitted = False
            count(round_, kiosk.clerk_id, "kiosk_unused")
    db.session.flush()
    query = select(StationTally).where(StationTally.round_id == round_.id)
    for station in db.session.scalars(query.order_by(StationTally.clerk_id)):
        db.session.refresh(station)
        clerk = db.session.get(User, station.clerk_id)
        audit.record(
            "station.closed",
            round_,
            {
                "kiosk_admitted": station.kiosk_admitted,
                "kiosk_ballots": station.kiosk_ballots,
                "kiosk_unused": station.kiosk_unused,
                "paper_issued": station.paper_issued,
            },
            actor=clerk,
        )
