"""docs/allocation.md, "The trace of every rule", is the specification a recount is checked
against: this test reads its table and runs every rule on real and hand-made elections. A step
(reason, phase, extra fields) or a `details` key the table does not list fails, and so does a
default satisfaction other than the documented one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pb.allocation import RULES, Instance, Outcome, Profile, Project, allocate
from pb.allocation.types import (
    ApprovalBallot,
    CumulativeBallot,
    OrdinalBallot,
    PairwiseBallot,
)
from tests.allocation.conftest import load, local_files

DOC = Path(__file__).resolve().parents[2] / "docs" / "allocation.md"
BASE_FIELDS = {"project", "selected", "reason", "score", "cost", "remaining_budget", "phase"}
DEFAULTS = {"approval": "cost", "choose-1": "cost", "ordinal": "positional", "cumulative": "points"}
SMALL_BALLOTS = 3000  # the larger files add nothing the hand-made elections do not


def documented() -> dict[str, tuple[set[tuple[str, frozenset[str]]], set[str], set[str]]]:
    """rule -> (steps as (reason or selected/phase, extra fields), required keys, optional)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The trace of every rule", 1)[1].split("\n## ", 1)[0]
    table = {}
    for rule, steps, details in re.findall(r"^\| `([^`]+)` \| (.+?) \| (.+?) \|$", section, re.M):
        parsed = set()
        for token in re.findall(r"([a-z_]+(?:/[a-z-]+)?)(?: \[([a-z_, ]+)\])?", steps):
            name, fields = token
            parsed.add((name, frozenset(f.strip() for f in fields.split(",") if f.strip())))
        keys = [] if details == "(none)" else [k.strip() for k in details.split(",")]
        required = {k for k in keys if not k.endswith("?")}
        optional = {k.rstrip("?") for k in keys if k.endswith("?")}
        table[rule] = (parsed, required, optional)
    return table


def _hand_made() -> Iterator[tuple[Instance, Profile]]:
    """Small elections that reach the rarer steps: nobody's project, a threshold, a project
    dearer than the budget, a comparison greedy wins, cumulative and ordinal ballots."""
    projects = tuple(
        Project(pid, cost, pid) for pid, cost in (("a", 60), ("b", 50), ("c", 40), ("d", 120))
    )
    meta = {"min_project_score_threshold": "2"}
    approval = [frozenset("ab"), frozenset("a"), frozenset("bc"), frozenset("c"), frozenset("a")]
    for vote_type, ballots in (
        ("approval", tuple(ApprovalBallot(b) for b in approval)),
        ("approval", tuple(ApprovalBallot(frozenset("ab")) for _ in range(5))),
        ("approval", ()),
        ("ordinal", (OrdinalBallot(("a", "b")), OrdinalBallot(("c",)), OrdinalBallot(("a",)))),
        ("cumulative", (CumulativeBallot({"a": 3, "c": 1}), CumulativeBallot({"b": 2}))),
        ("pairwise", (PairwiseBallot((("a", "b"), ("c", "d"))), PairwiseBallot((("b", "c"),)))),
    ):
        yield Instance(100, projects, meta | {"vote_type": vote_type}), Profile(vote_type, ballots)


def elections() -> Iterator[tuple[Instance, Profile]]:
    yield from _hand_made()
    for path in local_files():
        election = load(path)
        if len(election.profile.ballots) <= SMALL_BALLOTS:
            yield election.instance, election.profile


def _outcomes(rule: str) -> Iterator[Outcome]:
    spec = RULES[rule]
    for instance, profile in elections():
        if profile.vote_type not in spec.vote_types:
            continue
        if "min_project_score_threshold" in spec.required_meta and not instance.meta.get(
            "min_project_score_threshold"
        ):
            instance = Instance(
                instance.budget,
                instance.projects,
                instance.meta | {"min_project_score_threshold": "2"},
            )
        for satisfaction in spec.satisfactions_for(profile.vote_type) or (None,):
            yield allocate(instance, profile, rule, satisfaction=satisfaction)
        default = allocate(instance, profile, rule)
        assert default.satisfaction == (
            DEFAULTS[profile.vote_type] if spec.satisfactions_for(profile.vote_type) else None
        )


def test_the_table_lists_every_rule_once() -> None:
    assert sorted(documented()) == sorted(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_step_and_details_key_is_documented(rule: str) -> None:
    steps, required, optional = documented()[rule]
    seen_steps, seen_keys = set(), set()
    for outcome in _outcomes(rule):
        for step in outcome.to_json()["trace"]:
            name = f"selected/{step['phase']}" if step["selected"] else step["reason"]
            assert step["selected"] == (step["reason"] == "selected")
            assert ("phase" in step) == step["selected"]
            seen_steps.add((name, frozenset(set(step) - BASE_FIELDS)))
        keys = set(outcome.details)
        assert required <= keys, f"{rule}: a documented details key is missing"
        seen_keys |= keys
    assert seen_steps <= steps, f"{rule}: undocumented steps {seen_steps - steps}"
    assert seen_keys <= required | optional, (
        f"{rule}: undocumented {seen_keys - required - optional}"
    )
    assert seen_steps, f"{rule}: no election exercised it"
