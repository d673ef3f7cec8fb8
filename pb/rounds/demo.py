"""The demo's amendment: the open round was extended after an outage (pb.rounds.amendments)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pb.accounts.models import User
from pb.rounds import amendments
from pb.rounds.models import Round

OUTAGE_REASON = (
    "The site could not be reached for six hours last Saturday. Voting is extended by three "
    "days so that nobody loses their say."
)


def extend_after_outage(round_: Round, councillor: User, now: datetime) -> None:
    """Extend a round in voting by three days (its ballots so far keep the first hash)."""
    later = round_.voting_close_at + timedelta(days=3)
    amendments.extend_voting(round_, later, OUTAGE_REASON, actor=councillor, now=now)
