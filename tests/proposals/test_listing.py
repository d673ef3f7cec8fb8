"""A round's proposals list and round page stay usable with many proposals: they are paged."""

from __future__ import annotations

import re

from flask import Flask

from pb.deliberation import search
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds.models import Phase
from tests import factories

COUNT = proposals.LISTING_PAGE_SIZE * 2 + 7  # three pages, the last one short


def _round_with_many_proposals() -> factories.RoundSetup:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    for number in range(1, COUNT + 1):
        draft = proposals.ProposalDraft(
            f"Proposal number {number:03d}", "A bench.", 10_000, setup.ward.id, "Parks"
        )
        proposals.submit(setup.round, draft, author=setup.voters[0])
    db.session.commit()
    return setup


def _titles(html: str) -> list[str]:
    return re.findall(r"Proposal number (\d{3})", html)


def test_the_list_is_paged_and_every_proposal_is_on_exactly_one_page(app: Flask) -> None:
    setup = _round_with_many_proposals()
    client = app.test_client()
    url = f"/rounds/{setup.round.id}/proposals"
    per_page = search.PAGE_SIZE
    pages = -(-COUNT // per_page)
    seen: list[str] = []
    for page in range(1, pages + 1):
        html = client.get(f"{url}?page={page}").get_data(as_text=True)
        seen += _titles(html)
        assert f"Page {page} of {pages}" in html
        assert (f"page={page + 1}&amp;" in html) == (page < pages)  # "Next" until the last page
        assert f"{COUNT} proposals" in html
    # no supports yet: the most supported first means the newest first
    assert seen == [f"{n:03d}" for n in range(COUNT, 0, -1)]
    # a page out of range, or not a number, shows the nearest page instead of an error
    last = COUNT % per_page or per_page
    assert _titles(client.get(f"{url}?page=99").get_data(as_text=True)) == seen[-last:]
    assert _titles(client.get(f"{url}?page=-3").get_data(as_text=True)) == seen[:per_page]
    assert client.get(f"{url}?page=abc").status_code == 200


def test_the_round_page_shows_the_first_page_and_links_to_the_rest(app: Flask) -> None:
    setup = _round_with_many_proposals()
    html = app.test_client().get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert _titles(html) == [f"{n:03d}" for n in range(1, proposals.LISTING_PAGE_SIZE + 1)]
    assert f"See all {COUNT} proposals" in html
