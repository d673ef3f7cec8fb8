"""Equal Shares in floating point, with every decision proven exact.

Approval ballots (`_Gathered`: supporters' budgets sorted, an equal share) and points or rankings
(`_Weighted`: supporters sorted by budget per unit of satisfaction, payments in proportion) are
both covered.

Each voter group's budget is a float, and one number `error` bounds how far any non-zero float
budget can be from the exact rational budget (zero budgets are exact: a voter who pays all they
have is set to 0.0). Every decision of a step is taken only if it holds for every exact value
within the bounds:

- a project is dropped only if its supporters' money plus the error is below its cost, and
  priced only if the money minus the error reaches it;
- the poor/rich boundary of the water-filling is accepted only if the largest poor budget and
  the smallest rich budget are each further from the share than both errors together;
- the selected project's price interval must lie strictly before every rival's lower bound,
  unless both prices are exact (when no supporter is short, the price is cost / total
  satisfaction exactly, a rational kept exactly), in which case the tie rank decides as in the
  exact run.

Otherwise the run raises `Uncertain` and the caller recomputes it exactly. Errors are bounded
with the standard model of IEEE 754 double arithmetic (each operation's relative error is at most
u = 2^-53; a sum of k terms is off by at most k·u times the sum of magnitudes) and inflated
generously, so the bounds are safe, not tight. The float path never decides differently from the
exact path: it either agrees or gives up.

With NumPy installed, approval elections of `NUMPY_MIN_VOTERS` voters or more keep the budgets in
an array (`_NumpyGathered`): the same operations in the same order, computing bitwise the same
floats as the pure-Python book, so the proof above covers it unchanged. NumPy is optional; set
PB_ALLOCATION_NUMPY=0 (or `USE_NUMPY = False`) to run the pure path.
"""

from __future__ import annotations

import math
import os
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import accumulate, compress
from operator import itemgetter, mul, truediv
from typing import Any

from pb.allocation.equal_shares import Bound, Key, Prepared, Run, Selection, before
from pb.allocation.numbers import Number

try:
    import numpy as _np
except ImportError:  # pragma: no cover - exercised by running without NumPy
    _np = None

UNIT = 2.0**-52  # twice the unit roundoff: a safe relative error per operation

USE_NUMPY = _np is not None and os.environ.get("PB_ALLOCATION_NUMPY", "1") != "0"
"""Run approval elections with the NumPy book when NumPy is installed (see `_NumpyGathered`).
Set the environment variable PB_ALLOCATION_NUMPY=0, or this to False, for the pure path; both
give bitwise the same floats, hence the same decisions and the same `Uncertain` cases."""

NUMPY_MIN_VOTERS = 300
"""Elections with fewer voters use the pure path: on arrays of a few dozen budgets NumPy's
per-call overhead does not pay (add1 on Assen 2024, 84 voters: 13 ms instead of 10 ms; at about
400 voters the two paths are even, and NumPy wins from there on)."""


class Uncertain(Exception):
    """A decision was too close to call in floating point; recompute exactly."""


def _down(x: float) -> float:
    return math.nextafter(x, -math.inf)


def _up(x: float) -> float:
    return math.nextafter(x, math.inf)


