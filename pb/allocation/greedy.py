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

PER_COST = frozenset({"cost", "cardinality"})
"""Satisfactions under which greedy ranks by satisfaction per unit of cost."""


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


def _run(
    election: Election,
    rule: str,
    *,
    skip: bool,
    threshold: Number | None,
    details: dict[str, Any] | None = None,
) -> Outcome:
    trace = TraceRecorder(election)
    candidates = []
    for pid in election.instance.project_ids:
        if threshold is not None and election.scores[pid] < threshold:
            trace.reject(pid, "below_threshold")
        else:
            candidates.append(pid)
    stopped = False
    for pid in ranked(election, candidates):
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


def greedy_no_skip(election: Election) -> Outcome:
    """Like `greedy`, but stop at the first project that does not fit (Gdynia's rule)."""
    return _run(election, "greedy-no-skip", skip=False, threshold=None)


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
