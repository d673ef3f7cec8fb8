"""The ballot's steps see the signed-in person as a record (pb/accounts/signed_in.py): it must
answer as the `User` does, refuse what the `User` path refuses, and hand anything it does not
hold to the `User`. Every other page keeps the ORM `User`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from pb.accounts import sessions
from pb.accounts.models import Role, User, UserSession
from pb.accounts.signed_in import COLUMNS, SignedInUser
from pb.db import utcnow, writing
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories


def _identity(user: User) -> str:
    with writing():
        key = sessions.open_session(user)
        db.session.commit()
    return f"{user.id}:{key}"


def test_on_a_ballot_step_the_loader_gives_a_record_equal_to_the_user(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    identity = _identity(person)
    for path, method in (("/rounds/1/ballot", "GET"), ("/rounds/1/ballot/cast", "POST")):
        with app.test_request_context(path, method=method):
            record = sessions.load_user(identity)
            full = db.session.get(User, person.id)
            assert isinstance(record, SignedInUser) and full is not None
            for name in COLUMNS:
                assert getattr(record, name) == getattr(full, name), name
            assert record.role is Role.CITIZEN  # the enum, not its text
            assert record.get_id() == identity and record.is_authenticated
            assert record.email_verified == full.email_verified
            assert record.has_role(Role.CITIZEN) and not record.has_role(Role.ADMIN)


def test_every_other_page_keeps_the_orm_user(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    identity = _identity(person)
    for path in ("/account", "/rounds/1/ballot/receipt", "/"):
        with app.test_request_context(path):
            loaded = sessions.load_user(identity)
            assert isinstance(loaded, User) and loaded.get_id() == identity


def test_the_record_refuses_what_the_user_path_refuses(app: Flask) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    identity = _identity(person)
    user_id, _, key = identity.partition(":")
    with app.test_request_context("/rounds/1/ballot"):
        assert sessions.load_user(f"{user_id}:not-the-key") is None
        assert sessions.load_user(f"{int(user_id) + 1}:{key}") is None
        with writing():
            db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(1)))
            db.session.commit()
        assert sessions.load_user(identity) is None


def test_a_disabled_account_is_not_signed_in_on_the_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1, verification_methods=["email"])
    voter = setup.voters[0]
    client = app.test_client()
    factories.login(client, voter)
    path = f"/rounds/{setup.round.id}/ballot"
    assert client.get(path).status_code == 200
    db.session.rollback()
    with writing():
        db.session.execute(update(User).where(User.id == voter.id).values(active=False))
        db.session.commit()
    assert client.get(path).status_code in (302, 401, 403)


def test_what_the_record_does_not_hold_comes_from_the_user(app: Flask) -> None:
    ward = factories.ward()
    clerk = factories.user(Role.POLL_CLERK, home=ward, wards_=[ward])
    identity = _identity(clerk)
    with app.test_request_context("/rounds/1/ballot"):
        record = sessions.load_user(identity)
        assert isinstance(record, SignedInUser)
        assert [w.id for w in record.wards] == [ward.id]  # a relationship: the User's
        assert record.works_for({ward.id}) and not record.works_for({ward.id + 1})
        assert record.user.session_key == record.session_key  # the same session's User
        record.language = "pl"  # a write reaches the ORM object, and the record shows it
        assert record.user.language == "pl" and record.language == "pl"
        with pytest.raises(AttributeError):
            record.no_such_attribute  # noqa: B018
