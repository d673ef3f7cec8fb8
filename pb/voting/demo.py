"""Demo ballots for a pairwise round: each resident answers a few random pairs."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from pb.accounts.models import User
from pb.audit.pairwise import encode
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import services as voting

SKIP_CHANCE = 0.15


def cast_pairwise(
    round_: Round,
    people: Sequence[User],
    popularity: Sequence[float],
    rng: random.Random,
    now: datetime,
) -> None:
    """Every resident is shown the round's number of disjoint random pairs, skips some, and
    prefers a project with a chance proportional to its popularity (Bradley-Terry voters)."""
    projects = rounds.ballot_projects(round_)
    weight = {p.id: w for p, w in zip(projects, popularity, strict=False)}
    last = min(now, round_.voting_close_at)
    span = (last - round_.voting_open_at).total_seconds()
    for person in people:
        order = [p.id for p in projects]
        rng.shuffle(order)
        answered = []
        shown = min(round_.ballot_params["pairs"], len(order) // 2)
        for first, second in zip(order[0 : 2 * shown : 2], order[1 : 2 * shown : 2], strict=True):
            if rng.random() < SKIP_CHANCE:
                continue
            chance = weight.get(first, 0.1) / (weight.get(first, 0.1) + weight.get(second, 0.1))
            answered.append((first, second) if rng.random() < chance else (second, first))
        if answered:
            moment = round_.voting_open_at + timedelta(seconds=rng.random() * span * 0.999)
            voting.cast(round_, person, encode(answered), now=moment)
