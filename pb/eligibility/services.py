"""The one question voting, proposing and supporting ask: may this person take part in this round
now, and under which participation key?

A round lists its verification methods (pb/eligibility/methods.py). In person has no branch here:
a poll clerk marks the census entry's key at a station (pb/eligibility/stations.py), so the same
key refuses an online ballot afterwards and the reverse. Census-backed methods are
tried first: a resident bound to a census entry takes part under the entry's key ("census:<hash
of the reference>"), so every account of one person meets the same key and the unique constraint
on participations allows one ballot. Self-declared ("email") takes part under "user:<id>".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import Row, Select, String, bindparam, cast, func, literal, select

from pb.accounts.models import Role, User
from pb.eligibility.methods import CLAIMED_CHANNELS, METHODS
from pb.eligibility.models import AccessCode, CensusEntry
from pb.extensions import db
from pb.rounds.models import Round
from pb.voting.models import Participation


@dataclass(frozen=True)
class Participant:
    key: str  # recorded on the participation row; unique per round
    ward_id: int
    method: str


def methods_of(round_: Round) -> list[str]:
    return list(round_.verification_methods or ["email"])


# Built once: every step of a census round's ballot runs it. The columns `participant` reads,
# as a row: loading the ORM object cost more CPU than the statement.
_entries = CensusEntry.__table__
_CENSUS_ENTRY = select(
    *(_entries.c[name] for name in ("reference_hash", "ward_id")),
    *(_entries.c[name] for name in ("previous_ward_id", "ward_changed_at")),
).where(_entries.c.user_id == bindparam("user_id"))


# The same entry with, in one statement, whether a ballot is recorded under its key in the round
# (the ballot and review pages ask both: "may they vote" and "did they vote already").
_participations = Participation.__table__
_CENSUS_ENTRY_AND_VOTED = _CENSUS_ENTRY.add_columns(
    select(_participations.c.id)
    .where(
        _participations.c.round_id == bindparam("round_id"),
        _participations.c.voter_key == literal("census:") + _entries.c.reference_hash,
    )
    .scalar_subquery()
    .label("participation_id")
)
_users = User.__table__
_KEPT = "pb_census_with_user"


class _KeptEntry:
    """The census entry's columns read with the signed-in user (`with_census`), as `_find`
    reads them from its own statement's row."""

    __slots__ = ("previous_ward_id", "reference_hash", "ward_changed_at", "ward_id")

    def __init__(self, found: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, found[f"census_{name}"])


def with_census(statement: Select[Any]) -> Select[Any]:
    """`statement` (the signed-in user's, one row or none, with a `round_id` parameter) with
    what `_find` reads: the user's census entry (NULL without one), and whether a ballot is
    recorded in the round under its key and under the user's own key. The ballot's steps
    (pb/accounts/sessions.py) then ask "may they vote, did they already" without a statement."""
    in_round = _participations.c.round_id == bindparam("round_id")
    under_user_key = _participations.c.voter_key == literal("user:") + cast(_users.c.id, String)
    return statement.add_columns(
        _entries.c.id.label("census_id"),
        *(_entries.c[name].label(f"census_{name}") for name in _KeptEntry.__slots__),
        select(_participations.c.id)
        .where(
            in_round, _participations.c.voter_key == literal("census:") + _entries.c.reference_hash
        )
        .scalar_subquery()
        .label("census_participation_id"),
        select(_participations.c.id)
        .where(in_round, under_user_key)
        .scalar_subquery()
        .label("user_participation_id"),
    ).outerjoin(_entries, _entries.c.user_id == _users.c.id)


def keep_census(user_id: int, round_id: int, row: Row[Any]) -> None:
    """Keep what `with_census` read for this request's first `_find` for this user and round."""
    found = row._mapping
    entry = None if found["census_id"] is None else _KeptEntry(found)
    voted = (found["census_participation_id"], found["user_participation_id"])
    g.setdefault(_KEPT, ((user_id, round_id), entry, voted))


def _take_kept(user: User, round_: Round) -> tuple[Any, tuple[Any, Any]] | None:
    """The kept entry and participations for this user and round, once (a second `_find` in
    the request, after a cast's write for instance, reads afresh)."""
    kept = g.pop(_KEPT, None) if has_app_context() else None
    if kept is None or kept[0] != (user.id, round_.id):
        return None
    return kept[1], kept[2]


_PARTICIPATION = select(_participations.c.id).where(
    _participations.c.round_id == bindparam("round_id"),
    _participations.c.voter_key == bindparam("key"),
)


def census_entry(user: User) -> Row[Any] | None:
    """The user's census entry (the columns above), or None when they are not bound to one."""
    return db.session.execute(_CENSUS_ENTRY, {"user_id": user.id}).first()


def census_ward(entry: CensusEntry | Row[Any], round_: Round) -> int | None:
    """The entry's ward for this round: a move after the round's voting opened applies from the
    next round (the resident keeps the ward, and the ballot, they had when it opened)."""
    moved = entry.ward_changed_at
    if moved is not None and round_.frozen_at is not None and moved > round_.frozen_at:
        return entry.previous_ward_id
    return entry.ward_id


