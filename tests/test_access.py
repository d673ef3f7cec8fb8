"""Deny by default: every route is in the policy table, and every (role × route) cell holds."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.access import POLICY, PUBLIC
from pb.accounts.models import Role
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import access_objects

ROLES = [None, *Role]  # None: not signed in


def test_every_route_is_in_the_policy_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert missing == [], f"routes with no access policy (they would answer 403): {missing}"
    stale = sorted(POLICY.keys() - endpoints)
    assert stale == [], f"policy entries for routes that no longer exist: {stale}"


def test_an_unlisted_route_is_closed(app: Flask) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert app.test_client().get("/forgotten").status_code == 403


@pytest.fixture
def world(app: Flask) -> dict:
    """One round in review (so every page has something to show) and one person per role."""
    setup = factories.round_in_phase(Phase.REVIEW, voters=1)
    people = {
        Role.CITIZEN: setup.voters[0],  # the author of the proposals
        Role.COUNCILLOR: setup.councillor,
        Role.OFFICER: setup.officer,
        Role.AUDITOR: factories.user(Role.AUDITOR),
        Role.ADMIN: factories.user(Role.ADMIN),
    }
    proposal = setup.projects[0]
    args = {
        "round_id": setup.round.id,
        "proposal_id": proposal.id,
        "user_id": people[Role.CITIZEN].id,
        "ward_id": setup.ward.id,
        "filename": "css/site.css",
    }
    args.update(access_objects(setup, people[Role.CITIZEN]))
    return {"setup": setup, "people": people, "args": args}


def _url_for_rule(app: Flask, rule, args: dict) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def _cases(app: Flask):  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, method


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_matrix(app: Flask, world: dict, role: Role | None) -> None:
    """Outside the policy: 403 (signed in) or the sign-in page (anonymous). Inside: never 403."""
    failures = []
    for rule, method in _cases(app):
        client = app.test_client()
        if role is not None:
            factories.login(client, world["people"][role])
        url = _url_for_rule(app, rule, world["args"])
        response = client.open(url, method=method)
        response.close()
        allowed = POLICY[rule.endpoint]
        status = response.status_code
        if allowed is PUBLIC or (role is not None and role in allowed):
            if status == 403 or status >= 500:
                failures.append(f"{method} {url} as {role}: {status}, expected access")
        elif role is None:
            if not (status == 302 and "/login" in response.headers["Location"]):
                failures.append(f"{method} {url} anonymous: {status}, expected sign-in redirect")
        elif status != 403:
            failures.append(f"{method} {url} as {role}: {status}, expected 403")
    assert failures == []


def test_councillor_of_another_ward_is_refused(app: Flask, world: dict) -> None:
    other = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, other)
    round_id = world["setup"].round.id
    assert client.get(f"/manage/rounds/{round_id}").status_code == 403
    assert client.get(f"/manage/rounds/{round_id}/edit").status_code == 403
    response = client.post(f"/manage/rounds/{round_id}/advance", data={"from_phase": "review"})
    assert response.status_code == 403


def test_officer_of_another_ward_cannot_review(app: Flask, world: dict) -> None:
    other = factories.user(Role.OFFICER, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, other)
    proposal_id = world["setup"].projects[0].id
    assert client.get(f"/review/proposals/{proposal_id}").status_code == 404
    assert b"Project 1" not in client.get("/review").data


def test_citizen_cannot_edit_another_citizens_proposal(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    intruder = factories.user(Role.CITIZEN, home=setup.ward)
    client = app.test_client()
    factories.login(client, intruder)
    proposal = setup.projects[0]
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    response = client.post(
        f"/proposals/{proposal.id}/edit",
        data={
            "title": "Hijacked title",
            "description": "x" * 30,
            "estimated_cost": "10",
            "ward": setup.ward.id,
            "category": "Parks",
        },
    )
    assert response.status_code == 403


def test_the_routes_document_is_current(app: Flask) -> None:
    from pb.access import policy_table
    from tests.conftest import REPO_ROOT

    document = (REPO_ROOT / "docs" / "routes.md").read_text()
    assert document.endswith(policy_table(app)), (
        "docs/routes.md is stale: regenerate its table with `flask --app wsgi pb routes`"
    )
