"""The Method of Equal Shares (MES), in exact arithmetic.

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

Speed without rounding: voters with the same budget and the same satisfaction for a project pay
the same, so each project's supporters are counted per *budget class* (the distinct budgets,
typically a few dozen for thousands of voters) with `collections.Counter`, and only those few
class values enter the exact arithmetic, in gmpy2's `mpq` when installed or `Fraction`
otherwise. Identical ballots are merged into one group first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from typing import Any

from pb.allocation.election import Election
from pb.allocation.numbers import Number, normalize
from pb.allocation.outcome import Payments

try:  # optional speed-up: the same exact rationals, about ten times faster
    from gmpy2 import mpq as _mpq
except ImportError:  # pragma: no cover - exercised by running the tests without gmpy2
    _mpq = None

Rational = Callable[..., Any]
FAST_RATIONAL: Rational = _mpq if _mpq is not None else Fraction
"""The exact rational type used inside MES (gmpy2.mpq if available, else Fraction)."""


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
    priority: dict[str, int]
    uniform: bool
    """Every supporter of a project values it the same (approval ballots)."""


def prepare(election: Election) -> Prepared:
    """Group identical ballots and index each project's supporters by satisfaction level."""
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
        priority=election.priority,
        uniform=all(len(levels[p]) == 1 for p in projects),
    )


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

    `keys[j]` is (exact price, tie-break rank) of the j-th selection and `bounds[j]` a lower
    bound, in that order, on the key of any other project still in play at that step (None: no
    other was affordable); the add1 search uses them to prove that a whole range of budgets
    gives the same outcome.
    """

    budget: Number
    selections: list[Selection] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)
    keys: list[tuple[Any, int]] = field(default_factory=list, repr=False)
    bounds: list[tuple[Any, int] | None] = field(default_factory=list, repr=False)
    over: bool = False
    """True if the run was cut short because its selection already cost more than `limit`."""

    @property
    def selected(self) -> list[str]:
        return [s.project for s in self.selections]


class _State:
    """Budgets of all voter groups as indices into a table of distinct exact values."""

    def __init__(self, prep: Prepared, rational: Rational, start: Any) -> None:
        self.rational = rational
        zero = rational(0)
        self.values: list[Any] = [zero]
        self.floats: list[float] = [0.0]
        """A float per class, for sorting only: converting an exact value to a float never
        reverses an order (it may merge close values, which the pricing then sorts exactly)."""
        self.index: dict[Any, int] = {zero: 0}
        self.group_class = [self.intern(start)] * prep.groups

    def intern(self, value: Any) -> int:
        found = self.index.get(value)
        if found is None:
            found = len(self.values)
            self.values.append(value)
            self.floats.append(float(value))
            self.index[value] = found
        return found

    def move(self, groups: list[int], moves: dict[int, int]) -> None:
        """Send each group to the class `moves` maps its current class to."""
        group_class = self.group_class
        for group, new in zip(
            groups, map(moves.__getitem__, map(group_class.__getitem__, groups)), strict=True
        ):
            group_class[group] = new


class _Uniform:
    """Pricing when all supporters of a project value it equally (approval ballots): everyone
    pays the same share, or all they have left if that is less."""

    def __init__(self, prep: Prepared, state: _State, q: Rational) -> None:
        self.state = state
        self.levels = {p: (q(prep.levels[p][0][0]), prep.levels[p][0][1]) for p in prep.projects}
        self.members = {p: prep.members[p][0][1] for p in prep.projects}

    def price(self, pid: str, cost: Any) -> tuple[Any, Any] | tuple[None, Any]:
        """(rho, plan) if affordable, else (None, money its supporters have)."""
        u, voters = self.levels[pid]
        state = self.state
        values = state.values
        counts = Counter(map(state.group_class.__getitem__, voters))
        counts.pop(0, None)
        remaining = sum(counts.values())
        paid = 0
        floats = state.floats
        order = sorted(counts, key=floats.__getitem__) if len(counts) > 1 else list(counts)
        i, size = 0, len(order)
        while i < size:
            cls = order[i]
            value = values[cls]
            if cost - paid <= value * remaining:  # an equal share is within this class's means
                # Classes whose floats tie with this one may be smaller exactly: put that short
                # run in exact order before deciding where the poor end and the rich begin.
                end = i + 1
                while end < size and floats[order[end]] == floats[cls]:
                    end += 1
                if end > i + 1:
                    order[i:end] = sorted(order[i:end], key=values.__getitem__)
                    cls = order[i]
                    value = values[cls]
                if cost - paid <= value * remaining:
                    share = (cost - paid) / remaining
                    return share / u, (share, counts)
            paid += value * counts[cls]
            remaining -= counts[cls]
            i += 1
        return None, paid

    def charge(self, pid: str, plan: Any) -> tuple[int, Any, Any, int]:
        share, counts = plan
        state = self.state
        values = state.values
        moves = {0: 0}
        payers = exhausted = 0
        total = 0
        largest = 0
        for cls, count in counts.items():
            value = values[cls]
            payers += count
            if share > value:
                moves[cls] = 0
                exhausted += count
                total += value * count
                if value > largest:
                    largest = value
            else:
                moves[cls] = state.intern(value - share)
                total += share * count
                largest = share
        state.move(self.members[pid], moves)
        return payers, total, largest, exhausted


class _General:
    """Pricing with satisfactions that differ between supporters (points, rankings)."""

    def __init__(self, prep: Prepared, state: _State, q: Rational) -> None:
        self.state = state
        self.levels = {p: [(q(u), voters) for u, voters in prep.levels[p]] for p in prep.projects}
        self.members = {p: [(q(u), groups) for u, groups in prep.members[p]] for p in prep.projects}

    def price(self, pid: str, cost: Any) -> tuple[Any, Any] | tuple[None, Any]:
        values = self.state.values
        get_class = self.state.group_class.__getitem__
        items = []  # (budget per unit of satisfaction, class, u, voters) for classes with money
        denominator = 0
        for u, voters in self.levels[pid]:
            for cls, count in Counter(map(get_class, voters)).items():
                if cls:
                    items.append((values[cls] / u, cls, u, count))
                    denominator += u * count
        items.sort()
        paid = 0
        for ratio, cls, u, count in items:
            rho = (cost - paid) / denominator
            if rho <= ratio:
                return rho, (rho, items)
            paid += values[cls] * count
            denominator -= u * count
        return None, paid

    def charge(self, pid: str, plan: Any) -> tuple[int, Any, Any, int]:
        rho, items = plan
        state = self.state
        values = state.values
        moves: dict[Any, dict[int, int]] = {}
        payers = exhausted = 0
        total = 0
        largest = 0
        for _ratio, cls, u, count in items:
            value = values[cls]
            share = rho * u
            payers += count
            if share > value:
                payment, new = value, 0
                exhausted += count
            else:
                payment, new = share, state.intern(value - share)
            moves.setdefault(u, {0: 0})[cls] = new
            total += payment * count
            if payment > largest:
                largest = payment
        for u, groups in self.members[pid]:
            state.move(groups, moves.get(u, {0: 0}))
        return payers, total, largest, exhausted


def run(
    prep: Prepared,
    total_budget: Number,
    *,
    limit: Number | None = None,
    thresholds: list[tuple[Any, int]] | None = None,
    rational: Rational = FAST_RATIONAL,
) -> Run:
    """Run MES with `total_budget` split equally among the voters.

    With `limit`, stop as soon as the selected projects cost more than `limit` (the add1
    completion only needs to know that this budget is too much). With `thresholds` (keys of
    another run), at step j every project whose key might be below `thresholds[j]` is priced
    exactly, so that `bounds[j]` is as tight as the add1 search needs; the outcome is the same
    either way.
    """
    result = Run(budget=total_budget)
    if prep.voters == 0 or not prep.projects:
        return result
    q = rational
    state = _State(prep, q, q(total_budget) / prep.voters)
    pricer = (_Uniform if prep.uniform else _General)(prep, state, q)
    price, charge = pricer.price, pricer.charge
    costs = {p: q(prep.costs[p]) for p in prep.projects}
    # lower bounds of each project's rho (it can only rise as voters spend), with the tie rank
    stale = {p: (costs[p] / q(prep.weight_sat[p]), prep.priority[p]) for p in prep.projects}
    spent: Number = 0
    while stale:
        step = len(result.selections)
        theta = thresholds[step] if thresholds is not None and step < len(thresholds) else None
        best: str | None = None
        best_key: Any = None
        best_plan: Any = None
        bound = None  # the lowest key (or lower bound) of the other projects still in play
        for pid, key in sorted(stale.items(), key=itemgetter(1)):
            if best is not None and key > best_key and (theta is None or key > theta):
                if bound is None or key < bound:
                    bound = key
                break
            rho, plan = price(pid, costs[pid])
            if rho is None:
                del stale[pid]
                result.drops.append(Drop(pid, plan, step))
                continue
            key = stale[pid] = (rho, key[1])
            if best is None or key < best_key:
                if best is not None and (bound is None or best_key < bound):
                    bound = best_key
                best, best_key, best_plan = pid, key, plan
            elif bound is None or key < bound:
                bound = key
        if best is None:
            break
        del stale[best]
        payments = charge(best, best_plan)
        if payments[1] != costs[best]:  # pragma: no cover - would be an engine bug
            raise RuntimeError(f"MES charged {payments[1]} for {best}")
        result.selections.append(Selection(best, best_key[0], payments))
        result.keys.append(best_key)
        result.bounds.append(bound)
        spent += prep.costs[best]
        if limit is not None and spent > limit:
            result.over = True
            break
    return result
