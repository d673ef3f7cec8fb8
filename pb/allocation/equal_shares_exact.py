"""Equal Shares computed in exact rational arithmetic (see `equal_shares` for the definition).

Voters with the same budget and the same satisfaction for a project pay the same, so each
project's supporters are counted per *budget class* (the distinct exact budgets, typically a few
dozen for thousands of voters) with `collections.Counter` over identical-ballot groups, and only
those class values enter the exact arithmetic.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any

from pb.allocation import equal_shares_replay
from pb.allocation.accelerators import Rational
from pb.allocation.equal_shares import (
    Bound,
    Drop,
    Key,
    Prepared,
    Run,
    Selection,
    before,
    exact_key,
)
from pb.allocation.numbers import Number


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


def _setup(prep: Prepared, total_budget: Number, q: Rational) -> tuple[Any, Any, dict[str, Any]]:
    state = _State(prep, q, q(total_budget) / prep.voters)
    pricer = (_Uniform if prep.uniform else _General)(prep, state, q)
    costs = {p: q(prep.costs[p]) for p in prep.projects}
    return state, pricer, costs


def run(
    prep: Prepared,
    total_budget: Number,
    *,
    limit: Number | None = None,
    thresholds: list[Key] | None = None,
    guide: Run | None = None,
    rational: Rational | None = None,
) -> Run:
    """Run MES exactly with `total_budget` split equally among the voters.

    With `limit`, stop as soon as the selected projects cost more than `limit` (the add1
    completion only needs to know that this budget is too much). With `thresholds` (keys of
    another run), at step j every project whose price might come before `thresholds[j]` is
    priced, so that `bounds[j]` is as tight as the add1 search needs. With `guide`, a run with a
    larger budget: while this run repeats its selections, a step whose winner beats the guide's
    bounds is settled by pricing that project alone (see `guided_step`). The outcome is the
    same in every case. `rational` defaults to the election's accelerators' exact type.
    """
    result = Run(budget=total_budget)
    if prep.voters == 0 or not prep.projects:
        return result
    q = rational or prep.accelerators.rational
    _state, pricer, costs = _setup(prep, total_budget, q)
    price, charge = pricer.price, pricer.charge
    # lower bounds of each project's rho (it can only rise as voters spend), with the tie rank
    stale = {p: (costs[p] / q(prep.weight_sat[p]), prep.priority[p]) for p in prep.projects}
    spent: Number = 0
    following = guide is not None
    while stale:
        step = len(result.selections)
        best: str | None = None
        best_key: Any = None
        best_plan: Any = None
        rivals: list[Bound] = []  # lower bounds of the other projects still in play
        theta = thresholds[step] if thresholds and step < len(thresholds) else None
        if following:
            best, best_plan, rivals = guided_step(guide, step, stale, price, costs, theta)  # type: ignore[arg-type]
            if best is not None:
                best_key = (best_plan[0], prep.priority[best])
                best_plan = best_plan[1]
        if best is None:
            best, best_key, best_plan, rivals = _lazy_step(stale, price, costs, theta)
            # the guide can settle later steps as long as this run repeats its selections
            following = (
                following
                and best is not None
                and step < len(guide.selections)  # type: ignore[union-attr]
                and guide.selections[step].project == best  # type: ignore[union-attr]
            )
        if best is None:
            break
        del stale[best]
        payments = charge(best, best_plan)
        if payments[1] != costs[best]:  # pragma: no cover - would be an engine bug
            raise RuntimeError(f"MES charged {payments[1]} for {best}")
        result.selections.append(Selection(best, best_key[0], payments))
        result.keys.append(exact_key(*best_key))
        result.bounds.append(rivals)
        spent += prep.costs[best]
        if limit is not None and spent > limit:
            result.over = True
            break
    return result


def guided_step(
    guide: Run,
    step: int,
    stale: dict[str, Any],
    price: Any,
    costs: dict[str, Any],
    theta: Key | None = None,
) -> tuple[str | None, Any, list[Bound]]:
    """Settle a step by pricing only the project the guide selected at that step.

    Sound when this run has made the guide's selections so far and has a smaller budget: then
    every voter has at most what they had in the guide's run, so every rival's price is at least
    its price there, which `guide.bounds[step]` bounds from below; if the guide's winner, priced
    here, comes before all of those bounds, it wins here too. With a threshold `theta`, the
    guide's bounds must also be clear of it (they become this step's bounds, which the add1
    search compares with `theta`). Returns (None, None, []) when the step cannot be settled
    this way.
    """
    if step >= len(guide.selections):
        return None, None, []
    rivals = guide.bounds[step]
    if theta is not None and not all(before(theta, rival) for rival in rivals):
        return None, None, []
    pid = guide.selections[step].project
    if pid not in stale:
        return None, None, []
    rho, plan = price(pid, costs[pid])
    if rho is None:
        return None, None, []
    key = exact_key(rho, stale[pid][1])
    if all(before(key, rival) for rival in rivals):
        return pid, (rho, plan), rivals
    stale[pid] = (rho, stale[pid][1])
    return None, None, []


def _lazy_step(
    stale: dict[str, Any], price: Any, costs: dict[str, Any], theta: Key | None
) -> tuple[str | None, Any, Any, list[Bound]]:
    """Price projects from the lowest lower bound up until none can beat the best so far."""
    best: str | None = None
    best_key: Any = None
    best_plan: Any = None
    rivals: list[Bound] = []
    for pid, key in sorted(stale.items(), key=itemgetter(1)):
        if best is not None and key > best_key:
            bound = (key[0], key[0], key[1])
            if theta is None or before(theta, bound):
                rivals.append(bound)
                break
        rho, plan = price(pid, costs[pid])
        if rho is None:  # unaffordable now, hence for good: money only goes down
            del stale[pid]
            continue
        key = stale[pid] = (rho, key[1])
        if best is None or key < best_key:
            if best is not None:
                rivals.append((best_key[0], best_key[0], best_key[1]))
            best, best_key, best_plan = pid, key, plan
        else:
            rivals.append((rho, rho, key[1]))
    return best, best_key, best_plan, rivals


def replay(prep: Prepared, decided: Run, *, rational: Rational | None = None) -> Run:
    """Recompute exactly the prices and payments of a run whose decisions are known (from the
    floating-point run), and what the supporters of each unselected project had left at the
    end. Only those projects are priced (from voter counts when the election allows:
    `equal_shares_replay`)."""
    result = Run(budget=decided.budget, over=decided.over)
    if prep.voters == 0 or not prep.projects:
        return result
    q = rational or prep.accelerators.rational
    counted = equal_shares_replay.replay(prep, decided, q)
    if counted is not None:
        return counted
    _state, pricer, costs = _setup(prep, decided.budget, q)
    for selection in decided.selections:
        pid = selection.project
        rho, plan = pricer.price(pid, costs[pid])
        if rho is None:  # pragma: no cover - would be an engine bug
            raise RuntimeError(f"{pid} was not affordable after all")
        payments = pricer.charge(pid, plan)
        result.selections.append(Selection(pid, rho, payments))
        result.keys.append(exact_key(rho, prep.priority[pid]))
    if decided.over:
        return result
    chosen = set(result.selected)
    for pid in prep.projects:
        if pid not in chosen:
            rho, money = pricer.price(pid, costs[pid])
            if rho is not None:  # pragma: no cover - would be an engine bug
                raise RuntimeError(f"{pid} was still affordable at the end")
            result.drops.append(Drop(pid, money, len(result.selections)))
    return result
