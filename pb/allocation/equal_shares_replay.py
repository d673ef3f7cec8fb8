"""The exact replay of a large approval run, from voter counts instead of budget classes.

`equal_shares_exact.replay` recomputes the prices and payments of a decided run exactly,
counting each project's supporters per distinct exact budget: at a million voters the budgets
take about 200,000 distinct values by the end of a run, and that replay took 10 to 17 s.

Here the exact arithmetic is a few operations per step. A voter with money left has paid, as a
rich supporter, the equal share s_j of every earlier selection j it approves (a poor one paid
all it had, and has nothing left), so its exact budget is start - (the sum of those shares).
The money of a set of voters with money left is then start x their number - the sum over the
selections j of s_j x (how many of them approve j): one count of their ballots (`Ballots`).

Who is poor at a step is what the NumPy approval book proves when it prices the project
(`split_price`: every exact budget is on the side of the share that its float is on), as in the
floating-point run; a float budget is 0.0 exactly when the exact budget is 0, since a poor
voter's becomes 0.0 in the charge and the replay checks that no rich voter pays its last cent
(it gives up otherwise). Where the book cannot prove a step, the replay gives up (None) and
the caller replays by classes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pb.allocation.accelerators import NUMPY as _np
from pb.allocation.accelerators import Rational
from pb.allocation.equal_shares import Drop, Prepared, Run, Selection, exact_key
from pb.allocation.equal_shares_bounds import UNIT, Uncertain
from pb.allocation.equal_shares_float import layout
from pb.allocation.equal_shares_numpy import NumpyGathered, numpy_pricer


def replay(prep: Prepared, decided: Run, rational: Rational) -> Run | None:
    """`equal_shares_exact.replay` of an approval run large enough for the NumPy book (with
    whole costs: a share of a cost that is not a whole number is charged exactly there); None
    if the election is not one, or if a step cannot be proven in floating point."""
    if not (prep.uniform and prep.accelerators.mes_with_numpy(prep.voters)):
        return None
    if not all(type(prep.costs[pid]) is int for pid in prep.projects):
        return None
    try:
        return _Replay(prep, decided.budget, rational).run(decided)
    except Uncertain:
        return None


class _Replay:
    """The float book that proves who is poor, and the exact shares paid so far."""

    def __init__(self, prep: Prepared, budget: Any, q: Rational) -> None:
        self.prep, self.q = prep, q
        utility, groups_of, _initial, supporters = layout(prep)
        self.utility = utility
        self.book = NumpyGathered(prep, float(Fraction(budget) / prep.voters), groups_of)
        self.pricer = numpy_pricer(self.book, prep.costs, utility, supporters, prep.priority)
        self.ballots = Ballots.of(prep, self.book.groups_of)
        self.start = q(budget) / prep.voters
        self.shares: dict[int, Any] = {}  # column -> exact share of each selection so far

    def run(self, decided: Run) -> Run:
        result = Run(budget=decided.budget, over=decided.over)
        for selection in decided.selections:
            made = self.select(selection.project)
            result.selections.append(made)
            result.keys.append(exact_key(made.raw_rho, self.prep.priority[made.project]))
        if decided.over:
            return result
        chosen = set(result.selected)
        for pid in self.prep.projects:
            if pid not in chosen:
                result.drops.append(self.drop(pid, len(result.selections)))
        return result

    def select(self, pid: str) -> Selection:
        """Price and charge `pid` exactly, from the split the float book proves."""
        priced = self.pricer(pid)
        if priced is None:  # pragma: no cover - would be an engine bug
            raise RuntimeError(f"{pid} was not affordable after all")
        book, q = self.book, self.q
        share, share_error = priced[1]
        groups = book.groups_of[pid]
        budgets = _np.take(book.budgets, groups)
        weights = _np.take(book.weights, groups)
        held = budgets > 0.0
        poor = held & (budgets < share)
        payers, exhausted = int(weights[held].sum()), int(weights[poor].sum())
        rich = budgets[held & ~poor]
        # a rich voter keeps more than 0 exactly if its float budget exceeds the share by more
        # than both errors (a difference of floats rounds by at most u of itself)
        if not len(rich) or not rich.min() - share > (book.worst + share_error) * (1 + 8 * UNIT):
            raise Uncertain(f"does a rich supporter of {pid} pay all it has?")
        cost = q(self.prep.costs[pid])
        exact = (cost - self.money(groups[poor], weights[poor], exhausted)) / (payers - exhausted)
        book.charge(pid, (share, share_error), book.worst)
        self.shares[self.ballots.column[pid]] = exact
        return Selection(pid, exact / q(self.utility[pid]), (payers, cost, exact, exhausted))

    def drop(self, pid: str, after: int) -> Drop:
        """What the supporters of an unselected project have left together."""
        groups = self.book.groups_of[pid]
        held = groups[_np.take(self.book.budgets, groups) > 0.0]
        weights = _np.take(self.book.weights, held)
        money = self.money(held, weights, int(weights.sum()))
        if money >= self.prep.costs[pid]:  # pragma: no cover - would be an engine bug
            raise RuntimeError(f"{pid} was still affordable at the end")
        return Drop(pid, money, after)

    def money(self, groups: Any, weights: Any, voters: int) -> Any:
        """The exact money of `voters` voters with money left, in `groups` of `weights`."""
        money = self.start * voters
        if not voters or not self.shares:
            return money
        counts = self.ballots.counts(groups, weights)
        for column, share in self.shares.items():
            approving = int(counts[column])
            if approving:
                money -= share * approving
        return money


class Ballots:
    """Each voter group's approved projects as column numbers, group after group (CSR)."""

    def __init__(self, column: dict[str, int], starts: Any, lengths: Any, columns: Any) -> None:
        self.column, self.starts, self.lengths, self.columns = column, starts, lengths, columns

    @classmethod
    def of(cls, prep: Prepared, groups_of: dict[str, Any]) -> Ballots:
        """From each project's distinct groups (NumPy index arrays), once per election."""
        cached = prep.cache.get("approval_ballots")
        if cached is None:
            column = {pid: number for number, pid in enumerate(prep.projects)}
            lengths = _np.zeros(prep.groups, dtype=_np.intp)
            for pid in prep.projects:  # (a project's groups are distinct)
                lengths[groups_of[pid]] += 1
            starts = _np.zeros(prep.groups, dtype=_np.intp)
            _np.cumsum(lengths[:-1], out=starts[1:])
            columns = _np.empty(int(lengths.sum()), dtype=_np.int32)
            free = starts.copy()  # the next free entry of each group
            for pid, number in column.items():
                groups = groups_of[pid]
                columns[free[groups]] = number
                free[groups] += 1
            cached = prep.cache["approval_ballots"] = cls(column, starts, lengths, columns)
        return cached

    def counts(self, groups: Any, weights: Any) -> Any:
        """Per column, how many voters of `groups` (of `weights` voters each) approve it
        (float64 counts, exact: below 2^53)."""
        lengths = _np.take(self.lengths, groups)
        ends = _np.cumsum(lengths)
        # the entries of each group: its start, then one after another
        positions = _np.repeat(_np.take(self.starts, groups) - ends + lengths, lengths)
        positions += _np.arange(len(positions))
        approved = _np.take(self.columns, positions)
        return _np.bincount(
            approved, weights=_np.repeat(weights, lengths), minlength=len(self.column)
        )
