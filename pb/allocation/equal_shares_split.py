"""Where an approval project's supporters split into poor and rich, over NumPy arrays.

The NumPy approval book (`equal_shares_numpy.numpy_pricer`) gathers a project's budgets, one
per voter, and finds the boundary here by water-filling: first over the low budgets alone
(`low_budgets`, `low_boundary`), else over every budget (`water_filling`). However it is
found, `equal_shares_approval.split_price` proves it from the largest poor and smallest rich
budgets and the poor's money (a sum whose error bound holds in any order of addition), so the
way of finding it changes no decision.
"""

from __future__ import annotations

from typing import Any

from pb.allocation.accelerators import NUMPY as _np
from pb.allocation.equal_shares_bounds import Uncertain
from pb.allocation.numbers import Number

LOW = 2.0
"""The low budgets of a pricing are those under `LOW` x the cost / supporters: where the poor
are (the share of the million-voter file's runs was at most 1.8 times that)."""


def low_budgets(budgets: Any, cost: Number, size: int) -> tuple[Any, Any]:
    """The budgets under `LOW` x cost / size (zeros included), in the voters' order, and
    their positions: the only budgets a price's boundary reads, unless it lies above them
    (`low_boundary` says so). Two passes over all the supporters (positions, then a gather
    of these: together faster than `compress`), the rest over these few (a fifth to a third
    of them in the million-voter file's runs)."""
    # (the arrays' own methods: `np.flatnonzero` and `np.take` wrap them at a cost per call)
    where = (budgets < LOW * (cost / size)).nonzero()[0]
    return budgets.take(where), where


def low_boundary(
    pid: str, low: Any, cost: Number, size: int, zeros: int
) -> tuple[tuple[int, int, float, float], float] | None:
    """The poor side and smallest rich budget (as `split_price` takes them) of a project with
    `size` supporters, `zeros` of them with nothing left, whose low budgets are `low` (every
    other budget at least `LOW` x cost / size); None if all of these are poor, or none has
    money (then the smallest rich budget is among the others, which `water_filling` reads).

    The water-filling over the low budgets alone, the others counted as rich: where some low
    budget is rich, the share is below it, hence below every other budget, so this is the
    water-filling's boundary over them all (a few passes over a fifth of the supporters, a
    quarter of the cost of sorting them)."""
    poor, paid, poor_mask, poor_budgets = _fill(pid, low, cost, size, zeros)
    if poor == len(low):
        return None
    largest = float(poor_budgets.max()) if poor_budgets is not None else 0.0
    return (poor - zeros, poor - zeros, paid, largest), float(_smallest_rich(low, poor_mask))


def all_poor(low: Any, cost: Number, size: int) -> tuple[int, float] | None:
    """(how many, their money) of the low budgets of a project with `size` supporters, if
    every one is below the share they leave to the others; None if not, or if every budget is
    low. Then every one is poor: with s that share, the money min(b, s) summed over every
    supporter is at most the low ones' money plus s for each other, which is the cost, so the
    final share is at least s. The water-filling over every budget then starts there (`_fill`),
    and `low_boundary`, which would find them all poor, is not needed (on Budapest, a third of
    the pricings of a project with many supporters; this test caught every one of them)."""
    many = len(low)
    if many == size:
        return None
    if not many:
        return 0, 0.0
    money = float(_np.add.reduce(low))
    return (many, money) if float(low.max()) < (cost - money) / (size - many) else None


def poor_error(
    errors: Any,
    low: Any,
    where: Any,
    voters: Any,
    poor_side: tuple[int, int, float, float],
    smallest_rich: float,
) -> float | None:
    """The sum of the poor's own error bounds (`split_price`'s `poor_error`), gathered for the
    poor alone; None (the single bound) if the book keeps no per-group bounds, or if equal
    budgets fall on both sides of the boundary (`split_price` then gives up anyway)."""
    poor = poor_side[0]
    if errors is None or not poor:
        return None
    # the poor with money: the low budgets above zero and below the smallest rich one
    # (a zero budget is exact: its error entry may be stale, and it is not summed)
    chosen = ((low > 0.0) & (low < smallest_rich)).nonzero()[0]
    if len(chosen) != poor:
        return None
    return error_sum(errors, voters.take(where.take(chosen)))


def error_sum(errors: Any, holders: Any) -> float:
    """The sum of these voters' own error bounds, in float64: the book may store its bounds as
    float32, and the proofs that read the sum count float64 roundings (a float32 sum would
    round 2^29 times as coarsely)."""
    return float(_np.add.reduce(errors.take(holders), dtype=_np.float64))


