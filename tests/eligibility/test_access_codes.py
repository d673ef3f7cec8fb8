"""Access codes by post: stored only as keyed hashes, redeemed once to cast one anonymous ballot,
under the census entry's key when the round uses the census (so nobody votes both by code and
online, in either order), revocable, audited with counts only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.audit.models import AuditEntry
from pb.eligibility import access_codes, codes, register
from pb.eligibility import services as eligibility
from pb.eligibility.models import AccessCode
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.conftest import custom_app

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")
BOB = ("E-1002", "1975-06-07", "AB1 3EF")


def _census_round() -> factories.RoundSetup:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "code"])
    factories.census([(*ALICE, setup.ward.code), (*BOB, setup.ward.code)])
    return setup


def _cast_form(setup: factories.RoundSetup, code: str) -> dict[str, str]:
    return {"code": code, f"project-{setup.projects[0].id}": "1"}


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_only_a_keyed_hash_of_each_code_is_stored_and_the_batch_audited_by_count(
    app: Flask,
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    issued = factories.access_codes(setup, count=3)
    assert len(set(issued)) == 3
    stored = db.session.scalars(sa.select(AccessCode)).all()
    hashes = {row.code_hash for row in stored}
    for code in issued:
        assert access_codes.code_hash(codes.canonical(code)) in hashes
    dump = " ".join(f"{row.code_hash} {row.ward_id}" for row in stored)
    for code in issued:
        assert code not in dump and codes.canonical(code) not in dump
    entry = db.session.scalars(
        sa.select(AccessCode.id).where(AccessCode.census_entry_id.is_not(None))
    ).all()
    assert entry == []
    logged = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "codes.issued")
    ).one()
    expected = {"ward": setup.ward.code, "codes": 3, "bound_to_census": False}
    assert json.loads(logged.data) == expected


def test_a_code_casts_one_anonymous_ballot_then_is_used(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    [code] = factories.access_codes(setup, count=1)
    client = app.test_client()
    opened = client.post("/code", data={"code": code.lower().replace("-", " ")})
    assert opened.status_code == 200 and b'name="code"' in opened.data
    reviewed = client.post("/code/review", data=_cast_form(setup, code))
    assert reviewed.status_code == 200 and b"/code/cast" in reviewed.data
    cast = client.post("/code/cast", data=_cast_form(setup, code))
    assert cast.status_code == 200 and b"Your vote is recorded" in cast.data
    again = client.post("/code/cast", data=_cast_form(setup, code))
    assert again.status_code == 409
    db.session.rollback()
    participation = db.session.scalars(sa.select(Participation)).one()
    stored = db.session.scalars(sa.select(AccessCode)).one()
    assert participation.voter_key == f"code:{stored.id}" and participation.channel == "code"
    assert participation.user_id is None and stored.redeemed_at is not None
    assert _count(Ballot) == 1
    assert eligibility.turnout_by_method(setup.round) == {"code": 1}


def test_census_bound_codes_and_online_votes_meet_on_one_key_in_both_orders(app: Flask) -> None:
    setup = _census_round()
    alice_code, bob_code = factories.access_codes(setup, references=[ALICE[0], BOB[0]])
    alice, bob = (factories.user(home=setup.ward) for _ in range(2))
    register.bind(alice, list(ALICE))
    register.bind(bob, list(BOB))
    choice = {setup.projects[0].id: 1}
    # online first, then the code: refused
    voting.cast(setup.round, alice, choice)
    with pytest.raises(Conflict):
        access_codes.redeem(alice_code, choice, client="test")
    # the code first, then online: refused
    access_codes.redeem(bob_code, choice, client="test")
    assert voting.has_voted(bob, setup.round)
    with pytest.raises(Conflict):
        voting.cast(setup.round, bob, choice)
    assert _count(Ballot) == 2
    assert eligibility.turnout_by_method(setup.round) == {"census": 1, "code": 1}


def test_a_refused_code_ballot_leaves_the_code_unused(app: Flask) -> None:
    setup = _census_round()
    [code] = factories.access_codes(setup, references=[ALICE[0]])
    alice = factories.user(home=setup.ward)
    register.bind(alice, list(ALICE))
    voting.cast(setup.round, alice, {setup.projects[0].id: 1})
    db.session.commit()
    refused = app.test_client().post("/code/cast", data=_cast_form(setup, code))
    assert refused.status_code == 409
    assert b"already been cast" in refused.data
    db.session.rollback()
    assert db.session.scalars(sa.select(AccessCode.redeemed_at)).one() is None
    assert _count(Ballot) == 1


def test_codes_in_a_census_round_need_references_of_the_ward(app: Flask) -> None:
    setup = _census_round()
    with pytest.raises(InvalidInput) as unknown:
        factories.access_codes(setup, references=[ALICE[0], "NOBODY", ALICE[0]])
    assert "Line 2" in unknown.value.message and "Line 3" in unknown.value.message
    assert _count(AccessCode) == 0
    factories.access_codes(setup, references=[ALICE[0]])
    with pytest.raises(InvalidInput) as twice:
        factories.access_codes(setup, references=[ALICE[0]])
    assert "revoke" in twice.value.message


def test_revoke_and_reissue_for_the_same_census_entry(app: Flask) -> None:
    setup = _census_round()
    [old] = factories.access_codes(setup, references=[ALICE[0]])
    new = access_codes.revoke(setup.round, ALICE[0], actor=setup.officer, reissue=True)
    assert new is not None and new.reference == ALICE[0] and new.code != old
    with pytest.raises(InvalidInput):
        access_codes.find(old, client="test")
    rows = db.session.scalars(sa.select(AccessCode).order_by(AccessCode.id)).all()
    assert rows[0].revoked_at is not None and rows[1].revoked_at is None
    assert rows[0].census_entry_id == rows[1].census_entry_id is not None
    access_codes.redeem(new.code, {setup.projects[0].id: 1}, client="test")
    with pytest.raises(NotFound):  # the old code is revoked: no live code is named by it
        access_codes.revoke(setup.round, old, actor=setup.officer, reissue=False)
    with pytest.raises(Conflict):
        access_codes.revoke(setup.round, new.code, actor=setup.officer, reissue=False)
    logged = db.session.scalars(
        sa.select(AuditEntry.data).where(AuditEntry.action == "codes.revoked")
    ).all()
    assert [json.loads(data) for data in logged] == [{"codes": 1, "reissued": 1}]


def test_an_officer_issues_only_for_their_wards_and_rounds_taking_codes(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    stranger = factories.user(factories.Role.OFFICER, wards_=[factories.ward()])
    with pytest.raises(Forbidden):
        access_codes.issue(setup.round, setup.ward.id, actor=stranger, count=1)
    plain = factories.round_in_phase(Phase.VOTING)
    with pytest.raises(Conflict):
        access_codes.issue(plain.round, plain.ward.id, actor=plain.officer, count=1)
    with pytest.raises(InvalidInput):
        access_codes.issue(setup.round, setup.ward.id, actor=setup.officer, count=1001)


def test_fifty_threads_redeeming_one_code_cast_one_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    [code] = factories.access_codes(setup, count=1)
    db.session.commit()
    start = Barrier(50)
    clients = [app.test_client() for _ in range(50)]
    form = _cast_form(setup, code)

    def redeem(client) -> int:  # type: ignore[no-untyped-def]
        start.wait()
        return client.post("/code/cast", data=form).status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(redeem, clients))
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409}
    db.session.rollback()
    assert _count(Ballot) == 1 and _count(Participation) == 1


def test_bad_codes_are_refused_before_any_lookup(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    [code] = factories.access_codes(setup, count=1)
    canonical = codes.canonical(code)
    wrong_check = canonical[:-1] + next(s for s in codes.ALPHABET if s != canonical[-1])
    client = app.test_client()
    looked_up: list[str] = []

    def watch(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "access_codes" in statement:
            looked_up.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", watch)
    try:
        for typed in (wrong_check, "x" * 100_000, "Ａ" * 17, "é-" * 20, "", "\x00" * 17):
            response = client.post("/code", data={"code": typed})
            cast = client.post("/code/cast", data={"code": typed})
            expected = 400 if "\x00" in typed else 422  # control characters: refused earlier
            assert response.status_code == cast.status_code == expected, typed[:20]
        wrong = client.post("/code", data={"code": codes.grouped(wrong_check)})
        assert b"check each character against your letter" in wrong.data
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", watch)
    assert looked_up == []
    assert _count(Participation) == 0


def test_wrong_codes_are_limited_per_client(database_url: str) -> None:
    limited = {"RATELIMIT_ENABLED": True, "ACCESS_CODE_RATE_LIMIT": "3 per hour"}
    with custom_app(database_url, **limited) as app:
        setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
        [code] = factories.access_codes(setup, count=1)
        db.session.commit()
        client = app.test_client()
        guesses = [codes.grouped(codes.generate()) for _ in range(4)]
        statuses = [client.post("/code", data={"code": guess}).status_code for guess in guesses]
        assert statuses == [422, 422, 422, 429]
        assert client.post("/code", data={"code": code}).status_code == 429
        elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
        assert client.post("/code", data={"code": code}, environ_base=elsewhere).status_code == 200


def test_the_round_form_offers_codes_and_a_code_round_counts_its_letters(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    client = app.test_client()
    factories.login(client, setup.councillor)
    assert b'value="code"' in client.get("/manage/rounds/new").data
    factories.access_codes(setup, count=4)
    assert eligibility.eligible_count(setup.round) == 4
    resident = factories.user(home=setup.ward)
    assert not eligibility.can_take_part(resident, setup.round)
    assert "access code" in eligibility.refusal(resident, setup.round)
