"""The sorting pricer of the NumPy approval book (`equal_shares_sorted`).

A project read once per voter with at most `SORT_LIMIT` supporters is priced by sorting its
budgets, as the pure book does: the same sorted values and sequential running sums, so while the
book keeps a single error bound its runs are bitwise the pure book's. Above the limit (here:
a limit of 0) the water-filling of `equal_shares_split` prices them, which must still decide as
the exact run.
"""

from __future__ import annotations

import random

import pytest

from pb.allocation import (
    equal_shares,
    equal_shares_approval,
    equal_shares_exact,
    equal_shares_sorted,
)
from pb.allocation import equal_shares_split as split

from .conftest import approval
from .test_equal_shares import _election
from .test_equal_shares_numpy import (
    _approval_runs_decide_exactly,
    _decides_as_exact,
    _drained_election,
    _exact_runs,
    _random_election,
    _run,
    _same_runs,
    _with,
)

numpy = pytest.importorskip("numpy")


def _flat_election(rng: random.Random, satisfaction: str):
    """Approval ballots that differ enough for every project to be read once per voter."""
    names = "abcdefghijkl"[: rng.randrange(2, 13)]
    costs = {name: rng.randrange(1, 300) for name in names}
    ballots = [rng.sample(names, rng.randrange(0, min(5, len(names)) + 1)) for _ in range(90)]
    instance, profile = approval(rng.randrange(100, 3000), costs, ballots)
    return equal_shares.prepare(_election(instance, profile, satisfaction))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
