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

from pb.allocation import equal_shares, equal_shares_exact, equal_shares_sorted
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


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
@pytest.mark.parametrize("limit", [0, equal_shares_sorted.SORT_LIMIT], ids=["fill", "sort"])
def test_both_pricers_decide_as_the_exact_runs(seed, satisfaction, limit, monkeypatch) -> None:
    monkeypatch.setattr(equal_shares_sorted, "SORT_LIMIT", limit)
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


@pytest.mark.parametrize("limit", [0, equal_shares_sorted.SORT_LIMIT], ids=["fill", "sort"])
def test_per_group_error_bounds_are_summed_for_the_poor(limit, monkeypatch) -> None:
    # the single bound grows 61-fold a step here: only the poor's own bounds decide it
    monkeypatch.setattr(equal_shares_sorted, "SORT_LIMIT", limit)
    sums = []
    summed = equal_shares_sorted._poor_error
    monkeypatch.setattr(
        equal_shares_sorted, "_poor_error", lambda *a: sums.append(summed(*a)) or sums[-1]
    )
    prep, budget = _drained_election(spread=True)
    exact = equal_shares_exact.run(_with(prep, False), budget)
    fast = _run(prep, budget, True)
    assert _decides_as_exact(prep, fast, exact, floors=True)
    assert bool(sums) == bool(limit) and None not in sums


def test_equal_budgets_on_both_sides_give_no_per_voter_sum() -> None:
    budgets = numpy.array([0.0, 5.0, 5.0, 5.0, 9.0])
    errors = numpy.array([1.0, 2.0, 3.0, 4.0, 5.0])
    voters = numpy.arange(5)
    assert equal_shares_sorted._poor_error(errors, budgets, voters, 1, 5.0) is None
    assert equal_shares_sorted._poor_error(errors, budgets, voters, 3, 9.0) == 9.0
