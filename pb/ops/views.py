"""Probes and metrics for the operator: /healthz, /readyz, /metrics.

/healthz and /readyz are public (load balancers and orchestrators call them) and say only yes or
no. /metrics is for the operator alone: it answers only a request bearing METRICS_TOKEN, and
is "not found" to everyone else, including when no token is configured.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request

from pb.ops import health, metrics

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """The process is alive and answering (no database call: a restart would not help it)."""
    return jsonify(status="alive")


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    """Whether this instance can serve: database, schema at head, signing key present."""
    results = health.checks()
    ready = all(results.values())
    response = jsonify(status="ready" if ready else "not ready", checks=results)
    response.status_code = 200 if ready else 503
    return response


@bp.get("/metrics")
def prometheus():  # type: ignore[no-untyped-def]
    """Prometheus metrics of every worker of this instance, for the bearer of METRICS_TOKEN."""
    if not _operator():
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _operator() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(offered.encode(), token.encode())
