"""`prepare` from the ballot matrix leaves each project's lists of groups unmade
(`LazyLevels`): made on first read, they are the eager layout's, and the NumPy runs of add1
never read them."""

from __future__ import annotations

import pytest

from pb.allocation import allocate, equal_shares
from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.equal_shares_lazy import LazyLevels, first_level, level_size

from .test_equal_shares import _election
from .test_equal_shares_prepare import _random_approval

pytest.importorskip("numpy")

WITH_NUMPY = Accelerators(matrix_min_ballots=0, mes_min_voters=0)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("vote_type", ["approval", "choose-1"])
def test_the_lazy_lists_are_the_eager_ones(seed: int, vote_type: str) -> None:
    election = _election(*_random_approval(seed, vote_type), "cost")
    election.accelerators = WITH_NUMPY
    prepared = equal_shares.prepare(election)
    assert isinstance(prepared.levels, LazyLevels) and isinstance(prepared.members, LazyLevels)
    weights, groups_of, voters = equal_shares._approval_groups(election)  # the eager loop
    utility, lists = first_level(prepared.members, prepared.projects)
    for pid in prepared.projects:  # sizes and satisfactions, before any list is made
        assert level_size(prepared.levels, pid) == len(voters[pid])
        assert level_size(prepared.members, pid) == len(groups_of[pid])
        assert utility[pid] == election.costs[pid]
    assert prepared.levels.builds == prepared.members.builds == 0
    assert prepared.weights == weights
    for pid in prepared.projects:
        assert prepared.members[pid] == [(election.costs[pid], groups_of[pid])]
        assert prepared.levels[pid] == [(election.costs[pid], voters[pid])]
        assert lists[pid] is prepared.members[pid][0][1]  # made once
        alone = all(weights[g] == 1 for g in groups_of[pid])
        assert (prepared.levels[pid][0][1] is prepared.members[pid][0][1]) == alone
    assert set(prepared.levels) == set(groups_of) and len(prepared.members) == len(groups_of)
    with pytest.raises(KeyError):
        prepared.levels["g"]  # nobody approves it
    assert prepared == equal_shares._prepare_grouped(election)


@pytest.mark.parametrize("seed", range(6))
def test_numpy_add1_never_makes_the_lists(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    instance, profile = _random_approval(seed, "approval")
    # (from a profile of its own: after a pure run, a run on the same profile object did
    # not prepare from the matrix)
    expected = allocate(*_random_approval(seed, "approval"), "equalshares/add1", accelerators=PURE)

    made: list[str] = []
    make = LazyLevels._list

    def counted(self: LazyLevels, pid: str) -> list[int]:
        made.append(pid)  # (not raised: an exception may be taken for an uncertain run)
        return make(self, pid)

    monkeypatch.setattr(LazyLevels, "_list", counted)
    outcome = allocate(instance, profile, "equalshares/add1", accelerators=WITH_NUMPY)
    assert made == []
    assert outcome.to_json() == expected.to_json()
