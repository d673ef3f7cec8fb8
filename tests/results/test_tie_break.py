"""Ties on the platform go the way the results page says (issue 13, item 2).

Twelve projects tie on votes and cost; the budget funds three. Ids come from the database, so
the expectations are computed from them (on PostgreSQL a sequence is not reset by DELETE, so the
ids differ from run to run); with ids 1-12 (a fresh SQLite database) the two orders differ."""

from __future__ import annotations

import html

import pytest
from flask import Flask

from pb.labels import TIE_BREAK_TEXTS
from pb.results import services as results
from pb.rounds.models import Phase
from tests import factories

ORDERS = {"numeric": int, "lexicographic": str}


@pytest.mark.parametrize("tie_break", list(ORDERS))
def test_the_results_page_states_the_order_the_engine_used(app: Flask, tie_break: str) -> None:
    setup = factories.round_in_phase(
        Phase.PUBLISHED,
        costs=[10_000] * 12,
        budget=30_000,
        ballots=[dict.fromkeys(range(12), 1)],
        tie_break=tie_break,
    )
    ids = [project.id for project in setup.projects]
    expected = sorted(ids, key=lambda pid: ORDERS[tie_break](pid))[:3]
    result = results.get_result(setup.round)
    assert [line.proposal_id for line in result.projects if line.funded] == expected
    page = app.test_client().get(f"/rounds/{setup.round.id}/results")
    text = html.unescape(page.get_data(as_text=True))
    assert str(TIE_BREAK_TEXTS[tie_break]) in text
    other = next(name for name in ORDERS if name != tie_break)
    assert str(TIE_BREAK_TEXTS[other]) not in text


def test_new_rounds_break_ties_by_number() -> None:
    from pb.results import engine
    from pb.rounds.forms import RoundForm

    assert engine.DEFAULT_TIE_BREAK == "numeric"
    assert RoundForm.tie_break.kwargs["default"] == "numeric"
