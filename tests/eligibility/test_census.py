"""The census register: stored only as keyed hashes, uploaded whole or not at all, bound to one
account per entry, and one ballot per person whatever the number of accounts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role, User
from pb.audit.models import AuditEntry
from pb.eligibility import register
from pb.eligibility.models import CensusEntry, CensusUpload
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import eligibility
from pb.voting import services as voting
from pb.voting.models import Ballot
from tests import factories
from tests.conftest import TimeMachine, custom_app

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")


def _verify_form(details: tuple[str, str, str]) -> dict[str, str]:
    reference, born, postcode = details
    return {"col_reference": reference, "col_date_of_birth": born, "col_postcode": postcode}


def test_the_register_is_stored_only_as_keyed_hashes(app: Flask) -> None:
    ward = factories.ward("EAST")
    factories.census([(*ALICE, "EAST")])
    dump = " ".join(
        str(value)
        for model in (CensusEntry, CensusUpload)
        for row in db.session.execute(sa.select(model.__table__)).all()
        for value in row
    ).upper()
    for detail in ("E-1001", "E1001", "1980-02-03", "AB12CD", "AB1 2CD"):
        assert detail not in dump
    entry = db.session.scalars(sa.select(CensusEntry)).one()
    assert entry.ward_id == ward.id and len(entry.reference_hash) == 64


def test_a_malformed_file_is_refused_with_line_numbers_and_nothing_is_imported(app: Flask) -> None:
    factories.ward("EAST")
    admin = factories.user(Role.ADMIN)
    text = (
        "reference,date_of_birth,postcode,ward\n"
        "E-1,1980-01-01,AB1 2CD,EAST\n"
        "E-2,,AB1 2CD,EAST\n"
        "E-3,1980-01-01,AB1 2CD,NOWHERE\n"
        "E-1,1990-01-01,ZZ1 1ZZ,EAST\n"
    )
    with pytest.raises(InvalidInput) as refused:
        register.import_register(text, actor=admin)
    assert "Line 3" in refused.value.message and "Line 4" in refused.value.message
    assert "Line 5" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CensusEntry.id))) == 0
    with pytest.raises(InvalidInput, match="Line 1"):
        register.import_register("reference,ward\nE-1,EAST\n", actor=admin)


def test_an_officer_uploads_only_for_their_wards(app: Flask) -> None:
    east, west = factories.ward("EAST"), factories.ward("WEST")
    officer = factories.user(Role.OFFICER, wards_=[east])
    with pytest.raises(InvalidInput, match="unknown ward code WEST"):
        register.import_register(
            "reference,date_of_birth,postcode,ward\nE-1,1980-01-01,AB1,WEST\n", actor=officer
        )
    assert register.upload_wards(factories.user(Role.CITIZEN, home=west)) == []
    with pytest.raises(Forbidden):
        register.import_register("x", actor=factories.user(Role.AUDITOR))


def test_a_resident_verifies_and_takes_the_ward_from_the_census(app: Flask) -> None:
    east, west = factories.ward("EAST"), factories.ward("WEST")
    factories.census([(*ALICE, "EAST")])
    resident = factories.user(Role.CITIZEN, home=west)  # says they live in West
    db.session.commit()
    client = app.test_client()
    factories.login(client, resident)
    wrong = client.post("/account/census", data=_verify_form(("E-1001", "1980-02-04", "AB12CD")))
    unknown = client.post("/account/census", data=_verify_form(("E-9999", "1980-02-03", "AB12CD")))
    assert wrong.status_code == unknown.status_code == 422
    message = b"These details do not match the register."
    assert message in wrong.data and message in unknown.data
    right = client.post("/account/census", data=_verify_form((" e-1001 ", "1980-02-03", "ab1 2cd")))
    assert right.status_code == 302
    db.session.rollback()
    assert db.session.get(User, resident.id).home_ward_id == east.id


def test_wrong_details_are_limited_per_account_and_per_entry(database_url: str) -> None:
    with custom_app(
        database_url,
        RATELIMIT_ENABLED=True,
        CENSUS_ACCOUNT_RATE_LIMIT="3 per hour",
        CENSUS_ENTRY_RATE_LIMIT="4 per hour",
    ) as app:
        factories.ward("EAST")
        factories.census([(*ALICE, "EAST")])
        guessers = [factories.user(Role.CITIZEN) for _ in range(3)]
        db.session.commit()
        codes = []
        for guesser in guessers:
            client = app.test_client()
            factories.login(client, guesser)
            for born in ("1980-01-01", "1980-01-02"):
                form = _verify_form(("E-1001", born, "AB12CD"))
                codes.append(client.post("/account/census", data=form).status_code)
        # the entry allows 4 wrong guesses in all, whoever makes them
        assert codes == [422, 422, 422, 422, 429, 429]
        client = app.test_client()
        factories.login(client, factories.user(Role.CITIZEN))
        for _ in range(3):
            client.post("/account/census", data=_verify_form(("E-7", "1", "X")))
        assert (
            client.post("/account/census", data=_verify_form(("E-8", "1", "X"))).status_code == 429
        )


def test_one_person_with_five_addresses_casts_one_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    factories.census([(*ALICE, setup.ward.code)])
    accounts = [factories.user(Role.CITIZEN, home=setup.ward) for _ in range(5)]
    choice = {setup.projects[0].id: 1}
    register.bind(accounts[0], list(ALICE))
    for other in accounts[1:]:
        with pytest.raises(Conflict):
            register.bind(other, list(ALICE))
        assert not eligibility.can_take_part(other, setup.round)  # self-declared is not enough
    voting.cast(setup.round, accounts[0], choice)
    # the first account is deleted and the entry bound again: same person, same key
    entry = db.session.scalars(sa.select(CensusEntry)).one()
    entry.user_id = None
    db.session.flush()
    register.bind(accounts[1], list(ALICE))
    with pytest.raises(Conflict):
        voting.cast(setup.round, accounts[1], choice)
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 1


def test_fifty_threads_binding_one_entry_one_succeeds(app: Flask) -> None:
    factories.ward("EAST")
    factories.census([(*ALICE, "EAST")])
    people = [factories.user(Role.CITIZEN) for _ in range(50)]
    db.session.commit()
    clients = []
    for person in people:
        client = app.test_client()
        factories.login(client, person)
        clients.append(client)
    start = Barrier(50)

    def bind(client) -> int:  # type: ignore[no-untyped-def]
        start.wait()
        return client.post("/account/census", data=_verify_form(ALICE)).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(bind, clients))
    assert codes.count(302) == 1, codes
    assert set(codes) <= {302, 422}
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CensusEntry.user_id))) == 1


def test_a_new_register_keeps_bindings_reports_changes_and_a_mover_keeps_the_ballot(
    app: Flask,
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    west = factories.ward("WEST")
    factories.census([(*ALICE, setup.ward.code), ("E-2", "1990-01-01", "ZZ1", setup.ward.code)])
    resident = factories.user(Role.CITIZEN)
    register.bind(resident, list(ALICE))
    voting.cast(setup.round, resident, {setup.projects[0].id: 1})
    db.session.commit()
    moved = ("E-1001", "1980-02-03", "WE5 7XX")
    summary = factories.census([(*moved, "WEST"), ("E-3", "2000-01-01", "AB1", "WEST")])
    assert summary["added"] == 1 and summary["moved"] == 1 and summary["changed"] == 1
    assert summary["removed"] == 1 and summary["removed_bound"] == 0
    entry = register.entry_of(resident)
    assert entry is not None and entry.ward_id == west.id  # binding kept
    # the round already voting keeps the ward the resident had: still theirs, vote kept
    assert eligibility.participant(resident, setup.round).ward_id == setup.ward.id
    assert voting.has_voted(resident, setup.round)
    audit = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("census.%"))
    ).all()
    assert audit == ["census.uploaded", "census.uploaded"]


def test_the_register_is_deleted_when_its_retention_ends(app: Flask) -> None:
    factories.ward("EAST")
    factories.census([(*ALICE, "EAST")])
    upload = db.session.scalars(sa.select(CensusUpload)).one()
    assert register.purge_expired(upload.retain_until - factories.timedelta(days=1)) == 0
    assert register.purge_expired(upload.retain_until) == 1
    assert db.session.scalar(sa.select(sa.func.count(CensusEntry.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CensusUpload.id))) == 0


def test_the_purge_command_deletes_an_expired_register(
    app: Flask, time_machine: TimeMachine
) -> None:
    factories.ward("EAST")
    factories.census([(*ALICE, "EAST")])
    db.session.commit()
    runner = app.test_cli_runner()
    assert "Deleted 0" in runner.invoke(args=["pb", "census-purge"]).output
    time_machine.travel(factories.utcnow() + factories.timedelta(days=401))
    assert "Deleted 1" in runner.invoke(args=["pb", "census-purge"]).output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CensusEntry.id))) == 0
