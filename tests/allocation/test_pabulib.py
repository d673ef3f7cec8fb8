"""Reading and writing pabulib files: real files, round trips, and precise errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from pb.allocation import ApprovalBallot, CumulativeBallot, OrdinalBallot
from pb.allocation.pabulib import (
    PabulibError,
    parse_file,
    parse_string,
    write_file,
    write_string,
)
from pb.allocation.satisfaction import SATISFACTIONS

from .conftest import LOCAL_PABULIB, all_files, load

MINIMAL = '''META
key;value
description;Test
budget;100
vote_type;approval
max_length;2
PROJECTS
project_id;cost;name
p1;60;One
p2;50;"Two; with a semicolon and ""quotes"""
p3;12.5;Three
VOTES
voter_id;vote
v1;p1,p2
v2;p3
'''


def error_for(text: str) -> PabulibError:
    with pytest.raises(PabulibError) as caught:
        parse_string(text)
    return caught.value


def test_a_minimal_file() -> None:
    election = parse_string(MINIMAL)
    instance = election.instance
    assert instance.budget == 100
    assert [p.id for p in instance.projects] == ["p1", "p2", "p3"]
    assert instance.by_id["p2"].name == 'Two; with a semicolon and "quotes"'
    assert instance.by_id["p3"].cost == Fraction(25, 2)
    assert election.profile.ballots[0] == ApprovalBallot(frozenset({"p1", "p2"}), "v1")
    assert election.selected is None
    assert parse_string(write_string(election)) == election


def test_bom_spaces_and_crlf_are_accepted() -> None:
    lines = [line if '"' in line else line.replace(";", " ; ") for line in MINIMAL.splitlines()]
    text = "\ufeff" + "\r\n".join(lines).replace("v1 ; p1,p2", "v1 ; p1 , p2")
    election = parse_string(text)
    assert election == parse_string(MINIMAL)


def test_the_writer_is_canonical_and_stable() -> None:
    text = write_string(parse_string(MINIMAL))
    assert text.endswith("\n") and "\r" not in text and not text.startswith("\ufeff")
    assert write_string(parse_string(text)) == text


def test_write_file_and_parse_file(tmp_path: Path) -> None:
    election = parse_string(MINIMAL)
    path = tmp_path / "x.pb"
    write_file(election, path)
    assert parse_file(path) == election


@pytest.mark.parametrize(
    ("replace", "by", "line", "problem"),
    [
        ("v2;p3", "v2;p9", 15, "voter v2 votes for unknown project 'p9'"),
        ("v2;p3", "v1;p3", 15, "voter id 'v1' appears twice"),
        ("v2;p3", "v2;p1,p2,p3", 15, "names 3 projects, more than max_length 2"),
        ("v2;p3", "v2;p3,p3", 15, "names a project twice"),
        ("p3;12.5;Three", "p3;12,5x;Three", 11, "cost of project p3 is not a number"),
        ("p3;12.5;Three", "p3;0;Three", 11, "cost of project p3 must be positive"),
        ("p3;12.5;Three", "p1;12.5;Three", 11, "project id 'p1' appears twice"),
        ("p3;12.5;Three", "p3;12.5", 11, "2 fields where the PROJECTS header has 3"),
        ("budget;100", "budget;lots", 1, "META budget is not a number"),
        ("vote_type;approval", "vote_type;scoring", 1, "vote_type 'scoring' is not supported"),
        ("max_length;2", "max_length;2\nmax_length;3", 7, "META key 'max_length' appears twice"),
        ("voter_id;vote", "voter;vote", 13, "no 'voter_id' column"),
    ],
)
def test_errors_name_the_line_and_the_problem(
    replace: str, by: str, line: int, problem: str
) -> None:
    error = error_for(MINIMAL.replace(replace, by))
    assert error.line == line
    assert problem in str(error)
    assert str(error).startswith(f"line {line}: ")


def test_missing_sections_and_data_before_meta() -> None:
    assert "no VOTES section" in str(error_for(MINIMAL.split("VOTES")[0]))
    assert error_for("x;y\n" + MINIMAL).line == 1
    assert "malformed" in str(error_for(MINIMAL.replace('"Two;', '"Two;"x"')))


def test_a_non_utf8_file_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "latin1.pb"
    path.write_bytes(MINIMAL.replace("One", "Caf\u00e9").encode("latin-1"))
    with pytest.raises(PabulibError, match="not UTF-8"):
        parse_file(path)


def test_cumulative_ballots_and_their_limits() -> None:
    text = MINIMAL.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;5")
    text = text.replace(
        "voter_id;vote\nv1;p1,p2\nv2;p3", "voter_id;vote;points\nv1;p1,p2;3,2\nv2;p3;1"
    )
    election = parse_string(text)
    assert election.profile.ballots[0] == CumulativeBallot({"p1": 3, "p2": 2}, "v1")
    assert "more than max_sum_points 5" in str(error_for(text.replace("v1;p1,p2;3,2", "v1;p1;6")))
    assert "2 projects but 1 points" in str(error_for(text.replace("3,2", "3")))
    assert "negative" in str(error_for(text.replace("3,2", "3,-2")))


def test_ordinal_and_choose_one_ballots() -> None:
    ordinal = parse_string(MINIMAL.replace("vote_type;approval", "vote_type;ordinal"))
    assert ordinal.profile.ballots[0] == OrdinalBallot(("p1", "p2"), "v1")
    choose = MINIMAL.replace("vote_type;approval", "vote_type;choose-1")
    assert "more than max_length 1" in str(error_for(choose))


def test_legacy_target_column_is_read_as_beneficiaries() -> None:
    election = parse_file(LOCAL_PABULIB / "poland_warszawa_2017_plac-wojska-polskiego.pb")
    assert "beneficiaries" in election.project_columns and "target" not in election.project_columns
    assert election.instance.by_id["427"].targets == ("children", "families with children")
    assert election.instance.by_id["915"].targets == ()  # "None"


def test_messy_list_separators_are_normalised() -> None:
    election = parse_file(LOCAL_PABULIB / "Worldwide_Mechanical_Turk_Knapsack_7.pb")
    assert election.instance.by_id["14"].categories == ("Streets", "Sidewalks & Transit")
    category = election.project_columns.index("category")
    assert all(", " not in row[category] for row in election.project_rows)


def test_official_selection_column() -> None:
    election = parse_file(LOCAL_PABULIB / "Netherlands_Assen_2024.pb")
    assert election.rule == "equalshares/add1"
    assert election.official_selection == {"3", "9", "2", "11", "13", "14", "5", "6", "12"}


ALL_FILES = all_files()


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_files_round_trip_exactly(path: Path) -> None:
    election = load(path)
    text = write_string(election)
    again = parse_string(text)
    assert again == election
    assert write_string(again) == text


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scores_in_real_files_match_our_satisfaction_measures(path: Path) -> None:
    """The files' votes/score columns are what our measures count (Kraków: k, k-1, ..., 1)."""
    election = load(path)
    columns = election.project_columns
    instance, profile = election.instance, election.profile
    measure = {
        "approval": "cardinality",
        "choose-1": "cardinality",
        "cumulative": "points",
        "ordinal": "positional",
    }[profile.vote_type]
    spec = SATISFACTIONS[measure]
    totals = dict.fromkeys(instance.project_ids, 0)
    votes = dict.fromkeys(instance.project_ids, 0)
    for ballot in profile.ballots:
        for pid, u in spec.utilities(ballot, instance).items():
            totals[pid] += u
        for pid in ballot.supported():
            votes[pid] += 1
    for row in election.project_rows:
        pid = row[0]
        if "votes" in columns:
            assert int(row[columns.index("votes")]) == votes[pid], pid
        if "score" in columns:
            assert int(row[columns.index("score")]) == totals[pid], pid
