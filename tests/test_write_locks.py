"""Who holds SQLite's write lock, and when: a request that writes nothing takes none, and a
sign-in never holds one (nor an open transaction, on PostgreSQL) while it hashes a password."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from flask import Flask

from pb.accounts import services as accounts
from pb.accounts.models import Role, User
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services
from tests import factories
from tests.conftest import REPO_ROOT

SMALL_PABULIB = REPO_ROOT / "tests" / "data" / "pabulib" / "Poland_Zabrze_2020_Konczyce.pb"
NEW_PASSWORD = "a brand new password"


def _sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite:///")


@contextmanager
def _lock_held_elsewhere(database_url: str, seconds: float) -> Iterator[threading.Event]:
    """Another connection takes the write lock and keeps it `seconds`; the event says when it
    let go (a request that wanted the lock waits at least until then)."""
    other = sqlite3.connect(
        _sqlite_path(database_url), isolation_level=None, timeout=0, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        other.execute("ROLLBACK")
        released.set()

    timer = threading.Timer(seconds, release)
    timer.start()
    try:
        yield released
    finally:
        timer.join()
        other.close()


def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")


def _signed_in_voter(app: Flask, database_url: str):  # type: ignore[no-untyped-def]
    """A voting round and a client signed in as its voter (SQLite only: the lock is its own)."""
    _sqlite_only(database_url)
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    db.session.commit()
    return setup, client


def test_reviewing_a_ballot_takes_no_write_lock(app: Flask, database_url: str) -> None:
    setup, client = _signed_in_voter(app, database_url)
    review = f"/rounds/{setup.round.id}/ballot/review"
    with _lock_held_elsewhere(database_url, seconds=5) as released:
        response = client.post(review, data={f"project-{setup.projects[0].id}": "1"})
        answered_while_locked = not released.is_set()
    assert response.status_code == 200
    assert answered_while_locked  # it did not queue behind the other writer


def test_casting_still_takes_the_write_lock_first(app: Flask, database_url: str) -> None:
    """The other side of the rule: a writing request queues for the lock (never fails on it)."""
    setup, client = _signed_in_voter(app, database_url)
    cast = f"/rounds/{setup.round.id}/ballot/cast"
    with _lock_held_elsewhere(database_url, seconds=1) as released:
        response = client.post(cast, data={f"project-{setup.projects[0].id}": "1"})
        answered_after_release = released.is_set()
    assert response.status_code == 302
    assert answered_after_release


def test_a_cast_checks_the_voter_before_taking_the_write_lock(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock is held for the cast's writes only: its reads (who may vote, the choices) leave
    other writers free, and the ballot is still recorded once."""
    setup, client = _signed_in_voter(app, database_url)
    seen: list[bool] = []
    real_check = services._check_can_vote

    def check_and_look(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(_another_writer_can_start(database_url))
        return real_check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_can_vote", check_and_look)
    cast = f"/rounds/{setup.round.id}/ballot/cast"
    response = client.post(cast, data={f"project-{setup.projects[0].id}": "1"})
    assert response.status_code == 302
    assert seen == [True]
    db.session.rollback()  # a fresh read: the request committed in its own transaction
    assert services.participation_count(setup.round) == services.ballot_count(setup.round) == 1


def test_a_close_committed_after_the_casts_checks_refuses_it(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the checks and the write lock another process closes the round: the phase read
    again under the lock refuses the ballot (nothing lands in a closed round)."""
    setup, client = _signed_in_voter(app, database_url)
    real_check = services._check_can_vote

    def check_then_close(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_check(*args, **kwargs)
        other = sqlite3.connect(_sqlite_path(database_url), isolation_level=None)
        other.execute("UPDATE rounds SET phase = 'closed' WHERE id = ?", (setup.round.id,))
        other.close()
        return found

    monkeypatch.setattr(services, "_check_can_vote", check_then_close)
    cast = f"/rounds/{setup.round.id}/ballot/cast"
    response = client.post(cast, data={f"project-{setup.projects[0].id}": "1"})
    assert response.status_code == 409
    db.session.rollback()
    assert services.participation_count(setup.round) == services.ballot_count(setup.round) == 0


def test_signing_in_hashes_outside_any_transaction(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    seen: list[tuple[bool, bool]] = []
    real_verify = PasswordHasher.verify

    def verify_and_look(hasher: PasswordHasher, hashed: str, password: str) -> bool:
        seen.append((db.session().in_transaction(), _another_writer_can_start(database_url)))
        return real_verify(hasher, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify_and_look)
    signed_in = factories.login(app.test_client(), person)
    refused = factories.login(app.test_client(), person, password="not the password")
    assert signed_in.status_code == 302 and refused.status_code == 422
    assert seen == [(False, True), (False, True)]


def _watch_hashing(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[bool, bool]]:
    """For each password hashed from now on: whether its request had a transaction open, and
    whether another writer could take the write lock meanwhile."""
    accounts._hasher_for(app.config["PASSWORD_HASHING"])  # its dummy hash made now, not watched
    seen: list[tuple[bool, bool]] = []
    real_hash = PasswordHasher.hash

    def hash_and_look(hasher: PasswordHasher, password: str, **salt: bytes | None) -> str:
        seen.append((db.session().in_transaction(), _another_writer_can_start(database_url)))
        return real_hash(hasher, password, **salt)

    monkeypatch.setattr(PasswordHasher, "hash", hash_and_look)
    return seen


def _register_form(email: str, ward_id: int) -> dict[str, str]:
    form = {"email": email, "display_name": "Resident", "home_ward": str(ward_id), "postcode": ""}
    return form | {"password": factories.PASSWORD, "confirm": factories.PASSWORD}


def test_registering_hashes_outside_any_transaction(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new address and a known one (hashed all the same, for equal timing)."""
    ward = factories.ward()
    known = factories.user(Role.CITIZEN, home=ward, email="known@example.org").email
    db.session.commit()
    seen = _watch_hashing(app, database_url, monkeypatch)
    for email in ("new@example.org", known):
        response = app.test_client().post("/register", data=_register_form(email, ward.id))
        assert response.status_code == 200
    assert seen == [(False, True), (False, True)]
    db.session.rollback()
    assert accounts.find_user_by_email("new@example.org") is not None


def test_asking_for_a_reset_link_hashes_outside_any_transaction(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public form: a stranger posting it must never stall every other writer."""
    email = factories.user(Role.CITIZEN, home=factories.ward()).email
    db.session.commit()
    seen = _watch_hashing(app, database_url, monkeypatch)
    for address in (email, "nobody@example.org"):
        assert app.test_client().post("/reset", data={"email": address}).status_code == 200
    assert seen == [(False, True), (False, True)]
    assert factories.path_of(factories.mailed_link(email)).startswith("/reset/")


def _reset_link(app: Flask, person: User) -> str:
    db.session.commit()
    assert app.test_client().post("/reset", data={"email": person.email}).status_code == 200
    return factories.path_of(factories.mailed_link(person.email))


def _new_password(password: str) -> dict[str, str]:
    return {"password": password, "confirm": password}


def test_resetting_a_password_hashes_outside_any_transaction(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = _reset_link(app, factories.user(Role.CITIZEN, home=factories.ward()))
    seen = _watch_hashing(app, database_url, monkeypatch)
    form = _new_password(NEW_PASSWORD)
    assert app.test_client().post(link, data=form).status_code == 302
    assert app.test_client().post(link, data=form).status_code == 400  # it still works once
    assert seen == [(False, True)]


def test_a_reset_link_used_while_its_hash_runs_is_refused(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two uses of one link at once, the second while the first hashes: the first finds the
    link used when it comes to write, so the link still works once."""
    person = factories.user(Role.CITIZEN, home=factories.ward())
    link = _reset_link(app, person)
    accounts._hasher_for(app.config["PASSWORD_HASHING"])  # its dummy hash made now
    second_use: list[int] = []
    real_hash = PasswordHasher.hash

    def hash_while_the_link_is_used(hasher: PasswordHasher, password: str, **salt: bytes) -> str:
        # (on the old code the first use held SQLite's lock here: no second use could start)
        if password == NEW_PASSWORD and _another_writer_can_start(database_url):
            answer = app.test_client().post(link, data=_new_password("the other new password"))
            second_use.append(answer.status_code)
        return real_hash(hasher, password, **salt)

    monkeypatch.setattr(PasswordHasher, "hash", hash_while_the_link_is_used)
    first_use = app.test_client().post(link, data=_new_password(NEW_PASSWORD))
    assert second_use == [302]
    assert first_use.status_code == 422
    assert b"This link is not valid or has expired." in first_use.data
    assert factories.login(app.test_client(), person, "the other new password").status_code == 302
    assert factories.login(app.test_client(), person, NEW_PASSWORD).status_code == 422


def test_previewing_a_postcode_list_takes_no_write_lock(app: Flask, database_url: str) -> None:
    _sqlite_only(database_url)
    factories.ward("NORTH", "North")
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    factories.login(client, admin)
    upload = {"file": (io.BytesIO(b"postcode,ward_code\nAB1 1AA,NORTH\n"), "postcodes.csv")}
    with _lock_held_elsewhere(database_url, seconds=5) as released:
        response = client.post("/admin/postcodes", data=upload, content_type="multipart/form-data")
        answered_while_locked = not released.is_set()
    assert response.status_code == 200
    assert b"AB11AA" in response.data  # the preview of what would change
    assert answered_while_locked


def test_comparing_an_uploaded_file_takes_no_write_lock(app: Flask, database_url: str) -> None:
    _sqlite_only(database_url)
    person = factories.user(Role.CITIZEN, home=factories.ward())
    db.session.commit()
    client = app.test_client()
    factories.login(client, person)  # its session is read, as on every signed-in request
    upload = {"file": (io.BytesIO(SMALL_PABULIB.read_bytes()), "election.pb")}
    with _lock_held_elsewhere(database_url, seconds=5) as released:
        response = client.post("/compare", data=upload, content_type="multipart/form-data")
        answered_while_locked = not released.is_set()
    assert response.status_code == 200
    assert b"Voters with a funded project" in response.data
    assert answered_while_locked


def test_exactly_these_posts_take_no_write_lock(app: Flask) -> None:
    """Marking a POST `reads_only` is a promise that it writes nothing: each one is listed here,
    so adding or dropping a mark is a deliberate change."""
    marked = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and getattr(app.view_functions[rule.endpoint], "pb_reads_only", False)
    }
    assert marked == {
        "admin.postcodes",  # the preview; postcodes_apply writes
        "codes.ballot",
        "codes.enter",
        "codes.review",
        "compare.upload",
        "kiosk.ballot",
        "kiosk.review",
        "voting.ballot",
        "voting.review",
    }


def _another_writer_can_start(database_url: str) -> bool:
    if not database_url.startswith("sqlite"):
        return True  # no database-wide lock; the open transaction is what the test checks
    other = sqlite3.connect(_sqlite_path(database_url), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        other.close()


def test_ending_the_reads_early_refuses_to_drop_writes_already_flushed(app: Flask) -> None:
    """before_writing() ends the request's transaction: a write flushed in it must not vanish
    with it (nor one still unsaved); once committed, reading early is fine again."""
    from pb.db import before_writing
    from pb.wards.models import Ward

    with app.test_request_context("/", method="POST"):
        ward = Ward(code="FLUSHED", name="Flushed")
        db.session.add(ward)
        db.session.flush()
        with pytest.raises(RuntimeError, match="nothing may be written"), before_writing():
            pass
        assert db.session.get(Ward, ward.id) is ward  # still there, still to be committed
        db.session.commit()
        with before_writing():
            pass
        db.session.rollback()
