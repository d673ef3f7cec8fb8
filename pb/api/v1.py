"""/api/v1: the documented JSON API (flask-smorest; the document is /api/openapi.json).

Read-only and public data only, like the unversioned /api/rounds... of before (pb.api.views,
kept as they were). Lists are paged (`page`, `per_page`, a Link header and X-Total-Count);
every answer carries an ETag, and a matching If-None-Match gets 304 (docs/api.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE
from werkzeug.exceptions import HTTPException

from pb.api import outcomes as outcomes_api
from pb.api import schemas, services
from pb.outcomes import services as outcomes
from pb.public.services import visible_round

blp = Blueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description="Rounds, projects, results with their explanations, participation, checkpoints.",
)

IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier answer: 304 with no body if nothing changed.",
}
ETAG = {"ETag": {"description": "Changes whenever the answer does.", "schema": {"type": "string"}}}
LIST_HEADERS = ETAG | {
    "Link": {
        "description": "first, prev, next and last pages (RFC 8288).",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {"description": "Items on every page together.", "schema": {"type": "string"}},
}
NOT_MODIFIED = "Not modified: the If-None-Match ETag still matches."
NOT_VISIBLE = "Not found: no such round or project, a draft, or results not published yet."


def _viewer() -> Any:
    return current_user if current_user.is_authenticated else None


def _documented(schema: type, headers: dict[str, Any], *, not_found: bool = True) -> Any:
    """The responses every GET here documents: 200, 304, and (for ids) 404."""

    def decorate(view: Any) -> Any:
        if not_found:
            view = blp.alt_response(404, schema=schemas.Error, description=NOT_VISIBLE)(view)
        view = blp.alt_response(304, description=NOT_MODIFIED)(view)
        return blp.response(200, schema, headers=headers)(view)

    return decorate


def _paged(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The page with its Link header (RFC 8288) and total."""
    page, pages, per_page = data["page"], data["pages"], data["per_page"]
    targets = {"first": 1, "last": pages}
    if page > 1:
        targets["prev"] = min(page - 1, pages)
    if page < pages:
        targets["next"] = page + 1
    links = [
        f'<{request.base_url}?{urlencode({"page": number, "per_page": per_page})}>; rel="{rel}"'
        for rel, number in targets.items()
    ]
    return data, 200, {"Link": ", ".join(links), "X-Total-Count": str(data["total"])}


@blp.route("/rounds", parameters=[IF_NONE_MATCH])
@blp.arguments(schemas.PageArgs, location="query", as_kwargs=True, unknown=RAISE)
@_documented(schemas.RoundPage, LIST_HEADERS, not_found=False)
def rounds_index(page: int, per_page: int) -> Any:
    """Every public round (past its draft), latest voting first."""
    return _paged(services.rounds_page(page, per_page))


@blp.route("/rounds/<int:round_id>", parameters=[IF_NONE_MATCH])
@_documented(schemas.RoundDetail, ETAG)
def round_detail(round_id: int) -> Any:
    """One round: its dates, budget, ballot, rule and configuration hash."""
    return services.round_detail(visible_round(round_id))


@blp.route("/rounds/<int:round_id>/projects", parameters=[IF_NONE_MATCH])
@blp.arguments(schemas.PageArgs, location="query", as_kwargs=True, unknown=RAISE)
@_documented(schemas.ProjectPage, LIST_HEADERS)
def projects_index(round_id: int, page: int, per_page: int) -> Any:
    """The round's proposals with their review status and, once visible, their result."""
    return _paged(services.projects_page(visible_round(round_id), _viewer(), page, per_page))


@blp.route("/rounds/<int:round_id>/projects/<int:proposal_id>", parameters=[IF_NONE_MATCH])
@_documented(schemas.Project, ETAG)
def project_detail(round_id: int, proposal_id: int) -> Any:
    """One proposal of the round."""
    return services.project(visible_round(round_id), _viewer(), proposal_id)


@blp.route("/rounds/<int:round_id>/results", parameters=[IF_NONE_MATCH])
@_documented(schemas.Results, ETAG)
def results(round_id: int) -> Any:
    """The count: every project with its votes, whether it was funded, and why in words.
    Nothing before publication (the round's councillors and auditors: from the close)."""
    return services.results_of(visible_round(round_id), _viewer())


@blp.route("/rounds/<int:round_id>/results/why", parameters=[IF_NONE_MATCH])
@blp.arguments(schemas.WhyArgs, location="query", as_kwargs=True, unknown=RAISE)
@_documented(schemas.Why, ETAG)
def why(round_id: int, choice: list[int]) -> Any:
    """Why each project a ballot choosing exactly `choice` was funded or not. Read from the
    stored outcome only: the choices are neither stored nor logged."""
    return services.why_of(visible_round(round_id), _viewer(), set(choice))


@blp.route("/rounds/<int:round_id>/participation", parameters=[IF_NONE_MATCH])
@_documented(schemas.Participation, ETAG)
def participation(round_id: int) -> Any:
    """Turnout, and ballots by verification method, by day and by ward (counts only), with
    the same visibility as the results."""
    return services.participation(visible_round(round_id), _viewer())


@blp.route("/rounds/<int:round_id>/outcomes", parameters=[IF_NONE_MATCH])
@_documented(schemas.Outcomes, ETAG)
def round_outcomes(round_id: int) -> Any:
    """The outcomes report of a published round (docs/outcomes.md): money allocated, spent and
    delivered on time, residents' time and its value, ratings from k raters, participation."""
    report = outcomes.round_report(visible_round(round_id), _viewer())
    return outcomes_api.as_dict(report)


@blp.route("/wards/<int:ward_id>/outcomes", parameters=[IF_NONE_MATCH])
@_documented(schemas.Outcomes, ETAG)
def ward_outcomes(ward_id: int) -> Any:
    """The same over every published round's projects in a ward."""
    return outcomes_api.as_dict(outcomes.ward_report(ward_id))


@blp.route("/checkpoints", parameters=[IF_NONE_MATCH])
@blp.arguments(schemas.PageArgs, location="query", as_kwargs=True, unknown=RAISE)
@_documented(schemas.CheckpointPage, LIST_HEADERS, not_found=False)
def checkpoints(page: int, per_page: int) -> Any:
    """Signed checkpoints of the audit log, newest first (`pb verify --checkpoints`)."""
    return _paged(services.checkpoints_page(page, per_page))


@blp.after_request
def _conditional(response: Response) -> Response:
    """An ETag on every successful answer; If-None-Match that matches it: 304, no body. The
    answer depends on who asks and in which language (explanations), so caches must ask."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.headers["Cache-Control"] = "no-cache"
        response.vary.update(("Cookie", "Accept-Language"))
        response.make_conditional(request)
    return response


@blp.errorhandler(422)
def _refused(error: HTTPException) -> Any:
    """A refused parameter: the usual JSON error, saying which parameter and why."""
    refused = (getattr(error, "data", None) or {}).get("messages", {})
    reason = _("A parameter was refused: see errors.")
    return jsonify(error=_("Bad request"), reason=reason, status=422, errors=refused), 422
