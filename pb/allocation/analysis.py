"""Measures of an outcome, from the voters' side: who got something, how much, how evenly.

Pure and exact (fractions throughout; `Measures.to_json` turns them into floats at the edge).
Every measure is over voters (a ballot of weight w counts w times). "A voter chose a project"
means the project is on their ballot: approved, ranked, or given points (`Ballot.supported`).

- `share_with_funded_project`: the fraction of voters with at least one funded project they chose
  (pabutools `percent_non_empty_handed`).
- `mean_satisfaction_cardinality` / `median_satisfaction_cardinality`: how many funded projects a
  voter chose (pabutools `avg_satisfaction` with `Cardinality_Sat`).
- `mean_satisfaction_cost` / `median_satisfaction_cost`: the cost of the funded projects a voter
  chose, divided by the budget (pabutools `Cost_Sat`, divided by the budget).
- `mean_satisfaction_rule`: the satisfaction the rule itself maximises or shares out (the
  outcome's `satisfaction`, e.g. positional for rankings, points for cumulative ballots), or None
  for a rule with no satisfaction measure (Phragmén).
- `gini_cardinality` / `gini_cost`: the Gini coefficient of those satisfactions, 0 when everyone
  has the same, (n-1)/n at most (pabutools `gini_coefficient_of_satisfaction`, same formula).
- `ejr_up_to_one`: see `pb.allocation.ejr`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pb.allocation.ejr import EjrContext, EjrVerdict, ejr_up_to_one
from pb.allocation.numbers import Number
from pb.allocation.outcome import Outcome
from pb.allocation.satisfaction import SATISFACTIONS
from pb.allocation.types import Instance, Profile
from pb.allocation.voters import VoterView, Weighted


def mean(values: Weighted) -> Fraction:
    """The weighted mean (0 for nobody)."""
    total = sum(weight for weight, _value in values)
    if not total:
        return Fraction(0)
    return Fraction(sum(weight * value for weight, value in values), total)


def median(values: Weighted) -> Fraction:
    """The weighted median: the middle voter's value, the mean of the two middle ones for an even
    number of voters (0 for nobody)."""
    ordered = sorted(values, key=lambda pair: pair[1])
    total = sum(weight for weight, _value in ordered)
    if not total:
        return Fraction(0)

    def at(index: int) -> Number:  # the value of the index-th voter (0-based), in order
        seen = 0
        for weight, value in ordered:
            seen += weight
            if index < seen:
                return value
        raise IndexError(index)  # pragma: no cover - index < total

    if total % 2:
        return Fraction(at(total // 2))
    return Fraction(at(total // 2 - 1) + at(total // 2), 2)


def gini(values: Weighted) -> Fraction:
    """The Gini coefficient of non-negative values: (n + 1 - 2 * sum_i (n - i) x_i / sum x) / n
    over the values sorted ascending (i from 0), as pabutools computes it; 0 when all are 0."""
    ordered = sorted(values, key=lambda pair: pair[1])
    count = sum(weight for weight, _value in ordered)
    total = sum(weight * value for weight, value in ordered)
    if not count or not total:
        return Fraction(0)
    cumulative, position = Fraction(0), 0
    for weight, value in ordered:
        # sum of (n - i) for i = position .. position + weight - 1
        ranks = weight * count - (weight * position + weight * (weight - 1) // 2)
        cumulative += value * ranks
        position += weight
    return (count + 1 - 2 * cumulative / total) / count


@dataclass(frozen=True)
class GroupShare:
    """One category (or ward): its share of the money spent and its share of the voters."""

    name: str
    funded_cost: Number
    funding_share: Fraction
    """Cost of the funded projects of this group / cost of every funded project."""
    voter_share: Fraction
    """Voters who chose at least one project of this group / all voters (or, when the caller
    gives voter counts per group, e.g. per ward of residence, that group's count / the total)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "funded_cost": _float(self.funded_cost),
            "funding_share": _float(self.funding_share),
            "voter_share": _float(self.voter_share),
        }


