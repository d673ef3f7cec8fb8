"""A round's proposals list and round page stay usable with many proposals: they are paged."""

from __future__ import annotations

import re

from flask import Flask

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
    seen: list[str] = []
    for page in (1, 2, 3):
        html = client.get(f"{url}?page={page}").get_data(as_text=True)
        seen += _titles(html)
        assert f"Page {page} of 3" in html
        assert (f'{url}?page={page + 1}"' in html) == (page < 3)  # "Next" until the last page
        assert f"{COUNT} proposals." in html
    assert seen == [f"{n:03d}" for n in range(1, COUNT + 1)]
    # a page out of range, or not a number, shows the nearest page instead of an error
    assert _titles(client.get(f"{url}?page=99").get_data(as_text=True)) == seen[-7:]
    assert _titles(client.get(f"{url}?page=-3").get_data(as_text=True)) == seen[:50]
    assert client.get(f"{url}?page=abc").status_code == 200


def test_the_round_page_shows_the_first_page_and_links_to_the_rest(app: Flask) -> None:
    setup = _round_with_many_proposals()
    html = app.test_client().get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert _titles(html) == [f"{n:03d}" for n in range(1, proposals.LISTING_PAGE_SIZE + 1)]
    assert f"See all {COUNT} proposals" in html
