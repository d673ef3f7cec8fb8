"""`prepare` reads approval ballots straight from the distinct ballots: the same `Prepared` as
the general path through per-ballot utilities, which every other ballot kind takes."""

from __future__ import annotations

import random

import pytest

from pb.allocation import ApprovalBallot, Instance, Profile, Project, conflicts, equal_shares
from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.election import Election
from pb.allocation.equal_shares_lazy import LazyLevels
from pb.allocation.pabulib import parse_string

from .test_equal_shares import _election


def _random_approval(seed: int, vote_type: str) -> tuple[Instance, Profile]:
    """Weighted and repeated ballots, empty ones, and a project nobody approves."""
    rng = random.Random(seed)
    names = "abcdefg"
    instance = Instance(1000, tuple(Project(p, rng.randrange(10, 300)) for p in names))
    longest = 1 if vote_type == "choose-1" else 4
    ballots = [
        ApprovalBallot(frozenset(rng.sample(names[:-1], rng.randrange(0, longest + 1))), weight=w)
        for w in rng.choices([1, 1, 1, 2, 5], k=40)
    ]
    return instance, Profile(vote_type, tuple(ballots))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
@pytest.mark.parametrize("vote_type", ["approval", "choose-1"])
def test_approval_ballots_prepare_as_the_general_path(
    seed: int, satisfaction: str, vote_type: str
) -> None:
    election = _election(*_random_approval(seed, vote_type), satisfaction)
    prepared = equal_shares.prepare(election)
    assert prepared == equal_shares._prepare_grouped(election)
    assert "g" not in prepared.projects  # nobody approves it: never priced
    assert prepared.voters == sum(prepared.weights) == election.profile.num_voters


def test_a_file_read_in_bulk_prepares_as_the_general_path() -> None:
    text = "\n".join(
        [
            "META",
            "key;value",
            "budget;100",
            "vote_type;approval",
            "PROJECTS",
            "project_id;cost",
            "a;60",
            "b;40",
            "c;30",
            "VOTES",
            "voter_id;vote",
            *[f"{n};{vote}" for n, vote in enumerate(["a,b", "b", "a,b", "", "c,a", "b"], 1)],
        ]
    )
    election = parse_string(text + "\n")
    prepared = equal_shares.prepare(_election(election.instance, election.profile, "cost"))
    general = equal_shares._prepare_grouped(_election(election.instance, election.profile, "cost"))
    assert prepared == general
    assert prepared.weights == [2, 2, 1, 1]  # a,b twice; b twice; the empty ballot; c,a
    assert prepared.levels["b"] == [(40, [0, 0, 1, 1])]


def test_projects_withdrawn_from_the_ballot_are_left_out() -> None:
    # A conflict withdraws a project from the instance; the ballots still name it.
    election = conflicts.without(_election(*_random_approval(3, "approval"), "cost"), ["a", "c"])
    prepared = equal_shares.prepare(election)
    assert prepared == equal_shares._prepare_grouped(election)
    assert not {"a", "c"} & set(prepared.projects)


WITH_MATRIX = Accelerators(matrix_min_ballots=0)


