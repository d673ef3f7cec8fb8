"""A read-only JSON API over public data. Errors answer JSON with a reason (see pb.errors)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from pb.api import openapi
from pb.api import services as api_services
from pb.eligibility import services as eligibility
from pb.public.services import visible_round
from pb.results import services as results
from pb.rounds import services as rounds

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/rounds")
def rounds_index():  # type: ignore[no-untyped-def]
    """Every public round."""
    return jsonify(rounds=[api_services.round_summary(r) for r in rounds.public_rounds()])


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):  # type: ignore[no-untyped-def]
    """One round, its configuration hash and its ballot projects (once on the ballot)."""
    round_ = visible_round(round_id)
    return jsonify(
        api_services.round_summary(round_)
        | {
            "ballot_format": round_.ballot_format,
            "ballot_params": round_.ballot_params,
            "rule": round_.rule,
            "tie_break": round_.tie_break,
            "config_hash": round_.config_hash,
            "projects": [
                {"id": p.id, "title": p.title, "cost": p.cost, "category": p.category}
                for p in (rounds.ballot_projects(round_) if round_.is_frozen else [])
            ],
        }
    )


@bp.get("/rounds/<int:round_id>/results")
def round_results(round_id: int):  # type: ignore[no-untyped-def]
    """Results, once visible to the caller (404 with a reason before publication)."""
    round_ = visible_round(round_id)
    page = results.results_page(round_, current_user)
    result = page.result
    return jsonify(
        round_id=round_.id,
        rule=result.rule,
        satisfaction=result.satisfaction,
        tie_break=result.tie_break,
        tie_break_seed=result.tie_break_seed,
        config_hash=result.config_hash,
        budget=result.budget,
        total_cost=result.total_cost,
        ballots=result.ballot_count,
        verification=api_services.verification_of(round_),
        participated_by_method=eligibility.turnout_by_method(round_),
        participated_by_channel=page.by_channel,
        paper_ballots=page.paper_ballots,
        projects=[line.to_json() for line in result.projects],
    )


@bp.get("/docs")
def docs():  # type: ignore[no-untyped-def]
    """The OpenAPI document as a page: every path, its parameters and its answers."""
    spec = openapi.document()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=openapi.operations(spec),
        schemas=spec.get("components", {}).get("schemas", {}),
        type_of=openapi.type_of,
    )
