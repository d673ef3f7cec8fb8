"""add1 runs with the garbage collector paused (pb.allocation.collector) and restores it."""

import gc
import random

import pytest

from pb.allocation import Instance, Profile, Project, allocate, completion
from pb.allocation.types import ApprovalBallot


def _election(voters: int) -> tuple[Instance, Profile]:
    chooser = random.Random(7)
    projects = [Project(f"p{n}", cost=chooser.randint(10, 90)) for n in range(12)]
    ballots = [
        ApprovalBallot(frozenset(chooser.sample([p.id for p in projects], 3)))
        for _ in range(voters)
    ]
    return Instance(budget=250, projects=tuple(projects)), Profile("approval", tuple(ballots))


def test_add1_runs_with_the_collector_paused_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    search = completion._add1

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return search(*args, **kwargs)

    monkeypatch.setattr(completion, "_add1", watched)
    assert gc.isenabled()
    outcome = allocate(*_election(400), "equalshares/add1")
    assert seen == [False]  # the search itself ran paused
    assert gc.isenabled()  # and the collector is back after it
    gc.disable()
    try:
        allocate(*_election(300), "equalshares/add1")
        assert not gc.isenabled()  # a collector paused by the caller stays paused
    finally:
        gc.enable()
    assert outcome.selected
