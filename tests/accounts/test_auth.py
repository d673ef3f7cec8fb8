"""Signing in: one generic error, hashed passwords, a rotated session, a throttle."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role, User
from pb.audit.models import AuditEntry
from pb.extensions import db
from tests import factories
from tests.conftest import REDIS_URL, custom_app, unavailable


def test_passwords_are_stored_as_argon2id(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    assert person.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in person.password_hash


def test_one_generic_error_for_unknown_email_and_wrong_password(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    client = app.test_client()
    wrong_password = client.post("/login", data={"email": person.email, "password": "nope"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "nope"})
    assert wrong_password.status_code == unknown.status_code == 422
    message = b"Incorrect e-mail address or password."
    assert message in wrong_password.data and message in unknown.data
    body = lambda r: r.data.decode().replace(person.email, "").replace("nobody@example.org", "")  # noqa: E731
    assert body(wrong_password) == body(unknown)


def test_failed_logins_are_audited_without_the_address(app: Flask) -> None:
    client = app.test_client()
    client.post("/login", data={"email": "target@example.org", "password": "guess"})
    db.session.rollback()
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "login.failed")
    ).one()
    assert "target" not in entry.object_id + entry.data + entry.actor_ref
    assert len(entry.object_id) == 32  # a keyed pseudonym: repeated attacks on one account show


def test_sign_in_rotates_the_session(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
        session["lang"] = "pl"
    factories.login(client, person)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "pl"  # the visitor's language choice survives
        # "user id:session key": the key names this session alone (see test_sessions.py)
        user_id, _, key = session["_user_id"].partition(":")
        assert user_id == str(person.id) and len(key) >= 32


def test_changing_the_role_signs_the_user_out_everywhere(app: Flask) -> None:
    person = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, person)
    assert client.get("/manage/rounds").status_code == 200
    from pb.accounts import services

    with factories.writing():
        services.grant_role(db.session.get(User, person.id), Role.CITIZEN, [], actor=None)
    response = client.get("/manage/rounds")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_needs_a_post(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    client = app.test_client()
    factories.login(client, person)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_register_with_a_postcode_finds_the_ward(app: Flask) -> None:
    from pb.wards import services as wards

    ward = factories.ward("NORTH", "North")
    wards.import_postcodes("postcode,ward_code\nAB1 2CD,NORTH\n", actor=None)
    db.session.commit()
    client = app.test_client()
    response = client.post(
        "/register",
        data={
            "email": "new@example.org",
            "display_name": "New",
            "password": "long enough pw",
            "confirm": "long enough pw",
            "home_ward": "0",
            "postcode": "ab12cd",
        },
    )
    assert response.status_code == 200 and b"Check your e-mail" in response.data
    db.session.rollback()
    user = db.session.scalars(sa.select(User).where(User.email == "new@example.org")).one()
    assert user.home_ward_id == ward.id and user.role is Role.CITIZEN
    unknown = client.post(
        "/register",
        data={
            "email": "other@example.org",
            "display_name": "O",
            "password": "long enough pw",
            "confirm": "long enough pw",
            "home_ward": "0",
            "postcode": "ZZ9 9ZZ",
        },
    )
    assert unknown.status_code == 422 and b"could not find that postcode" in unknown.data


def test_session_cookie_flags(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.redis
def test_the_login_throttle_is_shared_by_all_workers_through_redis(database_url: str) -> None:
    """With several gunicorn workers, per-process counters would multiply the allowed guesses;
    production keeps them in Redis. Two application instances stand in for two workers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", f"{REDIS_URL}: {error}")
    prefix = f"pb-test-{uuid.uuid4().hex}"
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
    }
    with custom_app(database_url, **settings) as first:
        # a unique address: the key prefix is the first one this process saw (Flask-Limiter
        # keeps it), so another run's counters must not be able to meet this one's
        person = factories.user(
            Role.CITIZEN, home=factories.ward(), email=f"{uuid.uuid4().hex}@example.test"
        )
        statuses = [
            first.test_client()
            .post("/login", data={"email": person.email, "password": "wrong"})
            .status_code
            for _ in range(2)
        ]
        with custom_app(database_url, **settings) as second:
            client = second.test_client()
            statuses += [
                client.post("/login", data={"email": person.email, "password": "wrong"}).status_code
                for _ in range(2)
            ]
    assert statuses == [422, 422, 422, 429]
