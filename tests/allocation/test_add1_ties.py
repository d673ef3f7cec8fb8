"""`add1_ties.narrowed` drops a rival from the ways a step may go only where the step's winner
wins it at every budget of the range: checked with an exact run at budgets all through the
range, and the search with it on steps to what stepping one unit at a time finds."""

from __future__ import annotations

import pytest

from pb.allocation import (
    add1_proofs,
    add1_ties,
    completion,
    equal_shares,
    equal_shares_exact,
    equal_shares_float,
)

from .test_add1_search import VARIANTS, _random_election


def _cut_pairs(election, prep):  # type: ignore[no-untyped-def]
    """(low, high) float runs, whole units per voter apart, `high` cut against `low` at a
    step whose winner `low` made too (what `narrowed` can narrow)."""
    voters = prep.voters
    for units in range(election.budget // voters, 6 * election.budget // voters):
        low_budget = units * voters  # (as add1's budgets: whole units per voter apart)
        try:
            low = equal_shares_float.run(prep, low_budget)
        except equal_shares_float.Uncertain:
            continue
        for width in (1, 3, 8, 20):
            try:
                high = equal_shares_float.run(
                    prep,
                    low_budget + width * voters,
                    limit=election.budget,
                    below=low,
                    thresholds=low.keys,
                )
            except equal_shares_float.Uncertain:
                continue
            if high.cut and high.candidates and len(high.candidates) > 1:
                yield low, high


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_a_dropped_rival_never_wins_the_step_at_any_budget_in_between(shape: str) -> None:
    dropped = checked = 0
    for seed in range(12):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        for low, high in _cut_pairs(election, prep):
            ways = add1_ties.narrowed(prep, low, high)
            assert ways is not None and ways[0] == high.candidates[0]
            assert set(ways) <= set(high.candidates)
            if len(ways) == len(high.candidates):
                continue
            dropped += 1
            step = len(high.selections)
            # every budget in between, in steps of a fraction of a unit per voter
            for budget in range(low.budget, high.budget + 1, max(1, prep.voters // 7)):
                exact = equal_shares_exact.run(prep, budget)
                assert exact.selected[:step] == high.selected
                assert exact.selected[step] in ways, (seed, budget, ways, high.candidates)
                checked += 1
    assert dropped > 0 and checked > dropped, (dropped, checked)


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_search_with_narrowed_ways_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(add1_proofs, "NARROW", True)
    calls, narrowed = [0, 0], add1_ties.narrowed

    def counted(prep, low, high):  # type: ignore[no-untyped-def]
        ways = narrowed(prep, low, high)
        calls[0] += 1
        calls[1] += ways is not None and len(ways) < len(high.candidates or ())
        return ways

    monkeypatch.setattr(add1_proofs, "narrowed", counted)
    for seed in range(8, 20):  # (seeds where the search narrows, in each shape)
        for variant in VARIANTS:
            election = _random_election(seed, shape)  # (a fresh profile: add1 is memoised)
            fast = completion.add1(election, variant)
            slow = completion.add1(_random_election(seed, shape), variant, search=False)
            assert fast.run.selected == slow.run.selected
            assert (fast.increments, fast.stop) == (slow.increments, slow.stop)
    assert calls[1] > 0, calls
