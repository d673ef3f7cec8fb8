"""The bridge between the database and the pure allocation engine (`pb.allocation`).

Rows become `Project`s and ballots; the engine's registries become the round form's choices; the
engine's trace becomes each project's line on the results page. Nothing here decides a winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from pb import allocation
from pb.allocation import (
    RULES,
    SATISFACTIONS,
    TIE_BREAKS,
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Outcome,
    Profile,
    Project,
)
from pb.i18n import format_money
from pb.proposals.models import Proposal
from pb.voting.formats import BALLOT_FORMATS, Choices


def rule_choices() -> list[tuple[str, str]]:
    return [(name, spec.label) for name, spec in RULES.items()]


def tie_break_choices() -> list[tuple[str, str]]:
    return [(name, spec.label) for name, spec in TIE_BREAKS.items()]


def satisfaction_choices() -> list[tuple[str, str]]:
    return [(name, spec.label) for name, spec in SATISFACTIONS.items()]


def describe_rule(name: str) -> str:
    spec = RULES.get(name)
    return spec.description if spec else name


def describe_tie_break(name: str) -> str:
    spec = TIE_BREAKS.get(name)
    return spec.description if spec else name


def configuration_problem(
    rule: str, vote_type: str, satisfaction: str | None, tie_break: str
) -> tuple[str, str] | None:
    """(field, message) when the engine could not tally this combination, else None."""
    spec = RULES.get(rule)
    if spec is None:
        return "rule", _("Unknown allocation rule.")
    if vote_type not in spec.vote_types:
        return "rule", _("This rule cannot count this ballot format. Choose another rule.")
    if satisfaction and satisfaction not in spec.satisfactions_for(vote_type):
        return "satisfaction", _("This rule cannot use this satisfaction measure with this ballot.")
    if tie_break not in TIE_BREAKS:
        return "tie_break", _("Unknown tie-breaking rule.")
    return None


def build_election(
    round_: Any, projects: Sequence[Proposal], ballots: Sequence[Choices]
) -> tuple[Instance, Profile]:
    fmt = BALLOT_FORMATS[round_.ballot_format]
    instance = Instance(
        budget=round_.budget,
        projects=tuple(
            Project(id=str(p.id), cost=p.cost, name=p.title, categories=(p.category,))
            for p in projects
        ),
        meta=fmt.pabulib_meta(round_.ballot_params, round_.budget) | {"vote_type": fmt.vote_type},
    )
    return instance, Profile(
        vote_type=fmt.vote_type, ballots=tuple(_ballot(fmt.vote_type, b) for b in ballots)
    )


def run(round_: Any, projects: Sequence[Proposal], ballots: Sequence[Choices]) -> Outcome:
    instance, profile = build_election(round_, projects, ballots)
    return allocation.allocate(
        instance,
        profile,
        round_.rule,
        satisfaction=round_.satisfaction,
        tie_break=round_.tie_break,
        seed=round_.tie_break_seed,
    )


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
    reasons = {step.project: step for step in outcome.trace}
    order = list(outcome.selected) + sorted(
        (pid for pid in costs if pid not in outcome.selected),
        key=lambda pid: (-outcome.scores.get(pid, 0), costs[pid], int(pid)),
    )
    lines = []
    for rank, pid in enumerate(order, start=1):
        step = reasons.get(pid)
        lines.append(
            ProjectLine(
                proposal_id=int(pid),
                rank=rank,
                score=str(outcome.scores.get(pid, 0)),
                cost=costs[pid],
                funded=pid in outcome.selected,
                reason=getattr(step, "reason", "")
                or ("selected" if pid in outcome.selected else ""),
                detail=str(getattr(step, "remaining_budget", "") or ""),
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
        "below_threshold": _("It did not reach the minimum number of votes."),
        "not_affordable_by_supporters": _(
            "Its supporters' equal shares of the budget could not cover its cost."
        ),
        "no_supporters": _("Nobody voted for it."),
        "not_optimal": _(
            "A combination of other projects gave voters more satisfaction within the budget."
        ),
    }
    return texts.get(line.reason, _("Fewer votes than the funded projects."))


def _ballot(vote_type: str, choices: Choices) -> Any:
    if vote_type == "ordinal":
        ranking = tuple(str(pid) for pid, _rank in sorted(choices.items(), key=lambda kv: kv[1]))
        return OrdinalBallot(ranking=ranking)
    if vote_type == "cumulative":
        return CumulativeBallot(points={str(pid): value for pid, value in choices.items()})
    return ApprovalBallot(projects=frozenset(str(pid) for pid in choices))
