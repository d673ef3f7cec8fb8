"""The Method of Equal Shares (MES): definition, prepared data and the results of a run.

The budget is split equally among all voters (empty ballots included). Repeatedly, among the
projects whose supporters still have enough money together, the one that can be bought at the
lowest price per unit of satisfaction `rho` is selected: each supporter pays `rho` times their
satisfaction with it, or everything they have left if that is less. A project whose supporters
can no longer pay for it is dropped for good (money only goes down). The method stops when no
project is affordable. Ties in `rho` go to the project earlier in the tie-break order.

This is the definition of equalshares.net and of pabutools' `method_of_equal_shares`, and the
selection order is the same. With approval ballots and the `cost` satisfaction, `rho` x cost is
the equal payment asked of each supporter, and cost / payment is equalshares.net's "effective
vote count".

Two implementations compute a run, and give the same decisions:

- `equal_shares_exact`: exact rationals throughout (gmpy2's `mpq` when installed, `Fraction`
  otherwise), counting each project's supporters per *budget class* (voters with the same
  budget pay the same), which keeps the exact arithmetic to a few dozen values per step;
- `equal_shares_float`: floating point with a running bound on every rounding error (the
  pricing in `equal_shares_books`, and `equal_shares_numpy` for large approval elections);
  every decision (who is poor, which project is cheapest, what is
  affordable) must hold by more than the error bound, or the run is redone exactly. It can
  only be faster, never different.

A run's *keys* describe each selected project's price as (low, high, exact or None, tie rank):
the price is known to lie in [low, high], exactly when `exact` is given; `before` compares them
with certainty, which is what lets the add1 completion skip budgets (see `completion`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pb.allocation.accelerators import INSTALLED, Accelerators
from pb.allocation.counting import ballot_matrix
from pb.allocation.election import Election
from pb.allocation.equal_shares_lazy import LazyLevels
from pb.allocation.numbers import Number, normalize
from pb.allocation.outcome import Payments


def to_number(value: Any) -> Number:
    """An internal rational as the engine's public exact number (int or Fraction)."""
    return normalize(Fraction(int(value.numerator), int(value.denominator)))


@dataclass
class Prepared:
    """An election laid out for repeated MES runs (the add1 completion runs MES many times)."""

    voters: int
    """Number of voters (weights counted), including empty ballots."""
    projects: list[str]
    """Projects someone supports, in instance order; the others are never selected."""
    costs: dict[str, Number]
    levels: dict[str, list[tuple[Number, list[int]]]]
    """Project -> [(satisfaction u, groups with that satisfaction, each repeated per voter)]."""
    members: dict[str, list[tuple[Number, list[int]]]]
    """Project -> [(u, distinct groups with that satisfaction)], for budget updates."""
    weight_sat: dict[str, Number]
    """Project -> total satisfaction of its supporters (weights counted)."""
    groups: int
    weights: list[int]
    """Voters per group (identical ballots)."""
    priority: dict[str, int]
    uniform: bool
    """Every supporter of a project values it the same (approval ballots)."""
    accelerators: Accelerators = INSTALLED
    """What the runs may use to go faster (the election's)."""
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Layouts the implementations derive once per election (not once per run); derived from
    the fields above, so not compared."""


def prepare(election: Election) -> Prepared:
    """Group identical ballots and index each project's supporters by satisfaction level."""
    utility = APPROVAL_UTILITY.get(election.satisfaction or "")
    if election.profile.vote_type in ("approval", "choose-1") and utility is not None:
        return _prepare_approval(election, utility)
    return _prepare_grouped(election)


def _prepare_grouped(election: Election) -> Prepared:
    """`prepare` for any ballots, from the utilities of each distinct ballot."""
    levels: dict[str, dict[Number, list[int]]] = {}
    members: dict[str, dict[Number, list[int]]] = {}
    groups = election.groups
    for index, (weight, utilities) in enumerate(groups):
        for pid, u in utilities.items():
            levels.setdefault(pid, {}).setdefault(u, []).extend([index] * weight)
            members.setdefault(pid, {}).setdefault(u, []).append(index)
    projects = [pid for pid in election.instance.project_ids if pid in levels]
    return Prepared(
        voters=election.num_voters,
        projects=projects,
        costs=election.costs,
        levels={p: sorted(levels[p].items()) for p in projects},
        members={p: sorted(members[p].items()) for p in projects},
        weight_sat={p: sum(u * len(voters) for u, voters in levels[p].items()) for p in projects},
        groups=len(groups),
        weights=[weight for weight, _utilities in groups],
        priority=election.priority,
        uniform=all(len(levels[p]) == 1 for p in projects),
        accelerators=election.accelerators,
    )


