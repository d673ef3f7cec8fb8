"""An admin creates staff accounts from the screen (the person sets a password from a mailed,
single-use invitation) and disables or enables accounts, which ends their sessions at once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role, User
from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.mail import delivery
from tests import factories
from tests.smtp import Sink

PASSWORD = "the invitee's own password"


def _admin(app: Flask) -> tuple[User, FlaskClient]:
    admin = factories.user(Role.ADMIN)
    client = app.test_client()
    assert factories.login(client, admin).status_code == 302
    return admin, client


def _invite(client: FlaskClient, **fields: object) -> int:
    data = {"email": "new.officer@example.org", "display_name": "New Officer", "role": "officer"}
    return client.post("/admin/users/new", data=data | fields).status_code


def _counts() -> tuple[int, int]:
    db.session.rollback()
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    return users, entries


def test_an_invited_officer_sets_a_password_by_mail_and_works_in_their_ward(
    mailer: tuple[Flask, Sink],
) -> None:
    app, sink = mailer
    ward = factories.ward()
    db.session.commit()
    _, admin_client = _admin(app)
    assert "Create a staff account" in admin_client.get("/admin/users").text
    assert _invite(admin_client, wards=[str(ward.id)]) == 302
    db.session.rollback()
    officer = db.session.scalars(
        sa.select(User).where(User.email == "new.officer@example.org")
    ).one()
    assert officer.role is Role.OFFICER and [w.id for w in officer.wards] == [ward.id]
    invitee = app.test_client()
    # nobody knows the password it was created with: signing in fails until the link is used
    assert factories.login(invitee, officer, PASSWORD).status_code != 302

    delivery.deliver_due()
    mails = [m for m in sink.messages if m["To"] == "new.officer@example.org"]
    assert len(mails) == 1 and "seven days" in mails[0].get_content()
    found = re.search(r"https?://\S+", mails[0].get_content())
    assert found is not None
    link = factories.path_of(found.group(0))
    form = {"password": PASSWORD, "confirm": PASSWORD}
    assert invitee.post(link, data=form).status_code == 302
    assert invitee.post(link, data=form).status_code != 302  # the link works once

    fresh = app.test_client()
    assert factories.login(fresh, officer, PASSWORD).status_code == 302
    assert fresh.get("/account").status_code == 200
    assert fresh.get("/admin/users").status_code == 403  # an officer, not an admin
    db.session.rollback()
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("account.%"))
    ).all()
    assert "account.invited" in actions and "account.password_reset" in actions


def test_an_invitation_lasts_a_week_a_reset_link_an_hour(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from itsdangerous import TimestampSigner

    from pb.accounts import recovery, tokens
    from pb.errors import InvalidInput

    staff = factories.user(Role.AUDITOR)
    with app.test_request_context():
        invite = tokens.sign(tokens.INVITE_SALT, staff.id, staff.password_hash)
        reset = tokens.sign(tokens.RESET_SALT, staff.id, staff.password_hash)
        assert tokens.read(tokens.RESET_SALT, invite, 3600) is None  # salts do not mix

        def days_later(days: float) -> None:
            later = int(time.time() + days * 86400)
            monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)

        days_later(6.9)
        assert recovery.reset_user(invite).id == staff.id
        with pytest.raises(InvalidInput):
            recovery.reset_user(reset)  # an ordinary reset link is long dead
        days_later(7.1)
        with pytest.raises(InvalidInput):
            recovery.reset_user(invite)


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "citizen"},
        {"role": "emperor"},
        {"wards": ["999999"]},
        {"wards": ["9" * 40]},
        {"email": "not-an-address"},
        {"display_name": "x" * 81},
        {"email": ""},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(app: Flask, fields: dict) -> None:
    factories.ward()
    db.session.commit()
    _, client = _admin(app)
    before = _counts()
    assert _invite(client, **fields) == 422
    assert _counts() == before


def test_an_address_already_in_use_is_refused(app: Flask) -> None:
    existing = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    _, client = _admin(app)
    before = _counts()
    assert _invite(client, email=existing.email.upper()) == 422
    assert _counts() == before


def test_disabling_ends_a_live_session_and_enabling_lets_them_back(app: Flask) -> None:
    person = factories.user(Role.OFFICER, home=factories.ward())
    db.session.commit()
    victim = app.test_client()
    assert factories.login(victim, person).status_code == 302
    assert victim.get("/account").status_code == 200
    _, admin_client = _admin(app)
    page = admin_client.get(f"/admin/users/{person.id}").text
    assert "Disable the account" in page
    response = admin_client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert victim.get("/account").status_code != 200  # signed out at once
    assert factories.login(app.test_client(), person).status_code != 302
    db.session.rollback()
    last = sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
    entry = db.session.scalars(last).one()
    assert (entry.action, entry.object_id, entry.actor_role) == (
        "account.deactivated",
        str(person.id),
        "admin",
    )
    assert "Enable the account" in admin_client.get(f"/admin/users/{person.id}").text
    admin_client.post(f"/admin/users/{person.id}/active", data={"active": "1"})
    assert factories.login(app.test_client(), person).status_code == 302


def test_an_admin_cannot_disable_themselves(app: Flask) -> None:
    admin, client = _admin(app)
    assert "Disable the account" not in client.get(f"/admin/users/{admin.id}").text
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 409
    assert "cannot disable your own account" in response.text
    db.session.rollback()
    assert db.session.get(User, admin.id).active
    assert client.get("/admin/users").status_code == 200


def test_a_toggle_without_a_valid_value_is_refused(app: Flask) -> None:
    person = factories.user(Role.AUDITOR)
    db.session.commit()
    _, client = _admin(app)
    for data in ({}, {"active": "maybe"}):
        assert client.post(f"/admin/users/{person.id}/active", data=data).status_code == 400
    db.session.rollback()
    assert db.session.get(User, person.id).active
