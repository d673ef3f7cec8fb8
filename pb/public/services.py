"""What the public pages show: which rounds, grouped how, and a round's timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pb import clock
from pb.errors import NotFound
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round


@dataclass
class RoundListing:
    open: list[Round] = field(default_factory=list)
    upcoming: list[Round] = field(default_factory=list)
    past: list[Round] = field(default_factory=list)


@dataclass(frozen=True)
class Milestone:
    label: object
    starts: datetime
    ends: datetime
    state: str  # "past" | "current" | "future"


def round_listing(ward_code: str | None, now: datetime | None = None) -> RoundListing:
    """Open = proposals or votes being taken now; past = closed or published."""
    now = now or clock.now()
    listing = RoundListing()
    for round_ in rounds.public_rounds():
        if ward_code and ward_code not in {ward.code for ward in round_.wards}:
            continue
        if round_.phase.reached(Phase.CLOSED):
            listing.past.append(round_)
        elif rounds.accepting_proposals(round_, now) or rounds.accepting_ballots(round_, now):
            listing.open.append(round_)
        else:
            listing.upcoming.append(round_)
    return listing


def visible_round(round_id: int) -> Round:
    """A round the visitor may see: drafts only to the councillors who manage them."""
    round_ = rounds.get_round(round_id)
    if round_.phase is Phase.DRAFT and not (
        current_user.is_authenticated and rounds.can_manage(current_user, round_)
    ):
        raise NotFound(_("No such round."))
    return round_


def timeline(round_: Round, now: datetime | None = None) -> list[Milestone]:
    now = now or clock.now()
    spans = [
        (_l("Proposals"), round_.proposals_open_at, round_.proposals_close_at),
        (_l("Review by council officers"), round_.proposals_close_at, round_.voting_open_at),
        (_l("Voting"), round_.voting_open_at, round_.voting_close_at),
    ]
    # A step with no time of its own (voting opening the moment proposals close) is left out,
    # not shown as "9:16 – 9:16".
    return [
        Milestone(
            label, start, end, "past" if now >= end else "current" if now >= start else "future"
        )
        for label, start, end in spans
        if start < end
    ]
