"""The ballot's pages, rendered once per round, language and situation, and reused.

The first ballot page a voter sees (a GET: no choices, no errors, no filters, nothing flashed)
is the same for every voter of a round who may vote, in a language, with or without "you have
already voted": its cards, meter, rules and filters depend on the round's frozen configuration,
its texts and the projects' texts, never on the person. The review page is the same around the
voter's choices. Only a few parts depend on the person: the CSRF token of the form, the site
header (their role, their counts, the header's own token) and, on the review, the rows of their
choices, their total and the hidden fields that carry them. So each page is rendered once per
key, with a marker in place of each of those, and the markers are filled per request (the
header by `pb.header.site_header`, itself kept per role and counts).

A key holds every value its template reads but the slots: for the ballot page, what the cards'
key holds (pb/voting/cards.py: every text and cost, the round's currency, translations and
ballot parameters, the language, the mount point) and the rest of the round it shows; so an
edited text or a new translation is a new page, never a stale one. Anything else (choices posted
back, errors, filters, a refusal, a closed round, a kiosk, an access code, a pairwise ballot's
pairs) is rendered fresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from flask import request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from pb.header import site_header
from pb.voting import cards

# Cannot occur in rendered text: stored texts refuse NUL (pb/forms.py), and the rest is random.
_MARK = f"\x00{secrets.token_hex(8)}\x00"
Slots = Mapping[str, Callable[[], str]]
_EVERY_PAGE: Slots = {
    "csrf_token": lambda: generate_csrf(),
    "site_header": lambda: str(site_header()),
}

_PAGES: dict[tuple[Any, ...], tuple[str, ...]] = {}
_CACHE_SIZE = 256

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
    """Whether this request's ballot page is one every voter of the round shares."""
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
        and _nothing_flashed()
    )


def review_keepable(input_kind: str, *, without_account: bool) -> bool:
    """Whether this review page is kept (a pairwise one lists the voter's pairs in words; a
    kiosk's or an access code's pages are rendered fresh)."""
    return input_kind != "pairwise" and not without_account and _nothing_flashed()


def _nothing_flashed() -> bool:
    return "_flashes" not in session  # a flashed message is one person's


def page_key(
    round_: Any, rows: cards.ProjectRows, input_kind: str, pages: object, has_voted: bool
) -> tuple[Any, ...]:
    """Everything the ballot page's templates read (its cards' included, pb/voting/cards.py):
    the projects' rows (every text and cost; a frozen round's texts version, under which its
    rows are kept: `cards.rows_key`), the round's title, translations, currency,
    budget, format and ballot parameters, the language, the mount point, the form's addresses
    and whether the voter has voted already."""
    params = cards.canonical(round_.ballot_params)
    texts = cards.rows_key(round_, rows)
    return ("ballot", *_round_part(round_), params, input_kind, pages, has_voted, texts)


def review_key(round_: Any, pages: object, replacing: bool, key_stored: bool) -> tuple[Any, ...]:
    """Everything the review template reads but the voter's choices: the round's title and its
    translations, budget, currency and format, the language, the mount point, the addresses,
    whether the ballot replaces one and whether its key is at hand."""
    return ("review", *_round_part(round_), pages, replacing, key_stored)


def _round_part(round_: Any) -> tuple[Any, ...]:
    """What both pages read of the round and the request: the round's frozen config, title,
    translations, currency, budget and format, the language and the mount point."""
    return (
        round_.id,
        round_.config_hash,
        round_.title,
        cards.canonical(round_.translations),
        round_.currency,
        round_.budget,
        round_.ballot_format,
        str(get_locale()),
        request.script_root,
    )


def kept_page(key: tuple[Any, ...], render: Render, own: Slots | None = None) -> str:
    """The page for `key`, rendered by `render(markers)` the first time (the markers stand in
    for the CSRF token, the site header and the `own` parts), its markers filled for this
    request (each from its function in `own` or the page's common ones)."""
    fill = {**_EVERY_PAGE, **(own or {})}
    parts = _PAGES.get(key)
    if parts is None:
        parts = _render(render, fill)
        if len(_PAGES) >= _CACHE_SIZE:
            _PAGES.clear()
        _PAGES[key] = parts
    return "".join(part if index % 2 == 0 else fill[part]() for index, part in enumerate(parts))


def _render(render: Render, names: Slots) -> tuple[str, ...]:
    def mark(name: str) -> Callable[[], Markup]:
        return lambda: Markup(f"{_MARK}{name}{_MARK}")

    html = render({name: mark(name) for name in names})
    return tuple(html.split(_MARK))