def run(
    prep: Prepared,
    total_budget: Number,
    *,
    limit: Number | None = None,
    thresholds: list[Key] | None = None,
    guide: Run | None = None,
) -> Run:
    """Like `equal_shares_exact.run` for approval ballots, or raise `Uncertain`.

    The returned run's selections carry float prices: its decisions are exact, its prices are
    not; `equal_shares_exact.replay` recomputes them exactly when they are needed.
    """
    result = Run(budget=total_budget)
    if prep.voters == 0 or not prep.projects:
        return result
    start = float(Fraction(total_budget) / prep.voters)
    error = start * UNIT  # bounds |float - exact| for every non-zero budget
    priority = prep.priority
    costs = prep.costs
    utility, groups_of, initial, supporters = _layout(prep)
    stale = dict(initial)  # certified lower bounds of each price
    spent: Number = 0
    if not prep.uniform:
        book: Any = _Weighted(prep, start)
        pricer = book.pricer(lambda: error)
    elif USE_NUMPY and _np is not None and prep.voters >= NUMPY_MIN_VOTERS:
        book = _NumpyGathered(prep, start, groups_of)
        pricer = _numpy_pricer(book, lambda: error, costs, utility, supporters, priority)
    else:
        book = _Gathered(prep, start, groups_of)
        pricer = _uniform_pricer(book, lambda: error, costs, utility, supporters, priority)

    following = guide is not None
    while stale:
        step = len(result.selections)
        theta = thresholds[step] if thresholds is not None and step < len(thresholds) else None
        best: str | None = None
        best_key: Key | None = None
        best_plan: Any = None
        keys: dict[str, Key] = {}
        rivals: list[Bound] = []
        settled = False
        if following:
            tried = _guided(guide, step, stale, pricer)  # type: ignore[arg-type]
            settled = tried is not None and tried[3] is not None
            if settled:
                best, best_key, best_plan, rivals = tried  # type: ignore[misc]
            else:
                _inherit(guide, step, stale, book)  # type: ignore[arg-type]
                if tried is not None and tried[0] in stale:  # the guide's winner, priced here
                    pid, key, plan, _none = tried
                    if key is None:  # unaffordable
                        del stale[pid]
                        book.forget(pid)
                    else:  # a candidate like any other priced below (not priced twice)
                        keys[pid] = key
                        stale[pid] = (key[0], key[2], key[3])
                        best, best_key, best_plan = pid, key, plan
        if not settled:
            for pid, bound in sorted(stale.items(), key=lambda item: (item[1][0], item[1][2])):
                if pid in keys:
                    continue
                # Stop at the first project whose lower bound is clear of the best interval (and of
                # the threshold): sorted by lower bound, every later one is clear too.
                clear = best_key is not None and best_key[1] < bound[0]
                if clear and (theta is None or theta[1] < bound[0]):
                    rivals.append(bound)
                    break
                priced = pricer(pid)
                if priced is None:  # unaffordable now, hence for good: money only goes down
                    del stale[pid]
                    book.forget(pid)
                    continue
                key, plan = priced
                keys[pid] = key
                stale[pid] = (key[0], key[2], key[3])
                if best_key is None or _less(key, best_key):
                    best, best_key, best_plan = pid, key, plan
            if best is None:
                break
            for pid, key in keys.items():  # the winner must beat every rival for certain
                if pid != best:
                    bound = (key[0], key[2], key[3])
                    if not before(best_key, bound):
                        raise Uncertain(f"{best} or {pid}?")
                    rivals.append(bound)
            # the guide can settle later steps as long as this run repeats its selections
            following = (
                following
                and step < len(guide.selections)  # type: ignore[union-attr]
                and guide.selections[step].project == best  # type: ignore[union-attr]
            )
        result.floors.append(dict(stale))
        del stale[best]
        error = book.charge(best, best_plan, error)
        result.selections.append(Selection(best, best_key[1], (0, 0, 0, 0)))
        result.keys.append(best_key)
        result.bounds.append(rivals)
        spent += costs[best]
        if limit is not None and spent > limit:
            result.over = True
            break
    return result


def _layout(prep: Prepared) -> tuple[Any, Any, Any, Any]:
    """Per project: its satisfaction, its supporter groups, the lower bound of its price
    cost / (u x supporters) exactly, and its number of supporters; computed once per election,
    not once per run."""
    cached = prep.cache.get("float_layout")
    if cached is None:
        utility = {p: prep.members[p][0][0] for p in prep.projects}
        groups_of = {p: prep.members[p][0][1] for p in prep.projects}
        supporters = {p: sum(prep.weights[g] for g in groups_of[p]) for p in prep.projects}
        initial = {}
        for p in prep.projects:
            exact = Fraction(prep.costs[p]) / Fraction(prep.weight_sat[p])
            initial[p] = (_down(float(exact)), exact, prep.priority[p])
        cached = prep.cache["float_layout"] = (utility, groups_of, initial, supporters)
    return cached


