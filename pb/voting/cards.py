"""The project cards of a ballot page, rendered once and reused.

A ballot page is mostly its project cards, and rendering them (translated titles and labels,
amounts formatted for the locale, links) was most of the page's processor time. What a card
shows is the same for every voter of a round: it depends on the projects' texts and costs, the
round's currency, translations and ballot parameters, the language and whether the page is a
kiosk's. So `templates/voting/_cards.html` is rendered once per such combination, with a marker
in place of everything that depends on the voter; the markers are filled on every request from
their choices, what no longer fits their ballot, and the filters they applied.

The cache key holds every value the card template reads, so an edit to a project's text, a new
translation or another language is a new entry, never a stale card.

The page reads its projects as plain records (`BallotProject`): loading them as ORM objects cost
about twice as much as the rest of the statement. A frozen round's are read once per process
under its config hash and texts version (`Round.ballot_texts_version`, read with the round on
every request and raised in the transaction of any edit to what a card shows:
`pb.rounds.services`), so an edit made during voting shows on the next request in every worker.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import Text, bindparam, cast, select

from pb.extensions import db
from pb.process_cache import kept
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Round
from pb.voting.formats import Choices
from pb.wards.models import Ward


@dataclass(frozen=True)
class WardLabel:
    code: str
    name: str


@dataclass(frozen=True, eq=False)
class BallotProject:
    """What a ballot page shows of a project on the ballot (its card, the filters, a pair)."""

    id: int
    title: str
    description: str
    translations: dict[str, dict[str, str]]
    category: str
    cost: int  # as `Proposal.cost`: the officer's final cost once reviewed
    ward: WardLabel


_proposals, _wards = Proposal.__table__, Ward.__table__
# Built once, as `pb.rounds.services.ballot_projects` (the feasible proposals, by id), on the
# tables: the page needs no ORM object.
# The translations as their stored JSON text: a row is then a key as it is (`project_rows`).
_BALLOT_PROJECTS = (
    select(
        *(_proposals.c[name] for name in ("id", "title", "description")),
        cast(_proposals.c.translations, Text).label("translations"),
        *(_proposals.c[name] for name in ("category", "final_cost", "estimated_cost")),
        _wards.c.code,
        _wards.c.name,
    )
    .join(_wards, _wards.c.id == _proposals.c.ward_id)
    .where(
        _proposals.c.round_id == bindparam("round_id"),
        _proposals.c.status == ProposalStatus.FEASIBLE,
    )
    .order_by(_proposals.c.id)
)


ProjectRow = tuple[Any, ...]
ProjectRows = tuple[ProjectRow, ...]

# A frozen round's rows and the same by project id, by (round, config hash, texts version).
_FROZEN_ROWS: dict[tuple[int, str, int], tuple[ProjectRows, dict[int, ProjectRow]]] = {}
_FROZEN_ROWS_SIZE = 256


def project_rows(round_: Round) -> ProjectRows:
    """The projects on the ballot page (every proposal an officer found feasible) as plain rows
    of what a card shows, the translations as their JSON text: hashable as they are, so they
    key a kept page without building a record or serialising a text per project. A frozen
    round's are read once per process and texts version; any other's on every call."""
    if round_.config_hash is None:
        return _read_rows(round_.id)
    return _frozen_rows(round_.id, round_.config_hash, round_.ballot_texts_version)[0]


def frozen_rows_by_id(round_: Round) -> dict[int, ProjectRow] | None:
    """A frozen round's ballot rows by project id (read as `project_rows`), None before it is
    frozen."""
    if round_.config_hash is None:
        return None
    return _frozen_rows(round_.id, round_.config_hash, round_.ballot_texts_version)[1]


def rows_key(round_: Round, rows: ProjectRows) -> object:
    """What stands for `rows` in a kept page's key: a frozen round's texts version (its rows are
    those kept under it, its id and config hash are in the key already), else the rows."""
    return rows if round_.config_hash is None else ("texts", round_.ballot_texts_version)


def _frozen_rows(
    round_id: int, config_hash: str, version: int
) -> tuple[ProjectRows, dict[int, ProjectRow]]:
    def read() -> tuple[ProjectRows, dict[int, ProjectRow]]:
        rows = _read_rows(round_id)
        return rows, {row[0]: row for row in rows}

    return kept(_FROZEN_ROWS, (round_id, config_hash, version), read, _FROZEN_ROWS_SIZE)


def _read_rows(round_id: int) -> ProjectRows:
    rows = db.session.connection().execute(_BALLOT_PROJECTS, {"round_id": round_id})
    return tuple(tuple(row) for row in rows)


def records(rows: ProjectRows) -> list[BallotProject]:
    """The rows as the records the page's templates read."""
    return [
        BallotProject(
            id=id_,
            title=title,
            description=description,
            translations=json.loads(translations) if translations is not None else None,
            category=category,
            cost=final_cost if final_cost is not None else estimated_cost,
            ward=WardLabel(code, name),
        )
        for (
            id_,
            title,
            description,
            translations,
            category,
            final_cost,
            estimated_cost,
            code,
            name,
        ) in rows
    ]