def participant(user: User, round_: Round) -> Participant | None:
    """Who this user takes part as in the round, or None when they may not."""
    return _find(user, round_, voted=False)[0]


def participant_and_voted(user: User, round_: Round) -> tuple[Participant | None, bool]:
    """`participant`, and whether a ballot is recorded under its key in the round: the same
    answers as `participant` then `voted_under`, with a census entry and its participation read
    in one statement."""
    return _find(user, round_, voted=True)


def _find(user: User, round_: Round, voted: bool) -> tuple[Participant | None, bool]:
    """The participant (None when they may not take part), and, when `voted` is asked, whether
    they voted already (False when not asked)."""
    if user.role is not Role.CITIZEN or not user.is_active or not user.email_verified:
        return None, False
    methods = sorted(methods_of(round_), key=lambda name: not METHODS[name].census_backed)
    kept = _take_kept(user, round_)
    for name in methods:
        if name == "census":
            if kept is not None:
                entry, census_voted = kept[0], kept[1][0] is not None
            else:
                entry = _entry_and_participation(user, round_) if voted else census_entry(user)
                census_voted = voted and entry is not None and entry.participation_id is not None
            ward = census_ward(entry, round_) if entry else None
            if entry is not None and ward in round_.ward_ids:
                found = Participant(f"census:{entry.reference_hash}", ward, name)
                return found, voted and census_voted
        elif name == "email" and user.home_ward_id in round_.ward_ids:
            found = Participant(f"user:{user.id}", user.home_ward_id, name)
            if kept is not None:
                return found, voted and kept[1][1] is not None
            return found, voted and voted_under(round_, found.key)
    return None, False


def _entry_and_participation(user: User, round_: Round) -> Row[Any] | None:
    params = {"user_id": user.id, "round_id": round_.id}
    return db.session.execute(_CENSUS_ENTRY_AND_VOTED, params).first()


def voted_under(round_: Round, key: str) -> bool:
    """Whether a ballot is recorded under this participation key in the round."""
    params = {"round_id": round_.id, "key": key}
    return db.session.scalar(_PARTICIPATION, params) is not None


def can_take_part(user: User, round_: Round) -> bool:
    return participant(user, round_) is not None


def voter_key(user: User, round_: Round) -> str | None:
    """The identity participation is recorded under, or None when the user may not vote."""
    found = participant(user, round_)
    return found.key if found else None


def refusal(user: User, round_: Round) -> str:
    """Why this user may not take part (call only when `can_take_part` is False)."""
    if user.role is Role.CITIZEN and not user.email_verified:
        return _("Confirm your e-mail address first: open the link we sent you.")
    if methods_of(round_) == ["code"]:
        return _("This round takes votes by access code: use the code from your letter.")
    if methods_of(round_) == ["in_person"]:
        return _("This round takes votes in person only: go to a polling station of your ward.")
    if "census" in methods_of(round_) and census_entry(user) is None:
        return _("This round checks residents against the census register: verify your account.")
    return _("Only residents of this round's wards can take part.")


def eligible_count(round_: Round) -> int:
    """Who may take part: the register's entries in the round's wards when the round uses the
    census, plus confirmed accounts of those wards not bound to it when it also allows e-mail."""
    methods = methods_of(round_)
    on_register = "census" in methods or "in_person" in methods
    total = 0
    if on_register:
        query = select(func.count(CensusEntry.id)).where(CensusEntry.ward_id.in_(round_.ward_ids))
        total += db.session.scalar(query) or 0
    if "email" in methods:
        query = select(func.count(User.id)).where(
            User.role == Role.CITIZEN,
            User.active.is_(True),
            User.email_verified_at.is_not(None),
            User.home_ward_id.in_(round_.ward_ids),
        )
        if on_register:
            bound = select(CensusEntry.user_id).where(CensusEntry.user_id.is_not(None))
            query = query.where(User.id.not_in(bound))
        total += db.session.scalar(query) or 0
    if "code" in methods and "census" not in methods:  # one letter each; bound codes are counted
        total += (
            db.session.scalar(  # with the census entries above
                select(func.count(AccessCode.id)).where(
                    AccessCode.round_id == round_.id, AccessCode.revoked_at.is_(None)
                )
            )
            or 0
        )
    return total


def turnout_by_method(round_: Round) -> dict[str, int]:
    """Participations per verification method (from the key's prefix; nothing per voter). A code
    bound to a census entry takes part under the entry's key: it counts as "code" (its channel)."""
    counts = {}
    for name in methods_of(round_):
        method = METHODS[name]
        query = select(func.count(Participation.id)).where(Participation.round_id == round_.id)
        if method.channels is not None:  # by code (any key), in person (kiosk or paper)
            query = query.where(Participation.channel.in_(method.channels))
        else:  # online under the method's key; a census entry marked at a station is in person
            query = query.where(
                Participation.voter_key.startswith(method.key_prefix, autoescape=True),
                Participation.channel.not_in(CLAIMED_CHANNELS),
            )
        counts[name] = db.session.scalar(query) or 0
    return counts