def water_filled(
    pid: str,
    budgets: Any,
    cost: Number,
    zeros: int,
    errors: Any,
    voters: Any,
    known_poor: tuple[int, float] | None = None,
) -> tuple[tuple[int, int, float, float], float, float | None]:
    """`water_filling`'s poor side and smallest rich budget, with the poor's own error bounds
    summed (`split_price`'s `poor_error`; None if the book keeps none or nobody is poor),
    starting from `known_poor` if given (see `_fill`)."""
    poor_side, smallest_rich, poor_mask = water_filling(pid, budgets, cost, zeros, known_poor)
    if poor_mask is None or errors is None:
        return poor_side, smallest_rich, None
    return poor_side, smallest_rich, error_sum(errors, voters.compress(poor_mask))


def water_filling(
    pid: str,
    budgets: Any,
    cost: Number,
    zeros: int,
    known_poor: tuple[int, float] | None = None,
) -> tuple[tuple[int, int, float, float], float, Any]:
    """Where a project's supporters split into poor and rich, without sorting them: the poor
    side (poor voters with money, terms summed, their money, largest poor budget) and the
    smallest rich budget, as `split_price` takes them (it proves the split, however found),
    and which voters are poor (None if none with money).

    The water-filling from below: the poor are those below the share, and the share is what
    the rich must pay, cost - (what the poor have) divided among them. Starting from cost /
    payers, each pass adds to the poor those below the current share, which raises it; it
    stops when nobody more is below it (exactly, this is the sorted search's boundary, reached
    in three or four passes on Budapest). Zero budgets are always poor and count for nothing.
    `known_poor`: (how many, their money) of budgets known to be poor, zeros included, to
    start from (see `_fill`).
    """
    size = len(budgets)
    poor, paid, poor_mask, poor_budgets = _fill(pid, budgets, cost, size, zeros, known_poor)
    if poor_budgets is None:  # nobody with money is short of the equal share
        smallest = budgets.min() if not zeros else _smallest_rich(budgets, poor_mask)
        return (0, 0, 0.0, 0.0), float(smallest), None
    largest = float(poor_budgets.max())
    smallest = float(_smallest_rich(budgets, poor_mask))
    return (poor - zeros, poor - zeros, paid, largest), smallest, poor_mask


def _fill(
    pid: str,
    budgets: Any,
    cost: Number,
    size: int,
    zeros: int,
    known_poor: tuple[int, float] | None = None,
) -> tuple[Any, ...]:
    """The water-filling from below over `budgets`, of `size` supporters (the others, if any,
    rich): how many are poor (zeros included), their money, which are poor, and the budgets
    with the others' set to 0.0 (None if nobody with money is poor).

    It starts from cost / payers, or from the share the `known_poor` (how many, zeros
    included, and their money) leave to the others: a share they are all under is still at most the
    final one (each pass only adds poor, which only raises it), so it ends where it would
    have, in fewer passes (on Budapest, where the low budgets were all poor, 1.8 instead of
    3 passes over every budget)."""
    poor, paid = known_poor if known_poor is not None else (zeros, 0.0)
    share = (cost - paid) / (size - poor)  # a float, as `split_price` computes it
    if not share > 0.0:  # (zeros would not be poor)  # pragma: no cover - costs are positive
        raise Uncertain(f"is the share of {pid} positive?")
    poor_mask = budgets < share
    poor = int(_np.count_nonzero(poor_mask))
    if poor == zeros:
        return poor, 0.0, poor_mask, None
    poor_budgets = _np.empty_like(budgets)
    while True:
        if poor == size:  # everyone poor: the money is too close to the cost to tell
            raise Uncertain(f"is {pid} affordable?")
        # the poor's budgets and zeros: a product by the mask (x 1 and x 0 are exact, budgets
        # are finite and not negative), not `np.where`, whose branches on a mixed mask took
        # five times as long; not a dot product either: BLAS's threads cost more than they
        # save here, and are not ours to start
        _np.multiply(budgets, poor_mask, out=poor_budgets)
        paid = float(_np.add.reduce(poor_budgets))  # the poor's money, added pairwise
        share = (cost - paid) / (size - poor)
        below = budgets < share
        more = int(_np.count_nonzero(below))
        if more <= poor:
            return poor, paid, poor_mask, poor_budgets
        poor_mask, poor = below, more


def _smallest_rich(budgets: Any, poor_mask: Any) -> Any:
    """The smallest budget outside the mask (there is one), by `compress` (the budgets are
    copied once, without `np.where`'s branches on a mixed mask)."""
    return budgets.compress(~poor_mask).min()
