"""The official rules of real elections the engine did not count before (issue 13, item 1):
each reproduces its file's official `selected` column, 2 included, plus hand-worked cases."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

from pb.allocation import InvalidElectionError, allocate
from pb.allocation.pabulib import PabulibError, parse_file, parse_string, write_string
from pb.allocation.pabulib_export import with_outcome

from .conftest import LOCAL_PABULIB, REPO_ROOT, SHARED_PABULIB, approval

NEXT = SHARED_PABULIB / "next"
POZNAN = "Poland_Poznan_2023_3_-_Piatkowo_Polnoc_Piatkowo.pb"


def next_file(name: str):
    path = NEXT / name
    if not path.is_file():
        pytest.skip(f"the shared pabulib collection is absent ({NEXT})")
    return path


def official_values(path, **options) -> tuple[dict[str, int], dict[str, int]]:
    """(the file's `selected` column, the column our writer writes for our outcome)."""
    election = parse_file(path, lenient=options.pop("lenient", False))
    outcome = allocate(election.instance, election.profile, election.rule, **options)
    written = parse_string(write_string(with_outcome(election, outcome)))
    return dict(election.selected), dict(written.selected)


def test_poznan_reserve_rule_reproduces_the_official_column_with_its_2() -> None:
    official, ours = official_values(next_file(POZNAN))
    assert official["III.1"] == 2  # the reserve project, as the file marks it
    assert ours == official


def test_poznan_outcome_names_the_reserve_project_and_the_reserve_used() -> None:
    election = parse_file(next_file(POZNAN))
    outcome = allocate(election.instance, election.profile, "greedy-custom")
    # 1,140,000 - 483,150 = 656,850 left; III.1 costs 800,000: 82% of it is covered
    assert outcome.selected == ("III.5", "III.1")
    assert outcome.details["reserve_project"] == "III.1"
    assert outcome.details["reserve_used"] == 800_000 - 656_850
    assert outcome.total_cost - outcome.budget == 143_150
    assert outcome.step("III.1").phase == "reserve"
    assert {s.reason for s in outcome.trace if not s.selected} == {"stopped_no_skip"}


def test_the_reserve_share_is_a_parameter_and_a_short_reserve_stops_counting() -> None:
    costs = {"a": 60, "b": 50, "c": 10}
    ballots = [["a", "b", "c"], ["a", "b"], ["a"]]
    # 40 left covers 80% of b (50): b from the reserve (10), then stop: c is not funded
    outcome = allocate(*approval(100, costs, ballots), "greedy-custom")
    assert outcome.selected == ("a", "b")
    assert outcome.details["reserve_used"] == 10
    assert outcome.step("c").reason == "stopped_no_skip"
    # with a share of 90% the 40 left is not enough: b does not fit, counting stops anyway
    strict = allocate(*approval(100, costs, ballots, reserve_share="0.9"), "greedy-custom")
    assert strict.selected == ("a",)
    assert strict.step("b").reason == "does_not_fit"
    assert strict.step("c").reason == "stopped_no_skip"
    assert "reserve_project" not in strict.details
    assert strict.details["reserve_share"] == "9/10"
    with pytest.raises(InvalidElectionError, match="reserve_share"):
        allocate(*approval(100, costs, ballots, reserve_share="1.5"), "greedy-custom")


def test_bemowo_conflict_group_reproduces_the_official_column() -> None:
    path = next_file("Poland_Warszawa_2022_Bemowo.pb")
    official, ours = official_values(path, conflicts=[["773", "153"]])
    assert ours == official
    assert official["773"] == 1 and official["153"] == 0
    _plain, unconstrained = official_values(path)
    assert unconstrained["153"] == 1  # without the declared conflict both are funded
    election = parse_file(path)
    outcome = allocate(election.instance, election.profile, "greedy-exclusive", conflicts=[])
    assert outcome.selected == allocate(election.instance, election.profile, "greedy").selected


def test_gdynia_threshold_with_greedy_no_skip_reproduces_the_official_column() -> None:
    path = LOCAL_PABULIB / "Poland_Gdynia_2020_Orlowo__small.pb"
    official, ours = official_values(path)
    assert ours == official
    election = parse_file(path)
    outcome = allocate(election.instance, election.profile, "greedy-no-skip")
    # project 2 (43 votes, 5,995) fits the 7,740 left but is under the threshold of 50
    assert outcome.step("2").reason == "below_threshold"
    assert outcome.remaining_budget == 7_740


def test_wola_is_refused_strictly_and_read_leniently_with_every_change_listed() -> None:
    path = next_file("Poland_Warszawa_2022_Wola.pb")
    with pytest.raises(PabulibError, match="line 3096: voter 37051 names a project twice"):
        parse_file(path)
    election = parse_file(path, lenient=True)
    assert election.changes == (
        "line 3096: voter 37051 names 1040 more than once; read once (147,1040,1040 -> 147,1040)",
    )
    official, ours = official_values(path, lenient=True)
    assert ours == official
    again = parse_string(write_string(election))  # what the lenient reader kept is strict
    assert again.profile == election.profile


def test_lenient_reading_keeps_the_first_mention_and_its_points() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\n"
        "PROJECTS\nproject_id;cost\na;5\nb;5\n"
        "VOTES\nvoter_id;vote;points\n1;a,b,a;3,2,1\n2;b;4\n"
    )
    with pytest.raises(PabulibError, match="names a project twice"):
        parse_string(text)
    election = parse_string(text, lenient=True)
    assert dict(election.profile.ballots[0].points) == {"a": 3, "b": 2}
    assert election.changes == (
        "line 11: voter 1 names a more than once; read once (a,b,a -> a,b)",
    )


