"""Why did these projects win or lose, for a voter who chose exactly these projects?

Read from an outcome's trace alone: no ballot is needed, so the answer says nothing about how
anyone voted, and anyone may ask it about any set of projects.

- Every choice: funded or not, the reason code, its cost and score, and the budget left when
  the decision was made.
- Greedy-like steps ("does_not_fit"): the funded project that used the money this one needed,
  i.e. the last project funded before its turn while the budget left still covered its cost.
- Equal Shares: each voter starts with the same share (the outcome's `voter_budget` for the
  completions that raise it, else budget / voters). A funded project is paid by each of its
  voters as price x their satisfaction with it, or all they have left if that is less; so
  every voter who chose the same projects paid the same. The report follows that voter's share
  step by step: what they paid for each project and what was left. Payments are computed for
  the cost and cardinality satisfactions (the approval ones); for rankings and points the
  satisfaction depends on the order or the points, which a set of choices does not give, so
  payments are None there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from pb.allocation.numbers import Number, normalize
from pb.allocation.outcome import Outcome, TraceStep

EQUAL_SHARES = "equal-shares"


@dataclass(frozen=True)
class ChoiceReport:
    project: str
    funded: bool
    reason: str
    cost: Number
    score: Number
    budget_left: Number
    """The budget left after this project was funded, or when it was turned down."""
    blocker: str | None = None
    """Greedy: the funded project that used the money this one needed."""
    paid: Number | None = None
    """Equal Shares: what a voter with this ballot paid for it."""
    share_left: Number | None = None
    """Equal Shares: what was left of that voter's share after paying (or when it was turned
    down)."""
    supporters_had: Number | None = None
    """Equal Shares, turned down: what all its voters had left together (less than its cost)."""


@dataclass(frozen=True)
class BallotReport:
    choices: tuple[ChoiceReport, ...]
    """The chosen projects, in the order the decisions were made."""
    share: Number | None = None
    """Equal Shares: each voter's share of the budget at the start."""
    share_left: Number | None = None
    """Equal Shares: what was left of it at the end."""


def uses_equal_shares(outcome: Outcome) -> bool:
    return any(step.phase == EQUAL_SHARES for step in outcome.trace) or outcome.rule.startswith(
        "equalshares"
    )


def _utility(outcome: Outcome, step: TraceStep) -> Number | None:
    if outcome.satisfaction == "cost":
        return step.cost
    if outcome.satisfaction == "cardinality":
        return 1
    return None


def _blocker(trace: tuple[TraceStep, ...], index: int) -> str | None:
    """The last project funded before step `index` while the budget left still covered its
    cost: the one that used the money it needed."""
    needed = trace[index].cost
    for earlier in reversed(trace[:index]):
        if earlier.selected and earlier.remaining_budget + earlier.cost >= needed:
            return earlier.project
    return None


def explain_ballot(outcome: Outcome, chosen: Iterable[str], voters: int) -> BallotReport:
    """The report for a voter whose ballot chose exactly `chosen` (see the module docstring).

    Unknown ids are ignored; `voters` is the number of ballots counted."""
    mine = set(chosen)
    equal_shares = uses_equal_shares(outcome) and voters > 0
    share: Number | None = None
    if equal_shares:
        raised = outcome.details.get("voter_budget")
        share = normalize(
            Fraction(raised) if raised is not None else Fraction(outcome.budget) / voters
        )
    left = share
    reports = []
    for index, step in enumerate(outcome.trace):
        if step.project not in mine:
            continue
        paid = None
        utility = _utility(outcome, step)
        if left is not None and step.selected and step.phase == EQUAL_SHARES:
            if utility is None or step.price is None:
                left = None  # a ranking or points: what this voter paid is not known
            else:
                paid = normalize(min(left, step.price * utility))
                left = normalize(left - paid)
        elif left is not None and step.selected:
            paid = 0  # funded from money the shares left unspent (completion, comparison)
        reports.append(
            ChoiceReport(
                project=step.project,
                funded=step.selected,
                reason=step.reason,
                cost=step.cost,
                score=step.score,
                budget_left=step.remaining_budget,
                blocker=_blocker(outcome.trace, index) if step.reason == "does_not_fit" else None,
                paid=paid,
                share_left=left,
                supporters_had=step.available,
            )
        )
    return BallotReport(tuple(reports), share, left)
