"""The NumPy books of floating-point Equal Shares: `Gathered` and `Weighted` over arrays.

Used when the caller's accelerators allow NumPy and the election is large enough
(`Accelerators.mes_with_numpy`): approval ballots (`NumpyGathered`), points and rankings
(`NumpyWeighted`).
"""

from __future__ import annotations

from typing import Any

from pb.allocation import equal_shares_split as split
from pb.allocation.accelerators import NUMPY as _np
from pb.allocation.equal_shares import GROUP_ARRAYS, Key, Prepared
from pb.allocation.equal_shares_approval import (
    affordable,
    equal_share,
    flat_projects,
    price,
    split_price,
)
from pb.allocation.equal_shares_bounds import UNIT, Uncertain
from pb.allocation.equal_shares_weighted import Weighted, weighted_layout
from pb.allocation.numbers import Number

# The NumPy book of approval ballots takes the same decisions as `Gathered` and `uniform_pricer`
# (the same proof: `affordable` and `split_price`), but not through bitwise the same floats: a flat
# project's price is found by water-filling over its low budgets alone, or over all of them
# (`equal_shares_split`), and its sums are added in NumPy's order (pairwise) rather than in
# sequence. The proof does not depend on the order: a float sum of k
# non-negative terms is within (k - 1)·u times itself of the exact sum whatever the order of the
# additions, and the bounds allow (k + 2)·2u. So the float path still either decides exactly or
# gives up (`Uncertain`), which may happen in a few near ties where the pure book decides, or the
# reverse; the exact run then decides the same. Elementwise subtraction, comparison and selection
# are the same IEEE 754 operations as Python's, so charges give bitwise the pure book's budgets for
# the same share.
#
# Its error bounds: like the pure book, one bound for every budget (`worst`, which the run's `error`
# repeats) while it is small; once it has grown `PER_GROUP`-fold, one bound per group (`errors`,
# float32 rounded up: see `_charge_errors`), each starting from it. Then a charge adds the share's
# error to its rich payers' bounds only, a share's error counts its own poor supporters' bounds
# (gathered for the poor alone) instead of `poor` x `worst`, and `worst` (the maximum) still bounds
# every budget for the other tests. A poor payer's budget is 0 and exact. The run's `error` is read
# by the pricer alone (rivals' bounds are keys the pricer proved), so every decision still holds for
# every exact value.


def numpy_pricer(
    book: NumpyGathered,
    costs: dict[str, Number],
    utility: dict[str, Any],
    supporters: dict[str, int],
    priority: dict[str, int],
) -> Any:
    """`uniform_pricer` over NumPy arrays (same decisions, same proof)."""
    short: set[str] = set()
    flat = book.flat
    add_reduce, take = _np.add.reduce, _np.take
    count_nonzero = _np.count_nonzero
    every, read = book.budgets, book.voters  # (updated in place by charge and prune)

    def pricer(pid: str) -> tuple[Key, Any] | None:
        # this book bounds each group's error (`NumpyGathered`); `worst` bounds them all, and
        # is what the run's `error` would say here (the book keeps it, so it is not passed in)
        error = book.worst
        cost = costs[pid]
        if pid not in flat:
            return grouped(pid, cost, error)
        voters = read[pid]  # (before `prune` may shorten it)
        budgets = take(every, voters)  # one per voter, zeros maybe included (`take`: no
        # indexing machinery, a third faster than `every[voters]` at 200,000 supporters)
        size = len(budgets)
        # most pricings end here (a run drops every project it does not select), so this is
        # tested first, with every voter counted as a payer (only looser)
        total = float(add_reduce(budgets))
        if total + size * error + (size + 2) * UNIT * total < cost:
            return None
        low, where = split.low_budgets(budgets, cost, size)
        zeros = int(count_nonzero(low == 0.0))  # (every zero is low)
        payers = size - zeros
        if zeros:  # voters with nothing left pay nothing
            book.prune(pid, budgets, zeros)
            if not payers:
                return None
        if not affordable(pid, cost, total, payers, payers, error):
            return None
        known_poor = split.all_poor(low, cost, size)  # (then no water-filling over them)
        found = None if known_poor is not None else split.low_boundary(pid, low, cost, size, zeros)
        if found is None:  # the boundary is not among the low budgets: every pass over all
            poor_side, smallest_rich, poor_error = split.water_filled(
                pid, budgets, cost, zeros, book.errors, voters, known_poor
            )
        else:
            poor_side, smallest_rich = found
            errors = book.errors
            poor_error = split.poor_error(errors, low, where, voters, poor_side, smallest_rich)
        priced = split_price(
            pid, cost, utility[pid], payers, poor_side, smallest_rich, error, priority, poor_error
        )
        book.gathered[pid] = voters, budgets  # the charge's, if it wins before budgets change
        return priced

    def grouped(pid: str, cost: Number, error: float) -> tuple[Key, Any] | None:
        """A project read once per group: the equal share if certain, else sorted groups."""
        if pid not in short:
            groups = read[pid]  # every supporter's exact budget is at least lowest - own error
            lowest, own = every[groups].min().item(), error
            if book.errors is not None:
                own = book.errors[groups].max().item()
            equal = equal_share(cost, supporters[pid], utility[pid], priority[pid], lowest, own)
            if equal is not None:
                return equal
            short.add(pid)  # (budgets only fall: once someone is short, for the rest of the run)
        values, counts, money, own = book.tally(pid)
        if not len(values):
            return None
        # memoryviews read the arrays' items as Python floats, at the speed of a list
        return price(
            pid,
            cost,
            utility[pid],
            memoryview(values),
            counts,
            memoryview(money),
            error,
            priority,
            None if own is None else memoryview(own),
        )

    return pricer


