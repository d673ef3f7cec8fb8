"""Ballot formats: each format's rules, exactly as the server enforces them."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.voting.formats import BALLOT_FORMATS, BallotItem

ITEMS = [BallotItem(1, 40), BallotItem(2, 30), BallotItem(3, 50), BallotItem(4, 10)]
BUDGET = 100


@pytest.fixture(autouse=True)
def _request_context(bare_app: Flask) -> None:
    """Messages are translated, so validation runs inside a request context."""


def errors(name: str, choices: dict[int, int], **params: int | None) -> list[str]:
    fmt = BALLOT_FORMATS[name]
    full = fmt.normalise_params(params)
    return fmt.validate(choices, ITEMS, full, BUDGET)


@pytest.mark.parametrize(
    ("choices", "ok"),
    [({1: 1}, True), ({1: 1, 2: 1, 3: 1}, True), ({}, False), ({1: 1, 2: 1, 3: 1, 4: 1}, False)],
)
def test_approval_counts_projects(choices: dict[int, int], ok: bool) -> None:
    assert (errors("approval", choices, min_projects=1, max_projects=3) == []) is ok


def test_approval_without_maximum_accepts_every_project() -> None:
    assert errors("approval", {1: 1, 2: 1, 3: 1, 4: 1}, min_projects=1, max_projects=None) == []


@pytest.mark.parametrize(
    ("choices", "ok"),
    [
        ({1: 1, 2: 1, 4: 1}, True),  # 80
        ({1: 1, 3: 1, 4: 1}, True),  # exactly 100: the budget itself is allowed
        ({1: 1, 2: 1, 3: 1}, False),  # 120
        ({}, False),
    ],
)
def test_knapsack_keeps_within_budget(choices: dict[int, int], ok: bool) -> None:
    assert (errors("knapsack", choices, min_share_percent=0) == []) is ok


def test_knapsack_minimum_share() -> None:
    assert errors("knapsack", {4: 1}, min_share_percent=50) != []
    assert errors("knapsack", {1: 1, 4: 1}, min_share_percent=50) == []


@pytest.mark.parametrize(
    ("choices", "ok"),
    [
        ({2: 1, 1: 2, 4: 3}, True),
        ({2: 1}, True),
        ({2: 1, 1: 3}, False),  # gap
        ({2: 1, 1: 1}, False),  # duplicate rank
        ({1: 1, 2: 2, 3: 3, 4: 4}, False),  # more than k
    ],
)
def test_ranked_needs_distinct_consecutive_ranks(choices: dict[int, int], ok: bool) -> None:
    assert (errors("ranked", choices, min_rank=1, max_rank=3) == []) is ok


@pytest.mark.parametrize(
    ("choices", "ok"),
    [({1: 5, 2: 5}, True), ({1: 6}, False), ({1: 5, 2: 5, 3: 1}, False), ({}, False)],
)
def test_cumulative_points(choices: dict[int, int], ok: bool) -> None:
    assert (errors("cumulative", choices, total_points=10, max_per_project=5) == []) is ok


def test_unknown_project_is_refused_for_every_format() -> None:
    for name in BALLOT_FORMATS:
        assert errors(name, {99: 1}) != []


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "9999999", "１"])
def test_parse_refuses_malformed_values(raw: str) -> None:
    for fmt in BALLOT_FORMATS.values():
        with pytest.raises(ValueError):
            fmt.parse({"project-1": raw}, ITEMS)


def test_parse_ignores_empty_and_zero() -> None:
    fmt = BALLOT_FORMATS["cumulative"]
    assert fmt.parse({"project-1": "", "project-2": "0", "project-3": "4"}, ITEMS) == {3: 4}


def test_parameter_checks() -> None:
    approval = BALLOT_FORMATS["approval"]
    assert approval.check_params({"min_projects": 3, "max_projects": 2}, BUDGET)
    cumulative = BALLOT_FORMATS["cumulative"]
    assert cumulative.check_params({"total_points": 3, "max_per_project": 5}, BUDGET)
    assert cumulative.check_params({"total_points": 10, "max_per_project": 5}, BUDGET) == {}


def test_pabulib_meta_describes_the_constraints() -> None:
    assert BALLOT_FORMATS["knapsack"].pabulib_meta({"min_share_percent": 0}, 100) == {
        "max_sum_cost": "100"
    }
    assert BALLOT_FORMATS["ranked"].pabulib_meta({"min_rank": 1, "max_rank": 3}, 100) == {
        "min_length": "1",
        "max_length": "3",
    }


def test_cumulative_names_every_broken_limit_at_once() -> None:
    found = errors("cumulative", {1: 8, 2: 6}, total_points=10, max_per_project=5)
    assert found == [
        "Give at most 5 points to one project.",
        "You can spread at most 10 points.",
    ]


def test_the_points_meter_never_shows_a_negative_amount_left() -> None:
    from pb.voting import meter

    fmt = BALLOT_FORMATS["cumulative"]
    params = fmt.normalise_params({"total_points": 10, "max_per_project": 5})
    over = meter.state(fmt, params, BUDGET, "GBP", ITEMS, {1: 5, 2: 5, 3: 4})
    assert over.status == "Points used: 14 of 10. Over by 4." and over.over
    assert "-" not in over.status
    within = meter.state(fmt, params, BUDGET, "GBP", ITEMS, {1: 5, 2: 1})
    assert within.status == "Points used: 6 of 10. Left: 4."
