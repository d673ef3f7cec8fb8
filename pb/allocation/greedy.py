"""The greedy family: take projects from the best score down while the money lasts.

How projects are ranked depends on the satisfaction measure (`ranking_value`):

- approval, `cost` satisfaction (the default): by number of votes. This is the usual greedy rule
  and equals pabutools' `greedy_utilitarian_welfare` with `Cost_Sat` (total satisfaction per unit
  of cost = votes);
- approval, `cardinality`: by votes per unit of cost (pabutools with `Cardinality_Sat`);
- cumulative (`points`) and ordinal (`positional`, `borda`): by the project's total score, as
  pabulib's greedy counts Częstochowa, Katowice and Kraków.

Ties in the ranking go to the project earlier in the tie-break order. As pabulib (its checker)
and pabutools define greedy, projects nobody voted for come last and are funded if money is
left over; `greedy-threshold` with a threshold of 1 avoids that.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pb.allocation.election import Election, TraceRecorder
from pb.allocation.errors import InvalidElectionError
from pb.allocation.numbers import Number
from pb.allocation.outcome import Outcome

FLOAT_SAFE = 2**52
"""Votes per unit of cost are compared as float quotients when every vote count and cost is a
whole number and the largest count times the largest cost is below this. Why that is exact: two
different quotients a/b and c/d differ by at least 1/(bd), which relative to the larger is at
least 1/max(ad, cb) > 2**-52, while each correctly rounded float quotient is off by at most
2**-53 of its value; equal quotients round to the same float. So the floats sort and tie
exactly as the fractions do."""


def ranking_value(election: Election, project_id: str) -> Number:
    """The number greedy sorts projects by, highest first."""
    score = election.scores[project_id]
    if election.satisfaction == "cardinality":
        return Fraction(score) / election.costs[project_id]
    return score


def _sort_values(election: Election, candidates: list[str]) -> dict[str, Number | float]:
    """Values that order the candidates as `ranking_value` does (see `FLOAT_SAFE`)."""
    scores = election.scores
    if election.satisfaction != "cardinality":
        return scores
    costs = election.costs
    numbers = [scores[pid] for pid in candidates] + [costs[pid] for pid in candidates]
    if candidates and all(type(n) is int for n in numbers):
        most = max(scores[pid] for pid in candidates) * max(costs[pid] for pid in candidates)
        if most < FLOAT_SAFE:
            return {pid: scores[pid] / costs[pid] for pid in candidates}
    return {pid: ranking_value(election, pid) for pid in candidates}


def ranked(election: Election, candidates: list[str]) -> list[str]:
    """Candidates from best to worst; ties broken by the tie-break priority."""
    value, priority = _sort_values(election, candidates), election.priority
    return sorted(candidates, key=lambda pid: (-value[pid], priority[pid]))


def _candidates(election: Election, trace: TraceRecorder, threshold: Number | None) -> list[str]:
    """Projects that may be funded, best first; those under the threshold are rejected now."""
    candidates = []
    for pid in election.instance.project_ids:
        if threshold is not None and election.scores[pid] < threshold:
            trace.reject(pid, "below_threshold")
        else:
            candidates.append(pid)
    return ranked(election, candidates)


def _run(
    election: Election,
    rule: str,
    *,
    skip: bool,
    threshold: Number | None,
    details: dict[str, Any] | None = None,
) -> Outcome:
    trace = TraceRecorder(election)
    stopped = False
    for pid in _candidates(election, trace, threshold):
        if stopped:
            trace.reject(pid, "stopped_no_skip")
        elif election.costs[pid] <= trace.remaining:
            trace.select(pid, "greedy")
        else:
            trace.reject(pid, "does_not_fit")
            stopped = not skip
    found = dict(details or {})
    if threshold is not None:
        found["threshold"] = threshold
    return trace.outcome(rule, found)


def greedy(election: Election) -> Outcome:
    """Select projects from the highest score down, skipping those that no longer fit.

    Ties are broken by the election's tie-break order.
    """
    return _run(election, "greedy", skip=True, threshold=None)


def greedy_exclusive(election: Election) -> Outcome:
    """Greedy for elections with conflict groups (Warszawa): `allocate` withdraws a project
    that conflicts with one already funded (see `pb.allocation.conflicts`); with no conflict
    declared it is plain greedy."""
    return _run(election, "greedy-exclusive", skip=True, threshold=None)


def greedy_no_skip(election: Election) -> Outcome:
    """Like `greedy`, but stop at the first project that does not fit (Gdynia's rule).

    When META has `min_project_score_threshold` (Gdynia 2020), a project scoring under it is
    never funded, and it does not stop the counting: it is not a candidate at all.
    """
    threshold = election.instance.min_project_score_threshold
    return _run(election, "greedy-no-skip", skip=False, threshold=threshold)


def greedy_threshold(election: Election) -> Outcome:
    """Like `greedy`, but only projects whose score is at least META
    `min_project_score_threshold` can be funded (Łódź, Katowice)."""
    threshold = election.instance.min_project_score_threshold
    if threshold is None:
        raise InvalidElectionError(
            "greedy-threshold needs min_project_score_threshold in the election's META"
        )
    return _run(election, "greedy-threshold", skip=True, threshold=threshold)


def greedy_with(election: Election, rule: str, details: dict[str, Any]) -> Outcome:
    """`greedy` on the election's scores, reported under another rule's name and details (the
    second stage of rules that first compute their own scores, e.g. `pairwise-copeland`)."""
    return _run(election, rule, skip=True, threshold=None, details=details)


DEFAULT_RESERVE_SHARE = Fraction(4, 5)
"""Poznań's reserve covers the first project that did not fit when the money left is at least
80% of its cost; META `reserve_share` changes the share."""


def reserve_share(election: Election) -> Number:
    """The share of a project's cost the money left must cover for the reserve to fund it."""
    share = election.instance.constraint("reserve_share")
    if share is None:
        return DEFAULT_RESERVE_SHARE
    if not 0 < share <= 1:
        raise InvalidElectionError(f"META reserve_share must be in (0, 1], not {share}")
    return share


def greedy_custom(election: Election) -> Outcome:
    """Poznań's reserve rule: greedy without skipping; then the first project that did not fit
    is funded from a reserve if the money left covers at least `reserve_share` of its cost
    (80% by default), and counting stops there. At most one project comes from the reserve.

    The outcome's details name it (`reserve_project`) and the reserve it used
    (`reserve_used`, its cost minus the money that was left); the total cost then exceeds the
    budget by exactly that amount. Ties are broken by the election's tie-break order.
    """
    share = reserve_share(election)
    trace = TraceRecorder(election)
    details: dict[str, Number | str] = {"reserve_share": share}
    stopped = False
    for pid in _candidates(election, trace, election.instance.min_project_score_threshold):
        cost = election.costs[pid]
        if stopped:
            trace.reject(pid, "stopped_no_skip")
        elif cost <= trace.remaining:
            trace.select(pid, "greedy")
        else:
            stopped = True
            if trace.remaining >= share * cost:
                details["reserve_project"] = pid
                details["reserve_used"] = cost - trace.remaining
                trace.select(pid, "reserve")
            else:
                trace.reject(pid, "does_not_fit")
    return trace.outcome("greedy-custom", details)
