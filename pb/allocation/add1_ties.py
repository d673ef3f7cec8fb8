"""Near-ties that last: proving that a step's winner wins it at every budget of a range.

`same_outcome_between` compares the winner's price at the range's lower budget with each
rival's lower bound at its higher one, so two projects a small gap apart fail it as soon as
their prices fall by more than the gap over the range, although both fall alike and the
winner stays ahead (docs/allocation.md, "Fewer runs at a million voters (stop 31)"). This
module compares both prices at the *same* budget, from bounds on every supporter's budget
at the step, as a function of the per-voter budget x between the range's ends lo and hi:

- a voter rich at lo at every step so far (paid the price, not all they had) is rich at x too
  and paid no more there (prices only fall as x rises): their budget at x is at least
  theirs at lo plus (x - lo); any other voter has at least what they had at lo;
- a voter rich at x at every step so far paid at least the price at hi: their budget at x is
  at most theirs at hi minus (hi - x); one poor at x at some step has nothing left.

A higher budget lowers a price, so on a part [a, b] of the range the winner's price is at
most its price at the budgets bounded below at a, and a rival's at least its price at the
budgets bounded above at b. Both are checked against one price t per part, without pricing
either project: the winner's supporters, at those budgets, pay at least its cost at t (so its
price is at most t), the rival's pay less than its cost at t (so its price is above t). If so
for every rival on every part, the winner wins the step throughout. t is aimed between the
two projects' prices at the range's ends, interpolated. Floating point with each operation
rounded outwards (`numpy.nextafter`), and every sum widened by a bound of its rounding error:
an answer is either proven or no answer.

A voter's budget after some steps, all with the same selections before, is
max(0, start - what the selections so far ask of them): once they have paid all they had,
they pay nothing more. So the budgets at a step are one sum per voter, not a replay.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from pb.allocation.equal_shares import Prepared, Run

PARTS = (16,)
"""The range is cut into this many equal parts, in turn, until every part is proven."""

MOST_VOTERS = 200_000
"""Above this many voters the proof is not tried: its work grows with the supporters of the
projects in a near-tie (popular ones, at every scale measured) faster than a run's does
(Budapest's 29,000 voters: about 1.2 ms a try against 1.7 ms a run; a million: about 0.1 s
against 0.05 s; docs/allocation.md, stop 32)."""
EPS = 2.0**-52
TINY = 2.0**-1000
NEWTON = 4
"""Newton's steps to approximate a price at the ends of the range (aiming, not proving)."""
MARGIN = 1e-9
"""How far, relatively, the aimed price stays from a project's approximate price."""


def narrowed(prep: Prepared, low: Run, high: Run) -> tuple[str, ...] | None:
    """`high.candidates` without the rivals proven never to win the step where `high` was cut
    at a budget between `low`'s and `high`'s (`high` made the same selections as `low` before
    it, proven for every budget in between; `low`'s winner there is `high`'s)."""
    candidates = high.candidates
    np = prep.accelerators.np
    if candidates is None or len(candidates) < 2 or np is None or prep.voters == 0:
        return candidates
    if prep.voters > MOST_VOTERS:
        return candidates
    step = len(high.selections)
    winner = candidates[0]
    if len(low.floors) <= step or len(high.floors) <= step:  # (exact runs keep none)
        return candidates
    if not _exact_floats(prep):
        return candidates
    if step >= len(low.selections) or low.selections[step].project != winner:
        return candidates
    if low.selected[:step] != high.selected or high.budget <= low.budget:
        return candidates
    exact_span = Fraction(high.budget - low.budget) / prep.voters
    span = float(exact_span)
    if Fraction(span) != exact_span:  # (whole units per voter in add1: never so)
        return candidates
    if len(low.floors) <= step or len(high.floors) <= step:  # (exact runs keep none)
        return candidates
    if not _exact_floats(prep):
        return candidates
    guesses = _ends(low, high, step, winner)
    if guesses is None:
        return candidates
    ours = _Side(np, prep, winner, low, step, span, guesses, lower=True)
    rivals = [r for r in candidates[1:] if not _ahead(np, prep, ours, r, low, high, span)]
    return (winner, *rivals)


