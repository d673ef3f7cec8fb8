"""The pairwise ballot page: drawing pairs, and reading the voter's answers from the plain form.

The server draws the pairs at random for each new ballot page: disjoint pairs (no project twice)
from the round's projects, as many as the round allows, and at most half the projects. The
drawn pairs travel with the form in one signed field (`pairs`), so a voter answers the pairs
they were shown and cannot compare pairs of their own choosing; each pair has three radio
buttons (either project, or skip), which work with the keyboard and without JavaScript.

A voter who reloads the page is shown new pairs: nothing about the draw is stored, and nothing
links a draw to the voter. How answers are stored: `pb.audit.pairwise`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

from pb.audit.pairwise import Comparison, encode

SKIP = "skip"
_SALT = "pb.voting.pairwise.pairs"


@dataclass(frozen=True)
class Pair:
    number: int
    first: int
    second: int
    answer: str
    """The submitted radio value: a project id, or SKIP."""


def draw(project_ids: Sequence[int], wanted: int) -> list[tuple[int, int]]:
    """Up to `wanted` disjoint pairs drawn uniformly at random (the operating system's random
    source: nobody can predict or replay a draw)."""
    shuffled = list(project_ids)
    secrets.SystemRandom().shuffle(shuffled)
    count = min(wanted, len(shuffled) // 2)
    return [(shuffled[2 * i], shuffled[2 * i + 1]) for i in range(count)]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def sign(pairs: Sequence[tuple[int, int]]) -> str:
    return _serializer().dumps([list(pair) for pair in pairs])


def unsign(token: str, project_ids: Sequence[int]) -> list[tuple[int, int]]:
    """The pairs a signed field holds; ValueError if it was altered or is not this ballot's."""
    try:
        raw = _serializer().loads(token or "")
    except BadData:
        raise ValueError(_("The pairs on this ballot were changed. Please start again.")) from None
    known = set(project_ids)
    rows = raw if isinstance(raw, list) else []
    pairs = [tuple(row) for row in rows if isinstance(row, list) and len(row) == 2]
    flat = [pid for pair in pairs for pid in pair]
    valid = (
        pairs
        and len(pairs) == len(rows)
        and all(type(pid) is int and pid in known for pid in flat)
        and len(set(flat)) == len(flat)
    )
    if not valid:
        raise ValueError(_("The pairs on this ballot were changed. Please start again."))
    return pairs  # type: ignore[return-value]


def answers(form: Mapping[str, str], pairs: Sequence[tuple[int, int]]) -> list[Pair]:
    """Each pair with the voter's answer; ValueError for an answer that is not on the page."""
    found = []
    for number, (first, second) in enumerate(pairs, start=1):
        answer = (form.get(f"pair-{number}") or SKIP).strip()
        if answer not in (SKIP, str(first), str(second)):
            raise ValueError(_("Choose one of the two projects of each pair, or skip it."))
        found.append(Pair(number, first, second, answer))
    return found


def comparisons(pairs: Sequence[Pair]) -> list[Comparison]:
    result = []
    for pair in pairs:
        if pair.answer != SKIP:
            preferred = int(pair.answer)
            result.append((preferred, pair.second if preferred == pair.first else pair.first))
    return result


def read_form(form: Mapping[str, str], project_ids: Sequence[int]) -> dict[int, int]:
    """The stored choices of the submitted ballot (`pb.audit.pairwise.encode`)."""
    pairs = unsign(form.get("pairs", ""), project_ids)
    return encode(comparisons(answers(form, pairs)))


@dataclass(frozen=True)
class Page:
    """What the ballot page shows: the pairs, the signed field, and the voter's answers so far."""

    token: str
    pairs: list[Pair]


def page(form: Mapping[str, str] | None, project_ids: Sequence[int], wanted: int) -> Page:
    """The pairs sent back with the form (after "change my choices" or an error), else new ones."""
    if form and form.get("pairs"):
        try:
            pairs = unsign(form["pairs"], project_ids)
            return Page(form["pairs"], answers(form, pairs))
        except ValueError:
            pass  # altered or stale: draw afresh
    pairs = draw(project_ids, wanted)
    return Page(sign(pairs), [Pair(n, a, b, SKIP) for n, (a, b) in enumerate(pairs, start=1)])


def hidden_fields(form: Mapping[str, Any], pairs: Sequence[Pair]) -> list[tuple[str, str]]:
    """What the review page posts on: the signed pairs and every answer."""
    return [("pairs", str(form.get("pairs", "")))] + [
        (f"pair-{pair.number}", pair.answer) for pair in pairs
    ]
