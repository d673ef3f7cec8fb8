"""The election types validate their input and hold exact numbers only."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from pb.allocation import (
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    InvalidElectionError,
    OrdinalBallot,
    Profile,
    Project,
)


def test_project_costs_are_exact_and_positive() -> None:
    assert Project("a", Decimal("12.50")).cost == Fraction(25, 2)
    assert Project("a", Fraction(10, 1)).cost == 10
    assert type(Project("a", Fraction(10, 1)).cost) is int
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(InvalidElectionError):
            Project("a", bad)


def test_project_ids_are_non_empty_trimmed_strings() -> None:
    for bad in ("", " a", 7, None):
        with pytest.raises(InvalidElectionError):
            Project(bad, 1)  # type: ignore[arg-type]


def test_empty_categories_are_dropped() -> None:
    assert Project("a", 1, categories=("sport", None, "")).categories == ("sport",)  # type: ignore[arg-type]


def test_instance_rejects_duplicate_ids_and_negative_budgets() -> None:
    with pytest.raises(InvalidElectionError, match="duplicate"):
        Instance(10, (Project("a", 1), Project("a", 2)))
    with pytest.raises(InvalidElectionError, match="negative"):
        Instance(-1, ())


def test_instance_reads_ballot_constraints_from_meta() -> None:
    instance = Instance(
        100,
        (Project("a", 1),),
        {"max_length": "3", "max_sum_points": "10", "min_project_score_threshold": "2.5"},
    )
    assert instance.max_length == 3
    assert instance.max_sum_points == 10
    assert instance.min_project_score_threshold == Fraction(5, 2)
    assert instance.min_length is None
    assert instance.meta["max_length"] == "3"
    with pytest.raises(TypeError):
        instance.meta["max_length"] = "4"  # type: ignore[index]


def test_instance_rejects_a_non_numeric_constraint() -> None:
    with pytest.raises(InvalidElectionError, match="max_length"):
        Instance(1, (), {"max_length": "three"})


def test_ballots_validate_their_content() -> None:
    with pytest.raises(InvalidElectionError):
        OrdinalBallot(("a", "a"))
    with pytest.raises(InvalidElectionError):
        CumulativeBallot({"a": -1})
    with pytest.raises(InvalidElectionError):
        ApprovalBallot(frozenset({"a"}), weight=0)
    with pytest.raises(InvalidElectionError):
        ApprovalBallot("ab")  # type: ignore[arg-type]
    assert CumulativeBallot({"a": 0, "b": 2}).supported() == {"b"}


def test_profile_checks_ballot_kinds_and_choose_one() -> None:
    with pytest.raises(InvalidElectionError, match="vote type"):
        Profile("scoring", ())
    with pytest.raises(InvalidElectionError, match="ApprovalBallot"):
        Profile("approval", (OrdinalBallot(("a",)),))
    with pytest.raises(InvalidElectionError, match="choose-1"):
        Profile("choose-1", (ApprovalBallot(frozenset({"a", "b"})),))
    profile = Profile("approval", (ApprovalBallot(frozenset({"a"}), weight=3),))
    assert profile.num_voters == 3


def test_profile_rejects_ballots_for_unknown_projects() -> None:
    instance = Instance(10, (Project("a", 1),))
    profile = Profile("approval", (ApprovalBallot(frozenset({"z"}), voter_id="v9"),))
    with pytest.raises(InvalidElectionError, match="voter v9 votes for unknown project 'z'"):
        profile.check_against(instance)
