"""The bulk VOTES reader (pabulib_lines) and bulk approvals (pabulib_approvals) read exactly
what the line-by-line reader reads, and refuse what it refuses with the same words and line.

A quote anywhere in the VOTES section sends it to the line-by-line reader, and any problem in
an approval section sends the profile to the voter-by-voter loop: each case below is read both
ways and must agree."""

from __future__ import annotations

import pytest

from pb.allocation.accelerators import PURE
from pb.allocation.ballots import ApprovalBallot, VoterBallots
from pb.allocation.pabulib import PabulibError, parse_string, write_string
from pb.allocation.pabulib_approvals import approval_profile
from pb.allocation.pabulib_lines import Reader

HEAD = """META
key;value
budget;100
vote_type;approval
max_length;3
PROJECTS
project_id;cost
p1;60
p2;50
p3;10
p4;20
VOTES
"""
VOTES = "voter_id;vote;age\nv1;p1,p2;30\nv2;p3;41\nv3;p2,p1;30\nv4;p1,p2;22\nv5;;50\n"


def line_by_line(text: str) -> str:
    """The same file with a quoted cell in VOTES: the bulk split refuses to read it."""
    return text.replace("voter_id;vote", '"voter_id";vote', 1)


def test_the_bulk_reader_is_used_and_reads_what_the_line_reader_reads() -> None:
    text = HEAD + VOTES
    reader = Reader()
    reader.read(text)
    assert reader.rows["votes"][0] == ("v1", "p1,p2", "30")
    assert list(reader.lines["votes"]) == [14, 15, 16, 17, 18]
    bulk, lines = parse_string(text), parse_string(line_by_line(text))
    assert bulk == lines and bulk.vote_rows == lines.vote_rows
    assert isinstance(bulk.profile.ballots, VoterBallots)
    assert bulk.profile.num_voters == 5
    assert parse_string(write_string(bulk)) == bulk


def test_identical_ballots_share_one_set_and_are_grouped_in_order() -> None:
    profile = parse_string(HEAD + VOTES).profile
    assert [(weight, ballot.voter_id) for weight, ballot in profile.distinct] == [
        (3, "v1"), (1, "v2"), (1, "v5")
    ]  # fmt: skip
    ballots = profile.ballots
    assert ballots[0].projects is ballots[2].projects is ballots[3].projects
    assert ballots[2] == ApprovalBallot(frozenset({"p1", "p2"}), "v3")
    assert ballots == tuple(ballots) and hash(ballots) == hash(tuple(ballots))


@pytest.mark.parametrize(
    "votes",
    [
        "voter_id;vote\nv1 ; p1 , p2\nv2;p3\n",  # spaces around cells and list items
        "voter_id;vote\r\nv1;p1,p2\r\nv2;p3\r\n",  # CRLF
        "voter_id;vote\nv1;p1,p2\n\nv2;p3\n",  # a blank line
        "voter_id;vote\nv1;p1,p2\n;\nv2;p3",  # a line of empty cells, no final newline
        "voter_id;vote\nv1;p1,,p2,\nv2;p3\n",  # empty list items (dropped, as always)
    ],
)
def test_irregular_sections_read_the_same_both_ways(votes: str) -> None:
    text = HEAD + votes
    assert parse_string(text) == parse_string(line_by_line(text))
    assert parse_string(text).profile.num_voters == 2


@pytest.mark.parametrize(
    "votes, message",
    [
        ("v1;p1\nv1;p2\n", "line 15: voter id 'v1' appears twice"),
        ("v1;p1\n;p2\n", "line 15: a vote has an empty voter_id"),
        ("v1;p1\nv2;p9\n", "line 15: voter v2 votes for unknown project 'p9'"),
        ("v1;p1\nv2;p8,p9\n", "line 15: voter v2 votes for unknown project 'p8'"),
        ("v1;p1\nv2;p2,p2\n", "line 15: voter v2 names a project twice"),
        ("v1;p1\nv2;p1,p2,p3,p4\n", "line 15: voter v2 names 4 projects, more than max_length 3"),
        ("v1;p1\nv2;p1;x\n", "line 15: 3 fields where the VOTES header has 2"),
        ("v1;p1\nMETA\n", "line 15: second META section"),
    ],
)
def test_refusals_name_the_same_line_both_ways(votes: str, message: str) -> None:
    text = HEAD + "voter_id;vote\n" + votes
    for variant in (text, line_by_line(text)):
        with pytest.raises(PabulibError) as caught:
            parse_string(variant)
        assert message in str(caught.value)


def test_the_bulk_approvals_leave_a_problem_to_the_voter_by_voter_reader() -> None:
    reader = Reader()
    reader.read(HEAD + "voter_id;vote\nv1;p1\nv1;p2\n")
    from pb.allocation.pabulib import _instance

    assert approval_profile(reader, _instance(reader), PURE) is None


def test_lenient_reading_still_rewrites_repeated_projects() -> None:
    election = parse_string(HEAD + "voter_id;vote\nv1;p1,p2,p1\nv2;p3\n", lenient=True)
    assert election.vote_rows[0] == ("v1", "p1,p2")
    assert election.changes and "line 14" in election.changes[0]
    assert election.profile.ballots[0].projects == frozenset({"p1", "p2"})


def test_reading_pauses_the_garbage_collector_and_restores_it() -> None:
    import gc

    collections: list[str] = []

    def started(phase: str, _info: dict) -> None:
        if phase == "start":
            collections.append(phase)

    voters = "".join(f"v{i};p{1 + i % 4},p{1 + (i + 1) % 4}\n" for i in range(20000))
    text = HEAD + "voter_id;vote\n" + voters
    gc.callbacks.append(started)
    try:
        assert gc.isenabled()
        election = parse_string(text)
        # tens of thousands of objects made (dozens of collections without the pause): at most
        # the collections owed, once the collector is back
        assert len(collections) <= 2
        assert gc.isenabled()
        gc.disable()
        try:
            parse_string(text)
            assert not gc.isenabled()  # a paused collector stays paused
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(started)
    assert election.profile.num_voters == 20000


def test_voters_are_grouped_the_same_with_and_without_numpy() -> None:
    """With NumPy the voters are grouped by the address of their shared set (a sort of
    integers), without by a Counter: the same groups, weights, first voters and order."""
    pytest.importorskip("numpy")
    import random

    from pb.allocation.accelerators import Accelerators

    chooser = random.Random(13)
    projects = ["p1", "p2", "p3", "p4"]
    rows = [f"v{i};{','.join(chooser.sample(projects, chooser.randint(0, 3)))}" for i in range(300)]
    text = HEAD + "voter_id;vote\n" + "\n".join(rows) + "\n"
    with_numpy = parse_string(text, accelerators=Accelerators(matrix_min_ballots=0))
    plain = parse_string(text, accelerators=PURE)

    def groups(profile) -> list[tuple[int, str | None, frozenset[str]]]:  # type: ignore[no-untyped-def]
        return [(weight, ballot.voter_id, ballot.projects) for weight, ballot in profile.distinct]

    assert groups(with_numpy.profile) == groups(plain.profile)
    assert groups(plain.profile) == groups(parse_string(line_by_line(text)).profile)
    assert len(groups(plain.profile)) < 300  # some voters share a set, in another order too
    matrix = with_numpy.profile.ballot_matrix
    assert list(matrix.weights) == [weight for weight, _ballot in plain.profile.distinct]
