"""The demo's rounds: each created with the demo's dates and settings, and the open round's
amendment (extended after an outage, pb.rounds.amendments)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pb.accounts.models import User
from pb.rounds import amendments
from pb.rounds import services as rounds
from pb.rounds.models import Round

OUTAGE_REASON = (
    "The site could not be reached for six hours last Saturday. Voting is extended by three "
    "days so that nobody loses their say."
)


def extend_after_outage(round_: Round, councillor: User, now: datetime) -> None:
    """Extend a round in voting by three days (its ballots so far keep the first hash)."""
    later = round_.voting_close_at + timedelta(days=3)
    amendments.extend_voting(round_, later, OUTAGE_REASON, actor=councillor, now=now)


def create(
    councillor: User,
    title: str,
    description: str,
    ward_id: int,
    budget: int,
    *,
    opened: datetime,
    ballot_format: str,
    ballot_params: dict[str, int],
    rule: str,
    proposal_days: int = 21,
    verification_methods: list[str] | None = None,  # None: self-declared ("email")
) -> Round:
    settings = rounds.RoundSettings(
        title=title,
        description=description,
        ward_ids=[ward_id],
        budget=budget,
        currency="GBP",
        proposals_open_at=opened,
        proposals_close_at=opened + timedelta(days=proposal_days),
        voting_open_at=opened + timedelta(days=proposal_days + 14),
        voting_close_at=opened + timedelta(days=proposal_days + 14 + 60),
        categories=list(rounds.DEFAULT_CATEGORIES),
        ballot_format=ballot_format,
        ballot_params=ballot_params,
        rule=rule,
        satisfaction=None,
        tie_break="numeric",
        verification_methods=verification_methods or ["email"],
    )
    return rounds.create_round(settings, actor=councillor)
