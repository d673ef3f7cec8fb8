"""Vote counts: the NumPy count from the approval matrix equals the plain `Counter` count.

Every rule starts from these counts, so an auditor must get the same numbers whichever way the
engine took: with or without NumPy, from the matrix the pabulib reader filled while reading or
from one a profile builds itself.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.allocation import ApprovalBallot, Profile, allocate, counting
from pb.allocation.counting import ApprovalMatrix, count_votes
from pb.allocation.errors import InvalidElectionError
from pb.allocation.pabulib import parse_file

from .conftest import all_files, approval, load

pytest.importorskip("numpy")

PROJECTS = [f"p{number}" for number in range(70)]  # more than 64: rows span several words


@contextmanager
def _numpy(use_numpy: bool, min_groups: int = 0):
    saved = counting.USE_NUMPY, counting.MATRIX_MIN_GROUPS
    counting.USE_NUMPY, counting.MATRIX_MIN_GROUPS = use_numpy, min_groups
    try:
        yield
    finally:
        counting.USE_NUMPY, counting.MATRIX_MIN_GROUPS = saved


def _count(profile: Profile, use_numpy: bool) -> dict[str, int]:
    with _numpy(use_numpy):
        return count_votes(profile)


ballots = st.lists(
    st.tuples(st.frozensets(st.sampled_from(PROJECTS), max_size=12), st.integers(1, 5)),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(ballots)
def test_both_counts_agree_on_any_approval_profile(drawn):
    profile = Profile("approval", tuple(ApprovalBallot(ids, weight=w) for ids, w in drawn))
    expected: dict[str, int] = {}
    for ids, weight in drawn:
        for pid in ids:
            expected[pid] = expected.get(pid, 0) + weight
    assert _count(profile, False) == expected
    fresh = Profile("approval", profile.ballots)  # no cached matrix yet
    assert _count(fresh, True) == expected


@pytest.mark.parametrize("path", all_files(), ids=lambda p: p.stem)
def test_the_readers_matrix_counts_what_the_ballots_say(path):
    election = load(path)
    profile = election.profile
    if profile.vote_type not in ("approval", "choose-1"):
        pytest.skip("only approval profiles have an approval matrix")
    plain = _count(Profile(profile.vote_type, profile.ballots), False)
    assert _count(profile, True) == plain
    assert sum(plain.values()) == sum(len(b.projects) for b in profile.ballots)


def test_the_reader_fills_the_matrix_for_large_profiles_only(monkeypatch):
    path = next(p for p in all_files() if p.name == "Poland_Swiecie_2023.pb")
    monkeypatch.setattr(counting, "USE_NUMPY", True)
    large = parse_file(path)  # 2,553 voters, well over MATRIX_MIN_GROUPS distinct ballots
    assert "approval_matrix" in large.profile.__dict__
    matrix = large.profile.approval_matrix
    assert matrix.project_ids == large.instance.project_ids
    assert sum(matrix.weights) == large.profile.num_voters
    monkeypatch.setattr(counting, "MATRIX_MIN_GROUPS", 10**9)
    assert "approval_matrix" not in parse_file(path).profile.__dict__


def test_greedy_selects_the_same_either_way(monkeypatch):
    path = next(p for p in all_files() if p.name == "Poland_Swiecie_2023.pb")
    outcomes = []
    for use_numpy in (True, False):
        monkeypatch.setattr(counting, "USE_NUMPY", use_numpy)
        election = parse_file(path)
        for satisfaction in ("cost", "cardinality"):
            outcome = allocate(
                election.instance, election.profile, "greedy", satisfaction=satisfaction
            )
            outcomes.append((outcome.selected, outcome.scores, outcome.trace))
    assert outcomes[:2] == outcomes[2:]


def test_a_ballot_for_an_unknown_project_is_still_refused(monkeypatch):
    monkeypatch.setattr(counting, "MATRIX_MIN_GROUPS", 0)
    instance, profile = approval(10, {"a": 5, "b": 5}, [["a"], ["a", "z"]])
    with pytest.raises(InvalidElectionError, match="'z'"):
        allocate(instance, profile, "greedy")


def test_a_matrix_refuses_rows_it_cannot_count():
    with pytest.raises(InvalidElectionError, match="no column"):
        ApprovalMatrix.encode([(1, ["a", "b"])], ["a"])
    bad = ApprovalMatrix.from_rows(["a"], [(1, [0, 3])])
    with pytest.raises(InvalidElectionError, match="column"):
        bad.column_sums()
    with pytest.raises(InvalidElectionError, match="exactly"):
        ApprovalMatrix.from_rows(["a"], [(2**53, [0])])
