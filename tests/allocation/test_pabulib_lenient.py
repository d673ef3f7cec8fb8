"""The lenient reader rewrites the rows that name a project twice only when the bulk approval
reader refuses the section: what it reads is what rewriting every row first reads."""

from __future__ import annotations

import random

import pytest

from pb.allocation import pabulib_votes
from pb.allocation.accelerators import PURE, Accelerators
from pb.allocation.pabulib import PabulibError, parse_string

WITH_NUMPY = Accelerators(matrix_min_ballots=0)
ACCELERATORS = [PURE, WITH_NUMPY]


def election_text(rows: list[str], vote_type: str = "approval") -> str:
    meta = f"META\nkey;value\nbudget;1000\nvote_type;{vote_type}\n"
    projects = "PROJECTS\nproject_id;cost\n" + "".join(f"{pid};10\n" for pid in range(1, 31))
    return meta + projects + "VOTES\nvoter_id;vote\n" + "\n".join(rows) + "\n"


def drawn(voters: int, repeats: int, seed: int) -> tuple[list[str], list[str], list[int]]:
    """Random ballots of numeric ids; `repeats` of them name a project twice or three times.
    Returns the rows, the rows once each project is kept at its first mention, and the
    positions of the rows that repeat one."""
    chooser = random.Random(seed)
    rows, once, repeating = [], [], sorted(chooser.sample(range(voters), repeats))
    for voter in range(voters):
        cell = [str(p) for p in chooser.sample(range(1, 31), chooser.randint(1, 6))]
        once.append(f"v{voter};{','.join(cell)}")
        if voter in repeating:
            cell.insert(chooser.randint(1, len(cell)), chooser.choice(cell))
            if chooser.random() < 0.5:
                cell.append(cell[0])
        rows.append(f"v{voter};{','.join(cell)}")
    return rows, once, repeating


@pytest.mark.parametrize("accelerators", ACCELERATORS)
@pytest.mark.parametrize("seed", range(3))
def test_lenient_reading_is_rewriting_every_repeat_first(seed: int, accelerators) -> None:  # type: ignore[no-untyped-def]
    rows, once, repeating = drawn(300, 3 * seed, seed)
    lenient = parse_string(election_text(rows), lenient=True, accelerators=accelerators)
    strict = parse_string(election_text(once), accelerators=accelerators)
    assert lenient.profile == strict.profile
    assert lenient.vote_rows == strict.vote_rows
    header_lines = 4 + 2 + 30 + 2  # META, PROJECTS, the VOTES title and header
    assert [change.split(":")[0] for change in lenient.changes] == [
        f"line {header_lines + 1 + at}" for at in repeating
    ]
    if repeating:
        with pytest.raises(PabulibError, match="names a project twice"):
            parse_string(election_text(rows), accelerators=accelerators)


@pytest.mark.parametrize("accelerators", ACCELERATORS)
def test_rows_the_bulk_reader_accepts_are_not_split_again(accelerators, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows, _once, _repeating = drawn(200, 0, 7)

    def split_list(value: str) -> list[str]:
        raise AssertionError("a row was split voter by voter")

    monkeypatch.setattr(pabulib_votes, "split_list", split_list)
    lenient = parse_string(election_text(rows), lenient=True, accelerators=accelerators)
    assert lenient.changes == ()
    assert lenient == parse_string(election_text(rows), accelerators=accelerators)


def test_a_problem_besides_a_repeat_is_still_named_on_its_line() -> None:
    rows = ["v1;1,2,1", "v2;3", "v3;31"]
    with pytest.raises(PabulibError, match="line 41: voter v3 votes for unknown project '31'"):
        parse_string(election_text(rows), lenient=True)


def test_ordinal_rows_are_rewritten_before_they_are_read() -> None:
    election = parse_string(election_text(["v1;1,2,1", "v2;3"], "ordinal"), lenient=True)
    assert election.vote_rows[0] == ("v1", "1,2")
    assert election.changes == (
        "line 39: voter v1 names 1 more than once; read once (1,2,1 -> 1,2)",
    )
