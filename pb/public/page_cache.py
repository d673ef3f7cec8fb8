"""A round's public pages, kept a few seconds for visitors who are not signed in.

A round's page and its results are the pages everyone reads (a link shared on social media
during voting, the results on the evening they are published) and the same for every visitor
in a language: rendering them each time was most of their processor time. A visitor's page is
kept for PUBLIC_PAGE_CACHE_SECONDS, keyed by:

- the address (query string included) and the language;
- every column of the round (its phase, frozen config and hash, dates, texts, translations), so
  a phase change, an amendment, a new translation or an edit is a new page at once;
- where "now" falls among the round's dates (a window opening or closing is a new page too).

What else a page shows (comment counts, a new proposal) may be up to that many seconds old.
Only a visitor with no account and nothing in their session but a language is served from here
or stored: a signed-in user's page (their vote, their proposals, a CSRF token) and a page with a
flashed message never are. Off when the setting is 0 (the tests' default: they enable it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Row

from pb import clock
from pb.rounds import services as rounds
from pb.rounds.models import Phase

_SIZE = 512
_DATES = (
    "proposals_open_at",
    "proposals_close_at",
    "deliberation_close_at",
    "voting_open_at",
    "voting_close_at",
)


@dataclass(frozen=True)
class Kept:
    body: str
    until: float


def for_visitors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve `view` (a round's page, taking `round_id`) from the cache to visitors."""

    @wraps(view)
    def cached(round_id: int, **kwargs: Any) -> Any:
        seconds = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
        if not seconds or not _plain_visitor():
            return view(round_id, **kwargs)
        round_ = rounds.round_row(round_id)  # (its columns alone: cheaper than the object)
        if round_ is None or round_.phase is Phase.DRAFT:
            return view(round_id, **kwargs)  # its answer: 404 (a visitor never sees a draft)
        pages, key = _pages(current_app), _key(round_)
        kept = pages.get(key)
        now = time.monotonic()
        if kept is not None and kept.until > now:
            return kept.body
        body = view(round_id, **kwargs)
        if isinstance(body, str):  # a page; anything else (a redirect) is not kept
            if len(pages) >= _SIZE:
                pages.clear()
            pages[key] = Kept(body, now + seconds)
        return body

    return cached


def _plain_visitor() -> bool:
    """Not signed in, and nothing in the session but a chosen language (no flashed message)."""
    return not current_user.is_authenticated and set(session) <= {"lang"}


def _pages(app: Flask) -> dict[Hashable, Kept]:
    """This application's pages (each app its own: tests build one per database)."""
    return app.extensions.setdefault("pb_public_pages", {})  # type: ignore[no-any-return]


def _key(round_: Row[Any]) -> Hashable:
    now = clock.now()
    # Every column, in the table's order; hashed: a frozen config is kilobytes, and up to
    # _SIZE keys are held.
    state = hashlib.sha256(json.dumps(tuple(round_), sort_keys=True, default=str).encode()).digest()
    passed = tuple(bool(d and now >= d) for d in (getattr(round_, name) for name in _DATES))
    return (request.full_path, request.script_root, str(get_locale()), state, passed)
