"""The postcode list: bad files are refused whole, an empty one never wipes the list, and the
admin sees what will change before it is applied."""

from __future__ import annotations

import csv
import html
import io
import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role
from pb.extensions import db
from pb.wards import services as wards
from pb.wards.models import Postcode
from tests import factories


def _admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    factories.login(client, factories.user(Role.ADMIN))
    return client


def _upload(client: FlaskClient, text: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(text.encode()), "postcodes.csv")}
    return client.post("/admin/postcodes", data=data, content_type="multipart/form-data")


def _stored() -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(sa.select(Postcode.postcode, Postcode.ward_id)).all())


def _with_list(app: Flask) -> tuple[FlaskClient, dict[str, int]]:
    factories.ward("NORTH", "North")
    factories.ward("SOUTH", "South")
    with factories.writing():
        wards.import_postcodes("postcode,ward_code\nAB1 1AA,NORTH\nAB1 2BB,NORTH\n", actor=None)
    return _admin(app), _stored()


def test_a_field_over_the_csv_modules_limit_is_refused(app: Flask) -> None:
    client, before = _with_list(app)
    huge = "x" * (csv.field_size_limit() + 1)
    response = _upload(client, f"postcode,ward_code\nAB1 3CC,NORTH\n{huge},NORTH\n")
    assert response.status_code == 422
    assert b"Line 3: this is not a valid CSV line." in response.data
    assert _stored() == before


def test_a_header_alone_never_wipes_the_list(app: Flask) -> None:
    client, before = _with_list(app)
    for text in ("postcode,ward_code\n", "", "\n\n"):
        response = _upload(client, text)
        assert response.status_code == 422
        assert b"The file has no postcodes. The list was not changed." in response.data
    assert _stored() == before and len(before) == 2


def test_the_upload_shows_the_changes_and_writes_nothing(app: Flask) -> None:
    client, before = _with_list(app)
    counts = factories.row_counts()
    response = _upload(client, "postcode,ward_code\nAB1 1AA,NORTH\nAB1 2BB,SOUTH\nZZ9 9ZZ,SOUTH\n")
    page = response.data.decode()
    assert response.status_code == 200
    assert "Check the new postcode list" in page
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert facts == {
        "Postcodes in the file": "3",
        "New postcodes": "1",
        "Postcodes moving to another ward": "1",
        "Postcodes removed": "0",
        "Postcodes unchanged": "1",
    }
    assert "<td>AB12BB</td><td>NORTH</td><td>SOUTH</td>" in page
    assert factories.row_counts() == counts and _stored() == before


def test_confirming_the_preview_applies_it(app: Flask) -> None:
    client, _ = _with_list(app)
    page = _upload(client, "postcode,ward_code\nAB1 2BB,SOUTH\nZZ9 9ZZ,SOUTH\n").data.decode()
    form = _confirmation(page)
    response = client.post("/admin/postcodes/apply", data=form)
    assert response.status_code == 302
    assert set(_stored()) == {"AB12BB", "ZZ99ZZ"}  # AB1 1AA removed, as the preview said


def test_a_preview_is_refused_once_the_list_changed_since(app: Flask) -> None:
    client, _ = _with_list(app)
    form = _confirmation(_upload(client, "postcode,ward_code\nZZ9 9ZZ,SOUTH\n").data.decode())
    with factories.writing():  # another admin changes the list meanwhile
        wards.import_postcodes("postcode,ward_code\nCD1 1DD,NORTH\n", actor=None)
    before = factories.row_counts()
    response = client.post("/admin/postcodes/apply", data=form)
    assert response.status_code == 409
    assert factories.row_counts() == before and set(_stored()) == {"CD11DD"}


def test_a_tampered_confirmation_is_checked_again(app: Flask) -> None:
    client, before = _with_list(app)
    form = _confirmation(_upload(client, "postcode,ward_code\nZZ9 9ZZ,SOUTH\n").data.decode())
    for postcodes in ("postcode,ward_code\n", "ZZ9 9ZZ,NOWHERE\n"):
        response = client.post("/admin/postcodes/apply", data={**form, "postcodes": postcodes})
        assert response.status_code == 422
    assert _stored() == before


def _confirmation(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    return {name: html.unescape(fields[name]) for name in ("postcodes", "base")}