APPROVAL_UTILITY: dict[str, Callable[[Number], Number]] = {
    "cost": lambda cost: cost,
    "cardinality": lambda _cost: 1,
}
"""Satisfactions under which an approved project is worth the same to every supporter, as a
function of its cost (`pb.allocation.satisfaction`): approval ballots then need no
per-ballot utilities, only who approves what."""


def _prepare_approval(election: Election, utility: Callable[[Number], Number]) -> Prepared:
    """`prepare` for approval ballots, read straight from the distinct ballots.

    The same `Prepared` as the general path (the tests compare them), without building a
    utilities dict per distinct ballot: a million voters have about 750,000 distinct ballots,
    and those dicts took seconds and hundreds of MB. A project's list of groups repeated per
    voter is its list of groups itself (the same list object) unless some of its groups hold
    several voters. Read from the matrix, the lists are made only when read (`LazyLevels`).
    """
    laid_out = _approval_arrays(election)
    if laid_out is not None:
        return _prepare_lazily(election, utility, *laid_out)
    weights, groups_of, voters = _approval_groups(election)
    # (a ballot may name a project withdrawn from the instance: `conflicts.without`)
    projects = [pid for pid in election.instance.project_ids if pid in groups_of]
    costs = election.costs
    values = {p: utility(costs[p]) for p in projects}
    return Prepared(
        voters=election.num_voters,
        projects=projects,
        costs=costs,
        levels={p: [(values[p], voters[p])] for p in projects},
        members={p: [(values[p], groups_of[p])] for p in projects},
        weight_sat={p: values[p] * len(voters[p]) for p in projects},
        groups=len(weights),
        weights=weights,
        priority=election.priority,
        uniform=True,
        accelerators=election.accelerators,
    )


def _prepare_lazily(
    election: Election, utility: Callable[[Number], Number], weights: Any, arrays: dict[str, Any]
) -> Prepared:
    """`_prepare_approval` from the matrix's arrays, the lists left to `LazyLevels`."""
    np = election.accelerators.np
    projects = [pid for pid in election.instance.project_ids if pid in arrays]
    costs = election.costs
    values = {p: utility(costs[p]) for p in projects}
    members = LazyLevels(np, values, arrays, weights, per_voter=False)
    levels = LazyLevels(np, values, arrays, weights, per_voter=True, shared=members)
    return Prepared(
        voters=election.num_voters,
        projects=projects,
        costs=costs,
        levels=levels,  # type: ignore[arg-type]
        members=members,  # type: ignore[arg-type]
        weight_sat={p: values[p] * levels.size(p) for p in projects},
        groups=len(weights),
        weights=weights.tolist(),
        priority=election.priority,
        uniform=True,
        accelerators=election.accelerators,
        cache={GROUP_ARRAYS: arrays},
    )


GROUP_ARRAYS = "approval_group_arrays"
"""The `Prepared.cache` entry of an approval layout read from the matrix: each project's
groups (its `members` list) as the NumPy array they were made from, which the NumPy book
indexes with (converting 5 million Python ints back took 0.4 s at a million voters)."""


Layout = tuple[list[int], dict[str, list[int]], dict[str, list[int]]]
"""(voters per group, project -> its groups in order, project -> its groups repeated per voter,
each group's copies next to each other: the groups' list itself when each holds one voter)."""


def _approval_groups(election: Election) -> Layout:
    """The layout of `_prepare_approval`, ballot by distinct ballot."""
    groups_of: defaultdict[str, list[int]] = defaultdict(list)
    repeats: dict[str, list[int]] = {}  # the extra copies of groups of several voters
    weights = []
    for index, (weight, ballot) in enumerate(election.profile.distinct):
        weights.append(weight)
        for pid in ballot.projects:  # type: ignore[union-attr]
            groups_of[pid].append(index)
        if weight > 1:
            extra = [index] * (weight - 1)
            for pid in ballot.projects:  # type: ignore[union-attr]
                repeats.setdefault(pid, []).extend(extra)
    # the general path's order: each group's copies next to each other (a merge of two runs)
    voters = {
        p: sorted(groups_of[p] + repeats[p]) if p in repeats else groups_of[p] for p in groups_of
    }
    return weights, dict(groups_of), voters


