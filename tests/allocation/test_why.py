"""A voter's own explanation, from the outcome alone: hand-worked greedy and Equal Shares."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given

from pb.allocation import allocate
from pb.allocation.why import explain_ballot

from .conftest import approval
from .test_properties import SETTINGS, elections


def test_greedy_names_the_project_that_used_the_money() -> None:
    # votes: a 3, b 2, c 1; budget 10: a (6) funded, b (5) does not fit (4 left), c (3) fits
    instance, profile = approval(10, {"a": 6, "b": 5, "c": 3}, [["a", "b"], ["a", "b"], ["a", "c"]])
    outcome = allocate(instance, profile, "greedy")
    report = explain_ballot(outcome, {"b", "c"}, 3)
    b, c = report.choices
    assert (b.project, b.funded, b.reason, b.budget_left) == ("b", False, "does_not_fit", 4)
    assert b.blocker == "a"
    assert (c.project, c.funded, c.budget_left) == ("c", True, 1)
    assert report.share is None and b.paid is None


def test_equal_shares_follows_one_voters_share() -> None:
    # 4 voters, budget 100: a share of 25 each. x (40) chosen by three voters: 40/3 each;
    # y (30) by two of them: each has 25 - 40/3 = 35/3 left, together 70/3 < 30: turned down
    instance, profile = approval(
        100, {"x": 40, "y": 30, "z": 20}, [["x", "y"], ["x", "y"], ["x"], ["z"]]
    )
    outcome = allocate(instance, profile, "equalshares", satisfaction="cost")
    report = explain_ballot(outcome, {"x", "y"}, 4)
    assert report.share == 25
    x, y = sorted(report.choices, key=lambda c: c.project)
    assert x.funded and x.paid == Fraction(40, 3) and x.share_left == Fraction(35, 3)
    assert not y.funded and y.reason == "not_affordable_by_supporters"
    assert y.supporters_had == Fraction(70, 3) and y.paid is None
    assert report.share_left == Fraction(35, 3)


@SETTINGS
@given(elections(("approval",)))
def test_what_a_ballot_pays_never_exceeds_its_share(election) -> None:  # type: ignore[no-untyped-def]
    instance, profile = election
    outcome = allocate(instance, profile, "equalshares/add1", satisfaction="cardinality")
    for ballot in profile.ballots:
        report = explain_ballot(outcome, ballot.projects, profile.num_voters)
        paid = sum(c.paid or 0 for c in report.choices)
        assert report.share is None or (report.share_left >= 0 and paid <= report.share)
        assert {c.project for c in report.choices} == set(ballot.projects)


@SETTINGS
@given(elections(("approval",)))
def test_the_payments_of_all_ballots_add_up_to_each_projects_cost(election) -> None:  # type: ignore[no-untyped-def]
    """Reconstructed from the trace alone, every voter's payments pay exactly for each project
    Equal Shares funded: the explanation is the count, not a story about it."""
    instance, profile = election
    for satisfaction in ("cost", "cardinality"):
        outcome = allocate(instance, profile, "equalshares", satisfaction=satisfaction)
        totals: dict[str, Fraction] = {}
        for ballot in profile.ballots:
            for choice in explain_ballot(outcome, ballot.projects, profile.num_voters).choices:
                if choice.paid is not None:
                    totals[choice.project] = totals.get(choice.project, 0) + choice.paid
        for step in outcome.trace:
            if step.selected:
                assert totals.get(step.project) == step.cost
