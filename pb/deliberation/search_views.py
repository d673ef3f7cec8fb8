"""A signed-in user's notifications, and searching proposals across rounds."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from pb.deliberation import notifications, panels, search
from pb.deliberation.routing import bp

# --- notifications and search ------------------------------------------------------------------


@bp.get("/notifications")
def notifications_list():  # type: ignore[no-untyped-def]
    """Your notifications, newest first."""
    page = notifications.listing(current_user, _int_arg("page") or 1)
    return render_template("deliberation/notifications.html", listing=page)


@bp.post("/notifications/read")
def notifications_read():  # type: ignore[no-untyped-def]
    """Mark all your notifications as read."""
    notifications.mark_all_read(current_user)
    return redirect(url_for("deliberation.notifications_list"))


@bp.get("/search")
def search_page():  # type: ignore[no-untyped-def]
    """Search and filter proposals across rounds."""
    args = request.args
    query = search.SearchQuery(
        text=args.get("q", "")[:200],
        round_id=_int_arg("round"),
        ward_id=_int_arg("ward"),
        category=args.get("category", "")[:60],
        status=args.get("status", ""),
        sort=args.get("sort", "supports"),
        page=_int_arg("page") or 1,
    )
    results = search.search(query)
    return render_template(
        "deliberation/search.html",
        query=query,
        results=results,
        sorts=search.SORTS,
        filters=search.filter_choices(),
        stats=panels.card_stats([hit.proposal for hit in results.items]),
    )


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else None
