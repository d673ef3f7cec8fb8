"""Ballot keys and receipts never travel in a readable cookie, and no page showing one is cached."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import keyring
from pb.voting import services as voting
from tests import factories

KEY = re.compile(r'<strong class="receipt-code">([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>')
DAY = timedelta(days=1)
RECEIPT = re.compile(r'<code class="hash">([0-9a-f]{64})</code>')


@pytest.fixture
def voted(app: Flask) -> tuple[FlaskClient, factories.RoundSetup, str, str]:
    """A voter who cast a ballot in this browser; their ballot key and receipt as shown."""
    setup = factories.round_in_phase(Phase.VOTING, voters=2)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    path = f"/rounds/{setup.round.id}/ballot"
    assert (
        client.post(path + "/cast", data={f"project-{setup.projects[0].id}": "1"}).status_code
        == 302
    )
    page = client.get(path + "/receipt").data.decode()
    return client, setup, KEY.findall(page)[0], RECEIPT.findall(page)[0]


def _cookie_texts(client: FlaskClient) -> list[str]:
    """Every cookie value as sent, and decoded as far as anyone could without a server key."""
    texts = []
    for name in ("session", keyring.COOKIE):
        cookie = client.get_cookie(name, path=keyring.PATH if name == keyring.COOKIE else "/")
        assert cookie is not None, name
        value = cookie.value
        texts.append(value)
        for part in value.lstrip(".").split("."):
            padded = part + "=" * (-len(part) % 4)
            try:
                texts.append(base64.urlsafe_b64decode(padded).decode("latin-1"))
            except ValueError:
                continue
    return texts


def _session_payload(app: Flask, client: FlaskClient) -> dict:
    cookie = client.get_cookie("session")
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_no_cookie_carries_a_ballot_key_or_receipt_readably(app: Flask, voted) -> None:  # type: ignore[no-untyped-def]
    client, _setup, key, receipt = voted
    payload = _session_payload(app, client)
    assert not {"ballot_keys", "receipts", "new_ballot_key"} & set(payload)
    compact_key = key.replace("-", "")
    for text in _cookie_texts(client):
        for secret in (key, compact_key, receipt, receipt[:12]):
            assert secret not in text
            assert secret.encode().hex() not in text


def test_the_browser_still_remembers_its_receipt_and_key(voted) -> None:  # type: ignore[no-untyped-def]
    client, setup, key, receipt = voted
    path = f"/rounds/{setup.round.id}/ballot"
    again = client.get(path + "/receipt").data.decode()
    assert receipt in again
    assert key not in again  # the key is shown once
    # changing the vote in the same browser needs no typing of the key
    replaced = client.post(path + "/cast", data={f"project-{setup.projects[1].id}": "1"})
    assert replaced.status_code == 302
    assert RECEIPT.findall(client.get(path + "/receipt").data.decode())[0] != receipt


def test_a_copied_keyring_is_useless_in_another_session(app: Flask, voted) -> None:  # type: ignore[no-untyped-def]
    client, setup, _key, receipt = voted
    copied = client.get_cookie(keyring.COOKIE, path=keyring.PATH)
    assert copied is not None
    thief = app.test_client()
    factories.login(thief, setup.voters[0])  # even signed in as the same voter
    thief.set_cookie(keyring.COOKIE, copied.value, path=keyring.PATH)
    page = thief.get(f"/rounds/{setup.round.id}/ballot/receipt").data.decode()
    assert receipt not in page
    # and signing out ends it in the voter's own browser too
    client.post("/logout")
    factories.login(client, setup.voters[0])
    assert receipt not in client.get(f"/rounds/{setup.round.id}/ballot/receipt").data.decode()


def test_pages_with_a_key_receipt_or_choices_are_never_cached(voted) -> None:  # type: ignore[no-untyped-def]
    client, setup, _key, _receipt = voted
    path = f"/rounds/{setup.round.id}/ballot"
    choice = {f"project-{setup.projects[0].id}": "1"}
    responses = {
        "ballot": client.get(path),
        "review": client.post(path + "/review", data=choice),
        "cast": client.post(path + "/cast", data=choice),
        "receipt": client.get(path + "/receipt"),
    }
    for name, response in responses.items():
        assert response.status_code < 500, name
        assert response.headers.get("Cache-Control") == "no-store", name


def test_the_voter_sees_their_ballot_as_recorded_until_voting_closes(voted) -> None:  # type: ignore[no-untyped-def]
    client, setup, key, _receipt = voted
    path = f"/rounds/{setup.round.id}/ballot"
    first, second = setup.projects[0], setup.projects[1]
    page = client.get(path + "/receipt").data.decode()
    recorded = page[page.index('id="recorded-heading"') :]
    assert "Your ballot as recorded" in page and first.title in recorded.split("</section>")[0]
    client.post(path + "/cast", data={f"project-{second.id}": "1"})
    recorded = client.get(path + "/receipt").data.decode().split('id="recorded-heading"')[1]
    section = recorded.split("</section>")[0]
    assert second.title in section and first.title not in section
    with factories.writing():
        round_ = db.session.get(Round, setup.round.id)
        rounds.advance_phase(round_, actor=setup.councillor, now=round_.voting_close_at + DAY)
    db.session.rollback()
    round_ = db.session.get(Round, setup.round.id)
    after = client.get(path + "/receipt").data.decode()
    assert "Your ballot as recorded" not in after
    # after the close the key leads to nothing: no receipt, no choices
    assert voting.recorded_choices(round_, key) is None
    assert voting.find_receipt(round_, key) is None
