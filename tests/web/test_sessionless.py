"""Public pages start no session for an anonymous visitor (no cookie, nothing to store or
look up per page view); the language form then needs no token, and is checked by origin."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.rounds.models import Phase
from tests import factories
from tests.conftest import custom_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_public_pages_set_no_cookie_for_a_visitor(database_url: str) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        voting = factories.round_in_phase(Phase.VOTING)
        published = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}])
        paths = [
            "/",
            f"/rounds/{voting.round.id}",
            f"/rounds/{voting.round.id}/projects/{voting.projects[0].id}",
            f"/rounds/{published.round.id}/results",
            f"/rounds/{published.round.id}/outcomes",
            f"/wards/{published.ward.id}/outcomes",
        ]
        for path in paths:
            response = app.test_client().get(path)
            assert response.status_code == 200, path
            assert response.headers.getlist("Set-Cookie") == [], path


def test_a_visitor_changes_language_without_a_token_from_this_site_only(
    database_url: str,
) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        change = {"lang": "pl", "next": "/"}
        ours = _post(app, change, {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
        theirs = _post(app, change, {"Origin": "https://elsewhere.example"})
        steered = _post(app, change, {"Sec-Fetch-Site": "cross-site"})
        assert ours.status_code == 302 and "session=" in ours.headers["Set-Cookie"]
        assert theirs.status_code == steered.status_code == 400
        assert theirs.headers.getlist("Set-Cookie") == steered.headers.getlist("Set-Cookie") == []


def test_a_signed_in_users_language_change_still_needs_the_token(database_url: str) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=False) as app:
        person = factories.user(home=factories.ward())
        client = app.test_client()
        assert factories.login(client, person).status_code == 302
        app.config["WTF_CSRF_ENABLED"] = True
        refused = client.post(
            "/language", data={"lang": "pl"}, headers={"Origin": "http://localhost"}
        )
        assert refused.status_code == 400


def _post(app: Flask, data: dict[str, str], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return app.test_client().post("/language", data=data, headers=headers)
