"""The auditor's view of the audit log, and an on-demand check of the whole stored chain."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from pb.audit import integrity
from pb.audit.models import AuditEntry
from pb.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


@bp.get("/log")
def log():  # type: ignore[no-untyped-def]
    """Every recorded state change, newest first, with its chain hashes."""
    listing = paginate(
        select(AuditEntry).order_by(AuditEntry.seq.desc()),
        request.args.get("page", 1, type=int) or 1,
        PAGE_SIZE,
        count=select(func.count(AuditEntry.seq)),
    )
    return render_template(
        "audit/log.html",
        entries=listing.items,
        page=listing.page,
        pages=listing.pages,
        total=listing.total,
    )


@bp.get("/chain")
def chain():  # type: ignore[no-untyped-def]
    """Recompute every hash from the genesis entry and check every signed checkpoint."""
    return render_template("audit/chain.html", result=integrity.check_stored())
