"""The add1 search skips budgets only where stepping one unit at a time would find nothing that
ends the loop: random elections large enough for the search to skip, checked budget by budget."""

from __future__ import annotations

import random

import pytest

from pb.allocation import (
    CumulativeBallot,
    Instance,
    Profile,
    Project,
    completion,
    equal_shares,
    equal_shares_exact,
    equal_shares_float,
)
from pb.allocation.counting import count_votes
from pb.allocation.election import Election
from pb.allocation.tiebreak import priority

from .conftest import approval

VARIANTS = [
    completion.Add1(integral_start=integral, exhaustive_stop=exhaustive)
    for integral in (True, False)
    for exhaustive in (True, False)
]


def _election(instance: Instance, profile: Profile, satisfaction: str) -> Election:
    votes = count_votes(profile)
    rank = priority("lexicographic", instance, votes, None)
    return Election(instance, profile, satisfaction, "lexicographic", None, rank, votes)


def _random_election(seed: int, shape: str) -> Election:
    """60 to 90 voters, 9 projects: enough for add1 to take dozens of one-unit steps."""
    rng = random.Random(seed)
    names = "abcdefghi"
    costs = {name: rng.randrange(20, 400) for name in names}
    budget = rng.randrange(300, 1200)
    picks = [rng.sample(names, rng.randrange(1, 5)) for _ in range(rng.randrange(60, 90))]
    if shape == "points":
        instance = Instance(budget, tuple(Project(pid, cost) for pid, cost in costs.items()))
        ballots = tuple(CumulativeBallot({p: rng.randrange(1, 4) for p in pick}) for pick in picks)
        return _election(instance, Profile("cumulative", ballots), "points")
    return _election(*approval(budget, costs, picks), shape)


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_every_selection_between_two_runs_lies_within_the_reach(shape: str) -> None:
    # A run computed against a run at a lower budget names every project MES can select at any
    # budget in between: checked with an exact run at every whole budget in between.
    checked = pruned = cut = 0
    for seed in range(6):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        supported = set(prep.projects)
        for low in range(election.budget // 2, 3 * election.budget, 97):
            below = equal_shares_exact.run(prep, low)
            for width in (1, 7, 40, 150):
                try:
                    high = equal_shares_float.run(
                        prep,
                        low + width,
                        limit=election.budget,
                        below=below,
                        thresholds=below.keys,
                    )
                except equal_shares_float.Uncertain:
                    continue
                if high.over:
                    assert high.reach is None
                    continue
                assert high.reach is not None and high.reach_from == low
                if high.cut:  # stopped where the reach already overspends: a guide only
                    assert sum(prep.costs[p] for p in high.reach) > election.budget
                    cut += 1
                assert set(high.selected) <= high.reach <= supported
                pruned += high.reach < supported
                for budget in range(low, low + width + 1):
                    assert set(equal_shares_exact.run(prep, budget).selected) <= high.reach
                    checked += 1
    assert checked > 2000 and pruned > 20 and cut > 5


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_search_skips_budgets_by_cost_and_still_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped_by_cost = 0
    proof = completion.within_budget_between

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal skipped_by_cost
        found = proof(*args, **kwargs)
        skipped_by_cost += found
        return found

    monkeypatch.setattr(completion, "within_budget_between", counted)
    for seed in range(5):
        election = _random_election(seed, shape)
        for variant in VARIANTS:
            fast = completion.add1(election, variant)
            slow = completion.add1(election, variant, search=False)
            assert fast.run.selected == slow.run.selected
            assert (fast.increments, fast.stop) == (slow.increments, slow.stop)
    assert skipped_by_cost > 0
