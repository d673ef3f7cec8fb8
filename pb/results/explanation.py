"""Why each project was funded or not, in plain words, read from the engine's stored trace.

The tally stores the allocation engine's whole outcome (`results.outcome_json`, see
`pb.allocation.outcome`): one trace step per project, in the order the decisions were made, with
the reason code, and for Method of Equal Shares who paid and how much. This turns each step into
a sentence for the results page; it decides nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.allocation import Outcome, Payments, TraceStep
from pb.i18n import format_money
from pb.results import pairwise

EQUAL_SHARES_PHASE = "equal-shares"


@dataclass(frozen=True)
class Explanation:
    project_id: int
    funded: bool
    text: str


def read_outcome(outcome_json: str) -> Outcome | None:
    """The stored outcome, or None when it predates the current format (nothing to explain)."""
    try:
        return Outcome.from_json(json.loads(outcome_json))
    except (ValueError, KeyError, TypeError):
        return None


def uses_equal_shares(outcome: Outcome) -> bool:
    return outcome.rule.startswith(("equalshares", "equal-shares")) or any(
        step.phase == EQUAL_SHARES_PHASE for step in outcome.trace
    )


def equal_share(outcome: Outcome, voters: int) -> Decimal | None:
    """Each voter's equal part of the budget at the start, in minor units (pence)."""
    if voters <= 0:
        return None
    share = Fraction(str(outcome.budget)) / voters
    return Decimal(share.numerator) / Decimal(share.denominator)


def explain(outcome: Outcome, currency: str) -> list[Explanation]:
    """One sentence per project, in the order the engine decided."""
    compared = pairwise.records(outcome)
    return [
        Explanation(
            int(step.project),
            step.selected,
            _sentence(step, currency)
            if compared is None
            else _pairwise_sentence(step, compared[step.project], currency),
        )
        for step in outcome.trace
        if step.project.isdigit()
    ]


def _pairwise_sentence(step: TraceStep, record: Mapping[str, Any], currency: str) -> str:
    if step.selected:
        return pairwise.sentence(step, record)
    return pairwise.sentence(step, record) + " " + _sentence(step, currency)


def _money(value: Any, currency: str) -> str:
    exact = Fraction(str(value))  # int, Fraction or gmpy2 mpq: all print as "p" or "p/q"
    return format_money(Decimal(exact.numerator) / Decimal(exact.denominator), currency)


def _sentence(step: TraceStep, currency: str) -> str:
    cost = _money(step.cost, currency)
    left = _money(step.remaining_budget, currency)
    if step.selected:
        return _selected(step, cost, currency)
    texts: Mapping[str, str] = {
        "does_not_fit": _(
            "Not funded: it cost %(cost)s but only %(left)s of the budget was left when its "
            "turn came.",
            cost=cost,
            left=left,
        ),
        "not_affordable_by_supporters": _(
            "Not funded: the voters who chose it did not have enough left of their equal "
            "shares to pay its cost of %(cost)s together.",
            cost=cost,
        ),
        "stopped_no_skip": _(
            "Not funded: counting stopped at the first project that did not fit the budget."
        ),
        "conflict": _(
            "Not funded: it cannot be built together with a project funded before it (the "
            "council declared the two in conflict, for example for the same site)."
        ),
        "below_threshold": _("Not funded: it did not reach the minimum score required."),
        "no_supporters": _("Not funded: nobody voted for it."),
        "not_optimal": _(
            "Not funded: a combination of other projects gave voters more within the budget."
        ),
        "lost_comparison": _(
            "Not funded: more voters preferred the plain greedy outcome, which did not include it."
        ),
    }
    return texts.get(step.reason, _("Not funded."))


def _selected(step: TraceStep, cost: str, currency: str) -> str:
    if step.phase == EQUAL_SHARES_PHASE and step.payments is not None:
        return _equal_shares(step.payments, cost, currency)
    phases: Mapping[str, str] = {
        "greedy": _("Funded: it was chosen in order of votes and fitted the budget left."),
        "reserve": _(
            "Funded from the reserve: it was the first project that did not fit, and the "
            "budget left covered enough of its cost (%(used)s came from the reserve).",
            used=_money(-step.remaining_budget, currency),
        ),
        "completion": _(
            "Funded at the end, with money the equal shares left unspent, in order of votes."
        ),
        "phragmen": _("Funded: it kept the load on its voters the lowest."),
        "optimal": _("Funded: it is part of the combination that gives voters the most."),
        "comparison": _("Funded: more voters preferred the greedy outcome that includes it."),
    }
    return phases.get(step.phase or "", _("Funded."))


def _equal_shares(paid: Payments, cost: str, currency: str) -> str:
    """Who chose it, who paid, who had nothing left: each number the count it names."""
    if paid.supporters is None:  # an outcome stored before supporters were counted
        sentence = ngettext(
            "Funded: %(num)d voter paid its cost of %(cost)s from their equal share.",
            "Funded: %(num)d voters shared its cost of %(cost)s, each paying from their own "
            "equal share.",
            paid.payers,
            cost=cost,
        )
    elif not paid.broke:
        sentence = ngettext(
            "Funded: %(num)d voter chose it and paid its cost of %(cost)s from their equal share.",
            "Funded: %(num)d voters chose it and shared its cost of %(cost)s, each paying from "
            "their own equal share.",
            paid.supporters,
            cost=cost,
        )
    else:
        sentence = _(
            "Funded: %(chose)s; %(paid)s, %(spent)s.",
            chose=ngettext("%(num)d voter chose it", "%(num)d voters chose it", paid.supporters),
            paid=ngettext(
                "%(num)d of them still had money and paid its cost of %(cost)s",
                "%(num)d of them still had money and paid its cost of %(cost)s together",
                paid.payers,
                cost=cost,
            ),
            spent=ngettext(
                "%(num)d had already spent their share",
                "%(num)d had already spent their share",
                paid.broke or 0,
            ),
        )
    if paid.exhausted:
        sentence += " " + ngettext(
            "%(num)d of them had less left than an equal part and paid all they had.",
            "%(num)d of them had less left than an equal part and paid all they had.",
            paid.exhausted,
        )
    return sentence