class _Side:
    """A project's supporters with bounds of their budgets at the step, at the range's lower
    end (`lower`: and whether each was certainly rich at every step so far) or its higher."""

    def __init__(
        self,
        np: Any,
        prep: Prepared,
        pid: str,
        run: Run,
        step: int,
        span: float,
        guesses: tuple[float, float],
        *,
        lower: bool,
    ) -> None:
        index, self.utils, self.weights = _support(np, prep, pid)
        self.budgets, self.rich = _held(np, prep, run, step, pid, index, lower=lower)
        self.cost = _away(float(prep.costs[pid]), 1 if lower else -1)
        self.np, self.span, self.lower = np, span, lower
        ends = (self.at(0.0), self.at(span)) if lower else (self.at(-span), self.at(0.0))
        at = self.utils, self.weights, self.cost
        self.ends = tuple(_approximate(np, held, *at, guesses[i]) for i, held in enumerate(ends))

    def at(self, shift: Any) -> Any:
        """Budget bounds moved by `shift` per voter (one row per shift if an array): raised
        for the certainly rich (lower end), lowered for all (higher end), rounded towards the
        safe side."""
        np = self.np
        if np.ndim(shift) == 0 and shift == 0:
            return self.budgets
        shift = np.asarray(shift, dtype=np.float64)[..., None]
        if self.lower:
            moved = _round(np, self.budgets + np.where(self.rich, shift, 0.0), -1)
        else:
            moved = _round(np, self.budgets + shift, 1)
        return np.maximum(moved, 0.0)

    def aimed(self, where: Any) -> Any:
        """The approximate price at per-voter offsets `where` from the lower end, interpolated
        between the ends' (None if unaffordable at an end)."""
        first, last = self.ends
        if first is None or last is None:
            return None
        return first + (last - first) * (where / self.span)

    def unaffordable(self) -> bool:
        """True if the supporters' budgets (bounded above) certainly fall short of the cost."""
        total = float(self.budgets @ self.weights)
        return total + (self.utils.size + 4) * 2 * EPS * total < self.cost

    def pays(self, shift: Any, rho: Any) -> Any:
        """What the supporters pay together at price `rho` with budgets moved by `shift`
        (arrays: one row each): at least that (lower end) or at most (higher end)."""
        np = self.np
        held = self.at(shift)
        asked = np.minimum(held, np.asarray(rho, dtype=np.float64)[..., None] * self.utils)
        total = asked @ self.weights
        slack = (self.utils.size + 4) * 2 * EPS * total  # (products and sum, terms >= 0)
        return total - slack if self.lower else total + slack


def _ends(low: Run, high: Run, step: int, pid: str) -> tuple[float, float] | None:
    """`pid`'s price at the step, as the two runs found it (approximately: the lower bound
    of a rival not priced there), or None if either found it unaffordable."""
    first, last = low.floors[step].get(pid), high.floors[step].get(pid)
    if first is None or last is None:
        return None
    return float(first[0]), float(last[0])


def _ahead(
    np: Any, prep: Prepared, ours: _Side, rival: str, low: Run, high: Run, span: float
) -> bool:
    """True if `ours`'s project's price is below `rival`'s at every budget of the range."""
    step = len(high.selections)
    guesses = _ends(low, high, step, rival)
    if guesses is None:
        return False
    theirs = _Side(np, prep, rival, high, step, span, guesses, lower=False)
    if theirs.ends[1] is None:  # (approximately) unaffordable at the higher end: if so for
        return theirs.unaffordable()  # certain, it is unaffordable at every budget below
    return any(_every_part(np, ours, theirs, span, parts) for parts in PARTS)


