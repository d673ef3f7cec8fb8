"""The auditor's view of the audit log, and an on-demand check of the whole stored chain."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from pb.audit import integrity, log_view
from pb.audit.labels import action_label
from pb.exports.csvfile import csv_bytes
from pb.extensions import db
from pb.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


def _filter() -> log_view.LogFilter:
    return log_view.LogFilter(
        action=request.args.get("action", "").strip()[:60],
        role=request.args.get("role", "").strip()[:20],
        since=log_view.parse_day(request.args.get("since", "")),
        until=log_view.parse_day(request.args.get("until", "")),
    )


@bp.get("/log")
def log():  # type: ignore[no-untyped-def]
    """Recorded state changes, newest first, filtered by action, role and dates."""
    chosen = _filter()
    listing = paginate(
        chosen.statement(), request.args.get("page", 1, type=int) or 1, PAGE_SIZE,
        count=chosen.count(),
    )  # fmt: skip
    return render_template(
        "audit/log.html",
        entries=log_view.describe(listing.items),
        page=listing.page,
        pages=listing.pages,
        total=listing.total,
        chosen=chosen,
        actions=log_view.known_actions(),
        roles=log_view.known_roles(),
    )


@bp.get("/log.csv")
def log_csv():  # type: ignore[no-untyped-def]
    """The filtered log as CSV: codes and labels, and the hashes that chain the entries."""
    entries = list(db.session.scalars(_filter().statement()))
    rows = [
        (e.seq, e.occurred_at.isoformat(), e.actor_role, e.actor_ref, e.action,
         action_label(e.action), e.object_type, e.object_id, e.data, e.prev_hash, e.entry_hash)
        for e in entries
    ]  # fmt: skip
    header = ("seq", "occurred_at", "actor_role", "actor_ref", "action", _("Action"),
              "object_type", "object_id", "data", "prev_hash", "entry_hash")  # fmt: skip
    response = Response(csv_bytes(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@bp.get("/chain")
def chain():  # type: ignore[no-untyped-def]
    """Recompute every hash from the genesis entry and check every signed checkpoint."""
    return render_template("audit/chain.html", result=integrity.check_stored())
