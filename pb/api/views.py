"""A read-only JSON API over public data. Errors answer JSON with a reason (see pb.errors)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from pb.api import openapi
from pb.audit.chain import format_time
from pb.eligibility import methods as verification
from pb.eligibility import services as eligibility
from pb.public.services import visible_round
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Round

bp = Blueprint("api", __name__, url_prefix="/api")


def _round_summary(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "title": round_.title,
        "wards": [ward.code for ward in round_.wards],
        "budget": round_.budget,
        "currency": round_.currency,
        "phase": round_.phase.value,
        "proposals_open_at": format_time(round_.proposals_open_at),
        "proposals_close_at": format_time(round_.proposals_close_at),
        "voting_open_at": format_time(round_.voting_open_at),
        "voting_close_at": format_time(round_.voting_close_at),
        "verification": _verification(round_),
    }


def _verification(round_: Round) -> dict[str, Any]:
    """How residents are verified; `self_declared` rounds cannot promise one ballot per person."""
    described = verification.describe(round_.verification_methods or [])
    return {
        "methods": [method.name for method in described.methods],
        "assurance": described.assurance.name.lower(),
        "self_declared": described.self_declared,
        "one_ballot_per_person": described.one_per_person,
    }


@bp.get("/rounds")
def rounds_index():  # type: ignore[no-untyped-def]
    """Every public round."""
    return jsonify(rounds=[_round_summary(r) for r in rounds.public_rounds()])


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):  # type: ignore[no-untyped-def]
    """One round, its configuration hash and its ballot projects (once on the ballot)."""
    round_ = visible_round(round_id)
    return jsonify(
        _round_summary(round_)
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
        verification=_verification(round_),
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
