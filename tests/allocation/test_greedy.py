"""Hand-worked elections for the greedy family, with exact expected outcomes."""

from __future__ import annotations

from fractions import Fraction

import pytest

from pb.allocation import (
    CumulativeBallot,
    Instance,
    InvalidElectionError,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
)

from .conftest import approval


def reasons(outcome) -> dict[str, str]:
    return {step.project: step.reason for step in outcome.trace}


def test_greedy_skips_what_does_not_fit_and_goes_on() -> None:
    # votes: a 3, b 2, c 2 (tie with b), d 1; budget 100
    instance, profile = approval(
        100,
        {"a": 60, "b": 50, "c": 30, "d": 10},
        [["a", "b"], ["a", "c"], ["a", "b", "c", "d"]],
    )
    outcome = allocate(instance, profile, "greedy")
    # a (60) fits; b and c tie on 2 votes, lexicographic gives b first: 50 > 40 left, skipped;
    # c (30) fits, 10 left; d (10) fits, 0 left.
    assert outcome.selected == ("a", "c", "d")
    assert outcome.total_cost == 100
    assert reasons(outcome) == {
        "a": "selected",
        "b": "does_not_fit",
        "c": "selected",
        "d": "selected",
    }
    assert outcome.step("b").remaining_budget == 40
    assert outcome.step("d").remaining_budget == 0
    assert [step.project for step in outcome.trace] == ["a", "b", "c", "d"]


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    instance, profile = approval(
        100,
        {"a": 60, "b": 50, "c": 30, "d": 10},
        [["a", "b"], ["a", "c"], ["a", "b", "c", "d"]],
    )
    outcome = allocate(instance, profile, "greedy-no-skip")
    assert outcome.selected == ("a",)
    assert reasons(outcome) == {
        "a": "selected",
        "b": "does_not_fit",
        "c": "stopped_no_skip",
        "d": "stopped_no_skip",
    }


def test_greedy_threshold_excludes_projects_below_the_minimum_score() -> None:
    instance, profile = approval(
        100,
        {"a": 60, "b": 50, "c": 30, "d": 10},
        [["a", "b"], ["a", "c"], ["a", "b", "c", "d"]],
        min_project_score_threshold="2",
    )
    outcome = allocate(instance, profile, "greedy-threshold")
    assert outcome.selected == ("a", "c")  # d has 1 vote < 2
    assert reasons(outcome)["d"] == "below_threshold"
    assert outcome.details["threshold"] == 2


def test_greedy_threshold_needs_the_threshold_in_meta() -> None:
    from pb.allocation import RULES

    assert RULES["greedy-threshold"].required_meta == ("min_project_score_threshold",)
    assert RULES["greedy"].required_meta == ()
    instance, profile = approval(10, {"a": 5}, [["a"]])
    with pytest.raises(InvalidElectionError, match="min_project_score_threshold"):
        allocate(instance, profile, "greedy-threshold")


def test_a_project_costing_more_than_the_whole_budget_is_never_selected() -> None:
    instance, profile = approval(100, {"big": 101, "small": 40}, [["big"], ["big"], ["small"]])
    outcome = allocate(instance, profile, "greedy")
    assert outcome.selected == ("small",)
    assert reasons(outcome)["big"] == "does_not_fit"
    assert outcome.step("big").remaining_budget == 100


def test_projects_nobody_voted_for_come_last_as_pabulib_defines_greedy() -> None:
    # pabulib's checker and pabutools fund them if money is left; a threshold of 1 prevents it
    instance, profile = approval(100, {"z": 10, "a": 10, "b": 95}, [["a"], ["b"], []])
    outcome = allocate(instance, profile, "greedy")
    assert outcome.selected == ("a", "z")  # b (1 vote) does not fit after a; z has no vote
    assert outcome.scores == {"z": 0, "a": 1, "b": 1}
    guarded = Instance(100, instance.projects, {"min_project_score_threshold": "1"})
    outcome = allocate(guarded, profile, "greedy-threshold")
    assert outcome.selected == ("a",)
    assert reasons(outcome)["z"] == "below_threshold"


def test_only_empty_ballots() -> None:
    instance, profile = approval(15, {"a": 10, "b": 10}, [[], [], []])
    outcome = allocate(instance, profile, "greedy")
    assert outcome.selected == ("a",)  # all tied at 0 votes: by id, then b does not fit
    assert reasons(outcome)["b"] == "does_not_fit"


def test_no_ballots_at_all() -> None:
    instance, profile = approval(100, {"a": 10}, [])
    assert allocate(instance, profile, "greedy").selected == ("a",)
    assert allocate(instance, profile, "equalshares").selected == ()


def test_a_single_voter_gets_what_fits_in_score_order() -> None:
    instance, profile = approval(50, {"a": 30, "b": 30, "c": 20}, [["a", "b", "c"]])
    outcome = allocate(instance, profile, "greedy")
    # all tied at one vote: lexicographic order a, b, c; b does not fit after a.
    assert outcome.selected == ("a", "c")


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [
        ("lexicographic", ("a", "c")),  # b no longer fits after a
        ("lowest-cost", ("c", "a")),
        ("most-votes", ("c", "a")),  # equal votes: the cheaper first, then by id
    ],
)
def test_equal_scores_are_broken_by_the_chosen_rule(tie_break: str, expected: tuple) -> None:
    # every project has one vote; costs a 40, b 40, c 20; budget 60
    instance, profile = approval(60, {"c": 20, "b": 40, "a": 40}, [["a"], ["b"], ["c"]])
    outcome = allocate(instance, profile, "greedy", tie_break=tie_break)
    assert outcome.selected == expected
    assert outcome.tie_break == tie_break


