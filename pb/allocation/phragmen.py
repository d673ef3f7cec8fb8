"""Sequential Phragmén for participatory budgeting (approval ballots), in exact arithmetic.

Voters earn virtual money continuously, at the same rate. As soon as the supporters of a project
together have earned its cost, they buy it and spend everything they have (every supporter's
*load* becomes the time of purchase). Equivalently: at each step, select the project whose
purchase would give its supporters the lowest common load

    new_load(p) = (cost(p) + sum of its supporters' current loads) / number of supporters.

The rule stops at the first such project that does not fit in the remaining budget (as in
pabutools and in the literature on PB); projects costing more than the whole budget are never
candidates. Ties in the new load go to the project earlier in the tie-break order; as in
pabutools, if any project tied for the lowest load does not fit, the rule stops.
"""

from __future__ import annotations

from typing import Any

from pb.allocation.accelerators import Rational
from pb.allocation.election import Election, TraceRecorder, group_utilities
from pb.allocation.equal_shares import to_number
from pb.allocation.outcome import Outcome, Payments


def phragmen(election: Election, *, rational: Rational | None = None) -> Outcome:
    """Sequential Phragmén; see the module docstring. Ties: tie-break order. `rational`
    defaults to the election's accelerators' exact type."""
    q = rational or election.accelerators.rational
    trace = TraceRecorder(election)
    budget = election.budget
    # (voters, {project: 1}) per distinct approval ballot
    groups = group_utilities(election.instance, election.profile, "cardinality")
    members: dict[str, list[int]] = {}
    for index, (_weight, utilities) in enumerate(groups):
        for pid in utilities:
            members.setdefault(pid, []).append(index)
    candidates = []
    for pid in election.instance.project_ids:
        if pid not in members:
            trace.reject(pid, "no_supporters")
        elif election.costs[pid] > budget:
            trace.reject(pid, "does_not_fit")
        else:
            candidates.append(pid)
    supporters = {pid: sum(groups[g][0] for g in members[pid]) for pid in candidates}
    load = [q(0)] * len(groups)
    carried: dict[str, Any] = {pid: q(0) for pid in candidates}  # sum of supporters' loads
    priority = election.priority
    remaining = set(candidates)
    while remaining:
        keyed = {pid: (carried[pid] + election.costs[pid]) / supporters[pid] for pid in remaining}
        lowest = min(keyed.values())
        tied = sorted((pid for pid, value in keyed.items() if value == lowest), key=priority.get)
        if any(election.costs[pid] > trace.remaining for pid in tied):
            first = next(pid for pid in tied if election.costs[pid] > trace.remaining)
            trace.reject(first, "does_not_fit")
            for pid in sorted(remaining - {first}, key=lambda p: (keyed[p], priority[p])):
                trace.reject(pid, "stopped_no_skip")
            break
        chosen = tied[0]
        remaining.discard(chosen)
        new_load = lowest
        largest = 0
        for group in members[chosen]:
            weight, utilities = groups[group]
            delta = new_load - load[group]
            largest = max(largest, delta)
            if delta:
                load[group] = new_load
                increase = delta * weight
                for pid in utilities:
                    if pid in remaining:
                        carried[pid] += increase
        trace.select(
            chosen,
            "phragmen",
            price=to_number(new_load),
            payments=Payments(
                payers=supporters[chosen],
                total=election.costs[chosen],
                max_payment=to_number(q(largest)),
                exhausted=0,
            ),
        )
    return trace.outcome("phragmen")