def _guided(guide: Run, step: int, stale: dict[str, Bound], pricer: Any) -> Any:
    """Try to settle a step by pricing only the guide's winner (see
    `equal_shares_exact.guided_step` for why this is sound).

    Returns (project, key, plan, rivals) if settled; (project, key, plan, None) if the project
    was priced but does not beat the guide's bounds, with key and plan None if it is
    unaffordable; None if it was not priced.
    """
    if step >= len(guide.selections):
        return None
    pid = guide.selections[step].project
    if pid not in stale:
        return None
    priced = pricer(pid)
    if priced is None:
        return pid, None, None, None
    key, plan = priced
    rivals = guide.bounds[step]
    if all(before(key, rival) for rival in rivals):
        return pid, key, plan, rivals
    return pid, key, plan, None


def _inherit(guide: Run, step: int, stale: dict[str, Bound], book: Any) -> None:
    """Take the guide's lower bounds at `step` where they are higher, and drop what the guide
    had found unaffordable by then.

    Sound when this run has made the guide's selections so far and has a smaller budget: every
    voter has at most what they had in the guide's run at this step, so every price is at
    least its price there, which the guide's bounds bound from below; and a project its
    supporters could not pay for there, they cannot pay for here.
    """
    if step >= len(guide.floors):
        return
    floors = guide.floors[step]
    for pid, bound in list(stale.items()):
        inherited = floors.get(pid)
        if inherited is None:
            del stale[pid]
            book.forget(pid)
        elif inherited[0] > bound[0]:
            stale[pid] = inherited


def _less(a: Key, b: Key) -> bool:
    """The order used to pick a candidate winner (certainty is checked separately)."""
    if a[2] is not None and b[2] is not None:
        return (a[2], a[3]) < (b[2], b[3])
    return (a[0] + a[1], a[3]) < (b[0] + b[1], b[3])


def _uniform_pricer(
    book: _Gathered,
    current_error: Any,
    costs: dict[str, Number],
    utility: dict[str, Any],
    supporters: dict[str, int],
    priority: dict[str, int],
) -> Any:
    """Pricing when every supporter values the project the same (approval ballots)."""
    short: set[str] = set()  # projects found with a supporter short of the equal share
    flat = book.flat

    def pricer(pid: str) -> tuple[Key, Any] | None:
        """The key and charging plan of `pid`, or None if it is certainly unaffordable."""
        error = current_error()
        cost = costs[pid]
        budgets = book.gather(pid)
        payers = supporters[pid]
        # Can everyone pay an equal share? Only asked where the answer saves a key sort: for a
        # flat project, the minimum costs about as much as the sort it would save, and it
        # is almost always no (the sort finds the same exact key when it is yes).
        if pid not in flat and pid not in short:
            equal = _equal_share(cost, payers, utility[pid], priority[pid], min(budgets), error)
            if equal is not None:
                return equal
            short.add(pid)  # (budgets only fall: once someone is short, for the rest of the run)
        if pid not in flat:
            values, counts, money = book.tally(pid)
            if not values:
                return None
        else:
            # `sum` may be compensated (Python >= 3.12), within the bound of the plain sum
            total = sum(budgets)
            if total + len(budgets) * error + (len(budgets) + 2) * UNIT * total < cost:
                return None  # (checked before sorting: many projects end this way)
            values = sorted(budgets)
            first = bisect_right(values, 0.0)  # voters with nothing left pay nothing
            if first:
                del values[:first]
                book.prune(pid, budgets, first)
            if not values:
                return None
            counts = range(1, len(values) + 1)
            money = list(accumulate(values))
        return _price(pid, cost, utility[pid], values, counts, money, error, priority)

    return pricer


def _equal_share(
    cost: Number, payers: int, u: Number, rank: int, lowest: float, error: float
) -> tuple[Key, tuple[float, float]] | None:
    """The key and plan of a project whose poorest supporter certainly has the equal share
    (the price is then the exact fraction cost / (payers x u)), or None."""
    share = cost / payers
    share_error = 2 * UNIT * share
    if lowest - error < share + share_error:
        return None
    exact = Fraction(cost) / (payers * u)
    approx = float(exact)
    return (_down(approx), _up(approx), exact, rank), (share, share_error)


