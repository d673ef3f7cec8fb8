"""A round's public pages are kept for visitors (pb/public/page_cache.py), never shown to a
signed-in user, and never stale after a change to the round, its phase or the time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from pb import clock
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds.models import Phase, Round
from tests import factories


@pytest.fixture
def caching(app: Flask) -> Flask:
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 600
    return app


def _visit(app: Flask, path: str, **headers: str) -> str:
    response = app.test_client().get(path, headers=headers)
    assert response.status_code == 200
    return response.text


def _fresh(app: Flask, path: str, **headers: str) -> str:
    """The page as rendered without the cache."""
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 0
    try:
        return _visit(app, path, **headers)
    finally:
        app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 600


def _rename_projects(title: str) -> None:
    with factories.writing():
        db.session.execute(sa.update(Proposal).values(title=title))
    db.session.expire_all()


def test_visitors_get_the_kept_page_and_a_signed_in_user_never_does(caching: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    path = f"/rounds/{setup.round.id}"
    first = _visit(caching, path)
    assert first == _fresh(caching, path)
    _rename_projects("Renamed behind the cache")  # not the round: the kept page stays
    assert _visit(caching, path) == first
    signed_in = caching.test_client()
    factories.login(signed_in, setup.voters[0])
    assert "Renamed behind the cache" in signed_in.get(path).text
    assert "Renamed behind the cache" not in _visit(caching, path)


def test_a_change_to_the_round_or_its_phase_is_a_new_page(caching: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    path = f"/rounds/{setup.round.id}"
    before = _visit(caching, path)
    with factories.writing():
        db.session.execute(sa.update(Round).values(title="A new title"))
    db.session.expire_all()
    retitled = _visit(caching, path)
    assert retitled != before and retitled == _fresh(caching, path)
    with factories.writing():
        db.session.execute(sa.update(Round).values(phase=Phase.CLOSED))
    db.session.expire_all()
    closed = _visit(caching, path)
    assert closed != retitled and closed == _fresh(caching, path)


def test_time_passing_a_round_date_is_a_new_page(
    caching: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    path = f"/rounds/{setup.round.id}"
    open_page = _visit(caching, path)
    after_close = setup.round.voting_close_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: after_close)
    assert _visit(caching, path) == _fresh(caching, path) != open_page


def test_each_language_and_address_is_its_own_page(caching: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    path = f"/rounds/{setup.round.id}"
    english = _visit(caching, path, **{"Accept-Language": "en"})
    polish = _visit(caching, path, **{"Accept-Language": "pl"})
    assert english != polish
    assert polish == _fresh(caching, path, **{"Accept-Language": "pl"})
    assert _visit(caching, path, **{"Accept-Language": "en"}) == english
    assert _visit(caching, path + "?page=2") == _fresh(caching, path + "?page=2")


def test_a_page_with_a_flashed_message_is_neither_served_nor_kept(caching: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    path = f"/rounds/{setup.round.id}"
    plain = _visit(caching, path)
    client = caching.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Only for this visitor")]
    assert "Only for this visitor" in client.get(path).text
    assert _visit(caching, path) == plain


def test_published_results_are_kept_for_visitors(caching: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.PUBLISHED, ballots=[{0: 1}, {1: 1}, {0: 1, 2: 1}], voters=3
    )
    path = f"/rounds/{setup.round.id}/results"
    first = _visit(caching, path)
    assert first == _fresh(caching, path)
    _rename_projects("Renamed behind the cache")
    assert _visit(caching, path) == first


def test_a_draft_or_a_missing_round_is_never_kept_nor_shown_to_visitors(caching: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    path = f"/rounds/{setup.round.id}"
    _visit(caching, path)  # kept while it was public
    with factories.writing():
        db.session.execute(sa.update(Round).values(phase=Phase.DRAFT))
    db.session.expire_all()
    assert caching.test_client().get(path).status_code == 404
    assert caching.test_client().get(f"{path}/results").status_code == 404
    assert caching.test_client().get("/rounds/987654").status_code == 404
