"""Moved to `pb.eligibility.services` (verification methods, the census). These names stay so
callers written before the move keep working."""

from pb.eligibility.services import (
    Participant,
    can_take_part,
    eligible_count,
    participant,
    participant_and_voted,
    refusal,
    turnout_by_method,
    voted_under,
    voter_key,
)

__all__ = [
    "Participant",
    "can_take_part",
    "eligible_count",
    "participant",
    "participant_and_voted",
    "refusal",
    "turnout_by_method",
    "voted_under",
    "voter_key",
]