@pytest.mark.parametrize(("tie_break", "first"), [("most-votes", "a"), ("lowest-cost", "b")])
def test_ties_in_votes_per_cost_can_go_to_more_votes_or_to_lower_cost(
    tie_break: str, first: str
) -> None:
    # a: 2 votes for 40, b: 1 vote for 20 -- the same 1/20 votes per unit of cost
    instance, profile = approval(40, {"a": 40, "b": 20}, [["a"], ["a", "b"]])
    outcome = allocate(instance, profile, "greedy", satisfaction="cardinality", tie_break=tie_break)
    assert outcome.selected[0] == first


def test_equal_costs_and_votes_under_a_lottery_follow_the_published_seed() -> None:
    instance, profile = approval(10, {"a": 10, "b": 10, "c": 10}, [["a", "b", "c"]])
    first = allocate(instance, profile, "greedy", tie_break="lottery", seed="2024-06-01")
    again = allocate(instance, profile, "greedy", tie_break="lottery", seed="2024-06-01")
    assert first == again
    assert len(first.selected) == 1
    assert first.seed == "2024-06-01"
    winners = {
        allocate(instance, profile, "greedy", tie_break="lottery", seed=s).selected[0]
        for s in range(30)
    }
    assert winners == {"a", "b", "c"}


def test_cardinality_satisfaction_ranks_by_votes_per_unit_of_cost() -> None:
    # a: 3 votes, cost 90 (1/30 per unit); b: 2 votes, cost 20 (1/10); c: 1 vote cost 5 (1/5)
    instance, profile = approval(
        100, {"a": 90, "b": 20, "c": 5}, [["a", "b", "c"], ["a", "b"], ["a"]]
    )
    by_votes = allocate(instance, profile, "greedy")
    per_cost = allocate(instance, profile, "greedy", satisfaction="cardinality")
    assert by_votes.selected == ("a", "c")
    assert per_cost.selected == ("c", "b")
    assert per_cost.satisfaction == "cardinality"


def test_cumulative_greedy_ranks_by_points() -> None:
    instance = Instance(100, (Project("a", 60), Project("b", 60), Project("c", 40)))
    profile = Profile(
        "cumulative",
        (
            CumulativeBallot({"a": 2, "b": 1}),
            CumulativeBallot({"b": 3}),
            CumulativeBallot({"c": 1, "a": 1}),
        ),
    )
    outcome = allocate(instance, profile, "greedy")
    assert outcome.scores == {"a": 3, "b": 4, "c": 1}
    assert outcome.selected == ("b", "c")
    assert outcome.satisfaction == "points"


def test_fractional_points_are_counted_exactly() -> None:
    instance = Instance(100, (Project("a", 60), Project("b", 60)))
    profile = Profile(
        "cumulative",
        (
            CumulativeBallot({"a": Fraction(1, 3), "b": Fraction(1, 3)}),
            CumulativeBallot({"a": Fraction(1, 3)}),
            CumulativeBallot({"b": Fraction(1, 3)}),
        ),
    )
    outcome = allocate(instance, profile, "greedy")
    assert outcome.scores == {"a": Fraction(2, 3), "b": Fraction(2, 3)}
    assert outcome.selected == ("a",)  # exact tie, broken lexicographically


def test_ordinal_greedy_uses_positional_scores_or_borda() -> None:
    instance = Instance(100, (Project("a", 60), Project("b", 50), Project("c", 40)))
    profile = Profile(
        "ordinal",
        (
            OrdinalBallot(("a", "b", "c")),  # positional 3,2,1; borda 2,1,0
            OrdinalBallot(("b", "c")),  # positional 2,1; borda 1,0
            OrdinalBallot(("c",)),  # positional 1; borda 0
        ),
    )
    positional = allocate(instance, profile, "greedy")
    assert positional.scores == {"a": 3, "b": 4, "c": 3}
    assert positional.selected == ("b", "c")
    borda = allocate(instance, profile, "greedy", satisfaction="borda")
    assert borda.scores == {"a": 2, "b": 2, "c": 0}
    # a, b tie on 2: a first; b no longer fits; c (ranked last by all, 0) comes last and fits
    assert borda.selected == ("a", "c")
    assert reasons(borda) == {"a": "selected", "b": "does_not_fit", "c": "selected"}


@pytest.mark.parametrize("scale", [1, 10**9])
def test_votes_per_cost_are_ordered_exactly_at_any_size(scale) -> None:
    # 3 votes for 4 units (0.75) beats 2 votes for 3 (0.666...); with huge costs the quotients
    # differ by less than a float can tell apart once scaled, and must still be ordered exactly
    costs = {"a": 3 * scale * 10**8 + 1, "b": 4 * scale * 10**8, "c": 3 * scale * 10**8}
    ballots = [["a", "b", "c"], ["a", "b", "c"], ["b"]]
    instance, profile = approval(4 * scale * 10**8, costs, ballots)
    outcome = allocate(instance, profile, "greedy", satisfaction="cardinality")
    ratios = {pid: Fraction(outcome.scores[pid], costs[pid]) for pid in costs}
    assert [s.project for s in outcome.trace] == sorted(costs, key=lambda p: -ratios[p])
    assert outcome.selected == ("b",)
