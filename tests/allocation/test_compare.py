"""`pb compare` and `compare_within`: the JSON shape integrators script against, and the time
budget that keeps a web worker responsive."""

from __future__ import annotations

import json
import time

import pytest

from pb.allocation import allocate, comparison
from pb.allocation.comparison import OVER_BUDGET, compare, compare_within
from pb.cli import main

from .conftest import LOCAL_PABULIB, approval, load

SWIECIE = LOCAL_PABULIB / "Poland_Swiecie_2023.pb"
KRAKOW = LOCAL_PABULIB / "Poland_Krakow_2022_Zwierzyniec.pb"
MEASURES = {
    "share_with_funded_project",
    "mean_satisfaction_cardinality",
    "mean_satisfaction_cost",
    "gini_cardinality",
    "ejr_up_to_one",
    "ejr_note",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["compare", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_has_one_entry_per_rule_with_the_promised_names(capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, str(SWIECIE), "--rules", "greedy,equalshares", "--json")
    assert status == 0
    data = json.loads(out)
    assert [entry["rule"] for entry in data["rules"]] == ["greedy", "equalshares"]
    election = load(SWIECIE)
    for entry in data["rules"]:
        assert set(entry["measures"]) >= MEASURES
        expected = allocate(election.instance, election.profile, entry["rule"])
        assert entry["selected"] == list(expected.selected)
        assert entry["total_cost"] == expected.total_cost
        assert entry["measures"]["ejr_up_to_one"] is True  # 22 projects: checked exactly
        assert 0 <= entry["measures"]["share_with_funded_project"] <= 1


def test_without_rules_every_applicable_rule_is_compared(capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, str(KRAKOW), "--json")
    rules = [entry["rule"] for entry in json.loads(out)["rules"]]
    assert status == 0
    assert "greedy" in rules and "phragmen" not in rules  # Phragmén counts approvals only
    entry = json.loads(out)["rules"][0]
    assert entry["measures"]["ejr_up_to_one"] is None and entry["measures"]["ejr_note"]


def test_the_table_and_the_errors(capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, str(SWIECIE), "--rules", "greedy")
    assert status == 0 and out.splitlines()[1].startswith("greedy")
    status, _, err = run(capsys, str(SWIECIE), "--rules", "nonsense")
    assert status == 1 and "unknown rule" in err
    status, _, err = run(capsys, str(LOCAL_PABULIB / "missing.pb"))
    assert status == 1 and "cannot read" in err


def test_a_rule_that_cannot_count_the_election_is_reported_not_raised() -> None:
    instance, profile = approval(10, {"a": 4}, [["a"]])
    [result] = compare(instance, profile, ["greedy-threshold"])
    assert result.status == "not_applicable"


def test_a_rule_over_its_time_budget_is_reported_and_the_others_still_run(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    slow = comparison.compare_one

    def stalls_on_max_welfare(instance, profile, rule, **kwargs):  # type: ignore[no-untyped-def]
        if rule == "max-welfare":
            time.sleep(30)
        return slow(instance, profile, rule, **kwargs)

    monkeypatch.setattr(comparison, "compare_one", stalls_on_max_welfare)  # the child inherits it
    instance, profile = approval(10, {"a": 4, "b": 6, "c": 5}, [["a", "b"], ["c"], ["a"]])
    started = time.monotonic()
    results = compare_within(
        instance, profile, ["greedy", "max-welfare", "equalshares"], seconds_per_rule=2
    )
    assert time.monotonic() - started < 15
    assert [(r.rule, r.status) for r in results] == [
        ("greedy", "ok"),
        ("max-welfare", OVER_BUDGET),
        ("equalshares", "ok"),
    ]
    assert results[2].outcome == allocate(instance, profile, "equalshares")


def test_rules_left_when_the_total_budget_runs_out_are_reported_unrun(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    slow = comparison.compare_one

    def stalls(instance, profile, rule, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        return slow(instance, profile, rule, **kwargs)

    monkeypatch.setattr(comparison, "compare_one", stalls)
    instance, profile = approval(10, {"a": 4, "b": 6}, [["a", "b"], ["a"]])
    started = time.monotonic()
    results = compare_within(
        instance,
        profile,
        ["greedy", "equalshares", "max-welfare", "phragmen"],
        seconds_per_rule=10,
        total_seconds=2,
    )
    assert time.monotonic() - started < 6
    assert [r.rule for r in results] == ["greedy", "equalshares", "max-welfare", "phragmen"]
    assert results[0].status == "ok" and results[-1].status == OVER_BUDGET
