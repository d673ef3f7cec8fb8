"""The VOTES section read column-wise (`pabulib_columns`) gives exactly what the per-row path
gives: the same voter ids, sets, groups, matrix, rows and lines; any section it cannot take is
read as before, and every refusal keeps its words and line number."""

from __future__ import annotations

import contextlib
import random

import pytest

from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.pabulib import PabulibError, parse_string, write_string
from pb.allocation.pabulib_lines import Reader

np = pytest.importorskip("numpy")

from pb.allocation.pabulib_columns import VoteRows  # noqa: E402

WITH_NUMPY = Accelerators(matrix_min_ballots=0)
HEAD = "META\nkey;value\nbudget;1000\nvote_type;approval\nmax_length;4\nPROJECTS\nproject_id;cost\n"


def election_text(project_ids: list[str], votes: str) -> str:
    projects = "".join(f"{pid};{10 + len(pid)}\n" for pid in project_ids)
    return HEAD + projects + "VOTES\n" + votes


def drawn_votes(project_ids: list[str], voters: int, seed: int, numeric_voters: bool) -> str:
    """A VOTES section with an `age` column, ballots often repeated in another order, some
    empty, voter ids numbers in any order or strings."""
    chooser = random.Random(seed)
    ids = chooser.sample(range(1, 10 * voters), voters)
    lines, cells = ["voter_id;age;vote"], []
    for voter in ids:
        if cells and chooser.random() < 0.4:
            cell = chooser.choice(cells).split(",")
            chooser.shuffle(cell)
        else:
            cell = chooser.sample(project_ids, chooser.randint(0, 4))
        cells.append(",".join(cell))
        voter_id = str(voter) if numeric_voters else f"v{voter}"
        lines.append(f"{voter_id};{chooser.randint(18, 90)};{cells[-1]}")
    return "\n".join(lines) + "\n"


def columns_of(text: str) -> Reader:
    reader = Reader(np)
    reader.read(text)
    return reader


def assert_alike(text: str) -> None:
    """Read column-wise, and per row (no NumPy), the same election, rows and groups."""
    assert columns_of(text).votes_columns() is not None
    fast, plain = parse_string(text, accelerators=WITH_NUMPY), parse_string(text, accelerators=PURE)
    assert isinstance(fast.vote_rows, VoteRows) and isinstance(plain.vote_rows, tuple)
    assert fast == plain and plain == fast and hash(fast.vote_rows) == hash(plain.vote_rows)
    assert list(fast.vote_rows) == list(plain.vote_rows) and len(fast.vote_rows) == len(
        plain.vote_rows
    )
    assert fast.vote_rows[1:3] == plain.vote_rows[1:3]
    assert fast.profile.ballots == plain.profile.ballots
    assert [(w, b.voter_id, b.projects) for w, b in fast.profile.distinct] == [
        (w, b.voter_id, b.projects) for w, b in plain.profile.distinct
    ]
    assert write_string(fast) == write_string(plain)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("numeric_voters", [True, False])
@pytest.mark.parametrize("project_ids", [["1", "2", "30", "400", "5"], ["p1", "p2", "p3", "x"]])
def test_drawn_sections_read_column_wise_as_per_row(
    seed: int, numeric_voters: bool, project_ids: list[str]
) -> None:
    assert_alike(election_text(project_ids, drawn_votes(project_ids, 60, seed, numeric_voters)))


def test_rows_and_lines_are_made_only_when_read() -> None:
    text = election_text(["1", "2"], "voter_id;vote\n7;1,2\n3;2\n")
    reader = columns_of(text)
    assert "votes" not in reader.rows and "votes" not in reader.lines
    assert reader.rows["votes"] == [("7", "1,2"), ("3", "2")]
    assert list(reader.lines["votes"]) == [12, 13]
    assert reader.votes_columns() is None  # the rows are made: they are what counts now
    election = parse_string(text, accelerators=WITH_NUMPY)
    assert election.vote_rows == (("7", "1,2"), ("3", "2"))
    voter_ids = election.profile.ballots._voter_ids  # made only when read, as the rows
    assert "listed" not in voter_ids.__dict__ and len(voter_ids) == 2
    assert [ballot.voter_id for _weight, ballot in election.profile.distinct] == ["7", "3"]
    assert voter_ids == ["7", "3"] and [b.voter_id for b in election.profile.ballots] == ["7", "3"]


