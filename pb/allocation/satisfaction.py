"""Satisfaction measures: how much one voter gains from one project, by ballot type.

The engine's measures are additive: a voter's satisfaction with a set of projects is the sum over
the projects. Equal Shares and max-welfare use them directly; greedy uses them to rank projects
(see `pb.allocation.rules`). The names follow pabutools where both exist:

- `cost` (approval): a project a voter approves is worth its cost to them (pabutools `Cost_Sat`).
  This is what equalshares.net uses; per unit of cost every approval counts the same.
- `cardinality` (approval): every approved project is worth 1 (pabutools `Cardinality_Sat`).
- `positional` (ordinal): in a ranking of k projects the first gets k, the next k-1, ..., the last
  1, as Kraków counts and as pabulib's `score` column of ranked elections is computed.
- `borda` (ordinal): the first of k gets k-1, ..., the last 0 (pabutools `Additive_Borda_Sat`).
- `points` (cumulative): the points the voter gave (pabutools `Additive_Cardinal_Sat`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pb.allocation.numbers import Number
from pb.allocation.types import (
    ApprovalBallot,
    Ballot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
)

Utilities = dict[str, Number]


@dataclass(frozen=True)
class SatisfactionSpec:
    """A registered satisfaction measure."""

    name: str
    label: str
    description: str
    vote_types: tuple[str, ...]
    _utilities: Callable[[Ballot, Instance], Utilities]

    def utilities(self, ballot: Ballot, instance: Instance) -> Utilities:
        """Project id -> this voter's (positive) satisfaction; unsupported projects are absent."""
        return {pid: u for pid, u in self._utilities(ballot, instance).items() if u > 0}


def _cost(ballot: Ballot, instance: Instance) -> Utilities:
    assert isinstance(ballot, ApprovalBallot)
    return {pid: instance.by_id[pid].cost for pid in ballot.projects}


def _cardinality(ballot: Ballot, instance: Instance) -> Utilities:
    assert isinstance(ballot, ApprovalBallot)
    return dict.fromkeys(ballot.projects, 1)


def _positional(ballot: Ballot, instance: Instance) -> Utilities:
    assert isinstance(ballot, OrdinalBallot)
    k = len(ballot.ranking)
    return {pid: k - position for position, pid in enumerate(ballot.ranking)}


def _borda(ballot: Ballot, instance: Instance) -> Utilities:
    assert isinstance(ballot, OrdinalBallot)
    k = len(ballot.ranking)
    return {pid: k - 1 - position for position, pid in enumerate(ballot.ranking)}


def _points(ballot: Ballot, instance: Instance) -> Utilities:
    assert isinstance(ballot, CumulativeBallot)
    return dict(ballot.points)


APPROVAL = ("approval", "choose-1")

SATISFACTIONS: Mapping[str, SatisfactionSpec] = MappingProxyType(
    {
        "cost": SatisfactionSpec(
            "cost",
            "Cost (money spent on what I voted for)",
            "A voter's satisfaction is the total cost of the selected projects they approved.",
            APPROVAL,
            _cost,
        ),
        "cardinality": SatisfactionSpec(
            "cardinality",
            "Number of my projects selected",
            "A voter's satisfaction is the number of selected projects they approved.",
            APPROVAL,
            _cardinality,
        ),
        "positional": SatisfactionSpec(
            "positional",
            "Positional score (k, k-1, ..., 1)",
            "In a ranking of k projects the first is worth k, the second k-1, ... the last 1 "
            "(how Kraków and pabulib score ranked ballots).",
            ("ordinal",),
            _positional,
        ),
        "borda": SatisfactionSpec(
            "borda",
            "Borda score (k-1, ..., 0)",
            "In a ranking of k projects the first is worth k-1, ... the last 0 (pabutools' "
            "additive Borda satisfaction).",
            ("ordinal",),
            _borda,
        ),
        "points": SatisfactionSpec(
            "points",
            "Points given",
            "A voter's satisfaction is the sum of the points they gave to the selected projects.",
            ("cumulative",),
            _points,
        ),
    }
)
"""Satisfaction measures by name; the web app builds its dropdown from this."""


def score_measure(vote_type: str, satisfaction: str | None) -> str:
    """The measure behind a project's *score* (the number shown next to it on a results page).

    Approval: votes (cardinality). Cumulative: points. Ordinal: the positional score, or Borda if
    that is the satisfaction in use.
    """
    if vote_type in APPROVAL:
        return "cardinality"
    if vote_type == "cumulative":
        return "points"
    return "borda" if satisfaction == "borda" else "positional"
