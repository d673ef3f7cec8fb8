"""A user's language follows them: chosen once (or registered in), it is theirs on every device
after sign-in and in their e-mails (see tests/deliberation for the e-mails)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role, User
from pb.audit.models import AuditEntry
from pb.extensions import db
from tests import factories


def _html_lang(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/").get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_registering_in_a_language_keeps_it(app: Flask) -> None:
    ward = factories.ward("NORTH", "North")
    db.session.commit()
    client = app.test_client()
    client.post("/language", data={"lang": "pl"})
    form = {"email": "nowa@example.org", "display_name": "Nowa", "home_ward": str(ward.id)}
    secret = {"password": "long enough pw", "confirm": "long enough pw", "postcode": ""}
    assert client.post("/register", data=form | secret).status_code == 200
    db.session.rollback()
    user = db.session.scalars(sa.select(User).where(User.email == "nowa@example.org")).one()
    assert user.language == "pl"
    registered = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "account.registered")
    ).one()
    assert json.loads(registered.data)["language"] == "pl"


def test_a_choice_made_signed_in_follows_the_user_to_another_device(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    phone = app.test_client()
    factories.login(phone, person)
    assert _html_lang(phone) == "en"
    phone.post("/language", data={"lang": "ur"})
    assert _html_lang(phone) == "ur"
    db.session.rollback()
    assert db.session.get(User, person.id).language == "ur"
    laptop = app.test_client()  # no language chosen here: the stored one is used after sign-in
    assert _html_lang(laptop) == "en"
    factories.login(laptop, person)
    assert _html_lang(laptop) == "ur"
    chosen = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "account.language_set")
    ).all()
    assert [(e.object_type, e.object_id) for e in chosen] == [("user", str(person.id))]


def test_a_language_chosen_before_signing_in_becomes_the_users(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    person.language = "ur"
    db.session.commit()
    client = app.test_client()
    client.post("/language", data={"lang": "pl"})
    factories.login(client, person)
    assert _html_lang(client) == "pl"
    db.session.rollback()
    assert db.session.get(User, person.id).language == "pl"


def test_an_unknown_language_changes_nothing(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    client = app.test_client()
    factories.login(client, person)
    assert client.post("/language", data={"lang": "xx"}).status_code == 302
    db.session.rollback()
    assert db.session.get(User, person.id).language is None
    assert _html_lang(client) == "en"
