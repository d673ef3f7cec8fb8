"""One route serves every stored image, with its own content type and a long-lived cache."""

from __future__ import annotations

from flask import Blueprint, Response, request

from pb.media import services

bp = Blueprint("media", __name__)

# An id always names the same bytes (images are never edited in place), so caches keep them.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@bp.route("/media/<int:media_id>")
def show(media_id: int) -> Response:
    """The image's bytes, as stored after re-encoding."""
    media = services.get(media_id)
    response = Response(media.data, mimetype=media.content_type)
    response.set_etag(media.sha256)
    response.headers["Cache-Control"] = CACHE_CONTROL
    # The stored bytes were re-encoded by us, and browsers must not guess another type.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response.make_conditional(request)