def _every_part(np: Any, ours: _Side, theirs: _Side, span: float, parts: int) -> bool:
    """True if on each of `parts` equal parts of the range, one price is proven above
    `ours`'s project's and below `theirs`'s."""
    edges = span * np.arange(parts + 1) / parts
    edges[-1] = span
    mine, yours = ours.aimed(edges[:-1]), theirs.aimed(edges[1:])
    if mine is None or yours is None:
        return False
    top, bottom = mine * (1 + MARGIN), yours * (1 - MARGIN)
    if not bool(np.all(top < bottom)):
        return False
    aims = (top + bottom) / 2
    # the parts' ends, rounded towards the safe side: less added below, less taken off above
    rises = np.where(edges[:-1] > 0, np.nextafter(edges[:-1], -np.inf), 0.0)
    falls = np.where(edges[1:] < span, np.nextafter(span - edges[1:], -np.inf), 0.0)
    return bool(np.all(ours.pays(rises, aims) >= ours.cost)) and bool(
        np.all(theirs.pays(-falls, aims) < theirs.cost)
    )


def _round(np: Any, values: Any, direction: int) -> Any:
    """`values` moved towards +inf (`direction` 1) or -inf (-1) by more than the rounding
    error of the one operation that computed each (at most half a unit in the last place of
    the result, that is |value| x EPS / 2, or TINY below the normal floats)."""
    return values + direction * (np.abs(values) * (4 * EPS) + TINY)


def _start(prep: Prepared, run: Run, direction: int) -> float:
    """Each voter's budget at the start of `run`, rounded in `direction`."""
    return _away(float(Fraction(run.budget) / prep.voters), direction)


def _away(value: float, direction: int) -> float:
    """`value` moved one float towards +inf (`direction` 1) or -inf (-1)."""
    return math.nextafter(value, math.inf if direction > 0 else -math.inf)


def _held(
    np: Any, prep: Prepared, run: Run, step: int, pid: str, index: Any, *, lower: bool
) -> tuple[Any, Any]:
    """Bounds of the budgets of `pid`'s supporters after `run`'s first `step` selections
    (and, at the lower end, whether each was certainly rich at every one of them); kept for
    the last few runs asked about (the search's current run is the lower end again and again)."""
    cache = prep.cache.setdefault("add1_ties_held", {})
    key = (id(run), step, pid, lower)
    found = cache.get(key)
    if found is None or found[0] is not run:
        owed = _paid_so_far(np, prep, run, step, pid, index, upper=lower)
        left = _round(np, _start(prep, run, -1 if lower else 1) - owed, -1 if lower else 1)
        if len(cache) >= 16:
            cache.clear()
        found = cache[key] = (run, np.maximum(left, 0.0), left >= 0 if lower else None)
    return found[1], found[2]


def _paid_so_far(
    np: Any, prep: Prepared, run: Run, step: int, pid: str, index: Any, *, upper: bool
) -> Any:
    """What `run`'s first `step` prices ask of each group of `index` together (rho x u,
    summed): at least (not `upper`) or at most; each group's budget there is
    max(0, start - that)."""
    number = _ballots(np, prep)[2]
    rhos = np.zeros(len(number))
    for j in range(step):
        rho = max(_away(float(run.keys[j][1 if upper else 0]), 1 if upper else -1), 0.0)
        rhos[number[run.selections[j].project]] = rho
    rows, projects, utils = _entries(np, prep, pid, index)
    total = np.bincount(rows, rhos[projects] * utils, minlength=len(index))
    # (at most `step` products, each rounded once, then summed: all terms >= 0)
    widen = 1 + (step + 4) * 2 * EPS
    return total * widen if upper else total / widen


