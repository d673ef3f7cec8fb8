"""Browsing a round's proposals: cards filtered by category, ward and status, sorted by
supports, newest or comments (deliberation's search does the query; results says what was
funded once the reader may see it). Every parameter is read leniently: anything unknown or
malformed is ignored, so a hand-edited address shows the plain list, never an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from pb.accounts.models import User
from pb.deliberation import search
from pb.labels import STATUS_LABELS
from pb.pagination import Page
from pb.proposals.models import ProposalStatus
from pb.results import services as results
from pb.rounds.models import Round

FUNDED, NOT_FUNDED = "funded", "not_funded"
OUTCOME_LABELS = {FUNDED: _l("Funded"), NOT_FUNDED: _l("Not funded")}


@dataclass
class Browse:
    query: search.SearchQuery
    status: str  # as chosen, including "funded" / "not_funded"
    page: Page[search.Hit]
    outcomes: dict[int, Any]  # proposal id -> its result line, when the reader may see results
    statuses: list[tuple[str, str]]  # (value, label) the status filter offers
    sorts: tuple[str, ...] = search.SORTS


def browse(round_: Round, args: MultiDict[str, str], reader: User | None) -> Browse:
    outcomes = results.published_lines(round_, reader)
    funded = frozenset(pid for pid, line in outcomes.items() if line.funded)
    status = args.get("status", "")
    offered = _statuses(bool(outcomes))
    if status not in {value for value, _label in offered}:
        status = ""
    category = args.get("category", "")
    query = search.SearchQuery(
        round_id=round_.id,
        ward_id=_ward(round_, args.get("ward", "")),
        category=category if category in round_.categories else "",
        status={FUNDED: "", NOT_FUNDED: ProposalStatus.FEASIBLE.value}.get(status, status),
        sort=args.get("sort", "") if args.get("sort", "") in search.SORTS else search.SORTS[0],
        page=_number(args.get("page", "")) or 1,
        only_ids=funded if status == FUNDED else None,
        except_ids=funded if status == NOT_FUNDED else frozenset(),
    )
    return Browse(query, status, search.search(query), outcomes, offered)


def _statuses(published: bool) -> list[tuple[str, str]]:
    shown = [(s.value, str(STATUS_LABELS.get(s, s.value))) for s in ProposalStatus]
    if published:
        shown += [(value, str(label)) for value, label in OUTCOME_LABELS.items()]
    return shown


def _ward(round_: Round, raw: str) -> int | None:
    number = _number(raw)
    return number if number in round_.ward_ids else None


def _number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else None
