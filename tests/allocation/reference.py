"""Naive reference implementations, written straight from the definitions for the tests.

Slow and obvious on purpose: one voter at a time, Fractions everywhere, no grouping, no lazy
evaluation, no search over budgets. The property tests check the engine against these.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from pb.allocation import Instance, Profile
from pb.allocation.satisfaction import SATISFACTIONS


def utilities(instance: Instance, profile: Profile, satisfaction: str) -> list[dict[str, Fraction]]:
    spec = SATISFACTIONS[satisfaction]
    voters = []
    for ballot in profile.ballots:
        u = {pid: Fraction(v) for pid, v in spec.utilities(ballot, instance).items()}
        voters.extend([u] * ballot.weight)
    return voters


def mes(
    instance: Instance, profile: Profile, satisfaction: str, total: Fraction, rank: dict[str, int]
) -> tuple[list[str], list[dict[str, Fraction]]]:
    """Equal Shares with `total` split equally; returns (selection, payments of each voter)."""
    voters = utilities(instance, profile, satisfaction)
    if not voters:
        return [], []
    budget = [Fraction(total) / len(voters)] * len(voters)
    paid: list[dict[str, Fraction]] = [{} for _ in voters]
    cost = {p.id: Fraction(p.cost) for p in instance.projects}
    remaining = {pid for pid in cost if any(u.get(pid, 0) > 0 for u in voters)}
    selected = []
    while True:
        best = None
        for pid in sorted(remaining, key=rank.__getitem__):
            supporters = [i for i, u in enumerate(voters) if u.get(pid, 0) > 0]
            if sum(budget[i] for i in supporters) < cost[pid]:
                continue
            # the smallest rho with sum(min(budget, rho * u)) >= cost, by trying each breakpoint
            candidates = sorted({budget[i] / voters[i][pid] for i in supporters})
            rho = None
            for low in [Fraction(0), *candidates]:
                rich = [i for i in supporters if budget[i] / voters[i][pid] > low]
                poor = sum(budget[i] for i in supporters if i not in rich)
                weight = sum(voters[i][pid] for i in rich)
                if weight == 0:
                    continue
                guess = (cost[pid] - poor) / weight
                if all(budget[i] >= guess * voters[i][pid] for i in rich) and guess >= low:
                    rho = guess
                    break
            assert rho is not None
            if best is None or rho < best[0]:
                best = (rho, pid)
        if best is None:
            return selected, paid
        rho, pid = best
        selected.append(pid)
        remaining.discard(pid)
        for i, u in enumerate(voters):
            if u.get(pid, 0) > 0:
                pay = min(budget[i], rho * u[pid])
                budget[i] -= pay
                paid[i][pid] = pay


def add1(
    instance: Instance,
    profile: Profile,
    satisfaction: str,
    rank: dict[str, int],
    *,
    integral: bool,
    exhaustive: bool,
) -> list[str]:
    """The add1 loop, one unit per voter at a time, exactly as the docs define it."""
    n = profile.num_voters
    budget = Fraction(instance.budget)
    cost = {p.id: Fraction(p.cost) for p in instance.projects}
    if n == 0:
        return []
    start = (budget // n) * n if integral else budget
    voters = utilities(instance, profile, satisfaction)
    supported = {pid for pid in cost if any(u.get(pid, 0) > 0 for u in voters)}
    current, step = mes(instance, profile, satisfaction, start, rank)[0], 0
    while set(current) != supported:
        spent = sum(cost[p] for p in current)
        if exhaustive and all(c > budget - spent for p, c in cost.items() if p not in current):
            break
        following = mes(instance, profile, satisfaction, start + (step + 1) * n, rank)[0]
        if sum(cost[p] for p in following) > budget:
            break
        current, step = following, step + 1
    return current


def welfare(
    instance: Instance, profile: Profile, satisfaction: str, selected: list[str] | tuple[str, ...]
) -> Fraction:
    return sum(
        (u.get(pid, 0) for u in utilities(instance, profile, satisfaction) for pid in selected),
        Fraction(0),
    )


def best_welfare(instance: Instance, profile: Profile, satisfaction: str) -> Fraction:
    """Brute force over every subset."""
    ids = instance.project_ids
    best = Fraction(0)
    for size in range(len(ids) + 1):
        for subset in itertools.combinations(ids, size):
            if sum(instance.by_id[p].cost for p in subset) <= instance.budget:
                best = max(best, welfare(instance, profile, satisfaction, subset))
    return best


def phragmen(instance: Instance, profile: Profile, rank: dict[str, int]) -> list[str]:
    voters = [set(b.supported()) for b in profile.ballots for _ in range(b.weight)]
    load = [Fraction(0)] * len(voters)
    cost = {p.id: Fraction(p.cost) for p in instance.projects}
    remaining = {
        pid for pid in cost if cost[pid] <= instance.budget and any(pid in v for v in voters)
    }
    selected: list[str] = []
    spent = Fraction(0)
    while remaining:

        def new_load(pid: str) -> Fraction:
            supporters = [i for i, v in enumerate(voters) if pid in v]
            return (sum(load[i] for i in supporters) + cost[pid]) / len(supporters)

        lowest = min(new_load(p) for p in remaining)
        tied = sorted((p for p in remaining if new_load(p) == lowest), key=rank.__getitem__)
        if any(spent + cost[p] > instance.budget for p in tied):
            break
        pid = tied[0]
        for i, v in enumerate(voters):
            if pid in v:
                load[i] = lowest
        selected.append(pid)
        remaining.discard(pid)
        spent += cost[pid]
    return selected
