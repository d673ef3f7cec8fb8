"""Every file the writer produces passes pabulib-checker, the pabulib project's own validator
(a test-only dependency), with no errors; its own recomputation of greedy and Equal Shares
(add1) then also agrees with the engine's selection."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from pb.allocation import (
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
)
from pb.allocation.pabulib import parse_string, write_string
from pb.allocation.pabulib_export import election_file, with_outcome

from .conftest import all_files, header, load

checker = pytest.importorskip("pabulib.checker")

META = {
    "description": "Test round",
    "country": "Poland",
    "unit": "Testville",
    "instance": "2025",
    "date_begin": "01.01.2025",
    "date_end": "31.01.2025",
    "language": "en",
    "currency": "PLN",
}


def problems(text: str) -> dict[str, Any]:
    """The checker's errors for a file given as text (its progress output silenced)."""
    with contextlib.redirect_stdout(io.StringIO()):
        results = checker.Checker().process_files([text])
    (key,) = [k for k in results if k not in ("summary", "metadata")]
    found = results[key]["results"]
    return {} if found == "File looks correct!" else found["errors"]


def approval_round() -> tuple[Instance, Profile]:
    instance = Instance(
        100,
        (
            Project("1", 60, "One", ("sport",), ("youth",)),
            Project("2", 45, "Two; with a semicolon"),
            Project("3", 30, 'Three "quoted"'),
            Project("4", 10, "Four"),
        ),
        META,
    )
    ballots = [{"1", "2"}, {"1"}, {"1", "3"}, {"2", "3", "4"}, {"3"}]
    return instance, Profile("approval", tuple(ApprovalBallot(frozenset(b)) for b in ballots))


@pytest.mark.parametrize(
    "rule",
    [
        "greedy",
        "equalshares",
        "equalshares/add1",
        "equalshares/add1-comparison",
        "max-welfare",
        "phragmen",
        "equalshares/add1u",
        "greedy-no-skip",
    ],
)
def test_an_exported_round_passes_and_the_checker_agrees_with_the_selection(rule: str) -> None:
    instance, profile = approval_round()
    # lowest-cost is the Equal Shares tie-break the checker uses (equalshares.net's advice)
    outcome = allocate(instance, profile, rule, tie_break="lowest-cost")
    text = write_string(election_file(instance, profile, outcome=outcome))
    assert problems(text) == {}
    assert parse_string(text).official_selection == set(outcome.selected)


def test_exports_of_points_and_rankings_pass() -> None:
    projects = (Project("a", 50, "A"), Project("b", 30, "B"), Project("c", 40, "C"))
    cumulative = Profile(
        "cumulative",
        (
            CumulativeBallot({"a": 3, "b": 2}),
            CumulativeBallot({"c": 5}),
            CumulativeBallot({"b": 1}),
        ),
    )
    meta = META | {"max_sum_points": "5"}
    instance = Instance(100, projects, meta)
    outcome = allocate(instance, cumulative, "greedy")
    assert problems(write_string(election_file(instance, cumulative, outcome=outcome))) == {}
    ordinal = Profile(
        "ordinal",
        (OrdinalBallot(("a", "b")), OrdinalBallot(("c", "a", "b")), OrdinalBallot(("b",))),
    )
    instance = Instance(100, projects, META)
    outcome = allocate(instance, ordinal, "greedy")
    exported = election_file(instance, ordinal, outcome=outcome)
    assert problems(write_string(exported)) == {}
    assert exported.profile.ballots[1].ranking == ("c", "a", "b")


def test_weighted_ballots_and_a_fully_funded_round() -> None:
    instance = Instance(1000, (Project("a", 50, "A"), Project("b", 30, "B")), META)
    profile = Profile("approval", (ApprovalBallot(frozenset({"a"}), weight=3),))
    exported = election_file(instance, profile, outcome=allocate(instance, profile, "greedy"))
    assert exported.meta["fully_funded"] == "1"
    assert exported.meta["num_votes"] == "3"
    assert problems(write_string(exported)) == {}


def test_empty_ballots_are_left_out_with_a_comment() -> None:
    instance, profile = approval_round()
    profile = Profile("approval", (*profile.ballots, ApprovalBallot(frozenset())))
    exported = election_file(instance, profile, outcome=allocate(instance, profile, "greedy"))
    assert exported.meta["num_votes"] == "5"
    assert "1 voter(s) cast an empty ballot" in exported.meta["comment"]
    assert problems(write_string(exported)) == {}


def test_missing_mandatory_meta_is_refused() -> None:
    from pb.allocation.pabulib import PabulibError

    instance = Instance(10, (Project("a", 5),), {"description": "x"})
    with pytest.raises(PabulibError, match="country"):
        election_file(instance, Profile("approval", ()))


# The checker recomputes Equal Shares with add1 in Fractions, one unit at a time: a minute per
# file. The exported rounds above already cross-check add1 with it; here, greedy files only.
SMALL = [
    p for p in all_files() if header(p)[2] < 1000 and header(p)[0].get("rule") != "equalshares/add1"
]


@pytest.mark.parametrize("path", SMALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rewritten_real_files_gain_no_error_and_lose_the_format_ones(path: Path) -> None:
    original = problems(path.read_text(encoding="utf-8-sig"))
    election = load(path)
    rule = election.rule
    if rule in ("greedy", "greedy-no-skip", "greedy-threshold"):
        outcome = allocate(election.instance, election.profile, rule)
        election = with_outcome(election, outcome)
    rewritten = problems(write_string(election))
    format_errors = {"whitespace around list separator", "invalid projects field value"}
    assert set(rewritten) <= set(original) - format_errors, rewritten
