"""Pricing an approval project with few supporters in the NumPy book: one sort, one search.

The NumPy approval book (`equal_shares_numpy.numpy_pricer`) finds the poor/rich split of a
project by water-filling (`equal_shares_split`): a few vectorised passes, each several NumPy
calls. That pays for tens of thousands of supporters, where a sort would cost more than the
passes; for a few hundred, each call's fixed cost (about a microsecond) is most of the time, and
one sort, one running sum and a binary search in Python over the sorted budgets (the pure
book's `price`, read through memoryviews) make fewer calls. `sorting_pricer` prices those
projects so and leaves the others to the water-filling pricer.

The decisions are the same proof's: `price` ends in `split_price`, which proves the boundary
from the largest poor and smallest rich budgets and sums whose error bound holds in any order
of addition (a running sum is one such order), so the float path still decides exactly or
gives up.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pb.allocation.accelerators import NUMPY as _np
from pb.allocation.equal_shares import Key
from pb.allocation.equal_shares_approval import affordable, boundary, split_price
from pb.allocation.equal_shares_bounds import UNIT
from pb.allocation.numbers import Number

SORT_LIMIT = 1024
"""Projects with at most this many supporters' budgets to read are priced by sorting them."""


def sorting_pricer(
    book: Any,
    fallback: Any,
    costs: dict[str, Number],
    utility: dict[str, Any],
    priority: dict[str, int],
) -> Any:
    """A pricer for a `NumpyGathered` book: a project read once per voter with at most
    `SORT_LIMIT` supporters is priced by sorting their budgets, any other by `fallback` (the
    book's `numpy_pricer`, over the same book)."""
    flat, read, every = book.flat, book.voters, book.budgets  # (changed in place by the book)
    take, add_reduce, accumulate = _np.take, _np.add.reduce, _np.add.accumulate

    def pricer(pid: str) -> tuple[Key, Any] | None:
        voters = read[pid]  # (before `prune` may shorten it)
        size = len(voters)
        if size > SORT_LIMIT or pid not in flat:
            return fallback(pid)
        error, cost = book.worst, costs[pid]
        budgets = take(every, voters)
        # most pricings that end early end here, before the sort (every voter counted a payer)
        total = float(add_reduce(budgets))
        if total + size * error + (size + 2) * UNIT * total < cost:
            return None
        values = _np.sort(budgets)
        ascending = memoryview(values)
        zeros = bisect_right(ascending, 0.0)  # voters with nothing left pay nothing
        if zeros:
            book.prune(pid, budgets, zeros)
            if zeros == size:
                return None
        payers = size - zeros
        # a zero adds exactly nothing: the running sum from the first budget with money is
        # the running sum over those alone
        money = memoryview(accumulate(values))[zeros:]
        ascending = ascending[zeros:]
        if not affordable(pid, cost, money[-1], payers, payers, error):
            return None
        counts = range(1, payers + 1)
        j = boundary(cost, ascending, counts, money)
        smallest_rich = ascending[j]
        poor_error = None
        if j and book.errors is not None:
            poor_error = _poor_error(book.errors, budgets, voters, j, smallest_rich)
        poor_side = (j, j, money[j - 1] if j else 0.0, ascending[j - 1] if j else 0.0)
        priced = split_price(
            pid, cost, utility[pid], payers, poor_side, smallest_rich, error, priority, poor_error
        )
        book.gathered[pid] = voters, budgets  # the charge's, if it wins before a change
        return priced

    return pricer


def _poor_error(errors: Any, budgets: Any, voters: Any, poor: int, smallest_rich: float) -> Any:
    """The sum of the `poor` poor payers' own error bounds (`split_price`'s `poor_error`):
    those with money below the smallest rich budget; None (the single bound) if equal budgets
    fall on both sides of the boundary (`split_price` then gives up anyway). A zero budget is
    exact: its error entry may be stale, and it is not summed."""
    chosen = (budgets > 0.0) & (budgets < smallest_rich)
    holders = _np.compress(chosen, voters)
    if len(holders) != poor:
        return None
    return float(_np.add.reduce(_np.take(errors, holders)))
