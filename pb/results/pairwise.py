"""Plain words for a pairwise round's result: each project's head-to-head record.

The `pairwise-copeland` rule stores every project's record in the outcome's details
(`pb.allocation.copeland`); this turns one record into a sentence for the results page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.allocation import Outcome, TraceStep

RULE = "pairwise-copeland"


def records(outcome: Outcome) -> Mapping[str, Any] | None:
    """Project id -> record, for an outcome of the pairwise rule (else None)."""
    if outcome.rule != RULE:
        return None
    found = outcome.details.get("pairwise")
    return found if isinstance(found, Mapping) else None


def sentence(step: TraceStep, record: Mapping[str, Any]) -> str:
    """E.g. "Score 5. Head to head: 2 won, 1 drawn, 0 lost. Chosen in 3 of the 4 comparisons
    that showed it." followed, for a funded project, by why it was funded."""
    parts = [
        _(
            "Score %(score)d. Head to head: %(wins)d won, %(draws)d drawn, %(losses)d lost.",
            score=record["score"],
            wins=record["wins"],
            draws=record["draws"],
            losses=record["losses"],
        ),
        ngettext(
            "Chosen in %(preferred)d of the %(num)d comparison that showed it.",
            "Chosen in %(preferred)d of the %(num)d comparisons that showed it.",
            record["compared"],
            preferred=record["preferred"],
        ),
    ]
    if step.selected:
        parts.append(_("Funded: it was taken in order of score and fitted the budget left."))
    return " ".join(parts)