def _approval_arrays(election: Election) -> tuple[Any, dict[str, Any]] | None:
    """From the profile's `BallotMatrix` (row g is the distinct ballot g of an approval
    profile), in NumPy passes instead of a Python loop over 750,000 distinct ballots at a
    million voters: the voters per group (int64) and each project's groups in order (a
    read-only int64 array, slices of one); None without NumPy or a matrix."""
    np = election.accelerators.np
    matrix = ballot_matrix(election.profile, election.accelerators)
    if np is None or matrix is None:
        return None
    columns = np.frombuffer(matrix.columns, dtype=np.intc)
    lengths = np.frombuffer(matrix.lengths, dtype=np.intc)
    weights = np.frombuffer(matrix.weights, dtype=np.int64)
    if len(matrix.project_ids) < 2**15:  # a stable sort of 16-bit keys is a radix sort
        columns = columns.astype(np.int16)
    # each entry's row, the entries sorted by column: a stable sort keeps the rows in order
    rows = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)[
        np.argsort(columns, kind="stable")
    ]
    rows.flags.writeable = False  # (its slices are the arrays)
    ends = np.cumsum(np.bincount(columns, minlength=len(matrix.project_ids))).tolist()
    arrays: dict[str, Any] = {}
    start = 0
    for pid, end in zip(matrix.project_ids, ends, strict=True):
        if end > start:
            arrays[pid] = rows[start:end]
        start = end
    return weights, arrays


Key = tuple[Any, Any, Any, int]
"""(low, high, exact or None, tie rank) of a price."""
Bound = tuple[Any, Any, int]
"""(low, exact or None, tie rank): a lower bound of a price."""


def before(key: Key, bound: Bound) -> bool:
    """True if the price described by `key` certainly comes before every price at or above
    `bound` (ties between exact prices go to the lower tie rank)."""
    if key[2] is not None and bound[1] is not None:
        return (key[2], key[3]) < (bound[1], bound[2])
    return key[1] < bound[0]


@dataclass
class Selection:
    """A selected project, with its price and payments as internal rationals (converted to
    public numbers only for the run that ends up in the outcome: conversion is not free)."""

    project: str
    raw_rho: Any
    raw_payments: tuple[int, Any, Any, int]
    """(payers, total paid, largest payment, voters who paid all they had)."""

    @property
    def rho(self) -> Number:
        return to_number(self.raw_rho)

    @property
    def payments(self) -> Payments:
        payers, total, largest, exhausted = self.raw_payments
        return Payments(payers, to_number(total), to_number(largest), exhausted)


@dataclass
class Drop:
    project: str
    raw_available: Any
    """What its supporters had left together when it was found unaffordable."""
    after: int
    """How many projects had been selected at that point."""

    @property
    def available(self) -> Number:
        return to_number(self.raw_available)


@dataclass
class Run:
    """One run of MES with a given total (virtual) budget.

    `keys[j]` describes the price of the j-th selection (see the module docstring) and
    `bounds[j]` lists lower bounds (low, exact or None, tie rank) of the keys of the other
    projects still in play at that step; the add1 search uses them to prove that a whole range
    of budgets gives the same outcome.
    """

    budget: Number
    selections: list[Selection] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list, repr=False)
    bounds: list[list[Bound]] = field(default_factory=list, repr=False)
    floors: list[dict[str, Bound]] = field(default_factory=list, repr=False)
    """`floors[j]`: lower bounds of the prices of every project still in play at step j (the
    selected one included); projects missing were found unaffordable by then. A run that ran to
    its end (not `over`, not `cut`) has one more, empty: after its last selection nothing is
    affordable. Floating-point runs only (empty otherwise)."""
    over: bool = False
    """True if the run was cut short because its selection already cost more than `limit`."""
    reach: frozenset[str] | None = field(default=None, repr=False)
    """Computed when the run is given a run at a lower budget (`below`): every project MES can
    select at any budget from `below`'s to this one's (see `equal_shares_float.run`); None
    otherwise, or when the run was cut short."""
    reach_from: Number | None = field(default=None, repr=False)
    """The budget of that lower run: `reach` holds for every budget from it to this one."""
    cut: bool = False
    """True if a run given `below` stopped at its first step not proven for every budget down
    to `below`'s, its reach then costing more than `limit`: neither add1 proof can hold, so
    its steps so far serve only to guide other runs; it is not a whole run."""
    candidates: tuple[str, ...] | None = field(default=None, repr=False)
    """Of a `cut` run: its winner at the step where it stopped, then every other project
    that may win that step at some budget between `below`'s and this one's (see
    `add1_proofs.branches_within_budget`); None if `below` had no selection there."""
    paused: Any = field(default=None, repr=False, compare=False)
    """Of a floating-point `cut` run: its state where it stopped, from which forced runs at
    its budget resume (`equal_shares_float.run`'s `resume`); dropped once they have. Also of a
    run stopped where its reach fitted (`lazy`, not `cut`): not whole until resumed."""

    @property
    def selected(self) -> list[str]:
        return [s.project for s in self.selections]


def exact_key(rho: Any, rank: int) -> Key:
    return rho, rho, rho, rank
