"""Extending or ending voting from the councillor's round page; the public sees why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from pb.accounts.models import Role
from pb.db import utcnow
from pb.extensions import db
from pb.rounds.models import Phase, RoundAmendment
from tests import factories
from tests.conftest import custom_app
from tests.deliberation.test_xss import EVERYTHING, _inert

REASON = "The site was down for three hours on Saturday."


def _councillor(app: Flask, setup: factories.RoundSetup) -> FlaskClient:
    client = app.test_client()
    factories.login(client, setup.councillor)
    return client


def _extend(client: FlaskClient, round_id: int, close_at: str, reason: str = REASON):  # type: ignore[no-untyped-def]
    data = {"extend-close_at": close_at, "extend-reason": reason}
    return client.post(f"/manage/rounds/{round_id}/extend-voting", data=data)


def _amendments() -> int:
    return db.session.scalar(select(func.count()).select_from(RoundAmendment)) or 0


def test_a_councillor_extends_voting_and_everyone_reads_why(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    round_id, frozen_hash = setup.round.id, setup.round.config_hash or ""
    client = _councillor(app, setup)
    page = client.get(f"/manage/rounds/{round_id}").get_data(as_text=True)
    assert "Extend voting or end it early" in page
    new_close = (setup.round.voting_close_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _extend(client, round_id, new_close)
    assert response.status_code == 302
    public = app.test_client().get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Changes to the voting dates" in public and REASON in public
    assert "voting was extended" in public
    transparency = app.test_client().get(f"/rounds/{round_id}/transparency").text
    db.session.rollback()
    assert "Earlier fingerprints" in transparency and frozen_hash in transparency
    assert setup.round.config_hash in transparency and setup.round.config_hash != frozen_hash


@pytest.mark.parametrize(
    ("close_at", "reason", "message"),
    [
        ("2001-01-01T10:00", REASON, "The new closing date must be in the future."),
        ("", REASON, "This field is required."),
        ("not a date", REASON, "Not a valid datetime value."),
        ("99999-01-01T10:00", REASON, "Not a valid datetime value."),
        ("2099-01-01T10:00", "", "This field is required."),
        ("2099-01-01T10:00", "x" * 100_000, "Field cannot be longer than 1000 characters."),
    ],
)
def test_a_bad_extension_answers_422_and_writes_nothing(
    app: Flask, close_at: str, reason: str, message: str
) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    client = _councillor(app, setup)
    response = _extend(client, setup.round.id, close_at, reason)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _amendments() == 0


def test_a_councillor_ends_voting_early_and_the_results_say_so(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1, ballots=[{0: 1}])
    round_id = setup.round.id
    client = _councillor(app, setup)
    data = {"end-reason": REASON}
    assert client.post(f"/manage/rounds/{round_id}/end-voting", data=data).status_code == 302
    db.session.rollback()
    assert setup.round.phase is Phase.CLOSED
    results = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "voting was ended early" in results and REASON in results


def test_without_the_forms_token_nothing_changes(database_url: str) -> None:
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        setup = factories.round_in_phase(Phase.VOTING)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        login = {"csrf_token": token, "email": setup.councillor.email}
        signed_in = client.post("/login", data=login | {"password": factories.PASSWORD})
        assert signed_in.status_code == 302
        shown = client.get(f"/manage/rounds/{setup.round.id}").get_data(as_text=True)
        assert 'name="end-csrf_token"' in shown and 'name="extend-csrf_token"' in shown
        for action in ("extend-voting", "end-voting"):
            data = {
                "end-reason": REASON,
                "extend-reason": REASON,
                "extend-close_at": "2099-01-01T10:00",
            }
            response = client.post(f"/manage/rounds/{setup.round.id}/{action}", data=data)
            assert response.status_code == 400, action
        db.session.rollback()
        assert setup.round.phase is Phase.VOTING and _amendments() == 0


def test_a_councillor_of_another_ward_cannot_amend(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    other = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, other)
    later = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    for action, data in (("extend-voting", {"extend-close_at": later}), ("end-voting", {})):
        response = client.post(f"/manage/rounds/{setup.round.id}/{action}", data=data)
        assert response.status_code == 403
    assert _amendments() == 0


def test_hostile_reasons_are_inert_on_every_page_that_shows_them(app: Flask) -> None:
    from pb.rounds import amendments

    setup = factories.round_in_phase(Phase.VOTING)
    round_ = setup.round
    with factories.writing():
        later = round_.voting_close_at + timedelta(days=1)
        amendments.extend_voting(round_, later, EVERYTHING, actor=setup.councillor)
    with factories.writing():
        amendments.end_voting_early(round_, EVERYTHING, actor=setup.councillor)
    with factories.writing():
        factories.rounds.advance_phase(round_, actor=setup.councillor)
    auditor = factories.user(Role.AUDITOR)
    pages = [f"/rounds/{round_.id}", f"/rounds/{round_.id}/results", "/audit/log"]
    for person, paths in (
        (None, pages[:2]),
        (setup.councillor, [*pages[:2], f"/manage/rounds/{round_.id}"]),
        (auditor, pages),
    ):
        client = app.test_client()
        if person is not None:
            factories.login(client, person)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            assert _inert(html) == [], path
            assert "{{7*7}}" in html or "{{7*7}}".replace("{", "&#123;") in html, path
