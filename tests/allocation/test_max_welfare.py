"""Hand-worked elections for exact welfare maximisation (knapsack)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from pb.allocation import CumulativeBallot, Instance, Profile, Project, allocate
from pb.allocation.max_welfare import knapsack

from .conftest import approval


def test_two_cheaper_projects_beat_one_popular_project() -> None:
    # a (6) has 3 votes; b and c (5 each) have 2 votes each; budget 10.
    instance, profile = approval(
        10, {"a": 6, "b": 5, "c": 5}, [["a", "b"], ["a", "c"], ["a", "b", "c"]]
    )
    by_count = allocate(instance, profile, "max-welfare", satisfaction="cardinality")
    assert set(by_count.selected) == {"b", "c"}  # 4 approvals against 3
    assert by_count.details["welfare"] == 4
    by_cost = allocate(instance, profile, "max-welfare")  # a: 3 x 6 = 18; b + c: 10 + 10 = 20
    assert set(by_cost.selected) == {"b", "c"}
    assert by_cost.details["welfare"] == 20
    assert by_cost.step("a").reason == "not_optimal"
    assert allocate(instance, profile, "greedy").selected == ("a",)


@pytest.mark.parametrize(
    ("tie_break", "seed", "expected"),
    [("lexicographic", None, ("b",)), ("most-votes", None, ("b",)), ("lottery", "z", None)],
)
def test_equally_good_sets_are_decided_by_the_tie_break(
    tie_break: str, seed: str | None, expected: tuple | None
) -> None:
    instance, profile = approval(5, {"c": 5, "b": 5}, [["b", "c"]])
    outcome = allocate(instance, profile, "max-welfare", tie_break=tie_break, seed=seed)
    assert len(outcome.selected) == 1
    if expected:
        assert outcome.selected == expected


def test_fractional_points_and_costs_are_optimised_exactly() -> None:
    instance = Instance(
        Fraction(7, 2), (Project("a", Fraction(3, 2)), Project("b", 2), Project("c", 2))
    )
    profile = Profile(
        "cumulative",
        (
            CumulativeBallot({"a": Fraction(1, 3), "b": Fraction(1, 2)}),
            CumulativeBallot({"c": Fraction(1, 2)}),
        ),
    )
    outcome = allocate(instance, profile, "max-welfare")
    # a + b (3.5) = 5/6; a + c = 5/6; b + c (4) does not fit: tie -> {a, b} (b before c)
    assert set(outcome.selected) == {"a", "b"}
    assert outcome.details["welfare"] == "5/6"


def test_projects_that_do_not_fit_or_have_no_votes() -> None:
    instance, profile = approval(10, {"big": 11, "x": 4, "none": 1}, [["big", "x"]])
    outcome = allocate(instance, profile, "max-welfare")
    assert outcome.selected == ("x",)
    assert outcome.step("big").reason == "does_not_fit"
    assert outcome.step("none").reason == "no_supporters"


def test_knapsack_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(400):
        n = rng.randint(0, 10)
        costs = [rng.randint(1, 25) for _ in range(n)]
        profits = [rng.randint(1, 40) for _ in range(n)]
        capacity = rng.randint(0, 80)
        best = max(
            sum(profits[i] for i in subset)
            for r in range(n + 1)
            for subset in itertools.combinations(range(n), r)
            if sum(costs[i] for i in subset) <= capacity
        )
        chosen = knapsack(costs, profits, capacity)
        assert sum(costs[i] for i in chosen) <= capacity
        assert sum(profits[i] for i in chosen) == best
