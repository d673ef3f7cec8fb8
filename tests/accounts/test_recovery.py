"""E-mail verification and password reset by signed links, through a real SMTP server; and
register / login / reset answering alike for known and unknown addresses (no enumeration)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts import recovery
from pb.accounts.models import Role, User
from pb.extensions import db
from pb.mail import delivery
from pb.mail.models import OutboxMessage
from tests import factories
from tests.conftest import TimeMachine, custom_app
from tests.smtp import Sink

NEW_PASSWORD = "a brand new password"


def _register_form(email: str, ward_id: int, password: str = factories.PASSWORD) -> dict[str, str]:
    return {
        "email": email,
        "display_name": "Resident",
        "password": password,
        "confirm": password,
        "home_ward": str(ward_id),
        "postcode": "",
    }


def _delivered_link(sink: Sink, recipient: str) -> str:
    delivery.deliver_due()
    bodies = [m.get_content() for m in sink.messages if m["To"] == recipient]
    assert bodies, f"nothing delivered to {recipient}"
    match = re.search(r"https?://\S+", bodies[-1])
    assert match is not None
    return factories.path_of(match.group(0))


def test_a_new_account_proposes_and_votes_only_after_following_the_mailed_link(
    mailer: tuple[Flask, Sink],
) -> None:
    app, sink = mailer
    ward = factories.ward()
    db.session.commit()
    client = app.test_client()
    assert (
        client.post("/register", data=_register_form("new@example.org", ward.id)).status_code == 200
    )
    db.session.rollback()
    user = db.session.scalars(sa.select(User).where(User.email == "new@example.org")).one()
    assert user.email_verified_at is None
    link = _delivered_link(sink, "new@example.org")
    assert client.get(link).status_code == 302  # confirmed and signed in
    db.session.rollback()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert client.get("/account").status_code == 200


def test_an_unconfirmed_account_may_not_take_part(app: Flask) -> None:
    from pb.voting import eligibility

    setup = factories.round_in_phase(factories.Phase.VOTING, voters=1)
    voter = setup.voters[0]
    assert eligibility.can_take_part(voter, setup.round)
    voter.email_verified_at = None
    assert not eligibility.can_take_part(voter, setup.round)
    assert "Confirm your e-mail" in eligibility.refusal(voter, setup.round)


def test_a_verification_link_expires_and_cannot_be_altered(
    mailer: tuple[Flask, Sink], time_machine: TimeMachine
) -> None:
    app, sink = mailer
    ward = factories.ward()
    db.session.commit()
    client = app.test_client()
    client.post("/register", data=_register_form("late@example.org", ward.id))
    link = _delivered_link(sink, "late@example.org")
    assert client.get(link[:-2] + "xx").status_code == 400
    app.config["EMAIL_VERIFY_MAX_AGE"] = -1  # every link is already too old
    assert client.get(link).status_code == 400


def test_password_reset_link_works_once_and_ends_every_session(mailer: tuple[Flask, Sink]) -> None:
    app, sink = mailer
    person = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    other_device = app.test_client()
    factories.login(other_device, person)
    assert other_device.get("/account").status_code == 200
    client = app.test_client()
    assert client.post("/reset", data={"email": person.email}).status_code == 200
    link = _delivered_link(sink, person.email)
    assert client.get(link).status_code == 200
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(link, data=form).status_code == 302
    assert other_device.get("/account").status_code == 302  # signed out by the reset
    assert client.post(link, data=form).status_code == 400  # used: the password changed
    fresh = app.test_client()
    assert factories.login(fresh, person, NEW_PASSWORD).status_code == 302


def _scrub(html: str, *addresses: str) -> str:
    for address in addresses:
        html = html.replace(address, "")
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)  # random per session


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/register", lambda email, ward: _register_form(email, ward)),
        ("/reset", lambda email, ward: {"email": email}),
        ("/login", lambda email, ward: {"email": email, "password": "not the password"}),
    ],
)
def test_known_and_unknown_addresses_get_the_same_answer(
    app: Flask, path: str, form: object
) -> None:
    ward = factories.ward()
    known = factories.user(Role.CITIZEN, home=ward, email="known@example.org")
    db.session.commit()
    answers = []
    for email in (known.email, "nobody@example.org"):
        response = app.test_client().post(path, data=form(email, ward.id))  # type: ignore[operator]
        answers.append((response.status_code, _scrub(response.get_data(as_text=True), email)))
    import difflib

    diff = difflib.unified_diff(answers[0][1].splitlines(), answers[1][1].splitlines(), lineterm="")
    assert answers[0] == answers[1], "\n".join(diff)


def test_the_owner_of_a_known_address_is_told_by_mail(app: Flask) -> None:
    ward = factories.ward()
    known = factories.user(Role.CITIZEN, home=ward, email="known@example.org")
    db.session.commit()
    app.test_client().post("/register", data=_register_form(known.email, ward.id))
    db.session.rollback()
    subjects = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == known.email)
    ).all()
    assert subjects == ["Your account"]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_both_branches_hash_a_password(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same work either way: one argon2 hash for a known and for an unknown address."""
    from pb.accounts import services

    ward = factories.ward()
    known = factories.user(Role.CITIZEN, home=ward)
    db.session.commit()
    calls: list[str] = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda p: calls.append(p) or real(p))
    for email in (known.email, "nobody@example.org"):
        with app.test_request_context():
            recovery.register(email, "R", factories.PASSWORD, ward.id, None)
        db.session.rollback()  # two requests: the reset's reads end its own transaction
        with app.test_request_context():
            recovery.request_reset(email)
        db.session.rollback()
    assert len(calls) == 4


def test_registration_and_reset_are_rate_limited(database_url: str) -> None:
    with custom_app(
        database_url,
        RATELIMIT_ENABLED=True,
        REGISTRATION_RATE_LIMIT="2 per hour",
        PASSWORD_RESET_RATE_LIMIT="2 per hour",
    ) as app:
        ward = factories.ward()
        db.session.commit()
        client = app.test_client()
        codes = [
            client.post("/register", data=_register_form(f"r{i}@example.org", ward.id)).status_code
            for i in range(3)
        ]
        assert codes == [200, 200, 429]
        resets = [
            client.post("/reset", data={"email": "x@example.org"}).status_code for _ in range(3)
        ]
        assert resets == [200, 200, 429]


def test_a_verification_link_never_switches_the_signed_in_account(app: Flask) -> None:
    ward = factories.ward()
    signed_in = factories.user(Role.CITIZEN, home=ward)
    db.session.commit()
    client = app.test_client()
    factories.login(client, signed_in)
    app.test_client().post("/register", data=_register_form("other@example.org", ward.id))
    assert (
        client.get(factories.path_of(factories.mailed_link("other@example.org"))).status_code == 302
    )
    page = client.get("/account").get_data(as_text=True)
    assert signed_in.email in page and "other@example.org" not in page