def _price(
    pid: str,
    cost: Number,
    u: Number,
    values: list[float],
    counts: Sequence[int],
    money: list[float],
    error: float,
    priority: dict[str, int],
) -> tuple[Key, tuple[float, float]] | None:
    """Price a project: its key and (share, share error) for charging; None if its supporters
    certainly cannot pay for it; `Uncertain` if the error bound cannot tell."""
    slack = counts[-1] * error + (len(values) + 2) * UNIT * money[-1]
    if money[-1] + slack < cost:
        return None
    if money[-1] - slack < cost:
        raise Uncertain(f"is {pid} affordable?")
    payers = counts[-1]
    # first position j whose budget covers an equal split of what the poorer ones cannot pay
    low, high = 0, len(values) - 1
    while low < high:
        mid = (low + high) // 2
        paid = money[mid - 1] if mid else 0.0
        rest = payers - (counts[mid - 1] if mid else 0)
        if cost - paid <= rest * values[mid]:
            high = mid
        else:
            low = mid + 1
    j = low
    paid = money[j - 1] if j else 0.0
    poor = counts[j - 1] if j else 0
    rich = payers - poor
    share = (cost - paid) / rich
    paid_error = poor * error + (j + 2) * UNIT * paid
    share_error = (paid_error + 2 * UNIT * (cost + paid)) / rich + 2 * UNIT * share
    if j and not values[j - 1] + error < share - share_error:
        raise Uncertain(f"is the poorest rich supporter of {pid} poor?")
    if not values[j] - error >= share + share_error:
        raise Uncertain(f"is the richest poor supporter of {pid} rich?")
    rank = priority[pid]
    if j == 0:  # nobody is poor: the share is exactly cost / payers
        exact = Fraction(cost) / (payers * u)
        approx = float(exact)
        return (_down(approx), _up(approx), exact, rank), (share, share_error)
    rho = share / float(u)
    rho_error = share_error / float(u) + 2 * UNIT * rho
    return (_down(rho - rho_error), _up(rho + rho_error), None, rank), (share, share_error)


class _Gathered:
    """Approval ballots: budgets per voter group, read for a project's supporters at C speed.

    Most projects (`flat`) keep an `itemgetter` over their supporters' groups with one entry
    per voter (a group of identical ballots appears once per voter): pricing is then a gather,
    a sum, a sort of floats and a running sum, all in C, with no weights to carry. Voters with
    nothing left are dropped from a project's getter once they are a quarter of it (for this
    run: they never pay again). A project whose supporters are mostly in large groups of
    identical ballots would read the same budget many times over: it is read once per group
    instead, and its groups are sorted by budget with their weights (`tally`).
    """

    def __init__(self, prep: Prepared, start: float, groups_of: dict[str, list[int]]) -> None:
        self.budgets = [start] * prep.groups
        self.weights = prep.weights
        self.groups_of = groups_of
        voters, getters, self.flat = _gather_layout(prep, groups_of)
        self.voters = dict(voters)  # per run: pruned of voters with nothing left
        self.getters = dict(getters)
        self.orders: dict[str, list[int]] = {}
        self.start = start

    def gather(self, pid: str) -> tuple[float, ...]:
        """The budgets of the project's supporters: one per voter if `flat` (zeros may be
        left), else one per group."""
        return self.getters[pid](self.budgets)

    def prune(self, pid: str, budgets: tuple[float, ...], zeros: int) -> None:
        """`zeros` of the gathered `budgets` are 0.0: stop reading them if they are many."""
        if zeros * 4 > len(budgets) and zeros < len(budgets):
            kept = list(compress(self.voters[pid], budgets))
            self.voters[pid] = kept
            self.getters[pid] = _getter(kept)

    def tally(self, pid: str) -> tuple[list[float], list[int], list[float]]:
        """Supporter groups with money: budgets ascending, cumulative voters, cumulative money."""
        get_budget, get_weight = self.budgets.__getitem__, self.weights.__getitem__
        # Re-sorting the last order is cheap: since then, payers' budgets all fell by the
        # same share (or to zero), which keeps long sorted runs that the sort detects.
        order = self.orders[pid] = sorted(
            self.orders.get(pid) or self.groups_of[pid], key=get_budget
        )
        values = list(map(get_budget, order))
        first = bisect_right(values, 0.0)  # groups with nothing left pay nothing
        if first:  # and never will again
            values, order = values[first:], order[first:]
            self.orders[pid] = order
        counts = list(accumulate(map(get_weight, order)))
        money = list(accumulate(map(mul, values, map(get_weight, order))))
        return values, counts, money

    def forget(self, pid: str) -> None:
        pass

    def charge(self, pid: str, plan: tuple[float, float], error: float) -> float:
        """Each supporter pays the share, or all they have (certified poor): the new error."""
        share, share_error = plan
        budgets = self.budgets
        for group in self.groups_of[pid]:
            value = budgets[group]
            if value:
                budgets[group] = value - share if value >= share else 0.0
        # a rich budget is off by its old error, the share's error, and one rounding
        return error + share_error + 2 * UNIT * self.start


