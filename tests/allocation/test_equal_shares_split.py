"""Where an approval project's supporters split into poor and rich (`equal_shares_split`).

The water-filling may start from poor budgets already known (the low ones, when all of them are
poor): it must end at the split it finds from cost / payers, in fewer passes.
"""

from __future__ import annotations

import random

import pytest

from pb.allocation import equal_shares_split as split
from pb.allocation.equal_shares_bounds import Uncertain

numpy = pytest.importorskip("numpy")


class _Passes:
    """NumPy as the module reads it, counting the water-filling's passes (one product each)."""

    def __init__(self) -> None:
        self.passes = 0

    def __getattr__(self, name: str):
        return getattr(numpy, name)

    def multiply(self, *args, **kwargs):
        self.passes += 1
        return numpy.multiply(*args, **kwargs)


def _some_budget(rng: random.Random) -> float:
    return rng.choice([0.0, rng.uniform(0, 3), rng.uniform(0, 3), rng.uniform(5, 50)])


def _all_low_poor(rng: random.Random) -> tuple:
    """Budgets (some zeros, many small, a few large) and a cost whose share is above every
    budget under `LOW` x cost / supporters."""
    while True:
        size = rng.randrange(20, 400)
        budgets = numpy.array(
            [
                rng.choice([0.0, rng.uniform(0, 3), rng.uniform(0, 3), rng.uniform(5, 50)])
                for _ in range(size)
            ]
        )
        cost = rng.uniform(0.3, 0.9) * float(budgets.sum())
        low, _where = split.low_budgets(budgets, cost, size)
        below = split.all_poor(low, cost, size)
        if below is not None and len(low):
            return budgets, cost, low, below


@pytest.mark.parametrize("seed", range(30))
def test_the_water_filling_from_the_low_budgets_ends_where_it_would_have(seed, monkeypatch) -> None:
    rng = random.Random(seed)
    budgets, cost, _low, below = _all_low_poor(rng)
    zeros = int(numpy.count_nonzero(budgets == 0.0))
    counted = _Passes()
    monkeypatch.setattr(split, "_np", counted)
    try:
        side, smallest, mask = split.water_filling("p", budgets, cost, zeros)
        from_scratch = counted.passes
        counted.passes = 0
        started, started_smallest, started_mask = split.water_filling(
            "p", budgets, cost, zeros, below
        )
    except Uncertain:
        return
    assert (started[0], started[1], started[3], started_smallest) == (*side[:2], side[3], smallest)
    assert started[2] == pytest.approx(side[2], rel=1e-12)
    assert started_mask.tolist() == mask.tolist()
    assert counted.passes < from_scratch  # (the low budgets' passes are skipped)


@pytest.mark.parametrize("seed", range(30))
def test_low_budgets_said_all_poor_are_all_poor(seed) -> None:
    # `all_poor` is a sufficient test: where it answers, the low budgets' own water-filling
    # finds them all poor too, and the water-filling over every budget counts them poor
    rng = random.Random(seed)
    answered = 0
    for _ in range(50):
        size = rng.randrange(1, 60)
        budgets = numpy.array([_some_budget(rng) for _ in range(size)])
        zeros = int(numpy.count_nonzero(budgets == 0.0))
        if zeros == size:
            continue
        cost = rng.uniform(0.05, 0.95) * float(budgets.sum())
        low, _where = split.low_budgets(budgets, cost, size)
        below = split.all_poor(low, cost, size)
        if below is None:
            continue
        assert below == (len(low), pytest.approx(float(low.sum()), rel=1e-12))
        try:
            side = split.water_filling("p", budgets, cost, zeros)[0]
            assert split.low_boundary("p", low, cost, size, zeros) is None
        except Uncertain:
            continue
        answered += 1
        assert side[0] + zeros >= len(low)
    assert answered > 5
