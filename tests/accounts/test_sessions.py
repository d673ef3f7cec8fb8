"""Sessions the server can end: signing out, and every way an account's sessions all end."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts import services
from pb.accounts.models import Role, User, UserSession
from pb.db import utcnow
from pb.extensions import db
from tests import factories
from tests.sql import recorded_statements

NEW_PASSWORD = "a brand new passphrase"


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in_person(app: Flask) -> tuple[User, FlaskClient]:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    client = app.test_client()
    assert factories.login(client, person).status_code == 302
    return person, client


def test_signing_out_ends_that_session_on_the_server(app: Flask) -> None:
    _, client = _signed_in_person(app)
    thief = _copy_of(app, client)
    assert _signed_in(thief)  # a copied cookie works while the session lives...
    client.post("/logout")
    assert not _signed_in(client)
    assert not _signed_in(thief)  # ...and not after its owner signed out


def test_signing_out_leaves_the_other_sessions(app: Flask) -> None:
    person, laptop = _signed_in_person(app)
    phone = app.test_client()
    factories.login(phone, person)
    laptop.post("/logout")
    assert _signed_in(phone)


def test_a_password_change_ends_every_other_session(app: Flask) -> None:
    person, laptop = _signed_in_person(app)
    phone = app.test_client()
    factories.login(phone, person)
    thief = _copy_of(app, laptop)
    response = laptop.post(
        "/account/password",
        data={"current": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _signed_in(laptop)  # this device goes on, in a new session
    assert not _signed_in(phone)
    assert not _signed_in(thief)
    assert factories.login(app.test_client(), person).status_code == 422  # the old password
    assert factories.login(app.test_client(), person, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing(app: Flask) -> None:
    person, laptop = _signed_in_person(app)
    phone = app.test_client()
    factories.login(phone, person)
    response = laptop.post(
        "/account/password",
        data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert b"That is not your current password." in response.data
    assert _signed_in(phone)
    assert factories.login(app.test_client(), person).status_code == 302


def test_sign_out_everywhere_ends_every_session_this_one_included(app: Flask) -> None:
    person, laptop = _signed_in_person(app)
    phone = app.test_client()
    factories.login(phone, person)
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert factories.login(phone, person).status_code == 302  # signing in again works


def test_disabling_an_account_ends_its_sessions(app: Flask) -> None:
    person, client = _signed_in_person(app)
    admin = factories.user(Role.ADMIN)
    admin_client = app.test_client()
    factories.login(admin_client, admin)
    response = admin_client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not _signed_in(client)


def test_revoke_sessions_is_one_reusable_service(app: Flask) -> None:
    """Password reset (issue 11) and staff disabling (issue 17) call this one function."""
    person, laptop = _signed_in_person(app)
    phone = app.test_client()
    factories.login(phone, person)
    with factories.writing():
        assert services.revoke_sessions(db.session.get(User, person.id)) == 2
    assert not _signed_in(laptop) and not _signed_in(phone)


def test_a_session_ends_after_its_absolute_lifetime(app: Flask) -> None:
    _, client = _signed_in_person(app)
    db.session.rollback()
    row = db.session.scalars(sa.select(UserSession)).one()
    lifetime = row.expires_at - row.created_at
    assert lifetime == timedelta(seconds=app.config["SESSION_ABSOLUTE_LIFETIME"])
    with factories.writing():  # the lifetime has passed (moved into the past, not waited for)
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert not _signed_in(client)


def test_the_database_holds_no_usable_session_key(app: Flask) -> None:
    _, client = _signed_in_person(app)
    key = client.get_cookie("session") and _session_key(client)
    db.session.rollback()
    stored = db.session.scalars(sa.select(UserSession.key_hash)).all()
    assert len(stored) == 1 and key not in stored[0]


def _session_key(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return session["_user_id"].partition(":")[2]


def test_a_signed_in_request_writes_nothing(app: Flask) -> None:
    """The check is one read with the user; nothing like a "last seen" is updated per request."""
    _, client = _signed_in_person(app)
    with recorded_statements(lambda _sql: True) as statements:
        assert client.get("/account").status_code == 200
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert statements and writes == []
