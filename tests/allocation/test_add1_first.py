"""The search's first probe (`add1_runs.first_jump`): a share of the starting units per voter
instead of 2, landing where the doubling from 2 would have; the search still steps to what
stepping finds, where that first probe succeeds and where it overshoots the loop's end."""

from __future__ import annotations

import pytest

from pb.allocation import add1_runs, completion

from .test_add1_search import VARIANTS, _random_election, _searched_as_stepped


def test_the_first_jump_is_where_the_doubling_lands() -> None:
    # 2 + 4 + ... + 2^(k-1) = 2^k - 2, with 2^k at most an eighth of the units per voter
    assert [add1_runs.first_jump(units) for units in (0, 8, 15, 16, 32, 1000)] == [
        2,
        2,
        2,
        2,
        6,
        126,
    ]


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
@pytest.mark.parametrize("share", [1, 2])
def test_the_search_with_a_long_first_jump_steps_to_the_same_result(
    shape: str, share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the random elections have 4 to 17 units per voter: a share of 1 or 2 makes the first
    # probe 2 to 30 units long (it often overshoots the end of the loop, 3 to 22 units up)
    monkeypatch.setattr(add1_runs, "FIRST_SHARE", share)
    firsts = []
    for seed in range(24):
        election = _random_election(seed, shape)
        firsts.append(add1_runs.first_jump(election.budget // election.num_voters))
        for variant in VARIANTS:
            _searched_as_stepped(election, variant)
    assert max(firsts) >= 6, firsts
    assert completion.first_jump is add1_runs.first_jump
