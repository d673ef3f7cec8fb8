"""The results page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from pb.public.services import visible_round
from pb.results import engine, services

bp = Blueprint("results", __name__)


@bp.get("/rounds/<int:round_id>/results")
def show(round_id: int):  # type: ignore[no-untyped-def]
    """Funded and unfunded projects, votes, costs, the rule, and why each project lost."""
    round_ = visible_round(round_id)
    page = services.results_page(round_, current_user)
    return render_template(
        "results/show.html",
        page=page,
        round=round_,
        rule=engine.describe_rule(page.result.rule),
        tie_break=engine.describe_tie_break(page.result.tie_break),
        reason_text=engine.reason_text,
    )
