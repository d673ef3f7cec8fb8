"""CSRF protection on every form: a POST without the page's token changes nothing."""

from __future__ import annotations

import re

from flask import url_for

from pb.rounds.models import Phase
from tests import factories
from tests.conftest import custom_app


def test_every_post_route_refuses_a_missing_token(database_url: str) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        setup = factories.round_in_phase(Phase.VOTING, voters=1)
        client = app.test_client()
        # sign in the way a browser does, with the login page's token
        page = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        signed_in = client.post(
            "/login",
            data={
                "csrf_token": token,
                "email": setup.voters[0].email,
                "password": factories.PASSWORD,
            },
        )
        assert signed_in.status_code == 302
        args = {
            "round_id": setup.round.id,
            "proposal_id": setup.projects[0].id,
            "user_id": setup.voters[0].id,
            "ward_id": setup.ward.id,
            "comment_id": 1,
            "amendment_id": 1,
            "report_id": 1,
            "notification_id": 1,
            "task_id": 1,
            "rating_id": 1,
            "inspection_id": 1,
            "token": "not-a-signed-link",
            "kind": "project",
            "object_id": setup.projects[0].id,
        }
        refused = []
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            with app.test_request_context():
                url = url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})
            response = client.post(url, data={f"project-{setup.projects[0].id}": "1"})
            if response.status_code == 400:
                refused.append(url)
            else:
                assert response.status_code in (401, 403, 302), (url, response.status_code)
                assert "/login" in response.headers.get("Location", "/login")
        assert f"/rounds/{setup.round.id}/ballot/cast" in refused
        assert "/logout" in refused
        from pb.voting import services as voting

        assert voting.ballot_count(setup.round) == 0


def test_forms_render_a_token(database_url: str) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        for path in ("/login", "/register"):
            assert 'name="csrf_token"' in client.get(path).data.decode(), path
        person = factories.user(home=factories.ward())
        page = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": person.email, "password": factories.PASSWORD}
        assert client.post("/login", data=form).status_code == 302
        # a signed-in user's language form carries a token (it also changes their account)
        assert 'name="csrf_token"' in client.get("/").data.decode()
