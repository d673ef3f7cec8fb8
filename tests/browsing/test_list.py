"""Browsing a round's proposals: cards, filters and sorts on the list itself (a GET form), in an
exact order; funded / not funded after publication; bad parameters shown as the plain list."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from pb.deliberation import comments, supports
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import deliberating_round, resident
from tests.delivery.helpers import published_round


def _titles(html: str) -> list[str]:
    return re.findall(r"Project (\d)", html.split('id="listing-heading"', 1)[1])


@pytest.fixture
def browsed(app: Flask):  # type: ignore[no-untyped-def]
    """Projects 1-3 in Parks, 4 in Streets in a second ward; 2 most supported, 3 most discussed."""
    setup = deliberating_round(Phase.PROPOSALS, costs=(10_000, 20_000, 30_000), threshold=None)
    other = factories.ward()
    with factories.writing():
        setup.round.wards.append(other)
        db.session.flush()
        author = setup.voters[0]
        draft = proposals.ProposalDraft(
            "Project 4",
            "A street the tests propose.",
            5_000,
            other.id,
            "Streets",
            location="12 High Street",
        )
        setup.projects.append(proposals.submit(setup.round, draft, author=author))
        people = [resident(setup) for _ in range(3)]
        for person in people:
            supports.support(setup.projects[1], person)
        supports.support(setup.projects[0], people[0])
        for person in people[:2]:
            comments.post(setup.projects[2], person, "I would use this every day.")
    db.session.commit()
    return setup, other


def test_sorts_give_an_exact_order(app: Flask, browsed) -> None:  # type: ignore[no-untyped-def]
    setup, _other = browsed
    client = app.test_client()
    url = f"/rounds/{setup.round.id}/proposals"
    # most supported (the default): 2 (3 supports), 1 (1), then the newest first among equals
    assert _titles(client.get(url).get_data(as_text=True)) == ["2", "1", "4", "3"]
    assert _titles(client.get(url + "?sort=newest").get_data(as_text=True)) == ["4", "3", "2", "1"]
    discussed = _titles(client.get(url + "?sort=discussed").get_data(as_text=True))
    assert discussed == ["3", "4", "2", "1"]


def test_filters_by_category_ward_and_status(app: Flask, browsed) -> None:  # type: ignore[no-untyped-def]
    setup, other = browsed
    client = app.test_client()
    url = f"/rounds/{setup.round.id}/proposals"
    assert _titles(client.get(url + "?category=Streets").get_data(as_text=True)) == ["4"]
    parks = client.get(url + f"?category=Parks&ward={setup.ward.id}&sort=newest")
    assert _titles(parks.get_data(as_text=True)) == ["3", "2", "1"]
    assert _titles(client.get(url + f"?ward={other.id}").get_data(as_text=True)) == ["4"]
    assert _titles(client.get(url + "?status=infeasible").get_data(as_text=True)) == []
    html = client.get(url + "?status=submitted&sort=newest").get_data(as_text=True)
    assert _titles(html) == ["4", "3", "2", "1"]
    # the card says what a visitor compares: category, ward, cost, supports, status, location
    card = html.split("Project 4", 1)[1].split("</li>", 1)[0]
    for fact in (
        "Streets",
        other.name,
        "£50.00",
        "0 supports",
        "Awaiting review",
        "12 High Street",
    ):
        assert fact in card


@pytest.mark.parametrize(
    "query",
    [
        "?ward=abc",
        "?ward=99999999999999999999",
        "?ward=-1",
        "?status=%3Cscript%3E",
        "?sort=id;drop",
        "?category=Nowhere",
        "?page=99999999999999",
        "?category=%FF%FE",
        "?status=funded",  # funded means nothing before publication
    ],
)
def test_bad_parameters_are_ignored(app: Flask, browsed, query: str) -> None:  # type: ignore[no-untyped-def]
    setup, _other = browsed
    response = app.test_client().get(f"/rounds/{setup.round.id}/proposals{query}")
    assert response.status_code == 200
    assert sorted(_titles(response.get_data(as_text=True))) == ["1", "2", "3", "4"]


def test_funded_and_not_funded_after_publication(app: Flask) -> None:
    setup = published_round()  # projects 1 and 3 funded, 2 does not fit
    client = app.test_client()
    url = f"/rounds/{setup.round.id}/proposals"
    assert _titles(client.get(url + "?status=funded&sort=newest").get_data(as_text=True)) == [
        "3",
        "1",
    ]
    html = client.get(url + "?status=not_funded").get_data(as_text=True)
    assert _titles(html) == ["2"]
    assert "Not funded" in html.split('id="listing-heading"', 1)[1]


def test_a_nul_byte_is_refused_cleanly(app: Flask, browsed) -> None:  # type: ignore[no-untyped-def]
    setup, _other = browsed
    response = app.test_client().get(f"/rounds/{setup.round.id}/proposals?category=%00")
    assert response.status_code == 400


def test_a_round_in_draft_has_no_list(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.DRAFT)
    assert app.test_client().get(f"/rounds/{setup.round.id}/proposals").status_code == 404
