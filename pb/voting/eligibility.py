"""Moved to `pb.eligibility.services` (verification methods, the census). These names stay so
callers written before the move keep working."""

from pb.eligibility.services import (
    Participant,
    can_take_part,
    eligible_count,
    participant,
    refusal,
    turnout_by_method,
    voter_key,
)

__all__ = [
    "Participant",
    "can_take_part",
    "eligible_count",
    "participant",
    "refusal",
    "turnout_by_method",
    "voter_key",
]
