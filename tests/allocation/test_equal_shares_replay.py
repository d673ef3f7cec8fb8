"""The exact replay from voter counts (`equal_shares_replay`) against the replay by classes.

Both recompute a decided run exactly: every price, payment and drop must be the same rational
(not merely close), and the counted replay must give up (None) rather than differ.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from pb.allocation import (
    equal_shares,
    equal_shares_exact,
    equal_shares_float,
    equal_shares_replay,
)
from pb.allocation.accelerators import Accelerators
from pb.allocation.pabulib import parse_file

from .conftest import approval, local_files
from .test_equal_shares import _election
from .test_equal_shares_numpy import _random_election

pytest.importorskip("numpy")


def _with(prep, use_numpy: bool):
    """The same prepared election with NumPy allowed from 0 voters, or not at all."""
    return dataclasses.replace(prep, accelerators=Accelerators(numpy=use_numpy, mes_min_voters=0))


def _fields(run):
    """Everything a replay computes, as exact values."""
    return (
        [(s.project, s.raw_rho, s.raw_payments) for s in run.selections],
        run.keys,
        [(d.project, d.raw_available, d.after) for d in run.drops],
        run.over,
    )


def _replays_agree(prep, decided) -> bool:
    """Asserts the counted replay (if it does not give up) equals the replay by classes;
    returns whether it replayed."""
    fast = _with(prep, True)
    counted = equal_shares_replay.replay(fast, decided, fast.accelerators.rational)
    by_classes = equal_shares_exact.replay(_with(prep, False), decided)
    assert _fields(equal_shares_exact.replay(fast, decided)) == _fields(by_classes)
    if counted is None:
        return False
    assert _fields(counted) == _fields(by_classes)
    return True


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
def test_counted_replays_equal_the_replays_by_classes(seed, satisfaction) -> None:
    rng = random.Random(seed)
    prep = _random_election(rng, satisfaction)  # (some groups of several voters)
    replayed = 0
    for budget in range(6000, 0, -rng.randrange(97, 400)):
        for limit in (None, budget // 3):  # whole runs, and runs cut short (`over`)
            replayed += _replays_agree(prep, equal_shares_exact.run(prep, budget, limit=limit))
    assert replayed > 20


def test_costs_that_are_not_whole_numbers_are_replayed_by_classes() -> None:
    prep = _with(_random_election(random.Random(1), "cost", halves=True), True)
    decided = equal_shares_exact.run(prep, 3000)
    assert decided.selections
    assert equal_shares_replay.replay(prep, decided, prep.accelerators.rational) is None
    assert _replays_agree(prep, decided) is False


def test_small_elections_are_replayed_by_classes() -> None:
    instance, profile = approval(100, {"a": 60, "b": 40}, [["a"], ["a", "b"], ["b"]])
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    decided = equal_shares_exact.run(prep, 130)
    assert equal_shares_replay.replay(prep, decided, prep.accelerators.rational) is None
    assert "approval_ballots" not in prep.cache


def test_a_step_the_float_book_cannot_prove_is_replayed_by_classes() -> None:
    # three supporters with exactly the cost between them: the boundary is undecidable in
    # floating point, so the decided run is an exact one, and so is its replay
    instance, profile = approval(30, {"a": 30, "b": 30}, [["a"], ["a"], ["a", "b"]])
    prep = _with(equal_shares.prepare(_election(instance, profile, "cost")), True)
    decided = equal_shares_exact.run(prep, 30)
    assert decided.selected == ["a"]
    assert equal_shares_replay.replay(prep, decided, prep.accelerators.rational) is None
    assert _replays_agree(prep, decided) is False


def test_the_ballots_list_each_groups_projects() -> None:
    prep = _with(_random_election(random.Random(3), "cost"), True)
    equal_shares_float.run(prep, 3000)  # builds the NumPy layout
    groups_of = prep.cache["float_numpy"][1]
    ballots = equal_shares_replay.Ballots.of(prep, groups_of)
    assert equal_shares_replay.Ballots.of(prep, groups_of) is ballots  # once per election
    approved = [set() for _ in range(prep.groups)]
    for pid in prep.projects:
        for group in groups_of[pid].tolist():
            approved[group].add(ballots.column[pid])
    for group, columns in enumerate(approved):
        start, length = int(ballots.starts[group]), int(ballots.lengths[group])
        assert set(ballots.columns[start : start + length].tolist()) == columns
    rng = random.Random(4)
    chosen = sorted(rng.sample(range(prep.groups), prep.groups // 2))
    weights = [rng.randrange(1, 5) for _ in chosen]
    counts = ballots.counts(chosen, weights).tolist()
    expected = [0] * len(prep.projects)
    for group, weight in zip(chosen, weights, strict=True):
        for column in approved[group]:
            expected[column] += weight
    assert counts == expected


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.stem)
def test_counted_replays_on_real_elections(path) -> None:
    election = parse_file(path)
    if election.profile.vote_type not in ("approval", "choose-1"):
        pytest.skip("rankings and points are replayed by classes")
    replayed = 0
    for satisfaction in ("cost", "cardinality"):
        prep = equal_shares.prepare(_election(election.instance, election.profile, satisfaction))
        for scale in range(4, 21, 4):
            budget = election.instance.budget * scale // 10
            replayed += _replays_agree(prep, equal_shares_exact.run(prep, budget))
    assert replayed >= 8