class NumpyGathered:
    """`Gathered` with the budgets in a NumPy array: gathers, sums, the water-filling passes
    and charges are single array operations instead of loops over several hundred Python
    floats (only a project read once per group sorts its groups, in `tally`)."""

    def __init__(self, prep: Prepared, start: float, groups_of: dict[str, list[int]]) -> None:
        self.budgets = _np.full(prep.groups, start)
        # per group, how far its float budget can be from the exact one (see `charge`), and a
        # bound on them all: start is the exact budget rounded once
        self.worst = start * UNIT
        self.errors: Any = None  # until `worst` grows past `PER_GROUP` x its start
        voters, self.groups_of, self.weights, self.fweights, self.flat = _numpy_layout(
            prep, groups_of
        )
        self.voters = dict(voters)  # per run: pruned of voters with nothing left
        self.orders: dict[str, Any] = {}
        # the supporters' budgets as the pricer gathered them, since the last charge (every
        # budget is as it was then): the winner's charge need not gather them again
        self.gathered: dict[str, tuple[Any, Any]] = {}
        self.start = start

    def prune(self, pid: str, budgets: Any, zeros: int) -> None:
        if zeros * 4 > len(budgets) and zeros < len(budgets):
            self.voters[pid] = self.voters[pid][budgets != 0.0]

    def tally(self, pid: str) -> tuple[Any, list[int], Any, Any]:
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
        fweights = self.fweights[order]
        money = _np.add.accumulate(values * fweights)
        own = None
        if self.errors is not None:  # what `price` adds of the poor's errors
            own = _np.add.accumulate(self.errors[order] * fweights)
        return values, counts, money, own

    def forget(self, pid: str) -> None:
        pass

    def charge(self, pid: str, plan: tuple[float, float], error: float) -> float:
        """Each supporter pays the share, or all they have: returns the bound on every group's
        error (the run's `error`; this book's pricer reads its own bounds)."""
        share, share_error = plan
        gathered = self.gathered.pop(pid, None)
        self.gathered.clear()  # budgets change here
        if gathered is None:
            groups = self.groups_of[pid]
            budgets = _np.take(self.budgets, groups)
        else:  # one entry per voter (a group of several voters repeats the same values)
            groups, budgets = gathered
        if isinstance(share, float):
            # value - share, or 0.0 for a poor one (the difference is negative exactly when
            # value < share) as the pure path computes it; a zero budget stays zero
            budgets -= share
            _np.fmax(budgets, 0.0, out=budgets)
            self.budgets[groups] = budgets
        else:  # an exact share (a cost that is not a whole number): compared exactly, as there
            budgets = _np.array(
                [
                    (value - share if value >= share else 0.0) if value else 0.0
                    for value in budgets.tolist()
                ],
                dtype=_np.float64,
            )
            self.budgets[groups] = budgets
        if self.errors is not None:
            # the rich alone: a budget left at 0.0 is exact (`_charge_errors`), so the poor's
            # entries need no upkeep (a third of the payers at a million voters)
            self._charge_errors(groups.compress(budgets > 0.0), share_error)
            return self.worst
        # one bound for every budget (see `Gathered.charge`), until it has grown so much that
        # per-group bounds pay for their upkeep; each group's bound then starts from it
        self.worst = error + share_error + 2 * UNIT * self.start
        if self.worst > PER_GROUP * UNIT * self.start:
            self.errors = _np.full(len(self.budgets), _up32(self.worst), dtype=_np.float32)
            self.worst = float(self.errors[0])  # (rounded up: `worst` bounds every entry)
        return self.worst

    def _charge_errors(self, groups: Any, share_error: float) -> None:
        """The new error bounds of the rich payers (`groups`: those left with more than 0).

        A poor payer paid all it had: its exact budget is 0, as its float one (the pricing
        proved which side of the share each budget is on, and the float comparison agrees; a
        rich one keeps more than 0), and a zero budget is exact whatever its error entry says:
        so its entry is not raised (it is stale from then on, and every reader either skips it
        or adds it, which only loosens; `worst` still bounds every budget with money, and every
        entry, since no entry grows without it). A rich payer's float budget is off by at
        most its old error e, the share's error and the subtraction's rounding (u x what is
        left, at most start): c below. The float e + grown is at least e + c: `grown`
        exceeds c by 8u x (worst + c), more than the roundings of that addition, u x (e +
        grown), and of `grown` itself.

        The bounds are stored as float32 (half the bytes to gather and scatter at random), so
        the float32 addition e + g32 must be at least e + grown too: with v = 2^-24 (float32's
        unit roundoff) and y = grown + 4v x (worst + grown), g32 = float32(y) >= y(1 - v) and
        the sum rounds to at least (e + g32)(1 - v) >= e + grown + 3v x worst - v x e, which is
        at least e + grown since every entry e is at most `worst` (float32 to float64 and the
        maximum are exact). The float64 sum of float32 entries is taken in float64 by its
        readers (`poor_error`, `tally`), whose proofs count float64 roundings."""
        rounding = share_error + 2 * UNIT * self.start
        grown = rounding + 4 * UNIT * (self.worst + rounding)
        grown32 = _np.float32(grown + 4 * UNIT32 * (self.worst + grown))
        errors = _np.take(self.errors, groups)
        errors += grown32
        self.errors[groups] = errors
        if len(errors):
            self.worst = max(self.worst, float(errors.max()))


