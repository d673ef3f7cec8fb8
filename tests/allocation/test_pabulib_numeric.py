"""Approval ballots with numeric project ids, read in NumPy passes (`_numeric_sets`), give
exactly what the string path gives: the same sets per voter, shared the same way and iterated
in the same order, the same groups in the same order, the same matrix rows; and whatever the
NumPy path cannot read is left to the string path, whose refusals keep their words."""

from __future__ import annotations

import random

import pytest

from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.pabulib import PabulibError, _instance, parse_string
from pb.allocation.pabulib_lines import Reader

np = pytest.importorskip("numpy")

from pb.allocation import pabulib_approvals  # noqa: E402

WITH_NUMPY = Accelerators(matrix_min_ballots=0)


def election_text(project_ids: list[str], rows: list[str], max_length: int | None = None) -> str:
    meta = "META\nkey;value\nbudget;1000\nvote_type;approval\n"
    if max_length is not None:
        meta += f"max_length;{max_length}\n"
    projects = "PROJECTS\nproject_id;cost\n" + "".join(f"{pid};{10}\n" for pid in project_ids)
    return meta + projects + "VOTES\nvoter_id;vote\n" + "\n".join(rows) + "\n"


def drawn_rows(project_ids: list[str], voters: int, longest: int, seed: int) -> list[str]:
    """Random ballots, often repeated in another order, some empty."""
    chooser = random.Random(seed)
    rows = []
    for voter in range(voters):
        if rows and chooser.random() < 0.3:  # an earlier ballot, shuffled
            cell = chooser.choice(rows).split(";")[1].split(",")
            chooser.shuffle(cell)
        else:
            cell = chooser.sample(project_ids, chooser.randint(0, min(longest, len(project_ids))))
        rows.append(f"v{voter};{','.join(cell)}")
    return rows


def assert_read_alike(text: str) -> None:
    reader = Reader()
    reader.read(text)
    instance = _instance(reader)
    cells = [row[1] for row in reader.rows["votes"]]
    voter_ids = [row[0] for row in reader.rows["votes"]]
    assert pabulib_approvals._numeric_sets(cells, voter_ids, instance, np) is not None
    fast, plain = parse_string(text, accelerators=WITH_NUMPY), parse_string(text, accelerators=PURE)
    # read without making a set: the matrix stands for them until something asks
    assert "sets" not in fast.profile.ballots._approved._sets.__dict__
    assert "distinct" not in fast.profile.__dict__
    assert fast == plain
    fast_sets, plain_sets = fast.profile.ballots._approved, plain.profile.ballots._approved
    assert fast_sets == plain_sets
    assert [list(s) for s in fast_sets] == [list(s) for s in plain_sets]  # iteration order
    same_object: dict[int, int] = {}
    for mine, theirs in zip(fast_sets, plain_sets, strict=True):  # shared alike
        assert same_object.setdefault(id(mine), id(theirs)) == id(theirs)
    assert len(set(map(id, fast_sets))) == len(set(map(id, plain_sets)))

    def groups(election):  # type: ignore[no-untyped-def]
        return [(w, b.voter_id, b.projects) for w, b in election.profile.distinct]

    assert groups(fast) == groups(plain)
    matrix = fast.profile.ballot_matrix
    assert list(matrix.weights) == [weight for weight, _ballot in plain.profile.distinct]
    rows, at = [], 0
    for length in matrix.lengths:
        rows.append(frozenset(matrix.project_ids[c] for c in matrix.columns[at : at + length]))
        at += length
    assert rows == [ballot.projects for _weight, ballot in plain.profile.distinct]


@pytest.mark.parametrize("seed", range(4))
def test_numeric_ids_read_as_the_string_path_reads_them(seed: int) -> None:
    chooser = random.Random(seed)
    # ids of several lengths, 0 and large numbers included (the id-indexed table and the
    # sorted search of `_columns`)
    pool = ["0", "7", "42", "100", "999", "123456", "987654321", "4194304"]
    project_ids = chooser.sample(pool, chooser.randint(3, len(pool)))
    assert_read_alike(election_text(project_ids, drawn_rows(project_ids, 400, 5, seed), 5))


def test_wide_ballots_are_ranked_piece_by_piece() -> None:
    """300 projects and ballots of up to 60 (no max_length): the sets' ranks among the
    combinations do not fit in 63 bits, the rows are compared in pieces."""
    project_ids = [str(1000 + 3 * number) for number in range(300)]
    assert_read_alike(election_text(project_ids, drawn_rows(project_ids, 300, 60, 5)))


def test_ballots_of_ten_among_three_hundred_get_one_number_each() -> None:
    project_ids = [str(100 + number) for number in range(300)]
    rows = drawn_rows(project_ids, 500, 10, 8)
    assert_read_alike(election_text(project_ids, rows, 10))


@pytest.mark.parametrize(
    "ids, cell",
    [
        (["1", "01"], "01,1"),  # a leading zero: an id only as a string
        (["1", "2"], "1, 2"),  # spaces: trimmed by the reader first
        (["1", "x"], "x,1"),  # an id that is no number
        (["1", "2"], "2,,1"),  # an empty item
    ],
)
def test_what_numpy_cannot_read_is_read_by_strings(ids: list[str], cell: str) -> None:
    text = election_text(ids, [f"v{n};{cell}" for n in range(3)] + ["v9;1"])
    fast, plain = parse_string(text, accelerators=WITH_NUMPY), parse_string(text, accelerators=PURE)
    assert fast == plain
    assert [b.projects for _w, b in fast.profile.distinct] == [
        b.projects for _w, b in plain.profile.distinct
    ]


@pytest.mark.parametrize(
    "rows, message",
    [
        (["v1;1", "v2;9"], "line 14: voter v2 votes for unknown project '9'"),
        (["v1;1", "v2;3,1,3"], "line 14: voter v2 names a project twice"),
        (["v1;1", "v2;1,2,3"], "line 14: voter v2 names 3 projects, more than max_length 2"),
        (["v1;1", "v2;1000000000"], "line 14: voter v2 votes for unknown project '1000000000'"),
        (["v1;1", "v1;2"], "line 14: voter id 'v1' appears twice"),
    ],
)
def test_refusals_keep_their_words_with_numeric_ids(rows: list[str], message: str) -> None:
    text = election_text(["1", "2", "3"], rows, 2)
    for accelerators in (WITH_NUMPY, PURE):
        with pytest.raises(PabulibError) as caught:
            parse_string(text, accelerators=accelerators)
        assert message in str(caught.value)


def test_an_empty_ballot_is_an_empty_set_with_numpy_too() -> None:
    text = election_text(["5", "6"], ["v1;", "v2;5", "v3;", "v4;6,5"])
    assert_read_alike(text)
    shortest = text.replace("vote_type;approval\n", "vote_type;approval\nmin_length;1\n")
    with pytest.raises(PabulibError, match="fewer than min_length"):
        parse_string(shortest, accelerators=WITH_NUMPY)