def test_pb_tally_takes_conflicts_and_lenient_on_the_command_line() -> None:
    path = next_file("Poland_Warszawa_2022_Wola.pb")
    command = [sys.executable, "-m", "pb.cli", "tally", str(path), "--check"]
    refused = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
    assert refused.returncode == 1 and "names a project twice" in refused.stderr
    lenient = subprocess.run([*command, "--lenient"], capture_output=True, text=True)
    assert lenient.returncode == 0, lenient.stderr
    assert "lenient: line 3096" in lenient.stderr
    bemowo = next_file("Poland_Warszawa_2022_Bemowo.pb")
    base = [sys.executable, "-m", "pb.cli", "tally", str(bemowo), "--check"]
    assert subprocess.run(base, capture_output=True).returncode == 3
    declared = subprocess.run([*base, "--conflicts", "773,153"], capture_output=True, text=True)
    assert declared.returncode == 0, declared.stderr
    assert "a declared conflict" in declared.stdout


def test_conflicts_hold_under_equal_shares_and_are_traced() -> None:
    # Four voters, 25 each: a (60) by v1 v2 v3, b (40) by v3 v4; add1 funds both
    instance, profile = approval(
        100, {"a": 60, "b": 40, "c": 30}, [["a"], ["a"], ["a", "b"], ["b", "c"]]
    )
    assert allocate(instance, profile, "equalshares/add1").selected == ("a", "b")
    outcome = allocate(instance, profile, "equalshares/add1", conflicts=[("b", "a")])
    assert outcome.selected == ("a",) or "b" not in outcome.selected
    assert outcome.step("b").reason == "conflict"
    assert outcome.details["conflicts"] == [["a", "b"]]
    assert outcome.details["withdrawn"] == {"b": "a"}
    order = [step.project for step in outcome.trace]
    assert order.index("b") == order.index("a") + 1  # right after the project it gave way to


@pytest.mark.parametrize(
    "groups, message",
    [([["a"]], "at least two"), ([["a", "a"]], "at least two"), ([["a", "z"]], "unknown")],
)
def test_a_bad_conflict_group_is_refused(groups, message) -> None:
    instance, profile = approval(10, {"a": 5, "b": 5}, [["a", "b"]])
    with pytest.raises(InvalidElectionError, match=message):
        allocate(instance, profile, "greedy", conflicts=groups)


def test_numeric_tie_break_puts_project_9_before_project_10() -> None:
    costs = {str(n): 10 for n in range(1, 13)}  # 12 projects, all tied on one vote each
    instance, profile = approval(30, costs, [list(costs)])
    numeric = allocate(instance, profile, "greedy", tie_break="numeric")
    assert numeric.selected == ("1", "2", "3")
    by_text = allocate(instance, profile, "greedy", tie_break="lexicographic")
    assert by_text.selected == ("1", "10", "11")
    three = approval(20, {"9": 10, "10": 10, "11": 10}, [["9", "10", "11"]])
    assert allocate(*three, "greedy", tie_break="numeric").selected == ("9", "10")
    assert allocate(*three, "greedy", tie_break="lexicographic").selected == ("10", "11")


def test_fractions_in_the_reserve_are_exact() -> None:
    outcome = allocate(
        *approval(10, {"a": 7, "b": 4}, [["a", "b"], ["a"]], reserve_share="0.75"),
        "greedy-custom",
    )
    assert outcome.selected == ("a", "b")  # 3 left is exactly 3/4 of 4
    assert Fraction(outcome.details["reserve_share"]) == Fraction(3, 4)


def test_an_official_tie_decision_reorders_only_projects_really_tied() -> None:
    # b and c tie on two votes; only one fits after a: the tie-break (by id) gives b
    instance, profile = approval(
        100, {"a": 50, "b": 40, "c": 40, "d": 10}, [["a", "b", "c"], ["a", "b", "c", "d"], ["a"]]
    )
    assert allocate(instance, profile, "greedy").selected == ("a", "b", "d")
    decided = allocate(instance, profile, "greedy", decided_ties=[["c", "b"]])
    assert decided.selected == ("a", "c", "d")
    assert decided.details["tie_decisions"] == [["c", "b"]]
    with pytest.raises(InvalidElectionError, match="not tied"):
        allocate(instance, profile, "greedy", decided_ties=[["d", "a"]])  # 1 vote against 3
    # Equal Shares too: the decision is checked by recounting, whatever the rule
    mes = allocate(instance, profile, "equalshares/add1", decided_ties=[["c", "b"]])
    assert "c" in mes.selected and "b" not in mes.selected
    assert allocate(instance, profile, "equalshares/add1").selected != mes.selected


def test_pb_tally_takes_a_tie_decision(tmp_path) -> None:
    path = LOCAL_PABULIB / "Poland_Gdynia_2020_Orlowo__small.pb"
    command = [sys.executable, "-m", "pb.cli", "tally", str(path), "--tie-decision", "3,4"]
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 1 and "not tied" in refused.stderr
