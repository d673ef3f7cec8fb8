"""Pricing an approval project with few supporters in the NumPy book: one sort, one search.

The NumPy approval book (`equal_shares_numpy.numpy_pricer`) finds the poor/rich split of a
project by water-filling (`equal_shares_split`): a few vectorised passes, each several NumPy
calls. That pays for tens of thousands of supporters, where a sort would cost more than the
passes; for a few hundred, each call's fixed cost (about a microsecond) is most of the time, and
one sort, one running sum and a binary search in Python over the sorted budgets (the pure
book's `price`, read through memoryviews) make fewer calls. `sorting_pricer` prices those
projects so; larger ones, up to `LOW_SORT_LIMIT`, from their low budgets alone, where the
poor are (`low_sorted`); the others by the water-filling pricer.

The decisions are the same proof's: `price` ends in `split_price`, which proves the boundary
from the largest poor and smallest rich budgets and sums whose error bound holds in any order
of addition (a running sum is one such order), so the float path still decides exactly or
gives up.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pb.allocation import equal_shares_split as split
from pb.allocation.accelerators import NUMPY as _np
from pb.allocation.equal_shares import Key
from pb.allocation.equal_shares_approval import affordable, boundary, split_price
from pb.allocation.equal_shares_bounds import UNIT, Uncertain
from pb.allocation.numbers import Number

SORT_LIMIT = 1024
"""Projects with at most this many supporters' budgets to read are priced by sorting them."""

LAZY_OWN = True

LOW_SORT_LIMIT = 1 << 16
"""Larger ones, up to this many, from their low budgets (`low_sorted`); the rest, by the
water-filling pricer, whose passes over every budget then cost less than a sort of their low
ones."""

LOW_FILL_FROM = 1024
"""`low_sorted` water-fills over this many low budgets or more, and sorts fewer: a
water-filling pass is four NumPy calls over them, a few passes beat a sort from about this
many on (on the million-voter file's pricings, sort and running sum against the passes: at
512-1,023 low budgets 23 and 60 us, at 1,024-2,047 59 and 43 us, at 8,192-16,383 506 and
128 us; on Budapest's, 38 and 41 us at 512-1,023, 91 and 46 us at 1,024-2,047)."""


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
    take, add_reduce, accumulate = every.take, _np.add.reduce, _np.add.accumulate

    pending: dict[str, Any] = {}  # prices settled by the single bound (`_split_price`)

    def pricer(pid: str) -> tuple[Key, Any] | None:
        voters = read[pid]  # (before `prune` may shorten it)
        size = len(voters)
        if size > LOW_SORT_LIMIT or pid not in flat:
            return fallback(pid)
        error, cost = book.worst, costs[pid]
        budgets = take(voters)  # (the array's own method: no wrapper, as `np.take` has)
        # most pricings that end early end here, before the sort (every voter counted a payer)
        total = float(add_reduce(budgets))
        if total + size * error + (size + 2) * UNIT * total < cost:
            return None
        if size > SORT_LIMIT:
            priced = low_sorted(
                book, pid, voters, budgets, total, cost, utility[pid], priority, pending
            )
            if priced is not None:
                book.gathered[pid] = voters, budgets
            return priced
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
        smallest_rich, poor_side = ascending[j], _poor_side(j, money, ascending)
        errors = book.errors if j else None
        priced = _split_price(
            (pid, cost, utility[pid], payers, poor_side, smallest_rich, error, priority),
            errors is not None and (lambda: _poor_error(errors, budgets, voters, j, smallest_rich)),
            pending,
        )
        book.gathered[pid] = voters, budgets  # the charge's, if it wins before a change
        return priced

    pricer.tighten = tightener(pending)  # type: ignore[attr-defined]
    return pricer


def _poor_error(errors: Any, budgets: Any, voters: Any, poor: int, smallest_rich: float) -> Any:
    """The sum of the `poor` poor payers' own error bounds (`split_price`'s `poor_error`):
    those with money below the smallest rich budget; None (the single bound) if equal budgets
    fall on both sides of the boundary (`split_price` then gives up anyway). A zero budget is
    exact: its error entry may be stale, and it is not summed."""
    chosen = (budgets > 0.0) & (budgets < smallest_rich)
    holders = voters.compress(chosen)
    return split.error_sum(errors, holders) if len(holders) == poor else None


