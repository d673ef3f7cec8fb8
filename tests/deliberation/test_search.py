"""Search: full-text (PostgreSQL tsvector / SQLite FTS5), filters, allow-listed sorts, pages."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from pb.deliberation import comments, search, supports
from pb.deliberation.search import SearchQuery
from pb.extensions import db
from pb.proposals import services as proposals
from tests import factories
from tests.deliberation.helpers import deliberating_round

TEXTS = [
    ("Benches along the towpath", "Twelve benches with armrests for older walkers.", "Parks"),
    ("Trees for Victoria Road", "Street trees with pits and three years of watering.", "Parks"),
    ("Safer crossing at the school", "A raised zebra crossing and better lighting.", "Streets"),
    ("Playground refurbishment", "Inclusive swings and a new climbing frame.", "Parks"),
]


@pytest.fixture
def setup(app: Flask) -> factories.RoundSetup:
    setup = deliberating_round(voters=3, costs=())
    for title, description, category in TEXTS:
        draft = proposals.ProposalDraft(title, description, 10_000, setup.ward.id, category)
        setup.projects.append(proposals.submit(setup.round, draft, author=setup.voters[0]))
    db.session.commit()
    return setup


def _titles(**query: object) -> list[str]:
    return [hit.proposal.title for hit in search.search(SearchQuery(**query)).items]  # type: ignore[arg-type]


def test_full_text_matches_words_and_prefixes(setup: factories.RoundSetup) -> None:
    assert _titles(text="benches") == ["Benches along the towpath"]
    assert _titles(text="TREES watering") == ["Trees for Victoria Road"]
    assert _titles(text="play") == ["Playground refurbishment"]  # the last word as a prefix
    assert _titles(text="zebra benches") == []  # every word must match
    benches = setup.projects[0]
    proposals.edit(
        benches,
        proposals.ProposalDraft(
            "Seats along the towpath", "Twelve seats.", 10_000, setup.ward.id, "Parks"
        ),
        author=setup.voters[0],
    )
    assert _titles(text="benches") == []  # the index follows edits
    assert _titles(text="seats") == ["Seats along the towpath"]


def test_filters_and_allow_listed_sorts(setup: factories.RoundSetup) -> None:
    _a, b, c = setup.voters
    _benches, trees, crossing, playground = setup.projects
    supports.support(trees, b)
    supports.support(trees, c)
    supports.support(crossing, b)
    comments.post(playground, b, "Yes please")
    assert _titles(sort="supports")[:2] == [trees.title, crossing.title]
    assert _titles(sort="discussed")[0] == playground.title
    assert _titles(sort="newest")[0] == playground.title
    assert _titles(sort="id; DROP TABLE proposals") == _titles(sort="supports")
    assert set(_titles(category="Streets")) == {crossing.title}
    assert _titles(ward_id=setup.ward.id + 1000) == []
    assert len(_titles(status="submitted")) == 4 and _titles(status="feasible") == []
    assert len(_titles(status="'; --")) == 4  # an unknown status is no filter


@pytest.mark.parametrize("text", ["", "the"])  # the whole listing, and a word search
def test_counts_order_the_listing_and_are_shown(setup: factories.RoundSetup, text: str) -> None:
    _a, b, c = setup.voters
    benches, trees, crossing, playground = setup.projects
    for proposal, supporters in ((trees, (b, c)), (crossing, (b,))):
        for supporter in supporters:
            supports.support(proposal, supporter)
    comments.post(playground, b, "Yes please")
    comments.post(playground, c, "And a slide")
    gone = comments.post(crossing, b, "Posted by mistake")
    comments.delete(gone, b)  # deleted comments do not count
    comments.post(benches, c, "Good idea")
    matching = {
        p.title for p in setup.projects if not text or text in f"{p.title} {p.description}".lower()
    }

    def listing(sort: str) -> list[tuple[str, int, int]]:
        hits = search.search(SearchQuery(text=text, sort=sort)).items
        return [(hit.proposal.title, hit.supports, hit.comments) for hit in hits]

    by_supports = [  # ties: the newest first
        (trees.title, 2, 0),
        (crossing.title, 1, 0),
        (playground.title, 0, 2),
        (benches.title, 0, 1),
    ]
    assert listing("supports") == [row for row in by_supports if row[0] in matching]
    by_comments = [by_supports[2], by_supports[3], by_supports[1], by_supports[0]]
    assert listing("discussed") == [row for row in by_comments if row[0] in matching]


def test_pagination(setup: factories.RoundSetup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    first = search.search(SearchQuery(page=1, sort="newest"))
    second = search.search(SearchQuery(page=2, sort="newest"))
    assert (first.total, first.pages, len(first.items), len(second.items)) == (4, 2, 3, 1)
    past_the_end = search.search(SearchQuery(page=99, sort="newest"))
    assert (past_the_end.page, past_the_end.items) == (2, second.items)  # the last page


TYPED = ['"', "'", "*", "NEAR(a b)", "a AND OR NOT", "(((", ":*", "&|!", "\x00", "ü" * 300, "١٢٣"]


def test_anything_typed_answers_without_error(app: Flask, setup: factories.RoundSetup) -> None:
    client = app.test_client()
    for typed in TYPED:
        response = client.get("/search", query_string={"q": typed, "page": "x", "round": "-1"})
        assert response.status_code in (200, 400), typed  # 400: a NUL byte, refused up front


def test_search_page_lists_and_pages(app: Flask, setup: factories.RoundSetup) -> None:
    html = app.test_client().get(f"/search?q=trees&round={setup.round.id}").get_data(as_text=True)
    assert "Trees for Victoria Road" in html and "1 proposal found" in html


def test_search_structures_exist(app: Flask, backend: str) -> None:
    """Migrations that rebuild `proposals` on SQLite would drop the FTS triggers: catch it."""
    if backend == "sqlite":
        names = set(
            db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        )
        assert {"proposals_fts_ai", "proposals_fts_ad", "proposals_fts_au"} <= names
    else:
        indexes = set(
            db.session.scalars(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'proposals'")
            )
        )
        assert "ix_proposals_fulltext" in indexes
