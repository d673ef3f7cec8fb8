"""Hand-worked elections for sequential Phragmén."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pb.allocation import (
    CumulativeBallot,
    Instance,
    Payments,
    Profile,
    Project,
    UnsupportedVoteTypeError,
    allocate,
)

from .conftest import approval

# v1 {a}, v2 {a}, v3 {a, b}, v4 {b, c}; costs a 60, b 40, c 30; budget 100.
ELECTION = approval(100, {"a": 60, "b": 40, "c": 30}, [["a"], ["a"], ["a", "b"], ["b", "c"]])


def test_loads_worked_by_hand() -> None:
    # step 1: a -> 60/3 = 20, b -> 40/2 = 20, c -> 30: a and b tie, a first by id.
    # step 2: b -> (20 + 0 + 40)/2 = 30, c -> 30/1 = 30: tie again, b first by id.
    # step 3: c -> (30 + 30)/1 = 60, but c (30) does not fit in the 0 left: stop.
    outcome = allocate(*ELECTION, "phragmen")
    assert outcome.selected == ("a", "b")
    assert outcome.step("a").price == 20
    assert outcome.step("b").price == 30
    assert outcome.step("b").payments == Payments(
        payers=2, total=40, max_payment=30, exhausted=0, supporters=2
    )
    assert outcome.step("c").reason == "does_not_fit"
    assert outcome.satisfaction is None


def test_the_tie_break_decides_equal_loads() -> None:
    # lowest-cost: at step 1 b (40) beats a (60) at load 20, so v3 and v4 carry 20; then
    # a -> (0 + 0 + 20 + 60)/3 = 80/3 beats c -> (20 + 30)/1 = 50; then c does not fit.
    outcome = allocate(*ELECTION, "phragmen", tie_break="lowest-cost")
    assert outcome.selected == ("b", "a")
    assert outcome.step("a").price == Fraction(80, 3)
    assert outcome.step("c").reason == "does_not_fit"


def test_stops_at_the_first_project_that_does_not_fit() -> None:
    # d (5 votes) is cheapest per supporter but costs 90: after a, it no longer fits, and
    # Phragmén stops even though e would fit.
    instance, profile = approval(
        100,
        {"a": 20, "d": 90, "e": 10},
        [["a", "d"], ["a", "d"], ["a", "d"], ["d"], ["d"], ["e"]],
    )
    outcome = allocate(instance, profile, "phragmen")
    # loads: a 20/3 ~ 6.7, d 90/5 = 18, e 10: a first; then d (20 + 90)/5 = 22 vs e 10 -> e;
    # then d 22 is lowest, 90 > 70 left: stop.
    assert outcome.selected == ("a", "e")
    assert outcome.step("d").reason == "does_not_fit"
    assert outcome.step("e").price == 10
    assert outcome.step("a").price == Fraction(20, 3)


def test_projects_over_budget_and_without_votes() -> None:
    instance, profile = approval(50, {"big": 60, "x": 10, "none": 5}, [["big", "x"], ["big"]])
    outcome = allocate(instance, profile, "phragmen")
    assert outcome.selected == ("x",)
    assert outcome.step("big").reason == "does_not_fit"
    assert outcome.step("none").reason == "no_supporters"


def test_stopping_marks_the_rest_as_stopped() -> None:
    instance, profile = approval(
        50, {"a": 40, "b": 20, "c": 5}, [["a"], ["a"], ["a"], ["b"], ["b"], ["c"]]
    )
    # a 40/3 ~ 13.3, b 10, c 5: c, then b, then a 40/3 but 40 > 25 left: stop.
    outcome = allocate(instance, profile, "phragmen")
    assert outcome.selected == ("c", "b")
    assert outcome.step("a").reason == "does_not_fit"


def test_only_approval_ballots() -> None:
    instance = Instance(10, (Project("a", 5),))
    profile = Profile("cumulative", (CumulativeBallot({"a": 1}),))
    with pytest.raises(UnsupportedVoteTypeError, match="phragmen"):
        allocate(instance, profile, "phragmen")


def test_single_voter_and_empty_ballots() -> None:
    assert allocate(*approval(10, {"a": 5, "b": 5}, [["a", "b"]]), "phragmen").selected == (
        "a",
        "b",
    )
    assert allocate(*approval(10, {"a": 5}, [[], []]), "phragmen").selected == ()