def _ballots(np: Any, prep: Prepared) -> tuple[Any, Any, dict[str, int], Any]:
    """Every group's supported projects (by number) and their satisfaction, with each
    project's number, group g's being entries starts[g] to starts[g + 1]; made once per
    election."""
    found = prep.cache.get("add1_ties_ballots")
    if found is None:
        number = {pid: i for i, pid in enumerate(prep.projects)}
        groups, projects, utils = [], [], []
        for pid in prep.projects:
            for u, members in prep.members[pid]:
                groups.append(_groups(np, prep, members))
                projects.append(np.full(len(members), number[pid], dtype=np.int64))
                utils.append(np.full(len(members), float(u)))
        by_group = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
        order = np.argsort(by_group, kind="stable")
        counts = np.bincount(by_group, minlength=prep.groups)
        starts = np.concatenate(([0], np.cumsum(counts)))
        found = (np.concatenate(projects)[order], np.concatenate(utils)[order], number, starts)
        prep.cache["add1_ties_ballots"] = found
    return found


def _entries(np: Any, prep: Prepared, pid: str, index: Any) -> tuple[Any, Any, Any]:
    """The entries of `_ballots` of `pid`'s supporter groups `index`: for each, its group's
    row in `index`, its project's number and its satisfaction; made once per project."""
    arrays = prep.cache.setdefault("add1_ties_entries", {})
    found = arrays.get(pid)
    if found is None:
        projects, utils, _number, starts = _ballots(np, prep)
        first, lengths = starts[index], starts[index + 1] - starts[index]
        rows = np.repeat(np.arange(len(index)), lengths)
        entries = np.arange(rows.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entries += np.repeat(first, lengths)
        found = arrays[pid] = (rows, projects[entries], utils[entries])
    return found


def _groups(np: Any, prep: Prepared, groups: list[int]) -> Any:
    """`groups` as an index array, made once per election."""
    arrays = prep.cache.setdefault("add1_ties_groups", {})
    found = arrays.get(id(groups))
    if found is None or found[0] is not groups:
        found = arrays[id(groups)] = (groups, np.asarray(groups, dtype=np.int64))
    return found[1]


def _exact_floats(prep: Prepared) -> bool:
    """Whether every satisfaction and weight is a float exactly (whole numbers, as with cost,
    cardinality and points): the bounds round every operation but take these as they are."""
    found = prep.cache.get("add1_ties_exact")
    if found is None:
        values = [u for levels in prep.members.values() for u, _groups in levels]
        found = all(Fraction(float(v)) == v for v in values) and max(prep.weights) < 2**53
        prep.cache["add1_ties_exact"] = found
    return found


def _support(np: Any, prep: Prepared, pid: str) -> tuple[Any, Any, Any]:
    """`pid`'s supporter groups, their satisfaction and their weights, as arrays made once."""
    arrays = prep.cache.setdefault("add1_ties_support", {})
    found = arrays.get(pid)
    if found is None:
        levels = prep.members[pid]
        index = np.concatenate([_groups(np, prep, groups) for _u, groups in levels])
        utils = np.concatenate([np.full(len(groups), float(u)) for u, groups in levels])
        weights = prep.cache.get("add1_ties_weights")
        if weights is None:
            weights = prep.cache["add1_ties_weights"] = np.asarray(prep.weights, dtype=np.float64)
        found = arrays[pid] = (index, utils, weights[index])
    return found


def _approximate(np: Any, held: Any, utils: Any, weights: Any, cost: float, guess: float) -> Any:
    """The price at which the supporters with `held` pay `cost`, approximately (None if they
    cannot): Newton's steps from `guess` on what they pay, a concave piecewise linear function
    of the price, so that every step after the first lands at or below the price."""
    if float(weights @ held) < cost:
        return None
    rho = guess
    for _ in range(NEWTON):
        asked = rho * utils
        rich = held >= asked
        slope = float(weights[rich] @ utils[rich])
        paid = float(weights @ np.minimum(held, asked))
        if slope <= 0 or abs(paid - cost) <= 1e-12 * cost:
            break
        rho += (cost - paid) / slope
    return rho
