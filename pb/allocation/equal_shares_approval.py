"""The approval book of floating-point Equal Shares: supporters' budgets and their pricing.

Every supporter values the project the same, so the price is an equal share of the cost, paid
in full by the *rich* supporters and with all they have by the *poor* ones. `uniform_pricer`
computes it in floats and proves each of its decisions within the error bound carried by the
run (see `equal_shares_float` for how the run uses it, `equal_shares_bounds` for the model).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import accumulate, compress
from operator import itemgetter, mul
from typing import Any

from pb.allocation.equal_shares import Key, Prepared
from pb.allocation.equal_shares_bounds import UNIT, Uncertain, down, up
from pb.allocation.equal_shares_lazy import level_size
from pb.allocation.numbers import Number


def uniform_pricer(
    book: Gathered,
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
            equal = equal_share(cost, payers, utility[pid], priority[pid], min(budgets), error)
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
        return price(pid, cost, utility[pid], values, counts, money, error, priority)

    return pricer


def equal_share(
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
    return (down(approx), up(approx), exact, rank), (share, share_error)


def price(
    pid: str,
    cost: Number,
    u: Number,
    values: list[float],
    counts: Sequence[int],
    money: list[float],
    error: float,
    priority: dict[str, int],
    errors: Sequence[float] | None = None,
) -> tuple[Key, tuple[float, float]] | None:
    """Price a project from its supporters' budgets sorted ascending (none zero), the running
    count of voters and the running sum of money: its key and (share, share error) for
    charging; None if its supporters certainly cannot pay for it; `Uncertain` if the error
    bound cannot tell. `errors`, if given, is the running sum of the groups' own error bounds
    x voters (each at most `error`), which bounds the poor's money more tightly."""
    payers = counts[-1]
    if not affordable(pid, cost, money[-1], payers, len(values), error):
        return None
    j = boundary(cost, values, counts, money)
    poor = counts[j - 1] if j else 0
    paid = money[j - 1] if j else 0.0
    largest = values[j - 1] if j else 0.0
    poor_error = None if errors is None or not j else errors[j - 1]
    return split_price(
        pid, cost, u, payers, (poor, j, paid, largest), values[j], error, priority, poor_error
    )


def boundary(
    cost: Number,
    values: Sequence[float],
    counts: Sequence[int],
    money: Sequence[float],
    payers: int | None = None,
) -> int:
    """The first position whose budget covers an equal split of what the poorer ones cannot
    pay, by binary search over sorted budgets (as `price` takes them): the proposed boundary
    between poor and rich, which `split_price` proves or gives up on. `payers`: all of them,
    if `values` are only the lowest budgets (the last position must then cover the split)."""
    payers = counts[-1] if payers is None else payers
    low, high = 0, len(values) - 1
    while low < high:
        mid = (low + high) // 2
        paid = money[mid - 1] if mid else 0.0
        rest = payers - (counts[mid - 1] if mid else 0)
        if cost - paid <= rest * values[mid]:
            high = mid
        else:
            low = mid + 1
    return low


def affordable(pid: str, cost: Number, total: float, payers: int, terms: int, error: float) -> bool:
    """Whether supporters holding `total` (a float sum of `terms` non-zero terms, in any order,
    of the budgets of `payers` voters) can certainly pay `cost`: False if they certainly cannot,
    `Uncertain` if the error bound cannot tell.

    Each budget is within `error` of its exact value, and a sum of k non-negative terms is
    within (k - 1)·u times itself of the exact sum whatever the order of the additions (every
    addition of two non-zero partial sums rounds by at most u times a partial sum, itself at
    most the total; adding a zero is exact): the slack covers both, generously."""
    slack = payers * error + (terms + 2) * UNIT * total
    if total + slack < cost:
        return False
    if total - slack < cost:
        raise Uncertain(f"is {pid} affordable?")
    return True


def split_price(
    pid: str,
    cost: Number,
    u: Number,
    payers: int,
    poor_side: tuple[int, int, float, float],
    smallest_rich: float,
    error: float,
    priority: dict[str, int],
    poor_error: float | None = None,
) -> tuple[Key, tuple[float, float]]:
    """The key and plan of an affordable project whose `payers` supporters (zeros left out)
    split into poor and rich at a proposed boundary, or `Uncertain` if the boundary is not
    certain. `poor_side` is (poor voters, terms summed, what they have together as a float sum
    in any order, largest poor budget); the rich are the other payers, the poorest of them
    holding `smallest_rich`.

    The rich pay the equal share of what the poor cannot; the boundary is proven when the
    largest poor budget is certainly below that share and the smallest rich one certainly at
    or above it (each budget within `error`, the share within `share_error`): then every
    exact budget falls on the same side, and the exact share is within `share_error`.
    Only these two budgets are read, so the boundary may be found in any way.

    `poor_error`, if given, is a float sum (of `terms` terms, in any order) of the poor
    budgets' own error bounds x voters, each bound at most `error`: the poor's exact money is
    then within it (inflated for its own roundings) of theirs, instead of `poor` x `error`."""
    poor, terms, paid, largest_poor = poor_side
    rich = payers - poor
    share = (cost - paid) / rich
    if poor_error is None:
        poor_error = poor * error
    else:  # (products and sum each round by at most u, relative to the terms, all >= 0)
        poor_error *= 1 + (terms + 4) * UNIT
    paid_error = poor_error + (terms + 2) * UNIT * paid
    share_error = (paid_error + 2 * UNIT * (cost + paid)) / rich + 2 * UNIT * share
    if poor and not largest_poor + error < share - share_error:
        raise Uncertain(f"is the poorest rich supporter of {pid} poor?")
    if not smallest_rich - error >= share + share_error:
        raise Uncertain(f"is the richest poor supporter of {pid} rich?")
    rank = priority[pid]
    if not poor:  # nobody is poor: the share is exactly cost / payers
        exact = Fraction(cost) / (payers * u)
        approx = float(exact)
        return (down(approx), up(approx), exact, rank), (share, share_error)
    rho = share / float(u)
    rho_error = share_error / float(u) + 2 * UNIT * rho
    return (down(rho - rho_error), up(rho + rho_error), None, rank), (share, share_error)


class Gathered:
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
        voters, getters, self.flat = gather_layout(prep, groups_of)
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


def gather_layout(prep: Prepared, groups_of: dict[str, list[int]]) -> tuple[Any, Any, Any]:
    """Per project: the groups to read (once per voter if flat, else once per group), their
    getter, and the set of flat projects; computed once per election."""
    cached = prep.cache.get("float_gather")
    if cached is None:
        read, flat = read_layout(prep, groups_of)
        getters = {p: _getter(read[p]) for p in prep.projects}
        cached = prep.cache["float_gather"] = (read, getters, flat)
    return cached


def read_layout(
    prep: Prepared, groups_of: dict[str, list[int]]
) -> tuple[dict[str, list[int]], frozenset[str]]:
    """Per project, the groups to read (once per voter if flat, else once per group), and the
    set of flat projects (the NumPy book reads the same, without the getters)."""
    flat = flat_projects(prep)
    read = {p: prep.levels[p][0][1] if p in flat else groups_of[p] for p in prep.projects}
    return read, flat


def flat_projects(prep: Prepared) -> frozenset[str]:
    """The projects read once per voter: those whose groups hold few voters more than one."""
    return frozenset(
        p
        for p in prep.projects
        if level_size(prep.levels, p) <= FLAT_LIMIT * level_size(prep.members, p)
    )
