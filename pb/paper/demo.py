"""Demo paper ballots: people handed ballot papers at a station, then one batch keyed twice,
with one slip reconciled, before the round is counted (called from pb.demo)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from pb.accounts.models import User
from pb.paper import services, sheets
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import eligibility


def mark(round_: Round, people: Sequence[User], moment: datetime) -> None:
    """The station's paper register: each of `people` handed a ballot paper."""
    for person in people:
        key = eligibility.voter_key(person, round_)
        if key is not None:
            services.mark_issued(round_, key, round_.wards[0].id, now=moment)


def key_batch(
    round_: Round,
    officers: tuple[User, User],
    popularity: Sequence[float],
    rng: random.Random,
    *,
    max_choices: int,
) -> None:
    """One batch for every ballot paper handed out, keyed by two officers; the second slips on
    one sheet, the first officer checks the paper and keeps the first reading; then complete."""
    first, second = officers
    projects = [p.id for p in rounds.ballot_projects(round_)]
    count = services.paper_marks(round_)
    batch = services.open_batch(
        round_, round_.wards[0].id, "Community centre, box 1", count, actor=first
    )
    keyed = [_sheet(projects, popularity, rng, max_choices) for _ in range(count)]
    slipped = list(keyed)
    slipped[6] = [projects[-1]] if keyed[6] != [projects[-1]] else [projects[0]]
    kind = "checkbox"
    for person, reading in ((first, keyed), (second, slipped)):
        text = "\n".join(sheets.as_line([[pid, 1] for pid in sheet], kind) for sheet in reading)
        services.enter_reading(round_, batch, text, actor=person)
    services.resolve(round_, batch, 7, 1, actor=first)
    services.complete(round_, actor=first)


def _sheet(
    projects: list[int], popularity: Sequence[float], rng: random.Random, most: int
) -> list[int]:
    chosen = [
        pid for pid, chance in zip(projects, popularity, strict=True) if rng.random() < chance
    ]
    return sorted(chosen[:most] or [rng.choice(projects)])
