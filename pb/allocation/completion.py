"""Equal Shares rules with a completion: plain, add1, add1u, add1 + comparison, pabutools' add1.

Plain Equal Shares usually spends well under the budget. The *add1* completion gives every voter
one more unit of (virtual) money at a time and recomputes, keeping the last outcome that fits the
real budget. Two details vary between implementations (equalshares.net's compute tool calls them
"integral" and "exhaustive"):

- where the per-voter budget starts: the exact share B/n, or the whole units floor(B/n);
- whether to stop as soon as the outcome is exhaustive (no unselected project fits in the money
  left), or only when one more unit would make the outcome cost more than the budget.

`equalshares/add1` uses the variant that reproduces the official results of Wieliczka 2023,
Świecie 2023 and Assen 2024 (see docs/allocation.md for how it was found);
`equalshares/add1-pabutools` is pabutools' `exhaustion_by_budget_increase` with a step of one
unit per voter, as equalshares.net's computation page uses it. In every variant the loop also
ends when every project someone supports is selected (more money cannot change anything then;
without this stop a fully fundable election would loop forever).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pb.allocation import collector, equal_shares, equal_shares_exact, equal_shares_float, greedy
from pb.allocation.add1_proofs import (
    branches_within_budget,
    is_exhaustive,
    same_outcome_between,
    selection_cost,
    within_budget_between,
)
from pb.allocation.add1_runs import Runs, first_jump
from pb.allocation.election import Election, TraceRecorder
from pb.allocation.numbers import Number, normalize
from pb.allocation.outcome import Outcome


@dataclass(frozen=True)
class Add1:
    """A variant of the add1 completion."""

    integral_start: bool
    """Start from floor(B/n) per voter instead of exactly B/n."""
    exhaustive_stop: bool
    """Stop as soon as the outcome is exhaustive."""


OFFICIAL = Add1(integral_start=True, exhaustive_stop=False)
"""Whole units per voter, no exhaustive stop: reproduces Wieliczka, Świecie and Assen (see the
docs; the exhaustive stop gives a different Wieliczka outcome). It is also what pabulib's
checker computes for `equalshares/add1`."""

PABUTOOLS = Add1(integral_start=False, exhaustive_stop=True)
"""pabutools: exhaustion_by_budget_increase(rule=method_of_equal_shares, budget_step=n)."""


@dataclass
class Completed:
    run: equal_shares.Run
    increments: int
    stop: str
    changes: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    """(increments, selection) each time one more unit changed the selection sequence, among
    the steps the search took one at a time: ranges it skipped with `same_outcome_between` keep
    the sequence, those skipped with `within_budget_between` may hide changes that could not end
    the loop. For benchmarks and analysis."""


def mes_run(
    prep: equal_shares.Prepared,
    total_budget: Number,
    *,
    limit: Number | None = None,
    thresholds: list[equal_shares.Key] | None = None,
    guide: equal_shares.Run | None = None,
    below: equal_shares.Run | None = None,
    room: bool = False,
) -> equal_shares.Run:
    """One MES run: in floating point with proven decisions when possible, else exactly.

    The decisions (what is selected, in which order, what is dropped) are exact either way;
    prices of a floating-point run are approximate until `exact_run` recomputes them. Only a
    floating-point run computes the `reach` that `below` asks for (`room`: see
    `equal_shares_float.run`).
    """
    options: dict[str, Any] = {"limit": limit, "thresholds": thresholds, "guide": guide}
    try:
        return equal_shares_float.run(prep, total_budget, below=below, room=room, **options)
    except equal_shares_float.Uncertain:
        return equal_shares_exact.run(prep, total_budget, **options)


def exact_run(prep: equal_shares.Prepared, run: equal_shares.Run) -> equal_shares.Run:
    """The same run with exact prices, payments and drops (for the outcome's trace)."""
    return equal_shares_exact.replay(prep, run)


def add1(election: Election, variant: Add1, *, search: bool = True) -> Completed:
    """Run MES with the add1 completion; see the module docstring for the definition.

    The definition recomputes MES for every one-unit step of the per-voter budget, which can
    mean hundreds of runs (Assen 2024: 843). With `search` (the default; the result is the same
    as stepping one unit at a time, which the tests check):

    - from the current budget, MES is run `jump` units higher; if `same_outcome_between` proves
      that every budget in between gives the current outcome, or `within_budget_between` that
      none of them can end the loop (the outcome may change there, but only the last outcome
      before the loop ends is kept), they are all skipped and the jump doubles (after a
      failed probe, only once `HOLD` more have succeeded); where the far
      run stopped at a step the first proof does not settle, `branches_within_budget` follows
      each project that may win that step at some budget in between (two forced runs per
      project: kept for reuse, guided by the kept run sharing most of their selections, and
      at the far end resumed from where the far run stopped; see `add1_runs`) and skips the
      range if none of those ways can end the loop; otherwise the jump halves, down to a
      single step;
    - a run is *guided* by the nearest run already computed above it (`guided_step`): while it
      repeats that run's choices, a step usually costs one pricing instead of several, and when
      it does not, the floating-point run starts the step from the guide's lower bounds of every
      price (and drops what the guide found unaffordable);
    - when the outcome changes at nearly every unit (the big Warsaw districts), the search steps
      one unit at a time; it then computes the next `AHEAD` runs top down, so that each of them
      is guided by the run one unit above it (the top one by a probe cut above it). A step to a
      run already computed is taken directly (it is the definition), without probing further
      ahead for a proof;
    - where probes fail down to a single step, the search steps `BACKOFF` units (then twice as
      many, and so on) without probing: there, proving two units costs more than computing
      them, and stepping is the definition.
    """
    # add1, add1u and add1-comparison share this computation: keep it on the (immutable)
    # profile, for the same instance, satisfaction, tie-break and variant
    memo = election.profile.__dict__.setdefault("_add1_memo", {})
    key = (id(election.instance), election.satisfaction, election.tie_break, election.seed)
    key += (variant, search)
    found = memo.get(key)
    if found is not None and found[0] is election.instance:
        return found[1]
    with collector.paused():  # hundreds of runs, no cycle among them (see the module)
        done = _add1(election, variant, search)
    memo[key] = (election.instance, done)
    return done


AHEAD = 8
"""While the search steps one unit at a time, runs are computed this many units ahead."""

BACKOFF = 32
"""After a probe fails down to a single step (near-ties at every unit, not the end of the
loop: the probe did not overspend), the search steps this many units one at a time without
probing, doubling after each such failure and back to this after a success: on the big
Warsaw 2022 districts a failed probe costs a cut run and several forced runs, a step one run
guided by the run above (docs/allocation.md, "Stepping where the probes fail")."""
HOLD = 2
"""After a failed probe, the jump that then succeeds is kept for this many more probes
before it doubles again (a probe that fails costs a run: doubling at once failed about as
often as it succeeded)."""


def _add1(election: Election, variant: Add1, search: bool) -> Completed:
    prep = equal_shares.prepare(election)
    budget, voters = election.budget, prep.voters
    if voters == 0:
        return Completed(equal_shares_exact.run(prep, budget), 0, "no_voters")
    start = (budget // voters) * voters if variant.integral_start else budget
    runs: dict[int, equal_shares.Run] = {}  # every run decides exactly, whatever its options
    guides: dict[int, equal_shares.Run] = {}  # runs cut short: only to guide others
    kept = Runs()  # runs forced to follow a near-tie (see `branches_within_budget`)
    stepping = False  # the last search step was a single unit, to a new outcome
    quiet = range(0)  # after failed probes, steps taken without probing (`BACKOFF`)

    def cut_guide(lowest: int) -> tuple[int, equal_shares.Run] | None:
        """The nearest probe cut against a lower run at `lowest` units or above (a range that
        failed): only its first steps are known, or those of the way it would have taken."""
        nearest = min((known for known in guides if known >= lowest), default=None)
        if nearest is None:
            return None
        guide = guides[nearest]
        if guide.candidates:  # the way it would have taken, if followed, repeats it further
            guide = kept.furthest(guide.budget, [*guide.selected, guide.candidates[0]]) or guide
        return nearest, guide

    def at(steps: int, below: equal_shares.Run | None = None) -> equal_shares.Run:
        """A new run, guided by the nearest run already computed above it."""
        above = [known for known in runs if known > steps]
        # one unit at a time: compute the next few runs top down, each guided by the one
        # above it (a run guided from below would learn nothing)
        further = AHEAD if stepping else 0
        if steps - 1 in quiet:  # as many as stepped so far in the stretch: the end may be near
            further = min(AHEAD, quiet.stop - steps, steps - quiet.start)
        if not above and further > 0:
            # the top one by a cut probe above it, if any (unguided, it costs twice the pricings)
            guide = (cut_guide(steps + further + 1) or (0, None))[1]
            for ahead in range(steps + further, steps, -1):
                guide = mes_run(prep, start + ahead * voters, limit=budget, guide=guide)
                runs[ahead] = guide
            above = [steps + 1]
        guide = runs[min(above)] if above else None
        # a probe at the budget of an earlier probe cut against a lower run (a range that
        # failed, tried again from further up) repeats that run up to its cut: one pricing a
        # step where its bounds settle it, and what it found unaffordable dropped
        cut = cut_guide(steps if below is not None else steps + 1)
        if cut is not None and (guide is None or cut[0] < min(above)):
            guide = cut[1]
        thresholds = None if below is None else below.keys
        result = mes_run(
            prep,
            start + steps * voters,
            limit=budget,
            thresholds=thresholds,
            guide=guide,
            below=below,
            room=variant.exhaustive_stop,
        )
        (guides if result.cut else runs)[steps] = result
        kept.add(result)
        return result

    def probe(steps: int, low: equal_shares.Run) -> equal_shares.Run:
        """A run at `steps` whose bounds are tight enough to compare with `low`: a known run
        if it settles the comparison either way, else one recomputed against `low`."""
        known = runs.get(steps)
        if known is not None and (known.over or skippable(low, known)):
            return known
        return at(steps, low)

    supported = len(prep.projects)

    def skippable(low: equal_shares.Run, high: equal_shares.Run) -> bool:
        return same_outcome_between(low, high) or within_budget_between(
            election, variant, supported, low, high
        )

    increments = 0
    current = at(0)
    jump = first = first_jump(budget // voters)  # then on as the doubling from 2 would go
    held = HOLD  # successes since the last failed probe
    backoff = BACKOFF  # units to step without probing after the next probe that fails
    changes: list[tuple[int, tuple[str, ...]]] = []

    def done(stop: str) -> Completed:
        return Completed(exact_run(prep, current), increments, stop, changes)

    while True:
        if len(current.selections) == supported:
            return done("all_supported_selected")
        if variant.exhaustive_stop and is_exhaustive(election, current.selected):
            return done("exhaustive")
        # the next run already computed (ahead): a single step costs nothing, no proof needed
        following = runs.get(increments + 1)
        probing = search and increments >= quiet.stop
        while following is None and probing and jump >= 2:
            probed = probe(increments + jump, current)
            far = probed if skippable(current, probed) else None
            if far is None:  # the cut run made whole, if that proves it
                far = branches_within_budget(election, variant, prep, current, probed, kept)
            if far is not None:
                runs[increments + jump] = far
                held += 1
                current, increments = far, increments + jump
                jump *= 2 if held > HOLD else 1
                jump = first + 2 if increments == first and held > HOLD else jump
                stepping = False
                backoff = BACKOFF
                break
            jump //= 2
            held = 0
            if jump < 2 and not probed.over:  # near-ties at every unit: cheaper to step
                quiet, backoff = range(increments + 1, increments + backoff), 2 * backoff
            following = runs.get(increments + 1)
        else:
            following = following or at(increments + 1)
            if following.over or selection_cost(election, following.selected) > budget:
                return done("next_over_budget")
            # does the outcome change at every unit (rather than proofs falling short)?
            stepping = following.selected != current.selected
            if stepping:
                changes.append((increments + 1, tuple(following.selected)))
            stepping = search and stepping
            current, increments, jump, held = following, increments + 1, 2, HOLD
        for old in [known for known in runs if known < increments]:
            del runs[old]
        for old in [known for known in guides if known <= increments]:
            del guides[old]
        kept.forget_below(current.budget)


def _record_mes(trace: TraceRecorder, run: equal_shares.Run, *, drops: bool) -> None:
    """Selections in the order MES made them; then (if `drops`) the projects its supporters
    could not pay for when it ended, with what they had left."""
    for selection in run.selections:
        trace.select(
            selection.project, "equal-shares", price=selection.rho, payments=selection.payments
        )
    if drops:
        for drop in run.drops:
            trace.reject(drop.project, "not_affordable_by_supporters", available=drop.available)


def _unsupported_first(election: Election, trace: TraceRecorder) -> None:
    """Projects nobody supports are decided up front, at the full budget, as greedy does."""
    for pid in election.instance.project_ids:
        if election.scores[pid] == 0:
            trace.reject(pid, "no_supporters")


def _details(election: Election, done: Completed | None, run: equal_shares.Run) -> dict[str, Any]:
    voters = election.num_voters
    details: dict[str, Any] = {"voters": voters, "virtual_budget": run.budget}
    if voters:
        details["voter_budget"] = normalize(Fraction(run.budget) / voters)
    if done is not None:
        details["add1_increments"] = done.increments
        details["add1_stop"] = done.stop
    return details


def _finish_mes(
    election: Election, rule: str, done: Completed | None, run: equal_shares.Run
) -> Outcome:
    trace = TraceRecorder(election)
    _unsupported_first(election, trace)
    _record_mes(trace, run, drops=True)
    return trace.outcome(rule, _details(election, done, run))


def equalshares(election: Election) -> Outcome:
    """Plain Method of Equal Shares with the real budget (no completion)."""
    prep = equal_shares.prepare(election)
    run = exact_run(prep, mes_run(prep, election.budget))
    return _finish_mes(election, "equalshares", None, run)


def equalshares_add1(election: Election) -> Outcome:
    """MES with the official add1 completion (integral start, exhaustive stop)."""
    done = add1(election, OFFICIAL)
    return _finish_mes(election, "equalshares/add1", done, done.run)


def equalshares_add1_pabutools(election: Election) -> Outcome:
    """MES completed as pabutools' exhaustion_by_budget_increase with one unit per voter."""
    done = add1(election, PABUTOOLS)
    return _finish_mes(election, "equalshares/add1-pabutools", done, done.run)


def _greedy_fill(election: Election, trace: TraceRecorder, phase: str) -> None:
    """Fund the undecided projects in greedy order while they fit (utilitarian completion)."""
    undecided = [pid for pid in election.instance.project_ids if not trace.decided(pid)]
    for pid in greedy.ranked(election, undecided):
        if election.costs[pid] <= trace.remaining:
            trace.select(pid, phase)
        else:
            trace.reject(pid, "does_not_fit")


def equalshares_add1u(election: Election) -> Outcome:
    """add1, then the utilitarian completion: fund what still fits, in greedy order (as
    equalshares.net's tool does, this includes projects nobody voted for, last)."""
    done = add1(election, OFFICIAL)
    trace = TraceRecorder(election)
    _record_mes(trace, done.run, drops=False)
    _greedy_fill(election, trace, "completion")
    return trace.outcome("equalshares/add1u", _details(election, done, done.run))


def equalshares_add1_comparison(election: Election) -> Outcome:
    """add1, then equalshares.net's comparison step against greedy.

    Every voter compares their satisfaction (number of approved projects selected; points or
    positional score for other ballots) under both outcomes; if more voters prefer the greedy
    outcome than prefer Equal Shares, the greedy outcome is used instead. Ties keep Equal Shares.
    """
    done = add1(election, OFFICIAL)
    mes_selected = set(done.run.selected)
    greedy_outcome = greedy.greedy(election)
    greedy_selected = set(greedy_outcome.selected)
    prefers_mes = prefers_greedy = 0
    for weight, utilities in election.score_groups:
        mes = sum((u for pid, u in utilities.items() if pid in mes_selected), 0)
        other = sum((u for pid, u in utilities.items() if pid in greedy_selected), 0)
        if mes > other:
            prefers_mes += weight
        elif other > mes:
            prefers_greedy += weight
    details = _details(election, done, done.run)
    details.update(prefers_equal_shares=prefers_mes, prefers_greedy=prefers_greedy)
    if prefers_greedy <= prefers_mes:
        details["comparison_winner"] = "equal-shares"
        trace = TraceRecorder(election)
        _unsupported_first(election, trace)
        _record_mes(trace, done.run, drops=True)
        return trace.outcome("equalshares/add1-comparison", details)
    details["comparison_winner"] = "greedy"
    trace = TraceRecorder(election)
    for step in greedy_outcome.trace:
        if step.selected:
            trace.select(step.project, "comparison")
        elif step.project in mes_selected:
            trace.reject(step.project, "lost_comparison")
        else:
            trace.reject(step.project, step.reason)
    return trace.outcome("equalshares/add1-comparison", details)
