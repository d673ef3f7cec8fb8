"""The bridge between the database and the pure allocation engine (`pb.allocation`).

Rows become `Project`s and ballots; the engine's registries become the round form's choices; the
engine's trace becomes each project's line on the results page. Nothing here decides a winner.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from pb.allocation import RULES, SATISFACTIONS, TIE_BREAKS, Instance, Outcome, Profile
from pb.audit import recount
from pb.i18n import format_money
from pb.labels import rule_label, rule_text, tie_break_label
from pb.proposals.models import Proposal
from pb.voting.formats import BALLOT_FORMATS, Choices


def rule_choices() -> list[tuple[str, str]]:
    """(code, translated label) of every registered rule (a rule without a translated label
    keeps the engine's)."""
    return [(name, rule_label(name, spec.label)) for name, spec in RULES.items()]


@dataclass(frozen=True)
class RuleOption:
    """A rule as the round form offers it: which ballot formats it can count, in words."""

    name: str
    label: str
    sentence: str
    formats: tuple[str, ...]


def rule_options() -> list[RuleOption]:
    """Every registered rule with the ballot formats (`BALLOT_FORMATS` names) it counts."""
    return [
        RuleOption(
            name,
            rule_label(name, spec.label),
            rule_text(name, spec.description),
            tuple(f.name for f in BALLOT_FORMATS.values() if f.vote_type in spec.vote_types),
        )
        for name, spec in RULES.items()
    ]


def tie_break_choices() -> list[tuple[str, str]]:
    return [(name, tie_break_label(name, spec.label)) for name, spec in TIE_BREAKS.items()]


DEFAULT_TIE_BREAK = "numeric"
"""New rounds break ties by project number compared as numbers (what the results page says);
rounds frozen with `lexicographic` keep it, and their page describes it as it is."""


def satisfaction_choices() -> list[tuple[str, str]]:
    return [(name, spec.label) for name, spec in SATISFACTIONS.items()]


def describe_rule(name: str) -> str:
    spec = RULES.get(name)
    return spec.description if spec else name


def describe_tie_break(name: str) -> str:
    spec = TIE_BREAKS.get(name)
    return spec.description if spec else name


# Rules that fund only projects reaching `min_project_score_threshold` (pabulib's META name).
THRESHOLD_RULES = frozenset({"greedy-threshold"})


def configuration_problem(
    rule: str,
    vote_type: str,
    satisfaction: str | None,
    tie_break: str,
    min_project_score: int | None = None,
) -> tuple[str, str] | None:
    """(field, message) when the engine could not tally this combination, else None."""
    spec = RULES.get(rule)
    if spec is None:
        return "rule", _("Unknown allocation rule.")
    if rule in THRESHOLD_RULES and not min_project_score:
        return "min_project_score", _("This rule needs the minimum score a project must reach.")
    if vote_type not in spec.vote_types:
        return "rule", _("This rule cannot count this ballot format. Choose another rule.")
    if satisfaction and satisfaction not in spec.satisfactions_for(vote_type):
        return "satisfaction", _("This rule cannot use this satisfaction measure with this ballot.")
    if tie_break not in TIE_BREAKS:
        return "tie_break", _("Unknown tie-breaking rule.")
    return None


def build_election(round_: Any, ballots: Sequence[Choices]) -> tuple[Instance, Profile]:
    """The round's election as the engine sees it, built from its frozen configuration with the
    same pure functions the offline verifier uses, so both count exactly the same input."""
    vote_type = BALLOT_FORMATS[round_.ballot_format].vote_type
    profile = Profile(vote_type, tuple(recount.engine_ballot(vote_type, b) for b in ballots))
    return recount.instance_from_config(frozen_config(round_), vote_type), profile


def run(
    round_: Any, ballots: Sequence[Choices], decided_ties: Sequence[Sequence[str]] = ()
) -> Outcome:
    """The round's outcome; `decided_ties` are the council's tie decisions (`results.ties`)."""
    vote_type = BALLOT_FORMATS[round_.ballot_format].vote_type
    profile = Profile(vote_type, tuple(recount.engine_ballot(vote_type, b) for b in ballots))
    return recount.allocate_from_config(frozen_config(round_), profile, decided_ties)


def frozen_config(round_: Any) -> dict[str, Any]:
    if round_.config_json is None:
        raise ValueError("a round is counted from its frozen configuration; this one has none")
    return json.loads(round_.config_json)


@dataclass(frozen=True)
class ProjectLine:
    proposal_id: int
    rank: int
    score: str
    cost: int
    funded: bool
    reason: str
    detail: str


def project_lines(outcome: Outcome, projects: Sequence[Proposal]) -> list[ProjectLine]:
    """One line per ballot project: funded ones in the order chosen, then the rest by score."""
    costs = {str(p.id): p.cost for p in projects}
    order = list(outcome.selected) + sorted(
        (pid for pid in costs if pid not in outcome.selected),
        key=lambda pid: (-outcome.scores.get(pid, 0), costs[pid], int(pid)),
    )
    lines = []
    for rank, pid in enumerate(order, start=1):
        step = outcome.step(pid)  # the engine traces every project exactly once
        lines.append(
            ProjectLine(
                proposal_id=int(pid),
                rank=rank,
                score=str(outcome.scores.get(pid, 0)),
                cost=costs[pid],
                funded=pid in outcome.selected,
                reason=step.reason,
                detail=str(step.remaining_budget),
            )
        )
    return lines


def reason_text(line: Any, round_: Any) -> str:
    """Why a project was not funded, in plain words."""
    remaining = (
        format_money(int(line.reason_detail), round_.currency)
        if line.reason_detail.isdigit()
        else ""
    )
    texts = {
        "does_not_fit": _(
            "Not enough budget was left when its turn came (%(left)s left).", left=remaining
        ),
        "stopped_no_skip": _("Counting stopped at the first project that did not fit the budget."),
        "conflict": _("It cannot be built together with a project funded before it."),
        "below_threshold": _("It did not reach the minimum number of votes."),
        "not_affordable_by_supporters": _(
            "Its supporters' equal shares of the budget could not cover its cost."
        ),
        "no_supporters": _("Nobody voted for it."),
        "not_optimal": _(
            "A combination of other projects gave voters more satisfaction within the budget."
        ),
        "lost_comparison": _(
            "More voters preferred the plain greedy outcome, which did not include it."
        ),
    }
    return texts.get(line.reason, _("Fewer votes than the funded projects."))