def test_sorted_prices_are_bitwise_the_pure_books(seed, satisfaction, monkeypatch) -> None:
    calls = []
    original = split.water_filling
    monkeypatch.setattr(split, "water_filling", lambda *a: calls.append(a) or original(*a))
    rng = random.Random(seed)
    prep = _flat_election(rng, satisfaction)
    decided = 0
    guide = None
    for budget in range(6000, 0, -rng.randrange(17, 60)):
        decided += _same_runs(prep, budget)
        _same_runs(prep, budget, limit=budget // 3)
        _same_runs(prep, budget, guide=guide)
        run = _run(prep, budget, True)
        guide = None if isinstance(run, tuple) else run
    assert decided > 40
    assert not calls  # every pricing was a sort


LIMITS = {  # (SORT_LIMIT, LOW_SORT_LIMIT, LOW_FILL_FROM): which pricer prices a flat project
    "fill": (0, 0, 0),  # the water-filling pricer alone
    "low": (0, equal_shares_sorted.LOW_SORT_LIMIT, 1 << 30),  # a sort of the low budgets
    "lowfill": (0, equal_shares_sorted.LOW_SORT_LIMIT, 0),  # the water-filling over them
    "sort": (equal_shares_sorted.SORT_LIMIT, equal_shares_sorted.LOW_SORT_LIMIT, 1 << 30),
}


def _limited(monkeypatch, limits: str) -> list:
    """Sets the pricers' limits; returns the list `low_sorted`'s calls are recorded in."""
    sort_limit, low_limit, fill_from = LIMITS[limits]
    monkeypatch.setattr(equal_shares_sorted, "SORT_LIMIT", sort_limit)
    monkeypatch.setattr(equal_shares_sorted, "LOW_SORT_LIMIT", low_limit)
    monkeypatch.setattr(equal_shares_sorted, "LOW_FILL_FROM", fill_from)
    calls: list = []
    original = equal_shares_sorted.low_sorted
    monkeypatch.setattr(
        equal_shares_sorted, "low_sorted", lambda *a: calls.append(a[1]) or original(*a)
    )
    return calls


# (no more cases than with two pricers: the water-filling alone now prices only projects
# larger than any here, and the low budgets' sort the others above `SORT_LIMIT`)
SEEDS = {"fill": range(3), "low": range(3, 6), "lowfill": range(3, 6), "sort": range(6)}


@pytest.mark.parametrize(
    ("limits", "seed"), [(limits, seed) for limits, seeds in SEEDS.items() for seed in seeds]
)
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
def test_every_pricer_decides_as_the_exact_runs(seed, satisfaction, limits, monkeypatch) -> None:
    low_sorted = _limited(monkeypatch, limits)
    rng = random.Random(100 + seed)
    prep = _random_election(rng, satisfaction)
    decided = pure_decided = 0
    guide = None
    for budget in range(6000, 0, -rng.randrange(17, 60)):
        exact = _exact_runs(prep, budget)
        for guided_by in (None, guide):
            floors = guided_by is not None
            run, fast, pure = _approval_runs_decide_exactly(prep, budget, exact, guided_by, floors)
            decided, pure_decided = decided + fast, pure_decided + pure
        guide = None if isinstance(run, tuple) else run
    assert decided > 80
    assert decided >= pure_decided - 2
    assert limits in ("low", "lowfill") or not low_sorted


@pytest.mark.parametrize("limits", list(LIMITS))
def test_per_group_error_bounds_are_summed_for_the_poor(limits, monkeypatch) -> None:
    # the single bound grows 61-fold a step here: only the poor's own bounds decide it
    low_sorted = _limited(monkeypatch, limits)
    sums = {"sort": [], "low": []}
    for name, module in (("sort", equal_shares_sorted), ("low", split)):
        summed = getattr(module, "_poor_error" if name == "sort" else "poor_error")
        record = lambda *a, into=sums[name], summed=summed: into.append(summed(*a)) or into[-1]  # noqa: E731
        monkeypatch.setattr(module, "_poor_error" if name == "sort" else "poor_error", record)
    prep, budget = _drained_election(spread=True)
    exact = equal_shares_exact.run(_with(prep, False), budget)
    fast = _run(prep, budget, True)
    assert _decides_as_exact(prep, fast, exact, floors=True)
    assert bool(sums["sort"]) == (limits == "sort") and None not in sums["sort"]
    if limits in ("low", "lowfill"):
        # (None until the book keeps per-group bounds)
        assert low_sorted and any(summed is not None for summed in sums["low"])


def test_equal_budgets_on_both_sides_give_no_per_voter_sum() -> None:
    budgets = numpy.array([0.0, 5.0, 5.0, 5.0, 9.0])
    errors = numpy.array([1.0, 2.0, 3.0, 4.0, 5.0])
    voters = numpy.arange(5)
    assert equal_shares_sorted._poor_error(errors, budgets, voters, 1, 5.0) is None
    assert equal_shares_sorted._poor_error(errors, budgets, voters, 3, 9.0) == 9.0


def test_the_poors_float32_bounds_are_summed_in_float64() -> None:
    # in float32, 1 + 2^-24 rounds to 1 (a tie, to even) and the sum would lose both halves:
    # below the exact sum, which the proof would then not bound
    errors = numpy.array([1.0, 2.0**-24, 2.0**-24, 7.0], dtype=numpy.float32)
    budgets = numpy.array([1.0, 2.0, 3.0, 9.0])
    summed = equal_shares_sorted._poor_error(errors, budgets, numpy.arange(4), 3, 9.0)
    assert summed == 1.0 + 2.0**-23


@pytest.mark.parametrize("seed", range(40))
def test_the_low_budgets_search_finds_the_full_search_boundary(seed) -> None:
    # `_low_boundary` over the low budgets (the rest all richer) against `boundary` over all
    rng = random.Random(seed)
    size = rng.randrange(1, 60)
    budgets = sorted(
        rng.choice([rng.uniform(0, 10), float(rng.randrange(1, 6))]) for _ in range(size)
    )
    cost = rng.uniform(1, sum(budgets))
    cut = rng.randrange(0, size + 1)  # the first `cut` budgets are the low ones
    money = list(numpy.add.accumulate(numpy.array(budgets))) if budgets else []
    full = equal_shares_approval.boundary(cost, budgets, range(1, size + 1), money)
    low = equal_shares_sorted._low_boundary(cost, budgets[:cut], money[:cut], size)
    assert low == (full if full < cut else None)


@pytest.mark.parametrize("limits", ["low", "lowfill", "sort"])
def test_a_price_settled_by_the_single_bound_is_charged_by_the_poors_own(
    limits, monkeypatch
) -> None:
    # the key may come from the single bound, but the winner's charge must add the share's
    # error as the poor's own bounds give it: the same plans as summing them every time
    from pb.allocation.equal_shares_numpy import NumpyGathered

    _limited(monkeypatch, limits)
    charged = []
    original = NumpyGathered.charge
    monkeypatch.setattr(
        NumpyGathered, "charge", lambda book, *a: charged.append(a[:2]) or original(book, *a)
    )
    plans = {}
    for lazy in (False, True):
        monkeypatch.setattr(equal_shares_sorted, "LAZY_OWN", lazy)
        charged.clear()
        prep, budget = _drained_election(spread=True)
        fast = _run(prep, budget, True)
        assert not isinstance(fast, tuple)
        plans[lazy] = list(charged)
    assert len(plans[True]) == 10 and plans[True] == plans[False]


@pytest.mark.parametrize("seed", range(40))
def test_the_low_budgets_sort_and_water_filling_find_the_same_split(seed) -> None:
    # `low_sorted` sorts few low budgets and water-fills over many: the same poor voters and
    # smallest rich budget either way (the poor's money may differ in its last bits)
    rng = random.Random(seed)
    size = rng.randrange(2, 80)
    budgets = numpy.array(
        [rng.choice([0.0, rng.uniform(0, 10), float(rng.randrange(1, 6))]) for _ in range(size)]
    )
    cost = rng.uniform(1, max(1.0, float(budgets.sum())))
    low, _where = split.low_budgets(budgets, cost, size)
    zeros, searched = equal_shares_sorted._low_searched(cost, low, size)
    assert zeros == int(numpy.count_nonzero(low == 0.0))
    if zeros == size:
        return
    filled = split.low_boundary("p", low, cost, size, zeros)
    assert (searched is None) == (filled is None)
    if searched is not None:
        (poor, terms, paid, largest), smallest = searched
        assert (poor, terms, largest, smallest) == (*filled[0][:2], filled[0][3], filled[1])
        assert paid == pytest.approx(filled[0][2])
