"""Finding proposals: full-text search, filters, allow-listed sorts, pagination.

PostgreSQL matches `to_tsvector('simple', ...)` against a prefix tsquery through the GIN index the
migration made (the expression below must stay identical to the index's); SQLite matches the FTS5
table. The visitor's text is reduced to word tokens first, so no query syntax of either engine
can be typed in (and nothing typed can make the query fail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, select, text

from pb.deliberation.models import Comment, HiddenProposal, Support
from pb.deliberation.search_schema import FTS_TABLE
from pb.extensions import db
from pb.pagination import Page, paginate
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Phase, Round

PAGE_SIZE = 20
MAX_TOKENS = 8
MAX_PAGE = 10_000
SORTS = ("supports", "newest", "discussed")
PG_DOCUMENT = literal_column(
    "to_tsvector('simple', coalesce(proposals.title, '') || ' ' || "
    "coalesce(proposals.description, ''))"
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    round_id: int | None = None
    ward_id: int | None = None
    category: str = ""
    status: str = ""
    sort: str = "supports"
    page: int = 1
    only_ids: frozenset[int] | None = None  # e.g. a published round's funded projects
    except_ids: frozenset[int] = frozenset()


@dataclass
class Hit:
    proposal: Proposal
    supports: int
    comments: int
    hidden_reason: str | None


def tokens(query_text: str) -> list[str]:
    return [token.lower() for token in _WORD.findall(query_text or "")][:MAX_TOKENS]


def search(query: SearchQuery) -> Page[Hit]:
    support_count = (
        select(func.count(Support.id))
        .where(Support.proposal_id == Proposal.id)
        .correlate(Proposal)
        .scalar_subquery()
    )
    visible_comment = (Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
    comment_count = (
        select(func.count(Comment.id))
        .where(Comment.proposal_id == Proposal.id, *visible_comment)
        .correlate(Proposal)
        .scalar_subquery()
    )
    statement = _filtered(select(Proposal, support_count, comment_count), query)
    sort = query.sort if query.sort in SORTS else SORTS[0]
    if sort == "newest":
        order = (Proposal.created_at.desc(), Proposal.id.desc())
    elif tokens(query.text) or db.session.get_bind().dialect.name != "postgresql":
        # a count per proposal: cheapest for the few matches of a word search, and on SQLite
        # for any listing (10,000 proposals: 17 ms, against 20 ms grouped and joined)
        order = (support_count if sort == "supports" else comment_count).desc(), Proposal.id.desc()
    else:
        # PostgreSQL runs a count per proposal as a subplan for each of them: one grouped pass
        # over the supports (or comments), joined in, is faster (10,000 proposals: 152 ms ->
        # 25 ms, see docs/deliberation.md).
        counted = (
            _per_proposal(Support.proposal_id)
            if sort == "supports"
            else _per_proposal(Comment.proposal_id, *visible_comment)
        )
        statement = statement.outerjoin(counted, counted.c.proposal_id == Proposal.id)
        order = (func.coalesce(counted.c.n, 0).desc(), Proposal.id.desc())
    listing = paginate(
        statement.order_by(*order),
        min(query.page, MAX_PAGE),
        PAGE_SIZE,
        count=_filtered(select(func.count(Proposal.id)), query),
        rows=True,
    )
    rows = listing.items
    hidden = dict(
        db.session.execute(
            select(HiddenProposal.proposal_id, HiddenProposal.reason).where(
                HiddenProposal.proposal_id.in_([row[0].id for row in rows])
            )
        ).all()
    )
    hits = [
        Hit(p, supports or 0, comments or 0, hidden.get(p.id)) for p, supports, comments in rows
    ]
    return Page(hits, listing.page, listing.pages, listing.total)


def _per_proposal(proposal_id, *conditions):  # type: ignore[no-untyped-def]
    """A subquery of (proposal_id, n): how many rows of the table name each proposal."""
    return (
        select(proposal_id.label("proposal_id"), func.count().label("n"))
        .where(*conditions)
        .group_by(proposal_id)
        .subquery()
    )


def _filtered(statement: Select, query: SearchQuery) -> Select:
    statement = (
        statement.select_from(Proposal)
        .join(Round, Proposal.round_id == Round.id)
        .where(Round.phase != Phase.DRAFT)
    )
    if query.round_id is not None:
        statement = statement.where(Proposal.round_id == query.round_id)
    if query.ward_id is not None:
        statement = statement.where(Proposal.ward_id == query.ward_id)
    if query.category:
        statement = statement.where(Proposal.category == query.category)
    if query.status in {status.value for status in ProposalStatus}:
        statement = statement.where(Proposal.status == ProposalStatus(query.status))
    if query.only_ids is not None:
        statement = statement.where(Proposal.id.in_(sorted(query.only_ids)))
    if query.except_ids:
        statement = statement.where(Proposal.id.not_in(sorted(query.except_ids)))
    words = tokens(query.text)
    if words:
        statement = statement.where(_matches(words)).where(
            Proposal.id.not_in(select(HiddenProposal.proposal_id))  # hidden text is not searchable
        )
    return statement


def _matches(words: list[str]):  # type: ignore[no-untyped-def]
    if db.session.get_bind().dialect.name == "postgresql":
        # Every word must appear; the last may be the start of a word (typing "play" finds
        # "playground"). Tokens are \w+ only, so none of tsquery's operators can appear.
        tsquery = " & ".join([*words[:-1], words[-1] + ":*"])
        return PG_DOCUMENT.op("@@")(func.to_tsquery("simple", tsquery))
    fts = " ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"*'
    return Proposal.id.in_(
        select(text("rowid"))
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :fts").bindparams(fts=fts.strip()))
    )


@dataclass(frozen=True)
class FilterChoices:
    rounds: list[tuple[int, str]]
    wards: list[tuple[int, str]]
    categories: list[str]
    statuses: list[ProposalStatus]


def filter_choices() -> FilterChoices:
    """What the filters offer: public rounds, their wards and categories, every status."""
    public = list(
        db.session.scalars(
            select(Round).where(Round.phase != Phase.DRAFT).order_by(Round.id.desc())
        )
    )
    wards = sorted({(w.id, w.name) for r in public for w in r.wards}, key=lambda pair: pair[1])
    categories = sorted({c for r in public for c in r.categories})
    return FilterChoices([(r.id, r.title) for r in public], wards, categories, list(ProposalStatus))
