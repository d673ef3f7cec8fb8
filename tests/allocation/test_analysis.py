"""The measures of an outcome (pb.allocation.analysis, ejr): hand-worked elections, agreement
with pabutools' analysis functions, and properties on random elections."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given

from pb.allocation import ApprovalBallot, Instance, OrdinalBallot, Profile, Project, allocate
from pb.allocation.analysis import gini, measure, median
from pb.allocation.ejr import ejr_up_to_one
from pb.allocation.voters import VoterView

from .conftest import approval, load, local_files
from .test_properties import SETTINGS, elections


def outcome_of(instance, profile, selected):  # type: ignore[no-untyped-def]
    """A greedy outcome re-labelled with a chosen selection (the measures read only that)."""
    base = allocate(instance, profile, "greedy")
    cost = sum(instance.by_id[pid].cost for pid in selected)
    return type(base)(
        rule="hand",
        satisfaction="cardinality",
        tie_break=base.tie_break,
        seed=None,
        budget=instance.budget,
        selected=tuple(selected),
        total_cost=cost,
        scores=base.scores,
        trace=base.trace,
    )


def test_each_measure_on_a_hand_worked_election() -> None:
    instance, profile = approval(10, {"a": 6, "b": 4, "c": 5}, [["a", "b"], ["a"], ["c"], []])
    measures = measure(instance, profile, outcome_of(instance, profile, ["a", "b"]))
    # voters got 2, 1, 0 and 0 of their projects; 10, 6, 0 and 0 of the 10 budget units
    assert measures.share_with_funded_project == Fraction(1, 2)
    assert measures.mean_satisfaction_cardinality == Fraction(3, 4)
    assert measures.median_satisfaction_cardinality == Fraction(1, 2)
    assert measures.mean_satisfaction_cost == Fraction(2, 5)
    assert measures.median_satisfaction_cost == Fraction(3, 10)
    assert measures.mean_satisfaction_rule == Fraction(3, 4)
    # sorted 0, 0, 1, 2: (n + 1 - 2 * (2 * 1 + 1 * 2) / 3) / n = (5 - 8/3) / 4
    assert measures.gini_cardinality == Fraction(7, 12)
    assert measures.ejr.holds is True


def test_weighted_median_and_gini_count_each_voter() -> None:
    assert median([(3, 1), (1, 5)]) == 1
    assert median([(2, 1), (2, 5)]) == 3
    assert median([]) == 0
    assert gini([(5, 2)]) == 0
    assert gini([(3, 0)]) == 0
    assert gini([(1, 0), (1, 0), (1, 0), (1, 4)]) == Fraction(3, 4)
    assert gini([(3, 0), (1, 4)]) == gini([(1, 0), (1, 0), (1, 0), (1, 4)])


def test_ejr_finds_a_group_left_with_nothing() -> None:
    # half the voters approve a and b, which half the budget pays for; they get neither
    instance, profile = approval(4, {"a": 1, "b": 1, "c": 1, "d": 1}, [["a", "b"], ["c", "d"]])
    verdict = ejr_up_to_one(instance, profile, ["c", "d"])
    assert verdict.holds is False
    assert verdict.violation == ("a", "b")
    # one of their two projects is enough "up to one project"
    assert ejr_up_to_one(instance, profile, ["a", "c", "d"]).holds is True
    # a group too small to pay for its projects is owed nothing
    small, profile3 = approval(4, {"a": 2, "b": 2, "c": 1}, [["a", "b"], ["c"], ["c"]])
    assert ejr_up_to_one(small, profile3, ["c"]).holds is True


def test_ejr_is_not_answered_for_rankings() -> None:
    instance = Instance(5, (Project("a", 1), Project("b", 1)))
    profile = Profile("ordinal", (OrdinalBallot(("a", "b")),))
    verdict = ejr_up_to_one(instance, profile, ["a"])
    assert verdict.holds is None and "approval" in verdict.note


def test_ejr_above_thirty_projects_is_bounded_and_says_so() -> None:
    # everyone approves all 40 projects and got 30 of them: a group missing two needs 32, which
    # the budget of 31 cannot pay, so EJR-1 holds, but only after looking at every smaller set
    costs = {f"p{i:02}": 1 for i in range(40)}
    instance, profile = approval(31, costs, [list(costs)] * 3)
    verdict = ejr_up_to_one(instance, profile, list(costs)[:30], node_limit=50)
    assert verdict.holds is None
    assert "50" in verdict.note and verdict.subsets_checked == 50
    assert ejr_up_to_one(instance, profile, list(costs)).holds is True


def test_categories_compare_funding_with_the_voters_who_chose_them() -> None:
    instance = Instance(
        10,
        (Project("a", 6, categories=("parks",)), Project("b", 4, categories=("roads", "parks"))),
    )
    profile = Profile(
        "approval", (ApprovalBallot(frozenset({"a"})), ApprovalBallot(frozenset({"b"})))
    )
    shares = {
        g.name: g
        for g in measure(instance, profile, allocate(instance, profile, "greedy")).categories
    }
    assert shares["parks"].funding_share == 1 and shares["parks"].voter_share == 1
    assert shares["roads"].funding_share == Fraction(4, 10)
    assert shares["roads"].voter_share == Fraction(1, 2)


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.stem)
def test_numpy_and_plain_views_give_the_same_numbers(path) -> None:  # type: ignore[no-untyped-def]
    election = load(path)
    instance, profile = election.instance, election.profile
    selected = allocate(instance, profile, "greedy").selected
    fast = VoterView(instance, profile, use_numpy=True)
    plain = VoterView(instance, profile, use_numpy=False)
    assert fast.rows(selected) == plain.rows(selected)
    assert [sorted(d) for d in fast.distributions(selected)] == [
        sorted(d) for d in plain.distributions(selected)
    ]
    assert fast.level_masks(selected) == plain.level_masks(selected)
    assert fast.supporter_masks() == plain.supporter_masks()
    assert fast.mask([0, len(fast.weights) - 1]) == plain.mask([0, len(plain.weights) - 1])


@SETTINGS
@given(elections())
def test_shares_and_gini_stay_between_zero_and_one(election) -> None:  # type: ignore[no-untyped-def]
    instance, profile = election
    for rule in ("greedy", "equalshares", "max-welfare"):
        measures = measure(instance, profile, allocate(instance, profile, rule))
        for value in (
            measures.share_with_funded_project,
            measures.gini_cardinality,
            measures.gini_cost,
            measures.mean_satisfaction_cost,
            measures.median_satisfaction_cost,
        ):
            assert 0 <= value <= 1
        for group in measures.categories:
            assert 0 <= group.funding_share <= 1 and 0 <= group.voter_share <= 1


@SETTINGS
@given(elections(("approval",)))
def test_plain_equal_shares_always_satisfies_ejr_up_to_one(election) -> None:  # type: ignore[no-untyped-def]
    """A theorem (Peters, Pierczyński and Skowron 2021): a failure here is a bug."""
    instance, profile = election
    outcome = allocate(instance, profile, "equalshares", satisfaction="cardinality")
    assert ejr_up_to_one(instance, profile, outcome.selected).holds is True
