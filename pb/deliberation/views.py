"""Deliberation pages and actions. Thin: check a form, call a service, redirect or re-render.

The blueprint lives in pb.deliberation.routing; each view module adds its routes to it when
imported, in the order below (the order of the URL map).
"""

from __future__ import annotations

from pb.deliberation import (  # noqa: F401 (imported for their routes)
    amendment_views,
    comment_views,
    moderation_views,
    search_views,
)
from pb.deliberation.routing import bp

__all__ = ["bp"]
