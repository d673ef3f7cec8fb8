"""The points and rankings book of floating-point Equal Shares (see `equal_shares_float`).

Supporters value a project differently and pay in proportion to their satisfaction, so they are
sorted by budget per unit of satisfaction and the price per unit is solved for directly, every
decision proven within the run's error bound (`equal_shares_bounds`).
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from itertools import accumulate
from operator import mul, truediv
from typing import Any

from pb.allocation.equal_shares import Key, Prepared
from pb.allocation.equal_shares_bounds import UNIT, Uncertain, down, up


class Weighted:
    """Points or rankings: supporters value a project differently and pay in proportion, so
    they are sorted by budget per unit of satisfaction (b/u) and the price rho is solved for
    directly. Satisfactions must be integers (they are: points, positions); otherwise the run
    is left to the exact path."""

    def __init__(self, prep: Prepared, start: float) -> None:
        self.budgets = [start] * prep.groups
        self.start = start
        self.costs = prep.costs
        self.priority = prep.priority
        self.layout = weighted_layout(prep)
        self.sizes = _sizes(prep)

    def forget(self, pid: str) -> None:
        pass

    def tally(self, pid: str) -> tuple[Any, list[int], list[int], Any] | None:
        """The project's supporter groups with money left, sorted by budget per unit of
        satisfaction (stable): (those ratios, cumulative satisfaction x voters, cumulative
        voters, cumulative money); None when none has money left."""
        budgets = self.budgets
        groups, utils, weights, _u_min, _u_max = self.layout[pid]
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
        return values, mass, heads, money

    def held(self, pid: str) -> float:
        """What the project's supporters hold together, summed in group order (before any
        sorting: most projects priced late in a run are found unaffordable from this alone)."""
        budgets = self.budgets
        groups, _utils, weights, _u_min, _u_max = self.layout[pid]
        money = list(accumulate(map(mul, map(budgets.__getitem__, groups), weights)))
        return money[-1]

    def pricer(self, current_error: Any) -> Any:
        costs, priority = self.costs, self.priority

        def pricer(pid: str) -> tuple[Key, Any] | None:
            error = current_error()
            u_min, u_max = self.layout[pid][3:]
            cost = costs[pid]
            # bounded as the sorted sum below, with every group counted (zeros are exact)
            held = self.held(pid)
            voters, size = self.sizes[pid]
            if held + voters * error + (size + 2) * UNIT * held < cost:
                return None
            tallied = self.tally(pid)
            if tallied is None:
                return None
            values, mass, heads, money = tallied
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
                return (down(approx), up(approx), exact, rank), (rho, rho_error, u_max)
            key = (down(rho - rho_error), up(rho + rho_error), None, rank)
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


def _sizes(prep: Prepared) -> dict[str, tuple[int, int]]:
    """Per project: its supporters (voters) and its supporter groups."""
    cached = prep.cache.get("float_weighted_sizes")
    if cached is None:
        layout = weighted_layout(prep)
        cached = {pid: (sum(data[2]), len(data[2])) for pid, data in layout.items()}
        prep.cache["float_weighted_sizes"] = cached
    return cached


def weighted_layout(prep: Prepared) -> dict[str, tuple[Any, ...]]:
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