@dataclass(frozen=True)
class Measures:
    """Every measure of one outcome (see the module docstring for the definitions)."""

    share_with_funded_project: Fraction
    mean_satisfaction_cardinality: Fraction
    median_satisfaction_cardinality: Fraction
    mean_satisfaction_cost: Fraction
    median_satisfaction_cost: Fraction
    mean_satisfaction_rule: Fraction | None
    gini_cardinality: Fraction
    gini_cost: Fraction
    ejr: EjrVerdict
    categories: tuple[GroupShare, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """JSON types only; fractions become floats (these are descriptions, not decisions)."""
        data: dict[str, Any] = {
            name: _float(getattr(self, name))
            for name in (
                "share_with_funded_project",
                "mean_satisfaction_cardinality",
                "median_satisfaction_cardinality",
                "mean_satisfaction_cost",
                "median_satisfaction_cost",
                "mean_satisfaction_rule",
                "gini_cardinality",
                "gini_cost",
            )
        }
        data["ejr_up_to_one"] = self.ejr.holds
        data["ejr_note"] = self.ejr.note
        data["categories"] = [group.to_json() for group in self.categories]
        return data


def _float(value: Number | None) -> float | None:
    return None if value is None else round(float(value), 6)


def rule_satisfaction(
    profile: Profile, instance: Instance, outcome: Outcome, cardinality: Weighted, money: Weighted
) -> Fraction | None:
    """Mean satisfaction under the outcome's own satisfaction measure (None without one)."""
    spec = SATISFACTIONS.get(outcome.satisfaction or "")
    if spec is None or profile.vote_type not in spec.vote_types:
        return None
    if spec.name == "cardinality":  # the distributions at hand, without a pass over ballots
        return mean(cardinality)
    if spec.name == "cost":
        return mean(money)
    funded = frozenset(outcome.selected)
    values: Weighted = []
    for weight, ballot in profile.distinct:
        utilities = spec.utilities(ballot, instance)
        values.append((weight, sum(u for pid, u in utilities.items() if pid in funded)))
    return mean(values)


def category_shares(
    instance: Instance,
    selected: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    voters_of: Mapping[str, int],
    voters: int,
) -> tuple[GroupShare, ...]:
    """Funding and voters per group (a category, a ward...), in order of first appearance.

    `groups`: project id -> its groups. `voters_of`: voters per group, e.g. those who chose at
    least one of its projects (`VoterView.group_voters`), or residents of each ward who took
    part; `voters`: all voters."""
    every = (name for pid in instance.project_ids for name in groups.get(pid, ()))
    names = list(dict.fromkeys(every))
    funded = set(selected)
    spent = sum(instance.by_id[pid].cost for pid in funded)
    shares = []
    for name in names:
        cost = sum(instance.by_id[pid].cost for pid in funded if name in groups.get(pid, ()))
        shares.append(
            GroupShare(
                name,
                cost,
                Fraction(cost, 1) / spent if spent else Fraction(0),
                Fraction(voters_of.get(name, 0), voters) if voters else Fraction(0),
            )
        )
    return tuple(shares)


def measure(
    instance: Instance,
    profile: Profile,
    outcome: Outcome,
    *,
    ejr_node_limit: int | None = None,
    context: EjrContext | None = None,
) -> Measures:
    """Every measure of `outcome` on this election (see the module docstring). `context`: the
    election's voters, built once when several outcomes of one election are measured."""
    context = context or EjrContext(VoterView(instance, profile))
    # money not yet divided by the budget: the Gini coefficient does not change with the scale
    cardinality, money = context.view.distributions(outcome.selected)
    per_budget = Fraction(1, 1) / instance.budget if instance.budget else Fraction(0)
    reached = sum(w for w, count in cardinality if count)
    voters = sum(w for w, _count in cardinality)
    return Measures(
        share_with_funded_project=Fraction(reached, voters) if voters else Fraction(0),
        mean_satisfaction_cardinality=mean(cardinality),
        median_satisfaction_cardinality=median(cardinality),
        mean_satisfaction_cost=mean(money) * per_budget,
        median_satisfaction_cost=median(money) * per_budget,
        mean_satisfaction_rule=rule_satisfaction(profile, instance, outcome, cardinality, money),
        gini_cardinality=gini(cardinality),
        gini_cost=gini(money),
        ejr=ejr_up_to_one(
            instance,
            profile,
            outcome.selected,
            node_limit=ejr_node_limit,
            context=context,
        ),
        categories=category_shares(
            instance,
            outcome.selected,
            context.view.categories,
            context.view.group_voters(context.view.categories),
            context.view.voters,
        ),
    )
