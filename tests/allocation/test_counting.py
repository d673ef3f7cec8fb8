"""Vote counts and scores: the NumPy sums over the ballot matrix equal the plain count.

Every rule starts from these numbers, so an auditor must get the same ones whichever way the
engine took: with or without NumPy, from the matrix the pabulib reader filled while reading or
from one a profile builds itself.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.allocation import (
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    allocate,
    counting,
)
from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.counting import BallotMatrix, count_votes
from pb.allocation.errors import InvalidElectionError
from pb.allocation.pabulib import parse_file, parse_string
from pb.allocation.satisfaction import score_measure

from .conftest import all_files, approval, load

pytest.importorskip("numpy")

PROJECTS = [f"p{number}" for number in range(70)]  # more than 64: rows span several words


MATRIX = Accelerators(matrix_min_ballots=0)
"""NumPy counts every profile from its matrix, however small."""


def _numpy(use_numpy: bool) -> Accelerators:
    return MATRIX if use_numpy else PURE


def _count(profile: Profile, use_numpy: bool) -> dict[str, int]:
    return count_votes(profile, _numpy(use_numpy))


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


def _reference(profile: Profile, measure: str) -> tuple[dict, dict]:
    """(votes, non-zero scores) counted naively: every ballot, every entry, in plain Python."""
    votes: dict[str, int] = {}
    totals: dict[str, object] = {}
    for ballot in profile.ballots:
        if isinstance(ballot, ApprovalBallot):
            entries = dict.fromkeys(ballot.projects, 1)
        elif isinstance(ballot, OrdinalBallot):
            k = len(ballot.ranking)
            first = k if measure == "positional" else k - 1
            entries = {pid: first - place for place, pid in enumerate(ballot.ranking)}
        else:
            entries = dict(ballot.points)
        for pid, value in entries.items():
            if value > 0 or isinstance(ballot, OrdinalBallot):
                votes[pid] = votes.get(pid, 0) + ballot.weight
            totals[pid] = totals.get(pid, 0) + ballot.weight * value
    return votes, {pid: total for pid, total in totals.items() if total}


def _counted(profile: Profile, measure: str, use_numpy: bool) -> tuple[dict, dict | None]:
    """(votes, the matrix's scores or None) from a copy of the profile with nothing cached."""
    fresh = Profile(profile.vote_type, profile.ballots)
    votes = count_votes(fresh, _numpy(use_numpy))
    matrix = counting.ballot_matrix(fresh, _numpy(use_numpy))
    return votes, None if matrix is None else matrix.totals(measure)


rankings = st.lists(
    st.tuples(st.permutations(PROJECTS[:9]), st.integers(0, 9), st.integers(1, 4)), max_size=30
)


@settings(max_examples=100, deadline=None)
@given(rankings, st.sampled_from(["positional", "borda"]))
def test_both_ways_score_rankings_alike(drawn, satisfaction):
    ballots = tuple(OrdinalBallot(tuple(order[:k]), weight=w) for order, k, w in drawn)
    profile = Profile("ordinal", ballots)
    votes, totals = _reference(profile, satisfaction)
    assert _counted(profile, satisfaction, True) == (votes, totals)
    assert _counted(profile, satisfaction, False) == (votes, None)


points = st.lists(
    st.tuples(st.dictionaries(st.sampled_from(PROJECTS), st.integers(0, 20)), st.integers(1, 4)),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(points)
def test_both_ways_score_points_alike(drawn):
    profile = Profile("cumulative", tuple(CumulativeBallot(p, weight=w) for p, w in drawn))
    votes, totals = _reference(profile, "points")
    assert _counted(profile, "points", True) == (votes, totals)
    assert _counted(profile, "points", False) == (votes, None)


def test_fractional_points_are_counted_the_plain_way():
    profile = Profile("cumulative", (CumulativeBallot({"a": Fraction(3, 2), "b": 2}),))
    assert profile.ballot_matrix is None
    instance, _ = approval(10, {"a": 5, "b": 5}, [])
    outcome = allocate(instance, profile, "greedy", accelerators=MATRIX)
    assert outcome.scores == {"a": Fraction(3, 2), "b": 2}


@pytest.mark.parametrize("path", all_files(), ids=lambda p: p.stem)
def test_the_readers_matrix_counts_what_the_ballots_say(path):
    election = load(path)
    profile = election.profile
    matrix = parse_file(path, accelerators=MATRIX).profile.__dict__.get("ballot_matrix")
    if matrix is None:
        pytest.skip("the reader makes a matrix for large profiles only")
    satisfactions = {"ordinal": ("positional", "borda"), "cumulative": ("points",)}
    for satisfaction in satisfactions.get(profile.vote_type, ("cost",)):
        measure = score_measure(profile.vote_type, satisfaction)
        votes, totals = _reference(profile, measure)
        assert matrix.supporters() == votes
        assert matrix.totals(measure) == totals
        assert set(matrix.project_ids) >= set(votes)


def test_the_reader_fills_the_matrix_for_large_profiles_only():
    path = next(p for p in all_files() if p.name == "Poland_Swiecie_2023.pb")
    large = parse_file(path)  # 2,553 voters, well over the default matrix_min_ballots
    matrix = large.profile.__dict__["ballot_matrix"]
    assert matrix.project_ids == large.instance.project_ids
    assert sum(matrix.weights) == large.profile.num_voters
    smaller_only = Accelerators(matrix_min_ballots=10**9)
    assert "ballot_matrix" not in parse_file(path, accelerators=smaller_only).profile.__dict__
    assert "ballot_matrix" not in parse_file(path, accelerators=PURE).profile.__dict__


@pytest.mark.parametrize(
    ("name", "satisfactions"),
    [
        ("Poland_Swiecie_2023.pb", ("cost", "cardinality")),
        ("Poland_Krakow_2022_Zwierzyniec.pb", ("positional", "borda")),
    ],
)
def test_greedy_decides_the_same_either_way(name, satisfactions):
    path = next(p for p in all_files() if p.name == name)
    outcomes = []
    for use_numpy in (True, False):
        accelerators = _numpy(use_numpy)
        election = parse_file(path, accelerators=accelerators)
        for satisfaction in satisfactions:
            outcome = allocate(
                election.instance,
                election.profile,
                "greedy",
                satisfaction=satisfaction,
                accelerators=accelerators,
            )
            outcomes.append((outcome.selected, outcome.scores, outcome.trace))
    assert outcomes[: len(satisfactions)] == outcomes[len(satisfactions) :]


@pytest.mark.parametrize("use_numpy", [True, False], ids=["matrix", "plain"])
@pytest.mark.parametrize("vote_type", ["approval", "ordinal", "cumulative"])
def test_a_ballot_for_an_unknown_project_is_still_refused(vote_type, use_numpy):
    instance, _profile = approval(10, {"a": 5, "b": 5}, [])
    ballots = {
        "approval": (ApprovalBallot({"a"}), ApprovalBallot({"a", "z"})),
        "ordinal": (OrdinalBallot(("a",)), OrdinalBallot(("z", "a"))),
        "cumulative": (CumulativeBallot({"a": 1}), CumulativeBallot({"a": 1, "z": 0})),
    }[vote_type]
    with pytest.raises(InvalidElectionError, match="'z'"):
        allocate(instance, Profile(vote_type, ballots), "greedy", accelerators=_numpy(use_numpy))


def test_a_matrix_refuses_rows_it_cannot_count():
    bad = BallotMatrix.from_rows("approval", ["a"], [(1, [0, 3], None)])
    with pytest.raises(InvalidElectionError, match="column"):
        bad.supporters()
    with pytest.raises(InvalidElectionError, match="exactly"):
        BallotMatrix.from_rows("approval", ["a"], [(2**53, [0], None)])
    with pytest.raises(InvalidElectionError, match="exactly"):
        BallotMatrix.from_rows("cumulative", ["a"], [(2**40, [0], [2**13])])


def test_an_unvoted_project_missing_from_another_instance_is_no_error():
    # the reader's matrix has a column for every project of its file; counting the same
    # ballots against an instance without a project nobody voted for must still work
    votes = "\n".join(f"{n};a,b;{n % 3 + 1},1" for n in range(60))
    text = (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nnum_projects;3\nnum_votes;60\n"
        "PROJECTS\nproject_id;cost\na;60\nb;50\nc;10\n"
        f"VOTES\nvoter_id;vote;points\n{votes}\n"
    )
    election = parse_string(text, accelerators=MATRIX)
    assert election.profile.__dict__["ballot_matrix"].project_ids == ("a", "b", "c")
    without_c = Instance(100, election.instance.projects[:2], election.instance.meta)
    outcome = allocate(without_c, election.profile, "greedy", accelerators=MATRIX)
    assert outcome.selected == ("a",) and outcome.scores == {"a": 120, "b": 60}