def low_sorted(
    book: Any,
    pid: str,
    voters: Any,
    budgets: Any,
    total: float,
    cost: Number,
    u: Number,
    priority: dict[str, int],
    pending: dict[str, Any],
) -> tuple[Key, Any] | None:
    """The price of a project with many supporters, whose `budgets` (one per voter) add up to
    `total`, found from its low budgets alone (`equal_shares_split.low_budgets`, those under
    `LOW` x cost / supporters: where the poor are), every other budget counted rich: by
    sorting them and searching as `price` does if they are few (`LOW_FILL_FROM`), else by
    water-filling over them (`equal_shares_split.low_boundary`). If every low budget is poor,
    the boundary lies above them: the water-filling over every budget finds it, from the
    share they leave to the others if that shows them poor (`equal_shares_split.all_poor`).

    Either replaces passes over every supporter by work over a fifth to a third of them;
    `split_price` proves the boundary however it was found."""
    size, error = len(budgets), book.worst
    low, where = split.low_budgets(budgets, cost, size)
    known_poor = split.all_poor(low, cost, size)  # (then neither a sort nor a fill of them)
    fill = known_poor is not None or len(low) >= LOW_FILL_FROM
    if fill:
        zeros, found = int(_np.count_nonzero(low == 0.0)), None  # (every zero is low)
    else:
        zeros, found = _low_searched(cost, low, size)
    payers = size - zeros  # voters with nothing left pay nothing
    if zeros:
        book.prune(pid, budgets, zeros)
        if not payers:
            return None
    if not affordable(pid, cost, total, payers, payers, error):
        return None
    if fill and known_poor is None:
        found = split.low_boundary(pid, low, cost, size, zeros)
    if found is None:  # every low budget is poor: the smallest rich one is among the others
        poor_side, smallest_rich, poor_error = split.water_filled(
            pid, budgets, cost, zeros, book.errors, voters, known_poor
        )
        return split_price(
            pid, cost, u, payers, poor_side, smallest_rich, error, priority, poor_error
        )
    poor_side, smallest_rich = found
    errors = book.errors
    return _split_price(
        (pid, cost, u, payers, poor_side, smallest_rich, error, priority),
        errors is not None
        and (lambda: split.poor_error(errors, low, where, voters, poor_side, smallest_rich)),
        pending,
    )


def _low_searched(cost: Number, low: Any, size: int) -> tuple[int, Any]:
    """How many of the low budgets are zeros, and the poor side and smallest rich budget
    found by sorting them (None if every low budget with money is poor)."""
    values = _np.sort(low)
    ascending = memoryview(values)
    zeros = bisect_right(ascending, 0.0)
    money = memoryview(_np.add.accumulate(values))[zeros:]
    ascending = ascending[zeros:]
    j = _low_boundary(cost, ascending, money, size - zeros)
    if j is None:
        return zeros, None
    return zeros, (_poor_side(j, money, ascending), ascending[j])


def _split_price(arguments: tuple, own: Any, pending: dict[str, Any]) -> tuple[Key, Any]:
    """`split_price` with the single error bound first (every budget within the book's
    `worst`: sound, only looser), and only if that cannot tell, with the poor's own bounds,
    summed by `own` (False if the book keeps none): that sum costs a mask and three gathers,
    and the single bound settles nearly every split on the real files. A price settled so
    leaves in `pending` how to tighten its plan, should the project win (`tightener`): the
    share's error feeds every later error bound."""
    if own is False or not LAZY_OWN:
        return split_price(*arguments, own() if own is not False else None)
    try:
        priced = split_price(*arguments)
    except Uncertain:
        poor_error = own()
        if poor_error is None:  # (equal budgets on both sides: the single bound or nothing)
            raise
        return split_price(*arguments, poor_error)
    pending[arguments[0]] = arguments, own
    return priced


def tightener(pending: dict[str, Any]) -> Any:
    """The winner's plan as the poor's own error bounds give it, if its price was settled by
    the single bound (`_split_price`): the same share, with its error bound (what the charge
    adds to the payers' bounds) summed from theirs; the plan as it was if they cannot tell.
    Called before the charge, while the budgets are those it was priced at."""

    def tighten(pid: str, plan: Any) -> Any:
        waiting = pending.get(pid)
        pending.clear()  # (the others' budgets change with this charge)
        if waiting is None:
            return plan
        arguments, own = waiting
        poor_error = own()
        if poor_error is None:
            return plan
        try:
            return split_price(*arguments, poor_error)[1]
        except Uncertain:
            return plan

    return tighten


def _poor_side(j: int, money: Any, ascending: Any) -> tuple[int, int, float, float]:
    """`split_price`'s poor side when the `j` poorest of the sorted budgets with money are
    poor: poor payers, terms summed, their money (a running sum), the largest poor budget."""
    return (j, j, money[j - 1] if j else 0.0, ascending[j - 1] if j else 0.0)


def _low_boundary(cost: Number, ascending: Any, money: Any, payers: int) -> int | None:
    """`boundary` over the sorted low budgets with money of `payers` payers (the others all
    richer), None if it is not among them (the largest low budget does not cover the split)."""
    last = len(ascending) - 1
    if last < 0 or cost - (money[last - 1] if last else 0.0) > (payers - last) * ascending[last]:
        return None
    return boundary(cost, ascending, range(1, last + 2), money, payers)