@pytest.mark.parametrize(
    "votes",
    [
        "voter_id;vote\n1; 1\n",  # a space: cells to trim
        "voter_id;vote\r\n1;1\r\n",  # CRLF
        'voter_id;vote\n1;"1,2"\n',  # a quote
        "voter_id;vote\n1;1\n\n2;2\n",  # a blank line
        "voter_id;vote\n1;1\n;\n2;2\n",  # a line of empty cells (blank: skipped)
        "voter_id;vote\nvoter;1\nVotes;\n2;2\n",  # a section title
        "votes;\n1;1\n",  # a title where the header should be
        "voter_id;vote\n1;1\n2;2;3\n",  # a line of another width
        "voter_id;vote\nwóz;1\n",  # not ASCII
        "voter_id;vote\n",  # no data line
    ],
)
def test_other_shapes_are_read_as_before(votes: str) -> None:
    text = election_text(["1", "2"], votes)
    reader = Reader(np)
    with contextlib.suppress(PabulibError):
        reader.read(text)
    assert reader.votes_columns() is None
    try:
        expected = parse_string(text, accelerators=PURE)
    except PabulibError as error:
        with pytest.raises(PabulibError) as raised:
            parse_string(text, accelerators=WITH_NUMPY)
        assert (str(raised.value), raised.value.line) == (str(error), error.line)
    else:
        assert parse_string(text, accelerators=WITH_NUMPY) == expected


@pytest.mark.parametrize(
    ("votes", "problem", "line"),
    [
        ("voter_id;vote\n1;1\n2;2\n1;2\n", "voter id '1' appears twice", 14),
        ("voter_id;vote\n10;1\n2;2\n010;2\n", None, None),  # "10" and "010" differ
        ("voter_id;vote\nv1;1\nv2;2\nv1;2\n", "voter id 'v1' appears twice", 14),
        ("voter_id;vote\n1;1\n;2\n", "a vote has an empty voter_id", 13),
        ("voter_id;vote\n1;1\n2;9\n", "voter 2 votes for unknown project '9'", 13),
        ("voter_id;vote\n1;1\n2;2,1,2\n", "voter 2 names a project twice", 13),
        ("voter_id;vote\n1;1,2\n2;2,1,2,1,2\n", "voter 2 names a project twice", 13),
        ("voter;vote\n1;1\n", "the VOTES header has no 'voter_id' column", 11),
    ],
)
def test_refusals_name_the_same_line(votes: str, problem: str | None, line: int | None) -> None:
    text = election_text(["1", "2"], votes)
    for accelerators in (WITH_NUMPY, PURE):
        if problem is None:
            assert parse_string(text, accelerators=accelerators).profile.num_voters == 3
            continue
        with pytest.raises(PabulibError) as raised:
            parse_string(text, accelerators=accelerators)
        assert problem in str(raised.value) and raised.value.line == line


def test_a_lenient_read_rewrites_the_rows_as_before() -> None:
    text = election_text(["1", "2"], "voter_id;vote\n1;1\n2;2,1,2\n3;2,1\n")
    fast = parse_string(text, lenient=True, accelerators=WITH_NUMPY)
    plain = parse_string(text, lenient=True, accelerators=PURE)
    assert fast == plain and fast.changes == plain.changes
    assert fast.changes == ("line 13: voter 2 names 2 more than once; read once (2,1,2 -> 2,1)",)
    assert fast.vote_rows[1] == ("2", "2,1")


@pytest.mark.parametrize("accelerators", [WITH_NUMPY, PURE])
def test_a_votes_line_in_a_quoted_cell_is_not_taken_for_the_title(
    accelerators: Accelerators,
) -> None:
    text = (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n"
        '1;10;"one\nVOTES\nvoter_id;vote"\n2;20;two\nVOTES\nvoter_id;vote\n5;1,2\n6;2\n'
    )
    election = parse_string(text, accelerators=accelerators)
    assert election.instance.projects[0].name == "one\nVOTES\nvoter_id;vote"
    assert election.vote_rows == (("5", "1,2"), ("6", "2"))
    with pytest.raises(PabulibError) as raised:
        parse_string(text.replace("2;20;two", "2;-20;two"), accelerators=accelerators)
    assert raised.value.line == 10 and "must be positive" in str(raised.value)
