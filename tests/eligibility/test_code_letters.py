"""The officer's pages: issuing a batch answers the letters (one per code, with the voting
address, the code and a QR code) and the CSV for the council's mail merge, once; revoking and
reissuing answers the new letter."""

from __future__ import annotations

import base64
import csv
import io
import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.eligibility import access_codes, codes
from pb.eligibility.models import AccessCode
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")
BOB = ("=cmd|' /C calc'!A0", "1975-06-07", "AB1 3EF")  # a formula: neutralised in the CSV


def _signed_in(app: Flask, person) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert factories.login(client, person).status_code == 302
    return client


def _csv(page: str) -> list[list[str]]:
    found = re.search(r'href="data:application/octet-stream;base64,([A-Za-z0-9+/=]+)"', page)
    assert found is not None
    text = base64.b64decode(found.group(1)).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_letters_and_the_mail_merge_file_for_census_references(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "code"])
    factories.census([(*ALICE, setup.ward.code), (*BOB, setup.ward.code)])
    db.session.commit()
    client = _signed_in(app, setup.officer)
    assert client.get(f"/rounds/{setup.round.id}/codes").status_code == 200
    assert f'href="/rounds/{setup.round.id}/codes"' in client.get("/census").text
    upload = io.BytesIO(f'reference\n{ALICE[0]}\n"{BOB[0]}"\n'.encode())
    response = client.post(
        f"/rounds/{setup.round.id}/codes",
        data={"ward": str(setup.ward.id), "references": (upload, "refs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = _csv(page)
    assert rows[0] == ["reference", "code", "link"]
    assert [row[0] for row in rows[1:]] == [ALICE[0], "'" + BOB[0]]
    for _reference, code, link in rows[1:]:
        assert codes.is_valid(codes.canonical(code))
        assert link == f"http://localhost/code?c={code}"
        assert page.count(code) == 1  # on the letter (the QR code holds the link)
    assert page.count('class="letter"') == 2
    assert page.count("<svg") == 2 and "http://localhost/code" in page
    # the codes exist only in that answer: the database holds their keyed hashes
    db.session.rollback()
    stored = db.session.scalars(sa.select(AccessCode.code_hash)).all()
    assert sorted(stored) == sorted(
        access_codes.code_hash(codes.canonical(row[1])) for row in rows[1:]
    )
    assert client.get(f"/rounds/{setup.round.id}/codes").get_data(as_text=True).count("-") < 50


def test_a_count_of_codes_without_the_census_and_a_refused_batch(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    client = _signed_in(app, setup.officer)
    url = f"/rounds/{setup.round.id}/codes"
    for count in ("0", "1001", "9" * 5000, "1e3", "x"):
        refused = client.post(url, data={"ward": str(setup.ward.id), "count": count})
        assert refused.status_code == 422, count[:10]
    assert db.session.scalar(sa.select(sa.func.count(AccessCode.id))) == 0
    response = client.post(url, data={"ward": str(setup.ward.id), "count": "3"})
    rows = _csv(response.get_data(as_text=True))
    assert len(rows) == 4 and all(row[0] == "" for row in rows[1:])


def test_revoke_and_reissue_from_the_officers_page(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    first, second = factories.access_codes(setup, count=2)
    db.session.commit()
    client = _signed_in(app, setup.officer)
    url = f"/rounds/{setup.round.id}/codes/revoke"
    revoked = client.post(url, data={"code": first})
    assert revoked.status_code == 302
    reissued = client.post(url, data={"code": second, "reissue": "y"})
    assert reissued.status_code == 200
    [row] = _csv(reissued.get_data(as_text=True))[1:]
    assert row[1] not in (first, second)
    assert client.post(url, data={"code": first}).status_code == 404
    db.session.rollback()
    live = db.session.scalars(sa.select(AccessCode).where(AccessCode.revoked_at.is_(None))).all()
    assert len(live) == 1
    assert live[0].code_hash == access_codes.code_hash(codes.canonical(row[1]))


def test_the_code_page_works_without_an_account_and_prefills_from_the_letter(app: Flask) -> None:
    page = app.test_client().get("/code?c=7K3M-Q9TZ-X2HD-5WVA-R")
    assert page.status_code == 200
    assert b'value="7K3M-Q9TZ-X2HD-5WVA-R"' in page.data
    assert b"js/code.js" in page.data


def test_hostile_references_and_codes_are_inert_on_every_code_page(app: Flask) -> None:
    from tests.deliberation.test_xss import PAYLOADS, _inert

    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "code"])
    factories.census([(payload, "1980-01-01", "AB1", setup.ward.code) for payload in PAYLOADS])
    db.session.commit()
    client = _signed_in(app, setup.officer)
    lines = "".join('"' + p.replace('"', '""') + '"\n' for p in PAYLOADS)
    response = client.post(
        f"/rounds/{setup.round.id}/codes",
        data={"ward": str(setup.ward.id), "references": (io.BytesIO(lines.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert _inert(response.get_data(as_text=True)) == []
    assert _csv(response.get_data(as_text=True))[1][0] == PAYLOADS[0]
    visitor = app.test_client()
    for payload in PAYLOADS:
        for page in (
            visitor.get("/code", query_string={"c": payload}),
            visitor.post("/code", data={"code": payload}),
            visitor.post("/code/cast", data={"code": payload}),
            client.post(f"/rounds/{setup.round.id}/codes/revoke", data={"code": payload}),
        ):
            assert page.status_code < 500
            assert _inert(page.get_data(as_text=True)) == [], payload


def test_the_letters_read_codes_and_addresses_left_to_right_in_urdu(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
    client = _signed_in(app, setup.officer)
    response = client.post(
        f"/rounds/{setup.round.id}/codes",
        data={"ward": str(setup.ward.id), "count": "1"},
        headers={"Accept-Language": "ur"},
    )
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert '<bdi dir="ltr">http://localhost/code</bdi>' in page
    assert '<strong class="letter-code" dir="ltr">' in page