def _matrix_layout(election: Election) -> equal_shares.Layout | None:
    """`_approval_groups`'s layout from `_approval_arrays`, with the lists made eagerly (only
    these tests compare them with the loop's; `prepare` leaves them lazy)."""
    laid_out = equal_shares._approval_arrays(election)
    if laid_out is None:
        return None
    weights, arrays = laid_out
    np = election.accelerators.np
    members = LazyLevels(np, dict.fromkeys(arrays, 1), arrays, weights, False)
    voters = LazyLevels(np, members._values, arrays, weights, True, members)
    return (
        weights.tolist(),
        {p: members[p][0][1] for p in arrays},
        {p: voters[p][0][1] for p in arrays},
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("vote_type", ["approval", "choose-1"])
def test_the_matrix_layout_is_the_loops(seed: int, vote_type: str) -> None:
    """`prepare` from the `BallotMatrix` in NumPy passes gives the loop's values, and shares
    lists as the loop does: a project's voters are its groups' list when none holds several."""
    instance, profile = _random_approval(seed, vote_type)
    election = _election(instance, profile, "cost")
    election.accelerators = WITH_MATRIX
    from_matrix = _matrix_layout(election)
    assert from_matrix is not None
    by_loop = equal_shares._approval_groups(election)
    assert from_matrix == by_loop
    weights, groups_of, voters = from_matrix
    for pid, groups in groups_of.items():
        alone = all(weights[g] == 1 for g in groups)
        assert (voters[pid] is groups) == alone == (by_loop[2][pid] is by_loop[1][pid])
    prepared = equal_shares.prepare(election)
    assert prepared == equal_shares._prepare_grouped(election)


def test_without_numpy_or_a_matrix_prepare_loops() -> None:
    election = _election(*_random_approval(1, "approval"), "cost")
    election.accelerators = Accelerators(numpy=False)
    assert _matrix_layout(election) is None
    assert equal_shares.prepare(election) == equal_shares._prepare_grouped(election)


def test_a_file_read_in_bulk_prepares_without_its_ballots() -> None:
    """The reader's matrix stands for the ballots: neither the distinct ballots nor the
    voters' sets are made to prepare Equal Shares, and it is the general path's layout."""
    rows = [f"{n};{vote}" for n, vote in enumerate(["1,2", "2", "2,1", "", "3,1", "2"] * 20)]
    head = ["META", "key;value", "budget;100", "vote_type;approval", "PROJECTS", "project_id;cost"]
    text = "\n".join([*head, "1;60", "2;40", "3;30", "4;10", "VOTES", "voter_id;vote", *rows, ""])
    plain = parse_string(text, accelerators=PURE).profile
    election = parse_string(text, accelerators=WITH_MATRIX)
    prepared_election = _election(election.instance, election.profile, "cost")
    prepared_election.accelerators = WITH_MATRIX
    prepared = equal_shares.prepare(prepared_election)
    assert "distinct" not in election.profile.__dict__
    assert "listed" not in election.profile.ballots._approved.__dict__
    assert prepared == equal_shares._prepare_grouped(prepared_election)
    assert prepared.weights == [40, 40, 20, 20]  # 1,2; 2; the empty ballot; 3,1
    assert election.profile.distinct == plain.distinct  # made when asked for, as the plain path's
    assert election.profile == plain


def test_projects_withdrawn_from_the_ballot_are_left_out_of_the_matrix_layout() -> None:
    election = _election(*_random_approval(5, "approval"), "cost")
    election.accelerators = WITH_MATRIX
    smaller = conflicts.without(election, ["b"])
    prepared = equal_shares.prepare(smaller)
    assert "b" not in prepared.projects and "b" not in prepared.levels
    assert prepared == equal_shares._prepare_grouped(smaller)


@pytest.mark.parametrize("seed", range(4))
def test_the_numpy_book_indexes_the_arrays_the_lists_were_made_from(seed: int) -> None:
    """A layout read from the matrix keeps each project's groups as an array too, and the
    NumPy book's index arrays are the lists' values (as converting the lists gives them)."""
    np = pytest.importorskip("numpy")
    from pb.allocation.equal_shares_float import layout
    from pb.allocation.equal_shares_numpy import _numpy_layout

    election = _election(*_random_approval(seed, "approval"), "cost")
    election.accelerators = WITH_MATRIX
    prepared = equal_shares.prepare(election)
    arrays = prepared.cache[equal_shares.GROUP_ARRAYS]
    _utility, groups_of, _initial, _supporters = layout(prepared)
    _voters, groups, _weights, _fweights, _flat = _numpy_layout(prepared, groups_of)
    assert set(groups) == set(prepared.projects)
    for pid in prepared.projects:
        assert arrays[pid].tolist() == prepared.members[pid][0][1]
        assert groups[pid].tolist() == prepared.members[pid][0][1]
        assert groups[pid].dtype == np.intp