UNIT32 = 2.0**-24
"""float32's unit roundoff (round to nearest: a result is within UNIT32 x itself)."""


def _up32(value: float) -> Any:
    """A float32 at least `value` (>= 0, far above float32's smallest normal): float32 rounds
    to nearest, within UNIT32 x the value, so inflating by 2 x UNIT32 first is enough."""
    return _np.float32(value * (1 + 2 * UNIT32))


PER_GROUP = 2.0**20
"""Per-group error bounds are kept once the single bound is this many times its start (which
it reaches only in large elections: each of its steps costs the charge three array passes,
and the winner's price a sum of its poor's bounds). Every one of add1's runs on Budapest 2024
and the generated million-, 100,000- and 10,000-voter files decides with it as with 2^10 (the
same runs and outcomes, none giving up), about 15 % faster on Budapest; at 2^26 the
million-voter add1 did not end within 300 s (the bounds each group then starts from are too
loose there), at 2^22 it did, as at 2^20 (docs/allocation.md, stop 33, hD)."""


def _numpy_layout(prep: Prepared, groups_of: dict[str, list[int]]) -> tuple[Any, ...]:
    """Index arrays per project (what `read_layout` reads, and its distinct groups) and the
    groups' weights; computed once per election (not `gather_layout`: its getters are the
    pure book's, 0.3 s at a million voters)."""
    cached = prep.cache.get("float_numpy")
    if cached is None:
        flat = flat_projects(prep)  # (not `read_layout`: its lists may be left unmade)
        weights = _np.array(prep.weights, dtype=_np.int64)
        made = prep.cache.get(GROUP_ARRAYS, {})  # (the lists' own arrays, if prepared so)
        groups = {
            p: made[p].astype(_np.intp, copy=False)
            if p in made
            else _np.fromiter(groups_of[p], dtype=_np.intp, count=len(groups_of[p]))
            for p in prep.projects
        }
        # per voter: each group once per voter of it (in `levels`, the same multiset), made
        # from the groups instead of converting lists of millions of Python ints
        voters = {
            p: _np.repeat(groups[p], weights[groups[p]]) if p in flat else groups[p]
            for p in prep.projects
        }
        cached = (voters, groups, weights, weights.astype(_np.float64), flat)
        prep.cache["float_numpy"] = cached
    return cached


