"""The reach of a floating-point Equal Shares run: what MES can select between two budgets.

A run computed against one at a lower budget (`below`) checks, step by step, that each
selection is proven for every budget in between (`proven`: the step-by-step proof of
`add1_proofs.same_outcome_between`); at the first step that is not, it records its *reach*
(`reach`) and the projects that may win that step in between (`candidates`). Split from
`equal_shares_float`, whose run calls these.
"""

from __future__ import annotations

from typing import Any

from pb.allocation.equal_shares import Bound, Run, before
from pb.allocation.numbers import Number


def candidates(below: Run, step: int, best: str, stale: dict[str, Bound]) -> tuple[str, ...] | None:
    """`best`, then every other project that may win `step` at a budget between `below`'s and
    this run's, both runs having made the same selections before it.

    At such a budget `below`'s winner costs at most its price at `below`'s budget, and any
    other project at least its lower bound here; a project whose lower bound comes after
    that price cannot win; one dropped here is unaffordable there.
    """
    if step >= len(below.selections):
        return None
    key, first = below.keys[step], below.selections[step].project
    others = {pid for pid, bound in stale.items() if not before(key, bound)} | {first}
    return (best, *sorted(others - {best}))


def proven(below: Run, step: int, best: str, rivals: list[Bound]) -> bool:
    """True if `below`'s selection at `step` is proven to be made at every budget between
    `below`'s and this run's (the step-by-step proof of `add1_proofs.same_outcome_between`)."""
    return (
        step < len(below.selections)
        and below.selections[step].project == best
        and all(before(below.keys[step], rival) for rival in rivals)
    )


def reach(
    result: Run,
    stale: dict[str, Bound],
    affordable: set[str],
    pricer: Any,
    book: Any,
    costs: dict[str, Number],
    spent: Number,
    limit: Number | None,
    room: bool = False,
) -> frozenset[str]:
    """At the first step whose selection is not proven for every budget between `below`'s
    and this run's: the projects selected so far and those still affordable here.

    Every budget in between makes the same selections up to this step (proven step by step),
    and every voter has at most what they have here (`same_outcome_between`'s argument), so a
    project its supporters cannot pay for here is never selected there either. Projects in play
    are priced, most expensive first, until the reach costs no more than `limit` (which is all
    the add1 search needs to know; with `room`, also until a project outside it fits in what
    it leaves, which the exhaustive stop needs: see `add1_proofs.within_budget_between`), or
    until those found affordable already cost more; those not priced are kept, to be safe.
    """
    kept = set(stale)
    total = spent + sum(costs[pid] for pid in kept)
    certain = spent + sum(costs[pid] for pid in affordable)  # the reach costs at least this
    for pid in sorted(kept - affordable, key=costs.__getitem__, reverse=True):
        if limit is None or certain > limit:
            break
        if total <= limit and not (room and nothing_else_fits(result, kept, costs, limit - total)):
            break
        priced = pricer(pid)
        if priced is None:  # unaffordable now, hence for good
            kept.discard(pid)
            total -= costs[pid]
            del stale[pid]
            book.forget(pid)
        else:  # its price now bounds its later prices from below
            certain += costs[pid]
            key = priced[0]
            stale[pid] = (key[0], key[2], key[3])
    return frozenset(result.selected) | kept


def nothing_else_fits(result: Run, kept: set[str], costs: dict[str, Number], left: Number) -> bool:
    """True if no project outside the reach fits in `left` (so the reach may be exhaustive)."""
    chosen = set(result.selected)
    return not any(
        cost <= left for pid, cost in costs.items() if pid not in kept and pid not in chosen
    )
