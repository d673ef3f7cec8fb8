"""Deny by default: every route is in the policy table, and every role × route × phase cell
gives exactly the outcome tests/access_table.py states."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from pb.access import POLICY, PUBLIC
from pb.accounts.models import Role
from pb.rounds.models import Phase
from tests import factories
from tests.access_table import EXPECTED, LOGIN, Outcome
from tests.access_world import REFERENCE_PHASE, ROUND_ARGUMENTS, World, build_world, signed_in, url
from tests.conftest import custom_app

ROLES: list[Role | None] = [None, *Role]  # None: not signed in


def test_every_route_is_in_the_policy_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert missing == [], f"routes with no access policy (they would answer 403): {missing}"
    stale = sorted(POLICY.keys() - endpoints)
    assert stale == [], f"policy entries for routes that no longer exist: {stale}"


def test_every_route_has_its_expected_outcomes() -> None:
    assert sorted(POLICY.keys() - EXPECTED.keys()) == [], "add them to tests/access_table.py"
    assert sorted(EXPECTED.keys() - POLICY.keys()) == [], "stale rows in tests/access_table.py"


def test_an_unlisted_route_is_closed(database_url: str) -> None:
    # An app of its own: the route added here must not reach the app other tests share.
    with custom_app(database_url) as app:
        app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
        assert app.test_client().get("/forgotten").status_code == 403


def _expected(endpoint: str, role: Role | None, phase: Phase) -> Outcome:
    allowed = POLICY[endpoint]
    if allowed is PUBLIC or (role is not None and role in allowed):
        return EXPECTED[endpoint].outcome(role, phase)
    return LOGIN if role is None else 403


def _outcome(response: TestResponse) -> Outcome:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login?next="):
        return LOGIN
    return response.status_code


def _cells(app: Flask, world: World):  # type: ignore[no-untyped-def]
    """(endpoint, method, url) for every route checked in this world's phase, the ones marked
    `last` at the end."""
    cells = []
    for rule in app.url_map.iter_rules():
        about_a_round = bool(set(rule.arguments) & ROUND_ARGUMENTS)
        if not about_a_round and world.phase is not REFERENCE_PHASE:
            continue
        address = url(app, rule, world.args)
        if address is not None:  # a draft round has no proposal, comment... to name
            cells.append((rule.endpoint, "GET" if "GET" in rule.methods else "POST", address))
    return sorted(cells, key=lambda cell: (EXPECTED[cell[0]].last, cell))


@pytest.mark.parametrize("phase", list(Phase), ids=lambda phase: phase.value)
def test_role_route_phase_matrix(app: Flask, phase: Phase) -> None:
    world = build_world(phase)
    clients: dict[Role | None, FlaskClient] = {
        role: signed_in(app, world.people[role] if role else None) for role in ROLES
    }
    failures, checked = [], 0
    for endpoint, method, address in _cells(app, world):
        for role in ROLES:
            response = clients[role].open(address, method=method)
            response.close()
            got, expected = _outcome(response), _expected(endpoint, role, phase)
            checked += 1
            if got != expected:
                who = role.value if role else "visitor"
                failures.append(f"{method} {address} ({endpoint}) as {who}: {got}, not {expected}")
            if EXPECTED[endpoint].last and role is not None:  # it may have signed them out
                clients[role] = signed_in(app, world.people[role])
    assert failures == [], "\n".join(failures)
    assert checked >= len(ROLES) * 15


def test_councillor_of_another_ward_is_refused(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, voters=1)
    other = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    client = signed_in(app, other)
    round_id = setup.round.id
    assert client.get(f"/manage/rounds/{round_id}").status_code == 403
    assert client.get(f"/manage/rounds/{round_id}/edit").status_code == 403
    response = client.post(f"/manage/rounds/{round_id}/advance", data={"from_phase": "review"})
    assert response.status_code == 403


def test_officer_of_another_ward_cannot_review(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, voters=1)
    client = signed_in(app, factories.user(Role.OFFICER, wards_=[factories.ward()]))
    assert client.get(f"/review/proposals/{setup.projects[0].id}").status_code == 404
    assert b"Project 1" not in client.get("/review").data


def test_citizen_cannot_edit_another_citizens_proposal(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    intruder = factories.user(Role.CITIZEN, home=setup.ward)
    client = signed_in(app, intruder)
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
