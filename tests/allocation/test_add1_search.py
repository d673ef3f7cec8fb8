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


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Replace `completion.<name>` by a wrapper counting the calls that found something."""
    found, proof = [0], getattr(completion, name)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = proof(*args, **kwargs)
        found[0] += result is not None and result is not False
        return result

    monkeypatch.setattr(completion, name, counted)
    return found


def _searched_as_stepped(
    election: Election,
    variant: completion.Add1,
    spied: tuple[pytest.MonkeyPatch, object, str, object] | None = None,
) -> completion.Completed:
    """add1 with its search (with `spied` = (monkeypatch, module, name, stand-in) replacing
    `module.name` meanwhile) selects and stops as add1 stepping every unit; the searched one."""
    if spied is not None:
        monkeypatch, module, name, stand_in = spied
        original = getattr(module, name)
        monkeypatch.setattr(module, name, stand_in)
    fast = completion.add1(election, variant)
    if spied is not None:
        monkeypatch.setattr(module, name, original)
    slow = completion.add1(election, variant, search=False)
    assert fast.run.selected == slow.run.selected
    assert (fast.increments, fast.stop) == (slow.increments, slow.stop)
    return fast


def _search_steps_to_the_same_result(seeds: range, shape: str) -> None:
    for seed in seeds:
        election = _random_election(seed, shape)
        for variant in VARIANTS:
            _searched_as_stepped(election, variant)


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_search_skips_budgets_by_cost_and_still_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped_by_cost = _counted(monkeypatch, "within_budget_between")
    _search_steps_to_the_same_result(range(5), shape)
    assert skipped_by_cost[0] > 0


def _ends_the_loop(election: Election, variant: completion.Add1, selected: list[str]) -> bool:
    supported = {p for p in election.instance.project_ids if election.scores[p] > 0}
    cost = sum(election.costs[p] for p in selected)
    return (
        cost > election.budget
        or set(selected) >= supported
        or (variant.exhaustive_stop and completion.is_exhaustive(election, selected))
    )


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_following_each_way_a_step_may_go_proves_no_budget_in_between_ends_the_loop(
    shape: str,
) -> None:
    # A cut run names the projects that may win its last step at some budget in between;
    # when every way proves the range, no budget in between ends the loop (checked with an
    # exact run at every whole budget) and the run is made whole: the exact run at its budget.
    proven = cut = ways = 0
    for seed in range(16):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        for low in range(election.budget // 2, 3 * election.budget, 31):
            below = equal_shares_exact.run(prep, low, limit=election.budget)
            for width in (3, 10, 30, 90):
                try:
                    high = equal_shares_float.run(
                        prep, low + width, limit=election.budget, below=below, thresholds=below.keys
                    )
                except equal_shares_float.Uncertain:
                    continue
                if not high.cut or below.over or high.candidates is None:
                    continue  # (None: `below` had stopped before that step)
                cut += 1
                step = len(high.selections)
                assert (
                    high.candidates[0] == equal_shares_exact.run(prep, low + width).selected[step]
                )
                for budget in range(low, low + width + 1):  # each budget takes one of the ways
                    selected = equal_shares_exact.run(prep, budget).selected
                    assert selected[:step] == high.selected
                    if step < len(selected):
                        ways += selected[step] != high.candidates[0]
                        assert selected[step] in high.candidates
                for variant in VARIANTS:
                    whole = completion.branches_within_budget(election, variant, prep, below, high)
                    if whole is None:
                        continue
                    proven += 1
                    exact = equal_shares_exact.run(prep, low + width, limit=election.budget)
                    assert not whole.cut and whole.selected == exact.selected
                    for budget in range(low, low + width + 1):
                        run = equal_shares_exact.run(prep, budget)
                        assert not _ends_the_loop(election, variant, run.selected)
    assert cut > 20 and proven > 5 and ways > 5, (cut, proven, ways)


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_search_follows_branches_and_still_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    followed = _counted(monkeypatch, "branches_within_budget")
    _search_steps_to_the_same_result(range(5, 12), shape)
    assert followed[0] > 0


def _runs_of_the_search(election: Election, monkeypatch: pytest.MonkeyPatch, backoff: int) -> int:
    """How many runs the search computes with `BACKOFF` set to `backoff`; checks its result."""
    monkeypatch.setattr(completion, "BACKOFF", backoff)
    computed, run = [0], completion.mes_run

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed[0] += 1
        return run(*args, **kwargs)

    _searched_as_stepped(
        election, completion.OFFICIAL, (monkeypatch, completion, "mes_run", counted)
    )
    return computed[0]


@pytest.mark.parametrize("shape", ["cost", "points"])
def test_stepping_without_probing_after_failed_probes_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with no backoff the search probes after every step; with one, it steps without probing
    # where probes failed: the runs differ, the result does not
    differ = 0
    for seed in range(12):
        runs = {
            backoff: _runs_of_the_search(_random_election(seed, shape), monkeypatch, backoff)
            for backoff in (0, 2, 32)
        }
        differ += len(set(runs.values())) > 1
    assert differ > 2, differ
