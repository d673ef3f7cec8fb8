"""Equal Shares in floating point, with every decision proven exact.

Approval ballots (`Gathered`: supporters' budgets sorted, an equal share) and points or rankings
(`Weighted`: supporters sorted by budget per unit of satisfaction, payments in proportion) are
both covered.

Each voter group's budget is a float, and one number `error` bounds how far any non-zero float
budget can be from the exact rational budget (zero budgets are exact: a voter who pays all they
have is set to 0.0). Every decision of a step is taken only if it holds for every exact value
within the bounds:

- a project is dropped only if its supporters' money plus the error is below its cost, and
  priced only if the money minus the error reaches it;
- the poor/rich boundary of the water-filling is accepted only if the largest poor budget and
  the smallest rich budget are each further from the share than both errors together;
- the selected project's price interval must lie strictly before every rival's lower bound,
  unless both prices are exact (when no supporter is short, the price is cost / total
  satisfaction exactly, a rational kept exactly), in which case the tie rank decides as in the
  exact run.

Otherwise the run raises `Uncertain` and the caller recomputes it exactly. Errors are bounded
with the standard model of IEEE 754 double arithmetic (each operation's relative error is at most
u = 2^-53; a sum of k terms is off by at most k·u times the sum of magnitudes) and inflated
generously, so the bounds are safe, not tight. The float path never decides differently from the
exact path: it either agrees or gives up.

This module is the proof: the run, which decides a step only when the bounds settle it, and the
guides that let a step be settled by pricing a single project. The pricing, which computes each
project's price interval and proves its poor/rich boundary, is in the *books*, one per ballot
shape: `equal_shares_approval` (`Gathered`), `equal_shares_weighted` (`Weighted`), and, when the
caller's accelerators allow NumPy and the election has `Accelerators.mes_min_voters` voters or
more, `equal_shares_numpy` (`NumpyGathered`, `NumpyWeighted`). `NumpyWeighted` does the same
operations in the same order as the pure book, computing bitwise the same floats.
`NumpyGathered` finds the poor/rich split of a project with up to `equal_shares_sorted.SORT_LIMIT`
supporters by one sort (`sorting_pricer`: the pure book's search over the same sorted budgets and
running sums), of a larger one from its low budgets alone (`low_sorted`: sorted if they are few,
else water-filled), of the largest without sorting, summing in NumPy's order; those floats may
differ from the pure book's in the last bits, but `equal_shares_approval.split_price` proves
every split from sums whose error bound holds in any order of addition, so the same proof covers
it (the decisions are those of the exact run;
tests/allocation/test_equal_shares_numpy.py checks them against it). The error model is in
`equal_shares_bounds`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from fractions import Fraction
from heapq import heapify, heappop
from typing import Any

from pb.allocation.equal_shares import Bound, Key, Prepared, Run, Selection, before
from pb.allocation.equal_shares_approval import Gathered, uniform_pricer
from pb.allocation.equal_shares_bounds import UNIT, Uncertain, down
from pb.allocation.equal_shares_lazy import first_level, level_size
from pb.allocation.equal_shares_numpy import NumpyGathered, NumpyWeighted, numpy_pricer
from pb.allocation.equal_shares_reach import candidates as _candidates
from pb.allocation.equal_shares_reach import proven as _proven
from pb.allocation.equal_shares_reach import reach as _reach
from pb.allocation.equal_shares_sorted import sorting_pricer
from pb.allocation.equal_shares_weighted import Weighted
from pb.allocation.numbers import Number

__all__ = ["Uncertain", "run"]


def run(
    prep: Prepared,
    total_budget: Number,
    *,
    limit: Number | None = None,
    thresholds: list[Key] | None = None,
    guide: Run | None = None,
    below: Run | None = None,
    force: list[str] | None = None,
    resume: Run | None = None,
    room: bool = False,
    lazy: bool = False,
) -> Run:
    """Like `equal_shares_exact.run` for approval ballots, or raise `Uncertain`.

    The returned run's selections carry float prices: its decisions are exact, its prices are
    not; `equal_shares_exact.replay` recomputes them exactly when they are needed.

    With `below`, a run at a lower budget, the run also sets `reach` (see `_reach`): the
    projects that MES can select at any budget in between; it stops there (`cut`) if they
    cost more than `limit`. With `room` (add1's exhaustive stop), the reach is narrowed
    further, until a project outside it fits in what it leaves of `limit`, if it can be.

    With `force`, the first selections are those projects, whatever their prices (a run that
    is not MES: `add1_proofs.branches_within_budget` follows each way a step may go); it stops
    (`cut`) before a forced project its supporters cannot pay for. Its forced steps carry
    bounds that prove nothing, so that it never settles a step of a run it guides. A forced
    run follows its `guide` as any run does, through the forced steps too, for as long as the
    guide made the same selections.

    With `resume`, a run at the same budget cut where its reach overspent (`Run.paused`),
    whose selections `force` starts with, the run starts from where that one stopped instead
    of making those selections again: the same state, computed the same way.

    With `lazy`, a run whose reach fits `limit` at a step after its forced ones stops there
    too, its state kept (`paused`, without `cut`): the add1 search needs the rest only if it
    asks for it (resumed with `force` its selections so far, which MES made: the same run).
    """
    result = Run(budget=total_budget)
    if prep.voters == 0 or not prep.projects:
        return result
    start = float(Fraction(total_budget) / prep.voters)
    priority = prep.priority
    costs = prep.costs
    utility, groups_of, initial, supporters = layout(prep)
    if resume is not None:
        result, book, stale, error, spent = _resumed(prep, resume, force)
    else:
        book, stale, spent = _book(prep, start, groups_of), dict(initial), 0
        error = start * UNIT  # bounds |float - exact| for every non-zero budget
    if not prep.uniform:
        pricer = book.pricer(lambda: error)
    elif isinstance(book, NumpyGathered):
        pricer = sorting_pricer(
            book, numpy_pricer(book, costs, utility, supporters, priority), costs, utility, priority
        )
    else:
        pricer = uniform_pricer(book, lambda: error, costs, utility, supporters, priority)

    tighten = getattr(pricer, "tighten", None)
    following = guide is not None and guide.selected[: len(result.selections)] == result.selected
    while stale:
        step = len(result.selections)
        theta = thresholds[step] if thresholds is not None and step < len(thresholds) else None
        if result.reach is not None:  # past its first step not proven against `below`, a run
            theta = None  # serves only by its reach: tight bounds would prove nothing more
        best: str | None = None
        best_key: Key | None = None
        best_plan: Any = None
        keys: dict[str, Key] = {}
        rivals: list[Bound] = []
        settled = False
        if force is not None and step < len(force):
            if following:  # the same selections so far: the guide's floors hold from here on
                following = _repeats(guide, step, force[step])  # type: ignore[arg-type]
                if not following or step + 1 == len(force):  # (later floors are tighter)
                    _inherit(guide, step, stale, book)  # type: ignore[arg-type]
            priced = pricer(force[step]) if force[step] in stale else None
            if priced is None:
                result.cut = True
                break
            best, (best_key, best_plan), settled = force[step], priced, True
        if following and not settled:
            tried = _guided(guide, step, stale, pricer)  # type: ignore[arg-type]
            settled = tried is not None and tried[3] is not None
            if settled:
                best, best_key, best_plan, rivals = tried  # type: ignore[misc]
            else:
                _inherit(guide, step, stale, book)  # type: ignore[arg-type]
                if tried is not None and tried[0] in stale:  # the guide's winner, priced here
                    pid, key, plan, _none = tried
                    if key is None:  # unaffordable
                        del stale[pid]
                        book.forget(pid)
                    else:  # a candidate like any other priced below (not priced twice)
                        keys[pid] = key
                        stale[pid] = (key[0], key[2], key[3])
                        best, best_key, best_plan = pid, key, plan
        if not settled:
            for pid, bound in _by_lower_bound(stale):
                if pid in keys:
                    continue
                # Stop at the first project whose lower bound is clear of the best interval (and of
                # the threshold): sorted by lower bound, every later one is clear too.
                clear = best_key is not None and best_key[1] < bound[0]
                if clear and (theta is None or theta[1] < bound[0]):
                    rivals.append(bound)
                    break
                priced = pricer(pid)
                if priced is None:  # unaffordable now, hence for good: money only goes down
                    del stale[pid]
                    book.forget(pid)
                    continue
                key, plan = priced
                keys[pid] = key
                stale[pid] = (key[0], key[2], key[3])
                if best_key is None or _less(key, best_key):
                    best, best_key, best_plan = pid, key, plan
            if best is None:
                break
            for pid, key in keys.items():  # the winner must beat every rival for certain
                if pid != best:
                    bound = (key[0], key[2], key[3])
                    if not before(best_key, bound):
                        raise Uncertain(f"{best} or {pid}?")
                    rivals.append(bound)
            # the guide can settle later steps as long as this run repeats its selections
            following = following and _repeats(guide, step, best)  # type: ignore[arg-type]
        if below is not None and result.reach is None and not _proven(below, step, best, rivals):
            affordable = {best, *keys}
            result.reach = _reach(
                result, stale, affordable, pricer, book, costs, spent, limit, room
            )
            result.reach_from = below.budget
            if limit is not None and sum(costs[pid] for pid in result.reach) > limit:
                result.cut = True  # the rest of the run could only guide others
                result.floors.append(dict(stale))  # (a forced run may inherit them)
                result.paused = (book, dict(stale), error, spent)  # (or resume from here)
                result.candidates = _candidates(below, step, best, stale)
                break
            if lazy and step >= len(force or ()):  # past the forced steps, the reach is all
                # a proof needs: the rest only if asked for (as MES's, resumed)
                result.floors.append(dict(stale))
                result.paused = (book, dict(stale), error, spent)
                break
        result.floors.append(dict(stale))
        del stale[best]
        if tighten is not None:  # (the plan's error bound, from the poor's own bounds)
            best_plan = tighten(best, best_plan)
        error = book.charge(best, best_plan, error)
        result.selections.append(Selection(best, best_key[1], (0, 0, 0, 0)))
        result.keys.append(best_key)
        forced = force is not None and step < len(force)
        result.bounds.append(NO_PROOF if forced else rivals)
        spent += costs[best]
        if limit is not None and spent > limit:
            result.over = True
            result.reach = None
            break
    if not stale and not result.over:  # the end: a run guided by this one, once it has made
        result.floors.append({})  # these selections, inherits it instead of re-proving it
    every_step_proven = below is not None and len(below.selections) == len(result.selections)
    if every_step_proven and result.reach is None and not result.over:
        result.reach, result.reach_from = frozenset(result.selected), below.budget  # type: ignore[union-attr]
    return result


def _book(prep: Prepared, start: float, groups_of: dict[str, list[int]]) -> Any:
    """The budgets of a new run, in the book for its ballots (see the module docstring)."""
    numpy = prep.accelerators.mes_with_numpy(prep.voters)
    if not prep.uniform:
        return (NumpyWeighted if numpy else Weighted)(prep, start)
    return (NumpyGathered if numpy else Gathered)(prep, start, groups_of)


def _resumed(
    prep: Prepared, paused: Run, force: list[str] | None
) -> tuple[Run, Any, dict[str, Bound], Any, Any]:
    """A new run in the state where `paused` stopped: its steps so far, and a copy of its
    book, its price bounds, its error bound and what it spent."""
    if paused.paused is None or force is None or force[: len(paused.selections)] != paused.selected:
        raise ValueError("resume needs a paused run whose selections are forced first")
    book, stale, error, spent = paused.paused
    made = len(paused.selections)
    result = Run(budget=paused.budget)
    result.selections, result.keys = paused.selections[:made], paused.keys[:made]
    result.bounds, result.floors = paused.bounds[:made], paused.floors[:made]
    return result, _copied(book, prep), dict(stale), error, spent


def _copied(book: Any, prep: Prepared) -> Any:
    """A book whose changes never reach `book`: a book keeps a run's state in containers it
    changes in place (budgets, error bounds) or whose items it replaces (supporters still with
    money, sort orders), so each of those is copied, except what it shares with every run of
    the election (`prep`'s own and its cache's: layouts, weights, a cache of sort orders that
    is a hint only). The last project it gathered is forgotten (it is priced again before it is
    charged)."""
    shared = {id(value) for value in vars(prep).values()}
    for cached in prep.cache.values():
        shared.add(id(cached))
        if isinstance(cached, tuple):
            shared.update(id(value) for value in cached)
    twin = copy.copy(book)
    for name, value in vars(book).items():
        if id(value) in shared:
            continue
        if isinstance(value, list | dict | set) or hasattr(value, "__array__"):
            setattr(twin, name, value.copy())
    gathered = getattr(twin, "gathered", None)
    if gathered is not None:  # one project's (a tuple) or several (a dict), by book
        twin.gathered = {} if isinstance(gathered, dict) else None
    return twin


NO_PROOF: list[Bound] = [(0.0, None, -1)]
"""The bounds of a forced step: no price comes before them."""


def layout(prep: Prepared) -> tuple[Any, Any, Any, Any]:
    """Per project: its satisfaction, its supporter groups, the lower bound of its price
    cost / (u x supporters) exactly, and its number of supporters; computed once per election,
    not once per run."""
    cached = prep.cache.get("float_layout")
    if cached is None:
        # (lists left unmade by `prepare` are made only if a book reads them)
        utility, groups_of = first_level(prep.members, prep.projects)
        # (the first level repeats each of its groups once per voter)
        supporters = {p: level_size(prep.levels, p) for p in prep.projects}
        initial = {}
        for p in prep.projects:
            exact = Fraction(prep.costs[p]) / Fraction(prep.weight_sat[p])
            initial[p] = (down(float(exact)), exact, prep.priority[p])
        cached = prep.cache["float_layout"] = (utility, groups_of, initial, supporters)
    return cached


def _guided(guide: Run, step: int, stale: dict[str, Bound], pricer: Any) -> Any:
    """Try to settle a step by pricing only the guide's winner (see
    `equal_shares_exact.guided_step` for why this is sound).

    Returns (project, key, plan, rivals) if settled; (project, key, plan, None) if the project
    was priced but does not beat the guide's bounds, with key and plan None if it is
    unaffordable; None if it was not priced.
    """
    if step >= len(guide.selections):
        return None
    pid = guide.selections[step].project
    if pid not in stale:
        return None
    priced = pricer(pid)
    if priced is None:
        return pid, None, None, None
    key, plan = priced
    rivals = guide.bounds[step]
    if all(before(key, rival) for rival in rivals):
        return pid, key, plan, rivals
    return pid, key, plan, None


def _repeats(guide: Run, step: int, best: str) -> bool:
    """True if `guide` selected `best` at `step` too (so far the run has repeated it)."""
    return step < len(guide.selections) and guide.selections[step].project == best


def _inherit(guide: Run, step: int, stale: dict[str, Bound], book: Any) -> None:
    """Take the guide's lower bounds at `step` where they are higher, and drop what the guide
    had found unaffordable by then (at the step after its last selection, if it ran to its end,
    everything still in play: its final `floors` entry is empty).

    Sound when this run has made the guide's selections so far and has a smaller budget: every
    voter has at most what they had in the guide's run at this step, so every price is at
    least its price there, which the guide's bounds bound from below; and a project its
    supporters could not pay for there, they cannot pay for here. (Only called while this run
    repeats the guide's selections.)
    """
    if step >= len(guide.floors):
        return
    floors = guide.floors[step]
    for pid, bound in list(stale.items()):
        inherited = floors.get(pid)
        if inherited is None:
            del stale[pid]
            book.forget(pid)
        elif inherited[0] > bound[0]:
            stale[pid] = inherited


def _by_lower_bound(stale: dict[str, Bound]) -> Iterator[tuple[str, Bound]]:
    """The projects in play and their bounds, by lower bound then rank (then their order in
    `stale`, as a stable sort gives them), lazily: a step reads only the first few, so a heap
    costs less than sorting them all. Read from a snapshot: the step updates `stale`."""
    queue = [(bound[0], bound[2], at, pid, bound) for at, (pid, bound) in enumerate(stale.items())]
    heapify(queue)
    while queue:
        _low, _rank, _at, pid, bound = heappop(queue)
        yield pid, bound


def _less(a: Key, b: Key) -> bool:
    """The order used to pick a candidate winner (certainty is checked separately)."""
    if a[2] is not None and b[2] is not None:
        return (a[2], a[3]) < (b[2], b[3])
    return (a[0] + a[1], a[3]) < (b[0] + b[1], b[3])
