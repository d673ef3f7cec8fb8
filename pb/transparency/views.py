"""Public transparency pages: a round's "Transparency" page, its bulletin board, its audit
bundle, and the signed checkpoints of the audit log (as a page and as JSON)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from pb import limits
from pb.audit import checkpoints, export, secrecy, signing
from pb.audit import services as audit
from pb.audit.bundle import CONFIG
from pb.errors import DomainError, NotFound
from pb.labels import rule_text, tie_break_text
from pb.public.services import visible_round
from pb.results import engine
from pb.rounds import amendments
from pb.rounds.models import Phase, Round
from pb.transparency import services

bp = Blueprint("transparency", __name__)
# Importing the blueprint registers the audit's phase hooks: a signed checkpoint at every phase
# change, and the ballot tables rewritten in random order when voting closes.
PHASE_HOOK_MODULES = (checkpoints, secrecy)
CHECKPOINTS_PER_PAGE = 50


def _viewer() -> Any:
    return current_user if current_user.is_authenticated else None


def _private_until_published(response: Response, round_: Round) -> Response:
    # Before publication only checkers see vote-derived pages: keep them out of shared caches.
    if round_.phase is not Phase.PUBLISHED:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/transparency")
def index():  # type: ignore[no-untyped-def]
    """The audit log's signed checkpoints, newest first, and the key that signs them."""
    listing = checkpoints.page(request.args.get("page", 1, type=int) or 1, CHECKPOINTS_PER_PAGE)
    return render_template(
        "transparency/index.html",
        checkpoints=listing.items,
        page=listing.page,
        pages=listing.pages,
        origin=audit.origin(),
        key=services.signing_key(),
        key_id=signing.key_id,
    )


@bp.get("/transparency/checkpoints.json")
def checkpoints_json():  # type: ignore[no-untyped-def]
    """Every signed checkpoint, oldest first, for auditors to keep (`pb verify --checkpoints`)."""
    key = services.signing_key()
    return jsonify(
        format="pb-checkpoints-1",
        origin=audit.origin(),
        public_key=key.public_key if key else None,
        checkpoints=[checkpoint.published() for checkpoint in checkpoints.checkpoints()],
    )


@bp.get("/rounds/<int:round_id>/transparency")
def round_page(round_id: int):  # type: ignore[no-untyped-def]
    """How this round is counted and how anyone can check it."""
    round_ = visible_round(round_id)
    latest = checkpoints.latest_checkpoint()
    response = Response(
        render_template(
            "transparency/round.html",
            round=round_,
            rule=rule_text(round_.rule, engine.describe_rule(round_.rule)),
            tie_break=tie_break_text(round_.tie_break, engine.describe_tie_break(round_.tie_break)),
            amendments=amendments.amendments_of(round_),
            latest=latest,
            recent=checkpoints.checkpoints(newest_first=True)[:5],
            key=services.signing_key(),
            bundle_available=services.bundle_available(round_, _viewer()),
            bundle_name=export.filename(round_),
            key_id=signing.key_id,
        )
    )
    return _private_until_published(response, round_)


@bp.get("/rounds/<int:round_id>/board")
def board(round_id: int):  # type: ignore[no-untyped-def]
    """The bulletin board: the round's anonymous ballots by receipt, the counts, a lookup."""
    round_ = visible_round(round_id)
    page = request.args.get("page", 1, type=int) or 1
    query = request.args.get("receipt", "").strip()
    status = 200
    error = None
    try:
        page_data = services.board(round_, _viewer(), page, query)
    except DomainError as problem:
        error, status = problem.message, 422
        page_data = services.board(round_, _viewer(), page)
    if page_data.matches and len(page_data.matches) == 1 and "page" not in request.args:
        found = page_data.matches[0].receipt
        page_data = services.board(round_, _viewer(), services.page_of(round_, found), query)
    response = Response(
        render_template(
            "transparency/board.html",
            board=page_data,
            round=round_,
            error=error,
            page_size=services.PAGE_SIZE,
        ),
        status=status,
    )
    return _private_until_published(response, round_)


@bp.get("/rounds/<int:round_id>/bundle.zip")
@limits.limit("bundle", methods=("GET",))
def bundle(round_id: int):  # type: ignore[no-untyped-def]
    """The round's audit bundle (once its results are visible to you)."""
    round_ = visible_round(round_id)
    data = export.round_bundle(round_, _viewer())
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(round_)}"'
    return _private_until_published(response, round_)


@bp.get("/rounds/<int:round_id>/config.json")
def config(round_id: int):  # type: ignore[no-untyped-def]
    """The round's frozen configuration, byte for byte (its SHA-256 is the config hash)."""
    round_ = visible_round(round_id)
    if round_.config_json is None:
        raise NotFound(_("The configuration is frozen when voting opens."))
    response = Response(round_.config_json.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Disposition"] = f'inline; filename="round-{round_.id}-{CONFIG}"'
    return response
