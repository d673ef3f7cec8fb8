"""A run that parted from its guide (the two selected in another order) follows it again once
both have selected the same projects, each at a price here at least the guide's
(`equal_shares_float._rejoins`): the same MES run, computed with fewer pricings."""

from __future__ import annotations

import pytest

from pb.allocation import equal_shares, equal_shares_float

from .test_add1_search import _random_election


def _run(prep, budget, **options):  # type: ignore[no-untyped-def]
    try:
        return equal_shares_float.run(prep, budget, **options)
    except equal_shares_float.Uncertain:
        return None


def _parted_at(run, guide) -> int | None:  # type: ignore[no-untyped-def]
    for step, selection in enumerate(run.selections):
        if step >= len(guide.selections) or guide.selections[step].project != selection.project:
            return step
    return None


@pytest.mark.parametrize("shape", ["cost"])
def test_a_run_follows_its_guide_again_after_a_swap_and_decides_as_the_unguided_one(
    shape: str,
) -> None:
    compared = rejoined = 0
    for seed in range(12):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        for budget in range(election.budget // 2, 3 * election.budget, 7):
            for above in (1, 5, 23):
                guide = _run(prep, budget + above)
                plain = _run(prep, budget)
                if guide is None or plain is None:
                    continue
                guided = _run(prep, budget, guide=guide)
                assert guided is not None and guided.selected == plain.selected
                compared += 1
                parted = _parted_at(guided, guide)
                if parted is None:
                    continue
                # a step settled by the guide's own bounds after the two parted: it followed again
                rejoined += any(
                    guided.bounds[step] is guide.bounds[step]
                    for step in range(parted + 1, min(len(guided.bounds), len(guide.bounds)))
                )
    assert compared > 500 and rejoined > 10, (compared, rejoined)
