"""The proofs that let the add1 search (`completion.add1`) skip a range of budgets.

Each takes runs at the two ends of a range and proves that no budget in between can change
what add1 computes: the same selection sequence throughout (`same_outcome_between`), or no
selection in between that ends the loop (`within_budget_between`, and
`branches_within_budget`, which follows each way a step may go where the first proof fails).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pb.allocation import equal_shares, equal_shares_float
from pb.allocation.add1_runs import Runs
from pb.allocation.election import Election
from pb.allocation.numbers import Number

if TYPE_CHECKING:
    from pb.allocation.completion import Add1


def selection_cost(election: Election, selected: list[str]) -> Number:
    return sum((election.costs[pid] for pid in selected), 0)


def is_exhaustive(election: Election, selected: list[str]) -> bool:
    """True if no unselected project fits in the real budget left."""
    left = election.budget - selection_cost(election, selected)
    chosen = set(selected)
    return all(cost > left for pid, cost in election.costs.items() if pid not in chosen)


def same_outcome_between(low: equal_shares.Run, high: equal_shares.Run) -> bool:
    """True if every budget between those of `low` and `high` gives `low`'s selection sequence.

    Proof: with the same projects selected before a step, every voter's remaining budget can only
    be higher when the starting budget is higher (a higher budget lowers each price, and a voter
    keeps max(budget - price x satisfaction, 0)); so every price can only be lower. If at each
    step the selected project's (price at the lower budget, tie rank) comes strictly before the
    lowest (price, tie rank) any other project still in play has at the higher budget, that
    project wins the step at every budget in between, ties included; and projects unaffordable
    at the higher budget are unaffordable below it. (`high` is computed with
    `thresholds=low.keys` so that its bounds are tight.)
    """
    if high.over or high.cut or low.over or low.selected != high.selected:
        return False
    return all(
        equal_shares.before(key, rival)
        for key, rivals in zip(low.keys, high.bounds, strict=True)
        for rival in rivals
    )


def within_budget_between(
    election: Election, variant: Add1, supported: int, low: equal_shares.Run, high: equal_shares.Run
) -> bool:
    """True if no budget between those of `low` and `high` can end the add1 loop, although
    the selection may change in between.

    The loop ends at a budget whose selection costs more than the budget, or selects every
    supported project, or (with the exhaustive stop) leaves no other project that fits. Every
    selection in between is within `high.reach` (see `equal_shares_float._reach`): if the reach
    fits the budget, has fewer projects than are supported and (exhaustive stop) leaves out a
    project that fits in what it leaves, no selection in between ends the loop.
    """
    reach = high.reach
    if high.over or high.cut or reach is None or high.reach_from is None:
        return False
    if high.reach_from > low.budget:
        return False
    cost = selection_cost(election, list(reach))
    if cost > election.budget or len(reach) >= supported:
        return False
    left = election.budget - cost
    return not variant.exhaustive_stop or any(
        price <= left for pid, price in election.costs.items() if pid not in reach
    )


BRANCHES = 3
"""`branches_within_budget` follows at most this many ways a step may go,"""
DEPTH = 2
"""at this many steps of a run, one within another."""


def branches_within_budget(
    election: Election,
    variant: Add1,
    prep: equal_shares.Prepared,
    low: equal_shares.Run,
    high: equal_shares.Run,
    kept: Runs | None = None,
    depth: int = DEPTH,
) -> equal_shares.Run | None:
    """`within_budget_between` for a `cut` run `high`, following each way its last step may go.

    Every budget between those of `low` and `high` makes `high`'s selections up to the step
    where it stopped, then one of its `candidates` (`equal_shares_float._candidates`). For
    each candidate, two runs forced to make those selections and then that one, at `low`'s
    budget and at `high`'s, bound every budget in between that makes it: with the same
    selections so far, the argument of `same_outcome_between` and of the reach holds from the
    next step on. If `within_budget_between` holds for every candidate (or the candidate is
    unaffordable at `high`'s budget, hence below it), no budget in between ends the loop.

    Returns `high` made whole (the forced run of its own winner is MES itself), or None.
    `kept` keeps every forced run (`add1_runs.Runs`): a near-tie usually lasts, the next range
    starts at this one's end, and a range that fails is tried again with a shorter jump from
    the same start; a kept run at a higher budget guides the forced runs below it.
    """
    kept = Runs() if kept is None else kept
    found = _branches(election, variant, prep, low, high, depth, kept)
    return None if found is None else made_whole(prep, found, kept, election.budget)


def _branches(
    election: Election,
    variant: Add1,
    prep: equal_shares.Prepared,
    low: equal_shares.Run,
    high: equal_shares.Run,
    depth: int,
    kept: Runs,
) -> equal_shares.Run | None:
    """`branches_within_budget`, returning a forced run that stopped where its reach fitted
    as it is (`is_partial`): a way followed deeper needs only its reach."""
    candidates = high.candidates
    if not high.cut or candidates is None or len(candidates) > BRANCHES or over(election, low):
        return _unproven(high)
    made, supported = high.selected, len(prep.projects)
    first = None
    for candidate in candidates:
        force = [*made, candidate]
        try:
            # a top serves by its reach, but the first way's at the first depth is the
            # search's next run if the range is proven: made whole at once, not resumed later
            lazy = candidate != candidates[0] or depth < DEPTH
            ends = _ends(election, prep, low, high, force, kept, lazy)
        except equal_shares_float.Uncertain:
            return _unproven(high)
        if ends is None:
            return _unproven(high)  # unaffordable at low's budget: it may win in between
        bottom, top = ends
        if len(top.selections) < len(force):
            continue  # unaffordable at high's budget, hence at every budget below
        if not within_budget_between(election, variant, supported, bottom, top):
            deeper = depth > 1
            top.paused = top.paused if deeper else None
            top = (
                _branches(election, variant, prep, bottom, top, depth - 1, kept) if deeper else None
            )
            if top is None:
                return _unproven(high)
            kept.add(top, len(force), family=False)  # (the run forced to make `force`)
        if candidate == candidates[0]:
            first = top
    # (else the next range starts at its budget: its lower forced runs resume)
    return first if first is not None else _unproven(high)


def _ends(
    election: Election,
    prep: equal_shares.Prepared,
    low: equal_shares.Run,
    high: equal_shares.Run,
    force: list[str],
    kept: Runs,
    lazy: bool,
) -> tuple[equal_shares.Run, equal_shares.Run] | None:
    """The runs forced to make `force` first at `low`'s budget and at `high`'s (against the
    first), or None if the lower one cannot make them. The lower one is cut short where
    `low` is long (`SHORT`); if the top's proof reads past it, it is run to its end (guided
    by its short self) and the top computed again."""
    bottom = low if low.selected[: len(force)] == force else None
    # (a way followed deeper from a short lower end: short too)
    short = is_short(election, low) or len(low.selections) - len(force) >= LONG
    bottom = bottom or _forced(election, prep, low.budget, force, kept, short=short)
    if bottom.cut or over(election, bottom) or bottom.selected[: len(force)] != force:
        return None
    top = kept.proven(high.budget, force, low.budget) or _forced(
        election, prep, high.budget, force, kept, bottom, high, lazy
    )
    if is_short(election, bottom) and top.selected[: len(bottom.selected)] == bottom.selected:
        kept.forget(top)  # (its reach, from the short end's last step, is not the tightest)
        bottom = extended(election, prep, bottom, force, kept)
        top = _forced(election, prep, high.budget, force, kept, bottom, high, lazy)
    return bottom, top


def _unproven(high: equal_shares.Run) -> None:
    """No way proven: every forced run that could resume from `high` has, so it is let go."""
    high.paused = None
    return None


def _forced(
    election: Election,
    prep: equal_shares.Prepared,
    budget: Number,
    force: list[str],
    kept: Runs,
    below: equal_shares.Run | None = None,
    paused: equal_shares.Run | None = None,
    lazy: bool = True,
    short: bool = False,
) -> equal_shares.Run:
    """The run at `budget` forced to make `force` first: a kept one, else computed (against
    `below`, if given, for its reach), guided by the kept run that shares most of `force`,
    and resumed from where `paused` stopped if it can be: its budget, its selections so far.
    Without `below` (the lower end of a range), `paused` is the kept cut run at `budget`
    that made the most of `force` (`Runs.paused`): a range proven up to a cut run's budget
    leaves its state kept, and the next range starts there.

    A resumed run's steps before `paused` stopped were proven against `paused`'s own run
    below, at `below`'s budget and with the same selections: the same exact prices, which
    `below`'s keys bound as well (both are certified), so the proof holds against `below`.
    Without `below` there is nothing to prove: the state after the same selections at the
    same budget is the same, however they were made.

    With `lazy`, a run against `below` stops once its reach fits (`is_partial`). A kept one
    asked for as a lower end serves as it is: a run against it proves its steps only as far
    as it goes, and computes its reach at the first step it does not have (sound, as at any
    step not proven); a way followed from it resumes it where it stopped (`Runs.paused`).
    """
    if below is None:
        known = kept.made(budget, force)
        if known is not None:  # (as it is if it stopped where its reach fitted: see below)
            return known
        paused = kept.paused(budget, force)
    limit = election.budget
    if short:  # (see `_lower`)
        spent = selection_cost(election, force)
        limit = spent + (limit - spent) / SHORT
    run = equal_shares_float.run(
        prep,
        budget,
        limit=limit,
        below=below,
        thresholds=None if below is None else below.keys,
        guide=kept.guide(budget, force),
        force=force,
        resume=paused if _resumes(paused, budget, force, below) else None,
        lazy=lazy and below is not None,  # (made whole if it is the next run: `made_whole`)
    )
    kept.add(run, len(force))
    return run


def is_partial(run: equal_shares.Run) -> bool:
    """True if `run` stopped where its reach fitted (`equal_shares_float.run`'s `lazy`)."""
    return run.paused is not None and not run.cut


def made_whole(
    prep: equal_shares.Prepared, run: equal_shares.Run, kept: Runs, limit: Number
) -> equal_shares.Run:
    """`run` made whole if it stopped where its reach fitted: resumed from there, forced to
    make its selections so far (MES's, after its own forced ones: the same run), and kept in
    its place. Its reach holds as before: it is the same run."""
    if not is_partial(run):
        return run
    rest = equal_shares_float.run(
        prep,
        run.budget,
        limit=limit,
        guide=kept.guide(run.budget, run.selected),
        force=run.selected,
        resume=run,
    )
    rest.reach, rest.reach_from = run.reach, run.reach_from
    kept.replace(run, rest)
    return rest


def _resumes(
    paused: equal_shares.Run | None,
    budget: Number,
    force: list[str],
    below: equal_shares.Run | None,
) -> bool:
    """Whether a forced run can resume from `paused` (see `_forced`): at its budget, with its
    selections first, and (with a run below) against a run at the budget `paused`'s steps
    were proven down to, which made them too."""
    if paused is None or paused.paused is None or paused.budget != budget:
        return False
    made = len(paused.selections)
    if force[:made] != paused.selected:
        return False
    if below is None:  # no reach to prove: its steps so far are MES's, or forced as asked
        return True
    return paused.reach_from == below.budget and below.selected[:made] == paused.selected


SHORT = 2
"""A lower-end forced run is computed only until it has spent this share of what its forced
selections leave of the budget (`is_short`): a top proven against it reads its steps only up
to the top's first step not proven, which at a million voters lay 3 to 41 steps past the
forced ones, of the 80 to 120 that followed them (docs/allocation.md, stop 34, hS).
Where it is not far enough, it is run to its end and the top computed again."""
LONG = 64
"""Only a lower end whose range's lower run made this many selections past the forced ones is
cut short: on shorter runs (Budapest 2024: 20 to 30 selections) a top is often proven to its
end, and computing it twice costs more than the tail saved."""


def over(election: Election, run: equal_shares.Run) -> bool:
    """True if `run` overspent the budget (not merely a short lower end)."""
    return run.over and not is_short(election, run)


def is_short(election: Election, run: equal_shares.Run) -> bool:
    """True if `run` is a lower end stopped before its end (`_lower`): it stopped over a
    limit below the budget (every other run is given the budget itself as its limit)."""
    return run.over and selection_cost(election, run.selected) <= election.budget


def extended(
    election: Election,
    prep: equal_shares.Prepared,
    short: equal_shares.Run,
    force: list[str],
    kept: Runs,
) -> equal_shares.Run:
    """`short`, a run that made `force` first, run to its end: forced as it was (or to make
    `force`, the same run, if it is no longer kept), guided by `short` (at the same budget,
    a step it made costs one pricing), and kept in its place."""
    made = kept.forced(short)
    force = force if made is None else short.selected[:made]
    run = equal_shares_float.run(
        prep, short.budget, limit=election.budget, guide=short, force=force
    )
    if made is None:
        kept.add(run, len(force))
    else:
        kept.replace(short, run)
    return run
