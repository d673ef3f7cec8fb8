"""A ballot page for a voter who has not chosen yet, rendered once and reused.

The first ballot page a voter sees (a GET: no choices, no errors, no filters, nothing flashed)
is the same for every voter of a round who may vote, in a language, with or without "you have
already voted": its cards, meter, rules and filters depend on the round's frozen configuration,
its texts and the projects' texts, never on the person. Only two parts do: the CSRF token of the
form and the site header (their role, their counts, the header's own token). So the page is
rendered once per key, with a marker in place of each, and the markers are filled per request
(the header by `pb.header.site_header`, itself kept per role and counts).

The key holds what the cards' key holds (pb/voting/cards.py: every text and cost, the round's
currency, translations and ballot parameters, the language, the mount point) and the rest the
page template reads of the round, so an edited text or a new translation is a new page, never a
stale one. Anything else (choices posted back, errors, filters, a refusal, a closed round, a
kiosk, an access code, a pairwise ballot's random pairs) is rendered fresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from flask import request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from pb.header import site_header
from pb.voting import cards
from pb.voting.cards import BallotProject

# Cannot occur in rendered text: stored texts refuse NUL (pb/forms.py), and the rest is random.
_MARK = f"\x00{secrets.token_hex(8)}\x00"
_SLOTS: dict[str, Callable[[], str]] = {
    "csrf": lambda: generate_csrf(),
    "header": lambda: str(site_header()),
}

_PAGES: dict[tuple[Any, ...], tuple[str, ...]] = {}
_CACHE_SIZE = 128

Render = Callable[[dict[str, Callable[[], Markup]]], str]


def keepable(
    input_kind: str,
    *,
    without_account: bool,
    accepting: bool,
    eligible: bool,
    choices: object,
    errors: object,
) -> bool:
    """Whether this request's page is one every voter of the round shares."""
    return (
        request.method == "GET"
        and not choices
        and not errors
        and not without_account
        and accepting
        and eligible
        and input_kind != "pairwise"  # its pairs are drawn per page
        and not request.values.get("category")
        and not request.values.get("ward")
        and "_flashes" not in session  # a flashed message is one person's
    )


def page_key(
    round_: Any, projects: Sequence[BallotProject], input_kind: str, pages: object, has_voted: bool
) -> tuple[Any, ...]:
    """Everything the page template reads: the cards' key, and the round's title, budget and
    format, the form's addresses and whether the voter has voted already."""
    card_key = cards.sheet_key(round_, projects, input_kind, False)
    return (card_key, round_.title, round_.budget, round_.ballot_format, pages, has_voted)


def kept_page(key: tuple[Any, ...], render: Render) -> str:
    """The page for `key`, rendered by `render(slots)` the first time (the slots it is given
    stand in for the CSRF token and the site header), its slots filled for this request."""
    parts = _PAGES.get(key)
    if parts is None:
        parts = _render(render)
        if len(_PAGES) >= _CACHE_SIZE:
            _PAGES.clear()
        _PAGES[key] = parts
    return "".join(part if index % 2 == 0 else _SLOTS[part]() for index, part in enumerate(parts))


def _render(render: Render) -> tuple[str, ...]:
    def mark(name: str) -> Callable[[], Markup]:
        return lambda: Markup(f"{_MARK}{name}{_MARK}")

    html = render({"csrf_token": mark("csrf"), "site_header": mark("header")})
    return tuple(html.split(_MARK))
