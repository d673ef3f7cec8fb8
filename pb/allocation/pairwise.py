"""Counting pairwise comparisons: head-to-head tallies and Copeland scores.

A pairwise ballot answers "which of these two would you rather fund?" for a few pairs of
projects. For every two projects a and b, `head_to_head` counts the voters who preferred a to b
and those who preferred b to a (ballot weights counted). Project a *beats* b when more voters
preferred a to b than the reverse; equal numbers, including pairs nobody compared, are a *draw*.

The Copeland score of a project is 2 points per project it beats and 1 point per draw (Copeland's
method with draws worth half a win, doubled so that every score is a whole number). All counts
are integers: the same ballots always give the same scores, on any machine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

from pb.allocation.types import Instance, PairwiseBallot, Profile

WIN_POINTS = 2
DRAW_POINTS = 1


@dataclass(frozen=True)
class Record:
    """One project's head-to-head record against every other project of the ballot."""

    wins: int
    draws: int
    losses: int
    preferred: int
    """Times voters preferred it when it was shown (ballot weights counted)."""
    compared: int
    """Times voters answered a pair that showed it."""

    @property
    def score(self) -> int:
        return WIN_POINTS * self.wins + DRAW_POINTS * self.draws

    def to_json(self) -> dict[str, int]:
        return {
            "wins": self.wins,
            "draws": self.draws,
            "losses": self.losses,
            "preferred": self.preferred,
            "compared": self.compared,
            "score": self.score,
        }


def head_to_head(profile: Profile) -> Counter[tuple[str, str]]:
    """(a, b) -> number of voters who preferred a to b (absent when none did)."""
    tally: Counter[tuple[str, str]] = Counter()
    for weight, ballot in profile.distinct:
        assert isinstance(ballot, PairwiseBallot)
        for pair in ballot.comparisons:
            tally[pair] += weight
    return tally


def records(instance: Instance, profile: Profile) -> dict[str, Record]:
    """Every project's record, in ballot order."""
    tally = head_to_head(profile)
    wins: Counter[str] = Counter()
    draws: Counter[str] = Counter()
    losses: Counter[str] = Counter()
    for a, b in combinations(instance.project_ids, 2):
        for_a, for_b = tally[(a, b)], tally[(b, a)]
        if for_a > for_b:
            wins[a], losses[b] = wins[a] + 1, losses[b] + 1
        elif for_b > for_a:
            wins[b], losses[a] = wins[b] + 1, losses[a] + 1
        else:
            draws[a], draws[b] = draws[a] + 1, draws[b] + 1
    preferred: Counter[str] = Counter()
    compared: Counter[str] = Counter()
    for (a, b), voters in tally.items():
        preferred[a] += voters
        compared[a] += voters
        compared[b] += voters
    return {
        pid: Record(wins[pid], draws[pid], losses[pid], preferred[pid], compared[pid])
        for pid in instance.project_ids
    }


def copeland_scores(instance: Instance, profile: Profile) -> dict[str, int]:
    """Project id -> Copeland score (2 per head-to-head win, 1 per draw), every project."""
    return {pid: record.score for pid, record in records(instance, profile).items()}


def records_json(found: Mapping[str, Record]) -> dict[str, dict[str, int]]:
    return {pid: record.to_json() for pid, record in found.items()}