class NumpyWeighted(Weighted):
    """`Weighted` with the budgets in a NumPy array, computing bitwise the same floats.

    Ratios are one array division (float64 by int64 converts the integer exactly, as Python's
    float / int does), the stable argsort is `sorted`'s order, running sums are sequential
    (`np.add.accumulate`), and the integer ones are read through memoryviews, which give
    Python ints like the pure book's lists without building them (the price search reads a
    handful of positions out of hundreds). The price is then solved by the same Python code as
    the pure book. Per project, satisfaction x voters is multiplied once per election.
    """

    def __init__(self, prep: Prepared, start: float) -> None:
        super().__init__(prep, start)
        self.budgets = _np.full(prep.groups, start)
        self.arrays = _weighted_arrays(prep)
        # the last order of each project's supporters, in any run of this election: the next
        # run at a nearby budget often sorts them the same way, which checking costs less than
        # sorting (a hint only: an order is used only once checked)
        self.orders = prep.cache.setdefault("float_weighted_orders", {})
        self.gathered: tuple[str, Any, Any, Any] | None = None

    def held(self, pid: str) -> float:
        groups, fweights = self.arrays[pid][0], self.arrays[pid][3]
        budgets = self.budgets[groups]  # gathered once for held, tally and charge
        spend = budgets * fweights
        self.gathered = pid, budgets, spend, None
        return float(_np.add.accumulate(spend)[-1])  # in sequence, as the pure book adds

    def tally(self, pid: str) -> tuple[Any, Any, Any, Any] | None:
        _groups, utils, weights, _fweights, masses = self.arrays[pid]
        # `held` has just gathered this project's budgets (the pricer calls it first)
        _pid, budgets, spend, _none = self.gathered  # type: ignore[misc]
        ratios = budgets / utils
        self.gathered = pid, budgets, spend, ratios  # what `charge` needs, if pid wins
        order, values = self._stable_order(pid, ratios)
        first = int(values.searchsorted(0.0, "right"))  # nothing left: pays nothing
        if first == len(values):
            return None
        if first:
            order, values = order[first:], values[first:]
        add = _np.add
        mass = add.accumulate(masses[order])
        heads = add.accumulate(weights[order])
        money = add.accumulate(spend[order])  # the same products as budgets x weights
        return memoryview(values), memoryview(mass), memoryview(heads), memoryview(money)

    def _stable_order(self, pid: str, ratios: Any) -> tuple[Any, Any]:
        """The stable argsort of the ratios (`sorted`'s order) and the sorted ratios."""
        order = self.orders.get(pid)
        if order is not None:  # nearly sorted: timsort is quick, then ties must be in order
            values = ratios[order]
            resort = values.argsort(kind="stable")
            order, values = order[resort], values[resort]
        if order is None or not _in_stable_order(values, order):
            order = ratios.argsort(kind="stable")
            values = ratios[order]
        self.orders[pid] = order
        return order, values

    def charge(self, pid: str, plan: tuple[float, float, int], error: float) -> float:
        rho, rho_error, u_max = plan
        groups, utils = self.arrays[pid][:2]
        gathered, self.gathered = self.gathered, None  # budgets change here
        if gathered is not None and gathered[0] == pid and gathered[3] is not None:
            budgets, ratios = gathered[1], gathered[3]  # priced last, at these budgets
        else:
            budgets = self.budgets[groups]
            ratios = budgets / utils
        # a zero budget stays zero (0 / u >= rho is false for a positive rho)
        rich = ratios >= rho
        left = _np.where(rich, budgets - rho * utils, 0.0)
        if (left[rich] <= 0.0).any():  # pragma: no cover - excluded by the certified margins
            raise Uncertain(f"a supporter of {pid} would be left with nothing")
        self.budgets[groups] = left
        return error + u_max * rho_error + 4 * UNIT * self.start


def _in_stable_order(values: Any, order: Any) -> bool:
    """Whether `values` (ratios[order]) are sorted and ties keep the positions' order: then
    `order` is the stable argsort of the ratios."""
    later, earlier = values[1:], values[:-1]
    ahead = later > earlier
    if ahead.all():
        return True
    return bool((ahead | ((later == earlier) & (order[1:] > order[:-1]))).all())


def _weighted_arrays(prep: Prepared) -> dict[str, tuple[Any, ...]]:
    """Per project: its groups, their satisfactions, weights, weights as floats and
    satisfaction x weight (the mass each group adds to the price's denominator)."""
    cached = prep.cache.get("float_weighted_numpy")
    if cached is None:
        cached = {}
        for pid, (groups, utils, weights, _u_min, _u_max) in weighted_layout(prep).items():
            counts = _np.array(weights, dtype=_np.int64)
            satisfactions = _np.array(utils, dtype=_np.int64)
            cached[pid] = (
                _np.array(groups, dtype=_np.intp),
                satisfactions,
                counts,
                counts.astype(_np.float64),
                counts * satisfactions,
            )
        prep.cache["float_weighted_numpy"] = cached
    return cached
