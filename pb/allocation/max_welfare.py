"""Utilitarian welfare maximisation: the set of projects with the highest total satisfaction
that fits in the budget (a 0/1 knapsack), solved exactly.

Every number is an integer (costs and satisfactions are scaled by the common denominator when
they are fractions), so no solver tolerance can decide a winner: the branch and bound below
only discards a branch when an exact upper bound proves it cannot beat the best set found, and
it stops only when no branch is left, which proves the result optimal.

Ties between optimal sets are broken by the tie-break order, lexicographically: among the sets
with the highest welfare, the one containing the highest-priority project on which they differ.
This is exact too: each project's welfare is multiplied by 2^n and its tie-break bonus 2^(n-1-rank)
added, so the bonuses of any set sum to less than one unit of welfare. Projects nobody supports
add nothing and are never selected.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from pb.allocation.election import Election, TraceRecorder
from pb.allocation.numbers import Number
from pb.allocation.outcome import Outcome


def welfare(election: Election) -> dict[str, Number]:
    """Project id -> total satisfaction of all voters with it (the knapsack profit)."""
    totals: dict[str, Number] = dict.fromkeys(election.instance.project_ids, 0)
    for weight, utilities in election.groups:
        for pid, u in utilities.items():
            totals[pid] += weight * u
    return totals


def _integers(values: list[Number]) -> list[int]:
    scale = lcm(*(Fraction(v).denominator for v in values)) if values else 1
    return [int(v * scale) for v in values]


def knapsack(costs: list[int], profits: list[int], capacity: int) -> list[int]:
    """Indices of an optimal 0/1 knapsack solution (all inputs positive integers).

    Depth-first branch and bound over the items in decreasing profit/cost order, with the
    Dantzig bound (the fractional relaxation), compared in integer arithmetic; the first
    solution is the greedy one. When several solutions reach the optimum, the first found is
    returned (the caller makes profits distinct, so there is only one).
    """
    n = len(costs)
    order = sorted(range(n), key=lambda i: Fraction(profits[i], costs[i]), reverse=True)
    weight = [costs[i] for i in order]
    value = [profits[i] for i in order]

    def bound(position: int, room: int, gained: int) -> tuple[int, int]:
        """The fractional relaxation's value from here, as (numerator, denominator)."""
        while position < n and weight[position] <= room:
            room -= weight[position]
            gained += value[position]
            position += 1
        if position < n and room:
            return gained * weight[position] + room * value[position], weight[position]
        return gained, 1

    best_value, best_taken = -1, None
    Taken = tuple[int, "Taken"] | None  # a linked list of positions, shared between branches
    stack: list[tuple[int, int, int, Taken]] = [(0, capacity, 0, None)]
    while stack:
        position, room, gained, taken = stack.pop()
        numerator, denominator = bound(position, room, gained)
        if numerator <= best_value * denominator:
            continue  # cannot beat the best set found so far
        if position == n:
            best_value, best_taken = gained, taken
            continue
        stack.append((position + 1, room, gained, taken))  # then without the item
        if weight[position] <= room:  # first with the item
            stack.append(
                (position + 1, room - weight[position], gained + value[position], (position, taken))
            )
    chosen = []
    while best_taken is not None:
        position, best_taken = best_taken
        chosen.append(order[position])
    return sorted(chosen)


def max_welfare(election: Election) -> Outcome:
    """The feasible set of projects with the highest total satisfaction; exact; ties by the
    tie-break order (see the module docstring)."""
    totals = welfare(election)
    trace = TraceRecorder(election)
    candidates = []
    for pid in election.instance.project_ids:
        if totals[pid] == 0:
            trace.reject(pid, "no_supporters")
        elif election.costs[pid] > election.budget:
            trace.reject(pid, "does_not_fit")
        else:
            candidates.append(pid)
    candidates.sort(key=election.priority.__getitem__)
    n = len(candidates)
    scaled = _integers([totals[pid] for pid in candidates])
    profits = [(w << n) + (1 << (n - 1 - rank)) for rank, w in enumerate(scaled)]
    money = _integers([election.costs[pid] for pid in candidates] + [election.budget])
    capacity = money.pop()
    chosen = {candidates[i] for i in knapsack(money, profits, capacity)} if n else set()
    best = sum((totals[pid] for pid in chosen), 0)
    for pid in sorted(chosen, key=lambda p: (-totals[p], election.priority[p])):
        trace.select(pid, "optimal")
    for pid in candidates:
        if pid not in chosen:
            trace.reject(pid, "not_optimal")
    return trace.outcome("max-welfare", {"welfare": best})