def ballot_projects(round_: Round) -> list[BallotProject]:
    """The projects on the ballot page: every proposal an officer found feasible."""
    return records(project_rows(round_))


# Cannot occur in rendered text: stored texts refuse NUL (pb/forms.py), and the rest is random.
_MARK = f"\x00{secrets.token_hex(8)}\x00"

# (slot name, project id, argument): a place filled per voter.
Slot = tuple[str, int, int]
Segment = str | Slot

_SHEETS: dict[tuple[Any, ...], tuple[Segment, ...]] = {}
_CACHE_SIZE = 128


def cards_html(
    round_: Round,
    projects: Sequence[BallotProject],
    input_kind: str,
    kiosk: bool,
    *,
    choices: Choices,
    unfit: Mapping[int, str],
    shown: Collection[int],
) -> Markup:
    """The ballot's cards for this voter: the shared rendering, with their parts filled in."""
    sheet = _sheet(round_, projects, input_kind, kiosk)
    fill = _filler(choices, unfit, shown)
    return Markup("".join(part if isinstance(part, str) else fill(part) for part in sheet))


def _sheet(
    round_: Round, projects: Sequence[BallotProject], input_kind: str, kiosk: bool
) -> tuple[Segment, ...]:
    key = sheet_key(round_, projects, input_kind, kiosk)
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = _render(round_, projects, input_kind, kiosk)
        if len(_SHEETS) >= _CACHE_SIZE:
            _SHEETS.clear()
        _SHEETS[key] = sheet
    return sheet


def sheet_key(
    round_: Round, projects: Sequence[BallotProject], input_kind: str, kiosk: bool
) -> tuple[Any, ...]:
    """Everything the card template reads (and the language and mount point its text and links
    depend on)."""
    texts = tuple(
        (
            p.id,
            p.title,
            p.description,
            canonical(p.translations),
            p.category,
            p.cost,
            p.ward.code,
            p.ward.name,
        )
        for p in projects
    )
    return (
        round_.id,
        round_.config_hash,
        round_.currency,
        canonical(round_.translations),
        canonical(round_.ballot_params),
        input_kind,
        kiosk,
        str(get_locale()),
        request.script_root,
        texts,
    )


def canonical(value: object) -> str:
    return json.dumps(value or {}, sort_keys=True, ensure_ascii=False)


def _render(
    round_: Round, projects: Sequence[BallotProject], input_kind: str, kiosk: bool
) -> tuple[Segment, ...]:
    """The cards with a marker for each slot, cut at the markers."""

    def slot(name: str, project_id: int, argument: int = 0) -> Markup:
        return Markup(f"{_MARK}{name}:{project_id}:{argument}{_MARK}")

    pages = {"kiosk": kiosk}
    html = render_template(
        "voting/_cards.html",
        round=round_,
        projects=projects,
        kind=input_kind,
        pages=pages,
        slot=slot,
    )
    pieces = html.split(_MARK)
    sheet: list[Segment] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            sheet.append(piece)
        else:
            name, project_id, argument = piece.split(":")
            sheet.append((name, int(project_id), int(argument)))
    return tuple(sheet)


# What each slot holds for a voter, from (their value for the project, why it no longer fits,
# whether the filters show it, the slot's argument): the conditions the template had.
_SLOTS: dict[str, Callable[[int | None, str | None, bool, int], str]] = {
    "chosen": lambda value, _why, _shown, _arg: " is-chosen" if value else "",
    "unfit": lambda _value, why, _shown, _arg: " does-not-fit" if why else "",
    "hidden": lambda _value, _why, shown, _arg: "" if shown else "hidden",
    "fit_hidden": lambda _value, why, _shown, _arg: "" if why else "hidden",
    "fit_text": lambda _value, why, _shown, _arg: str(escape(why or "")),
    "checked": lambda value, _why, _shown, _arg: "checked" if value else "",
    "selected": lambda value, _why, _shown, rank: "selected" if value == rank else "",
    "points": lambda value, _why, _shown, _arg: str(escape(value or "")),
}


def _filler(
    choices: Choices, unfit: Mapping[int, str], shown: Collection[int]
) -> Callable[[Slot], str]:
    def fill(slot: Slot) -> str:
        name, project_id, argument = slot
        return _SLOTS[name](
            choices.get(project_id), unfit.get(project_id), project_id in shown, argument
        )

    return fill
