"""What a stranger can send that used to answer 500 (issue 12, items 5-8): each is a clear 4xx
now, and nothing is written."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask, url_for

from pb.access import POLICY, PUBLIC
from pb.accounts.models import Role
from pb.rounds.models import Phase
from tests import factories

HUGE = ["99999999999999999999999", str(2**31), str(2**63), "9" * 5000]
HOSTILE_NEXT = [
    "/%09/evil.example",  # a tab browsers drop: "//evil.example", another site
    "/\t/evil.example",
    "/\r\nSet-Cookie: planted=1",  # a line break would split the Location header
    "/\n/evil.example",
    "/%00",
    "/%2F/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "/ /evil.example",
    "//evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
]


def _int_rules(app: Flask) -> list:  # type: ignore[type-arg]
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "BoundedIntConverter" for c in rule._converters.values())
    ]


@pytest.mark.parametrize("number", HUGE, ids=lambda n: f"{len(n)}-digits")
def test_huge_ids_in_every_int_route_are_404(bare_app: Flask, number: str) -> None:
    """Answered by routing, before any view or query: no database needed."""
    client = bare_app.test_client()
    rules = _int_rules(bare_app)
    assert len(rules) >= 30  # every <int:...> route of the site
    for rule in rules:
        path = re.sub(r"<int:\w+>", number, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, f"{method} {path[:60]}: {response.status_code}"


def test_the_largest_id_a_column_holds_still_routes(app: Flask) -> None:
    assert app.test_client().get(f"/rounds/{2**31 - 1}").status_code == 404  # no such round
    with app.test_request_context():
        assert url_for("public.round", round_id=2**31 - 1) == f"/rounds/{2**31 - 1}"


def _file(text: str = "typed text") -> tuple[io.BytesIO, str]:
    return io.BytesIO(text.encode()), "field.txt"


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/login", {"email": "a@example.test", "password": "long enough pw"}),
        (
            "/register",
            {
                "email": "new@example.test",
                "display_name": "New",
                "password": "long enough pw",
                "confirm": "long enough pw",
                "home_ward": "0",
                "postcode": "AB1 2CD",
            },
        ),
    ],
)
def test_a_text_field_sent_as_a_file_is_refused(app: Flask, path: str, fields: dict) -> None:
    before = factories.row_counts()
    for name in fields:
        data = {**fields, name: _file()}
        response = app.test_client().post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 400, name
        assert b"not a file" in response.data
    assert factories.row_counts() == before


def test_every_form_refuses_a_file_in_a_text_field(app: Flask) -> None:
    """Every POST route, as a role allowed to post there: a file part where text is expected."""
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    people = {
        Role.CITIZEN: setup.voters[0],
        Role.COUNCILLOR: setup.councillor,
        Role.OFFICER: setup.officer,
        Role.AUDITOR: factories.user(Role.AUDITOR),
        Role.ADMIN: factories.user(Role.ADMIN),
        Role.POLL_CLERK: factories.user(Role.POLL_CLERK, wards_=[setup.ward]),
    }
    before = factories.row_counts()
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        client = app.test_client()
        allowed = POLICY[rule.endpoint]
        if allowed is not PUBLIC:
            factories.login(client, people[next(r for r in Role if r in allowed)])
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        response = client.post(
            path, data={"title": _file(), "csrf_token": _file()}, content_type="multipart/form-data"
        )
        assert response.status_code == 400, f"POST {path}: {response.status_code}"
        checked += 1
    assert checked >= 25
    after = factories.row_counts()
    assert {k: v for k, v in after.items() if k != "user_sessions"} == {
        k: v for k, v in before.items() if k != "user_sessions"
    }


@pytest.mark.parametrize(
    "amount",
    ["sNaN", "NaN", "-sNaN", "Infinity", "-Infinity", "inf", "1E+999999999", "1E-999999999"],
)
def test_non_finite_and_absurd_amounts_are_refused(app: Flask, amount: str) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    before = factories.row_counts()
    response = client.post(
        f"/rounds/{setup.round.id}/proposals/new",
        data={
            "title": "Benches by the pond",
            "description": "Three benches by the pond, facing the water.",
            "estimated_cost": amount,
            "ward": setup.ward.id,
            "category": "Parks",
        },
    )
    assert response.status_code == 422
    assert b"Enter a" in response.data  # the amount field's own message
    assert factories.row_counts() == before


def test_every_money_field_refuses_snan(app: Flask) -> None:
    """The budget of a round and an officer's final cost, besides the proposal's estimate."""
    setup = factories.round_in_phase(Phase.REVIEW, voters=1)
    councillor, officer = app.test_client(), app.test_client()
    factories.login(councillor, setup.councillor)
    factories.login(officer, setup.officer)
    before = factories.row_counts()
    new_round = councillor.post("/manage/rounds/new", data={"title": "A round", "budget": "sNaN"})
    review = officer.post(
        f"/review/proposals/{setup.projects[0].id}",
        data={"decision": "feasible", "reason": "Fine.", "final_cost": "sNaN"},
    )
    assert (new_round.status_code, review.status_code) == (422, 422)
    assert factories.row_counts() == before


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(app: Flask, target: str) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    client = app.test_client()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": person.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_language_switch_never_redirects_off_site(app: Flask, target: str) -> None:
    response = app.test_client().post("/language", data={"lang": "pl", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_safe_paths_are_still_followed(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    response = app.test_client().post(
        "/login?next=/rounds/1%3Fx%3D1",
        data={"email": person.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/rounds/1?x=1"
    back = app.test_client().post("/language", data={"lang": "pl", "next": "/search?q=park"})
    assert back.headers["Location"] == "/search?q=park"


@pytest.mark.parametrize("path", ["/%09/evil.example", "/%0d%0aSet-Cookie:x", "//evil.example/x"])
def test_the_404_page_does_not_carry_its_path_into_the_language_form(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code in (404, 308)
    if response.status_code == 404:
        assert b'name="next" value="/"' in response.data


def test_a_page_returns_to_itself_after_a_language_change(app: Flask) -> None:
    page = app.test_client().get("/search?q=park+bench").data.decode()
    assert 'name="next" value="/search?q=park+bench"' in page


def test_a_ballot_value_too_long_for_int_is_refused(app: Flask) -> None:
    """Found by tests/web/test_fuzz.py: the ballot shown again after an error read every value
    with int(), which refuses more than 4,300 digits."""
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    before = factories.row_counts()
    response = client.post(
        f"/rounds/{setup.round.id}/ballot/review",
        data={f"project-{setup.projects[0].id}": "9" * 5000},
    )
    assert response.status_code == 422
    assert factories.row_counts() == before