def _getter(indices: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """A callable returning the tuple of the list's items at `indices` (at least one)."""
    if len(indices) == 1:
        only = indices[0]
        return lambda items: (items[only],)
    return itemgetter(*indices)


FLAT_LIMIT = 8
"""A project is read once per voter if it has at most this many voters per supporter group."""


def _gather_layout(prep: Prepared, groups_of: dict[str, list[int]]) -> tuple[Any, Any, Any]:
    """Per project: the groups to read (once per voter if flat, else once per group), their
    getter, and the set of flat projects; computed once per election."""
    cached = prep.cache.get("float_gather")
    if cached is None:
        flat = {
            p for p in prep.projects if len(prep.levels[p][0][1]) <= FLAT_LIMIT * len(groups_of[p])
        }
        read = {p: prep.levels[p][0][1] if p in flat else groups_of[p] for p in prep.projects}
        getters = {p: _getter(read[p]) for p in prep.projects}
        cached = prep.cache["float_gather"] = (read, getters, frozenset(flat))
    return cached


class _Weighted:
    """Points or rankings: supporters value a project differently and pay in proportion, so
    they are sorted by budget per unit of satisfaction (b/u) and the price rho is solved for
    directly. Satisfactions must be integers (they are: points, positions); otherwise the run
    is left to the exact path."""

    def __init__(self, prep: Prepared, start: float) -> None:
        self.budgets = [start] * prep.groups
        self.start = start
        self.costs = prep.costs
        self.priority = prep.priority
        self.layout = _weighted_layout(prep)

    def forget(self, pid: str) -> None:
        pass

    def pricer(self, current_error: Any) -> Any:
        budgets, costs, priority = self.budgets, self.costs, self.priority

        def pricer(pid: str) -> tuple[Key, Any] | None:
            error = current_error()
            groups, utils, weights, u_min, u_max = self.layout[pid]
            cost = costs[pid]
            ratios = list(map(truediv, map(budgets.__getitem__, groups), utils))
            order = sorted(range(len(groups)), key=ratios.__getitem__)
            values = list(map(ratios.__getitem__, order))
            first = bisect_right(values, 0.0)  # nothing left: pays nothing
            if first == len(values):
                return None
            order, values = order[first:], values[first:]
            get_weight = weights.__getitem__
            mass = list(accumulate(map(mul, map(get_weight, order), map(utils.__getitem__, order))))
            heads = list(accumulate(map(get_weight, order)))
            spend = map(budgets.__getitem__, map(groups.__getitem__, order))
            money = list(accumulate(map(mul, spend, map(get_weight, order))))
            slack = heads[-1] * error + (len(values) + 2) * UNIT * money[-1]
            if money[-1] + slack < cost:
                return None
            if money[-1] - slack < cost:
                raise Uncertain(f"is {pid} affordable?")
            total = mass[-1]
            low, high = 0, len(values) - 1  # first position whose voters can pay rho x u
            while low < high:
                mid = (low + high) // 2
                paid = money[mid - 1] if mid else 0.0
                if cost - paid <= (total - (mass[mid - 1] if mid else 0)) * values[mid]:
                    high = mid
                else:
                    low = mid + 1
            j = low
            paid = money[j - 1] if j else 0.0
            rest = total - (mass[j - 1] if j else 0)
            rho = (cost - paid) / rest
            paid_error = (heads[j - 1] if j else 0) * error + (j + 2) * UNIT * paid
            rho_error = (paid_error + 2 * UNIT * (cost + paid)) / rest + 2 * UNIT * rho
            if j:
                last = values[j - 1]
                if not last + error / u_min + 2 * UNIT * last < rho - rho_error:
                    raise Uncertain(f"is the poorest rich supporter of {pid} poor?")
            nearest = values[j]
            if not nearest - error / u_min - 2 * UNIT * nearest >= rho + rho_error:
                raise Uncertain(f"is the richest poor supporter of {pid} rich?")
            rank = priority[pid]
            if j == 0:  # nobody is short: rho is exactly cost / total satisfaction
                exact = Fraction(cost) / total
                approx = float(exact)
                return (_down(approx), _up(approx), exact, rank), (rho, rho_error, u_max)
            key = (_down(rho - rho_error), _up(rho + rho_error), None, rank)
            return key, (rho, rho_error, u_max)

        return pricer

    def charge(self, pid: str, plan: tuple[float, float, int], error: float) -> float:
        rho, rho_error, u_max = plan
        budgets = self.budgets
        groups, utils, _weights, _u_min, _u_max = self.layout[pid]
        for group, u in zip(groups, utils, strict=True):
            value = budgets[group]
            if value:
                if value / u >= rho:
                    value -= rho * u
                    if value <= 0.0:  # pragma: no cover - excluded by the certified margins
                        raise Uncertain(f"a supporter of {pid} would be left with nothing")
                    budgets[group] = value
                else:
                    budgets[group] = 0.0
        return error + u_max * rho_error + 4 * UNIT * self.start


def _weighted_layout(prep: Prepared) -> dict[str, tuple[Any, ...]]:
    cached = prep.cache.get("float_weighted")
    if cached is None:
        cached = {}
        for pid in prep.projects:
            groups, utils = [], []
            for u, members in prep.members[pid]:
                if not isinstance(u, int):
                    raise Uncertain("fractional satisfactions: exact path")
                groups.extend(members)
                utils.extend([u] * len(members))
            weights = [prep.weights[g] for g in groups]
            cached[pid] = (groups, utils, weights, min(utils), max(utils))
        prep.cache["float_weighted"] = cached
    return cached


# The NumPy book: the same arithmetic as `_Gathered` and `_uniform_pricer`, operation for
# operation, so every float is bitwise the one the pure path computes, every decision and every
# `Uncertain` the same (tests/allocation/test_equal_shares_numpy.py compares the runs).
# Elementwise subtraction, multiplication, comparison and selection are the same IEEE 754
# operations as Python's; `np.sort` orders the same values (budgets are never NaN or -0.0) and a
# stable argsort is the order `sorted` gives; `np.add.accumulate` (cumsum) adds in sequence like
# `accumulate`. A total compared as the pure path compares `sum(...)` is the last running sum (or
# Python's `sum`, compensated from 3.12 on); a pairwise `np.add.reduce` only answers where its
# error margin proves that the running sum would answer the same.


def _sequential_total(values: Any) -> float:
    """What the pure path's `sum(budgets)` gives (sequential up to Python 3.11, compensated
    from 3.12 on): the error bound covers both, but the paths should agree bit for bit."""
    if sys.version_info >= (3, 12):  # pragma: no cover - the project's CI runs 3.11
        return sum(values.tolist())
    return float(_np.add.accumulate(values)[-1])


def _numpy_pricer(
    book: _NumpyGathered,
    current_error: Any,
    costs: dict[str, Number],
    utility: dict[str, Any],
    supporters: dict[str, int],
    priority: dict[str, int],
) -> Any:
    """`_uniform_pricer` over NumPy arrays (same decisions, same floats)."""
    short: set[str] = set()
    flat = book.flat
    add = _np.add
    every, read = book.budgets, book.voters  # (updated in place by charge and prune)

    def pricer(pid: str) -> tuple[Key, Any] | None:
        error = current_error()
        cost = costs[pid]
        budgets = every[read[pid]]  # the gather of `_Gathered`
        payers = supporters[pid]
        if pid not in flat and pid not in short:
            lowest = budgets.min().item()
            equal = _equal_share(cost, payers, utility[pid], priority[pid], lowest, error)
            if equal is not None:
                return equal
            short.add(pid)
        if pid not in flat:
            values, counts, money = book.tally(pid)
            if not len(values):
                return None
        else:
            # The pure path's test on `sum(budgets)`, with a pairwise sum first (several times
            # faster than a running one): both sums are within (size - 1)·u·total of the exact
            # one, so the running sum lies within `margin` of the pairwise one; the test is
            # monotone in the total (every rounding is), so outside [low, high] it answers the
            # same and the running sum is only needed inside.
            size = len(budgets)
            spread = size * error
            total = float(add.reduce(budgets))
            margin = (size + 2) * UNIT * total
            high, low = total + margin, total - margin
            if high + spread + (size + 2) * UNIT * high < cost:
                return None
            if low + spread + (size + 2) * UNIT * low < cost:
                total = _sequential_total(budgets)
                if total + spread + (size + 2) * UNIT * total < cost:
                    return None
            values = budgets.copy()
            values.sort()
            first = int(values.searchsorted(0.0, "right"))
            if first:
                values = values[first:]
                if first * 4 > size and first < size:  # book.prune's test, inlined
                    book.prune(pid, budgets, first)
            if not len(values):
                return None
            counts = range(1, len(values) + 1)
            money = add.accumulate(values)
        # memoryviews read the arrays' items as Python floats, at the speed of a list
        values, money = memoryview(values), memoryview(money)
        return _price(pid, cost, utility[pid], values, counts, money, error, priority)

    return pricer


class _NumpyGathered:
    """`_Gathered` with the budgets in a NumPy array: gathers, sorts, running sums and charges
    are single array operations instead of loops over several hundred Python floats."""

    def __init__(self, prep: Prepared, start: float, groups_of: dict[str, list[int]]) -> None:
        self.budgets = _np.full(prep.groups, start)
        voters, self.groups_of, self.weights, self.fweights, self.flat = _numpy_layout(
            prep, groups_of
        )
        self.voters = dict(voters)  # per run: pruned of voters with nothing left
        self.orders: dict[str, Any] = {}
        self.start = start

    def prune(self, pid: str, budgets: Any, zeros: int) -> None:
        if zeros * 4 > len(budgets) and zeros < len(budgets):
            self.voters[pid] = self.voters[pid][budgets != 0.0]

    def tally(self, pid: str) -> tuple[Any, list[int], Any]:
        order = self.orders.get(pid)
        if order is None:
            order = self.groups_of[pid]
        budgets = self.budgets[order]
        sorting = budgets.argsort(kind="stable")  # the order `sorted(order, key=...)` gives
        order, values = order[sorting], budgets[sorting]
        first = int(values.searchsorted(0.0, "right"))
        if first:
            values, order = values[first:], order[first:]
        self.orders[pid] = order
        counts = _np.add.accumulate(self.weights[order]).tolist()
        money = _np.add.accumulate(values * self.fweights[order])
        return values, counts, money

    def forget(self, pid: str) -> None:
        pass

    def charge(self, pid: str, plan: tuple[float, float], error: float) -> float:
        share, share_error = plan
        groups = self.groups_of[pid]
        budgets = self.budgets[groups]
        if isinstance(share, float):
            # a zero budget stays zero (the share is never negative), as the pure path skips it
            self.budgets[groups] = _np.where(budgets >= share, budgets - share, 0.0)
        else:  # an exact share (a cost that is not a whole number): compared exactly, as there
            self.budgets[groups] = [
                (value - share if value >= share else 0.0) if value else 0.0
                for value in budgets.tolist()
            ]
        return error + share_error + 2 * UNIT * self.start


def _numpy_layout(prep: Prepared, groups_of: dict[str, list[int]]) -> tuple[Any, ...]:
    """Index arrays per project (what `_gather_layout` reads, and its distinct groups) and the
    groups' weights; computed once per election."""
    cached = prep.cache.get("float_numpy")
    if cached is None:
        read, _getters, flat = _gather_layout(prep, groups_of)
        voters = {p: _np.array(read[p], dtype=_np.intp) for p in prep.projects}
        groups = {p: _np.array(groups_of[p], dtype=_np.intp) for p in prep.projects}
        weights = _np.array(prep.weights, dtype=_np.int64)
        cached = (voters, groups, weights, weights.astype(_np.float64), flat)
        prep.cache["float_numpy"] = cached
    return cached
