"""Forced runs reused and guided by the runs the add1 search keeps (`add1_runs`): a kept run
stands for the forced run it equals, and a guide changes how a forced run is computed, never
what it decides."""

from __future__ import annotations

import dataclasses

import pytest

from pb.allocation import add1_proofs, equal_shares, equal_shares_exact, equal_shares_float
from pb.allocation.accelerators import Accelerators
from pb.allocation.add1_runs import Runs

from .test_add1_search import _random_election


def _float_run(prep, budget, **options):  # type: ignore[no-untyped-def]
    try:
        return equal_shares_float.run(prep, budget, **options)
    except equal_shares_float.Uncertain:
        return None


def _cut_probes(shape, numpy, widths):  # type: ignore[no-untyped-def]
    """Probes cut at a near-tie, `width` units above an exact run, on random elections: each
    with its election, its prepared profile, the run below and the probe's options."""
    accelerators = Accelerators(numpy=numpy, mes_min_voters=0)
    for seed in range(8):
        election = dataclasses.replace(_random_election(seed, shape), accelerators=accelerators)
        prep = equal_shares.prepare(election)
        limit = election.budget
        for low in range(election.budget // 2, 3 * election.budget, 61):
            below = equal_shares_exact.run(prep, low, limit=limit)
            for width in widths:
                options = {"limit": limit, "below": below, "thresholds": below.keys}
                high = _float_run(prep, low + width, **options)
                if high is not None and high.cut and high.candidates:
                    yield election, prep, below, high, options


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_a_run_forced_to_make_what_mes_made_is_mes(shape: str) -> None:
    # Why a kept MES run can stand for a forced run (`Runs.made`): forcing the selections MES
    # makes anyway changes nothing after them.
    compared = 0
    for seed in range(6):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        for budget in range(election.budget // 2, 3 * election.budget, 131):
            mes = equal_shares_exact.run(prep, budget)
            for made in range(len(mes.selections) + 1):
                forced = _float_run(prep, budget, force=mes.selected[:made])
                if forced is not None:
                    assert forced.selected == mes.selected and not forced.cut
                    compared += 1
    assert compared > 100


def _ways(prep, run):  # type: ignore[no-untyped-def]
    """Forced selections that share a part of `run`'s, then (mostly) go another way."""
    for made in range(len(run.selections) + 1):
        yield run.selected[:made]
        for other in sorted(set(prep.projects) - set(run.selected[: made + 1]))[:3]:
            yield [*run.selected[:made], other]


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_a_guided_forced_run_decides_as_the_unguided_one(shape: str) -> None:
    # A guide at the same or a higher budget, sharing a part of the forced selections (whole,
    # or cut where the reach overspends), lends its floors from where they diverge on.
    compared = diverged = cut_guides = 0
    for seed in range(6):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        limit = election.budget
        for budget in range(election.budget // 2, 3 * election.budget, 173):
            below = equal_shares_exact.run(prep, budget, limit=limit)
            for gap in (0, 9, 60):
                guide = _float_run(
                    prep, budget + gap, limit=limit, below=below, thresholds=below.keys
                )
                if guide is None:
                    continue
                cut_guides += guide.cut
                for force in _ways(prep, guide):
                    plain = _float_run(prep, budget, limit=limit, force=force)
                    guided = _float_run(prep, budget, limit=limit, force=force, guide=guide)
                    if plain is None or guided is None:
                        continue
                    assert guided.selected == plain.selected
                    assert (guided.cut, guided.over) == (plain.cut, plain.over)
                    for floors, key, pid in zip(
                        guided.floors, plain.keys, plain.selected, strict=False
                    ):
                        assert floors[pid][0] <= key[1]  # a lower bound of its price
                    compared += 1
                    diverged += guide.selected[: len(force)] != force
    assert compared > 200 and 100 < diverged < compared and cut_guides > 2


def _mes_and_another_way(shape: str):  # type: ignore[no-untyped-def]
    """A MES run of two selections or more, and a whole run forced to go another way at its
    second selection."""
    for seed in range(20):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        budget, limit = 2 * election.budget, election.budget
        mes = equal_shares_float.run(prep, budget, limit=limit)
        if len(mes.selections) < 2:
            continue
        for other in sorted(set(prep.projects) - set(mes.selected[:2])):
            forced = equal_shares_float.run(
                prep, budget, limit=limit, force=[mes.selected[0], other]
            )
            if not forced.cut:
                return budget, mes, forced
    raise AssertionError("no such election")


@pytest.mark.parametrize("shape", ["cost", "points"])
def test_kept_runs_answer_only_for_the_forced_runs_they_equal(shape: str) -> None:
    budget, mes, forced = _mes_and_another_way(shape)
    (first, second), other = mes.selected[:2], forced.selected[1]
    kept = Runs()
    kept.add(mes)
    assert kept.made(budget, [first, second]) is mes
    assert kept.made(budget, [first, other]) is None
    assert kept.made(budget + 1, [first]) is None
    kept.add(forced, 2)
    assert kept.made(budget, [first, other]) is forced
    assert kept.made(budget, [first]) is mes  # (forced further than asked: not that run)
    # a guide for a run below: the one sharing the most of the forced selections
    assert kept.guide(budget - 5, [first, other, second]) is forced
    assert kept.guide(budget - 5, [first, second]) is mes
    assert kept.guide(budget + 5, [first]) is None
    kept.forget_below(budget + 1)
    assert kept.made(budget, [first, second]) is None


@pytest.mark.parametrize("numpy", [False, True])
@pytest.mark.parametrize("shape", ["cost", "points"])
def test_a_forced_run_resumed_from_a_cut_run_decides_as_one_from_the_start(
    shape: str, numpy: bool
) -> None:
    # Each way a cut run's last step may go, resumed from where it stopped (twice: the first
    # resumed run must leave the cut run's state as it was), against the same forced run
    # computed from the start; its reach holds for every budget in between that goes that way.
    resumed = checked = 0
    for _election, prep, below, high, options in _cut_probes(shape, numpy, widths=(10, 40)):
        assert high.paused is not None
        for candidate in [*high.candidates, *high.candidates]:
            force = [*high.selected, candidate]
            fresh = _float_run(prep, high.budget, force=force, **options)
            again = _float_run(prep, high.budget, force=force, resume=high, **options)
            if fresh is None or again is None:
                continue
            assert again.selected == fresh.selected
            assert (again.cut, again.over) == (fresh.cut, fresh.over)
            resumed += 1
            for budget in range(below.budget, high.budget + 1):  # its reach holds (computed
                # from another state than the fresh run's: both hold, they may differ)
                exact = equal_shares_exact.run(prep, budget).selected
                if exact[: len(force)] == force and again.reach is not None:
                    assert set(exact) <= again.reach
                    checked += 1
    assert resumed > 50 and checked > 200, (resumed, checked)


def test_a_run_kept_for_one_forced_less_does_not_lend_its_reach() -> None:
    # A forced run made whole by following its own near-tie stands for the run forced one
    # selection less (`Runs.made`), but its reach covers only the runs forced as it was.
    for seed in range(20):
        election = _random_election(seed, "cost")
        prep = equal_shares.prepare(election)
        budget, limit = 2 * election.budget, election.budget
        below = equal_shares_exact.run(prep, budget - 3, limit=limit)
        options = {"limit": limit, "below": below, "thresholds": below.keys}
        run = equal_shares_float.run(prep, budget, force=below.selected[:2], **options)
        if not run.cut and run.reach is not None and len(run.selections) >= 2:
            break
    else:
        raise AssertionError("no such election")
    force = run.selected[:1]
    kept = Runs()
    kept.add(run, 1, family=False)
    assert kept.made(budget, force) is run
    assert kept.proven(budget, force, below.budget) is None
    kept.add(run, 1)
    assert kept.proven(budget, force, below.budget) is run
    assert kept.proven(budget, force, below.budget - 1) is None  # (its reach starts above)


@pytest.mark.parametrize("numpy", [False, True])
@pytest.mark.parametrize("shape", ["cost", "points"])
def test_a_lower_end_forced_run_resumed_from_a_kept_cut_run_decides_as_one_from_the_start(
    shape: str, numpy: bool
) -> None:
    # The next range starts at a proven cut run's budget: a run forced there without a run
    # below (no reach to prove) resumes from the cut run's state when its forced selections
    # start with the cut run's, and decides as the same run computed from the start.
    resumed = 0
    for _election, prep, below, high, options in _cut_probes(shape, numpy, widths=(40,)):
        limit = options["limit"]
        kept = Runs()
        kept.add(below)
        kept.add(high)
        others = sorted(set(prep.projects) - set(high.selected))
        for force in [[*high.selected, c, o] for c in high.candidates for o in others[:2]]:
            assert kept.paused(high.budget, force) is high
            assert kept.paused(high.budget + 1, force) is None
            fresh = _float_run(prep, high.budget, limit=limit, force=force)
            again = _float_run(prep, high.budget, limit=limit, force=force, resume=high)
            if fresh is None or again is None:
                continue
            assert again.selected == fresh.selected
            assert (again.cut, again.over) == (fresh.cut, fresh.over)
            resumed += 1
        if high.selections:  # (it made more than asked: not that run's state)
            assert kept.paused(high.budget, high.selected[:-1]) is None
    assert resumed > 30, resumed


@pytest.mark.parametrize("numpy", [False, True])
@pytest.mark.parametrize("shape", ["cost", "points"])
def test_a_forced_run_stopped_where_its_reach_fits_made_whole_is_the_whole_run(
    shape: str, numpy: bool
) -> None:
    # A forced top run with `lazy` stops once its reach fits (its state kept, not `cut`), with
    # the reach of the whole run (both resumed from the same cut run, against the run below
    # forced as they are, as `add1_proofs` follows a way). Made whole (`made_whole`: resumed,
    # its selections so far forced) it decides as the run computed whole, and a kept entry
    # for it then answers with the whole run.
    stopped = 0
    for _election, prep, below, high, options in _cut_probes(shape, numpy, widths=(10, 40, 90)):
        limit = 3 * options["limit"]  # (room for the reach to fit)
        for candidate in high.candidates:
            force = [*high.selected, candidate]
            bottom = _float_run(prep, below.budget, force=force, limit=limit)
            if bottom is None or bottom.cut:
                continue
            options = {"limit": limit, "below": bottom, "thresholds": bottom.keys}  # (as a way)
            whole = _float_run(prep, high.budget, force=force, resume=high, **options)
            lazy = _float_run(prep, high.budget, force=force, resume=high, lazy=True, **options)
            if whole is None or lazy is None:
                continue
            assert lazy.cut == whole.cut and lazy.reach == whole.reach
            if not add1_proofs.is_partial(lazy):
                assert lazy.selected == whole.selected
                continue
            assert whole.selected[: len(lazy.selections)] == lazy.selected
            kept = Runs()
            kept.add(lazy, len(force))
            try:
                made = add1_proofs.made_whole(prep, lazy, kept, limit)
            except equal_shares_float.Uncertain:
                continue
            assert made.selected == whole.selected and not add1_proofs.is_partial(made)
            assert (made.cut, made.over, made.reach) == (whole.cut, whole.over, whole.reach)
            assert [key[1] for key in made.keys] == pytest.approx([key[1] for key in whole.keys])
            assert kept.made(high.budget, force) is made
            stopped += 1
    assert stopped > 15, stopped
