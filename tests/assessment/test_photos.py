"""Photos on inspection reports: the inspector uploads them with the report (each with its alt
text), the public assessment page shows them; hostile files and bad alt texts are a clear 422
with nothing stored, neither the photo nor the report."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.assessment import inspections
from pb.assessment.models import Inspection
from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.media.models import Media
from tests import factories
from tests.assessment.helpers import Delivered, delivered
from tests.media.test_images import PDF, noisy_jpeg, picture, with_gps_and_rotation

ALT = "The new bench by the pond, with a wooden back rest and no armrests"  # 66 characters
REPORT = {f"item_{key}": "yes" for key in inspections.CHECKLIST} | {"findings": "All in place."}


def _inspector(app: Flask) -> tuple[Delivered, FlaskClient, int]:
    found = delivered(residents=2)
    with factories.writing():
        inspection = inspections.assign(
            found.setup.officer, found.assessment, found.residents[0].email, found.opened
        )
    db.session.commit()
    client = app.test_client()
    factories.login(client, found.residents[0])
    return found, client, inspection.id


def _post(client: FlaskClient, inspection_id: int, data: bytes, name: str, alt: str):  # type: ignore[no-untyped-def]
    form = REPORT | {"photo": (io.BytesIO(data), name), "photo_alt": alt}
    return client.post(
        f"/inspections/{inspection_id}", data=form, content_type="multipart/form-data"
    )


def _count(model_column) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(model_column))) or 0


def test_photos_filed_with_the_report_are_shown_on_the_public_page(app: Flask) -> None:
    found, client, inspection_id = _inspector(app)
    assert (
        _post(client, inspection_id, with_gps_and_rotation(), "bench.jpg", ALT).status_code == 302
    )
    second = "The path from the north gate: a kerb with no dropped section"
    assert _post(client, inspection_id, picture("PNG"), "gate.png", second).status_code == 302
    base = f"/rounds/{found.setup.round.id}/projects/{found.assessment.proposal_id}"
    page = app.test_client().get(f"{base}/assessment").get_data(as_text=True)
    shown = re.findall(r'<img src="/media/(\d+)" alt="([^"]*)"', page)
    assert [alt for _id, alt in shown] == [ALT, second]
    first = app.test_client().get(f"/media/{shown[0][0]}")
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    assert b"SecretCam" not in first.data  # re-encoded: no camera, no GPS
    assert "All in place." in page
    db.session.rollback()
    inspection = db.session.get(Inspection, inspection_id)
    assert [photo.alt_text for photo in inspection.photos] == [ALT, second]
    assert {photo.owner_id for photo in inspection.photos} == {found.residents[0].id}
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.action.like("inspection.%"))
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == ["inspection.assigned", "inspection.filed", "inspection.corrected"]


def test_a_report_without_a_photo_is_still_filed(app: Flask) -> None:
    _found, client, inspection_id = _inspector(app)
    assert client.post(f"/inspections/{inspection_id}", data=REPORT).status_code == 302
    assert _count(Media.id) == 0
    assert db.session.get(Inspection, inspection_id).filed_at is not None


@pytest.mark.parametrize(
    ("data", "name", "alt", "message"),
    [
        (PDF, "bench.jpg", ALT, "not a JPEG, PNG or WebP"),  # a PDF renamed .jpg
        ("Hello, ward — ہیلو".encode(), "bench.png", ALT, "not a JPEG, PNG or WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "a.svg", ALT, "not a"),
        (picture("GIF"), "bench.gif", ALT, "not a JPEG, PNG or WebP"),
        (noisy_jpeg()[: len(noisy_jpeg()) // 2], "cut.jpg", ALT, "damaged or incomplete"),
        (b"", "empty.jpg", ALT, "The file is empty."),
        (picture("PNG"), "bench.png", "   ", "Describe the image"),
        (picture("PNG"), "bench.png", "x" * 301, "longer than 300 characters"),
    ],
    ids=["pdf-as-jpg", "text", "svg", "gif", "cut-jpeg", "empty", "no-alt", "alt-301"],
)
def test_a_refused_photo_stores_nothing_and_files_no_report(
    app: Flask, data: bytes, name: str, alt: str, message: str
) -> None:
    _found, client, inspection_id = _inspector(app)
    entries = _count(AuditEntry.seq)
    response = _post(client, inspection_id, data, name, alt)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Media.id) == 0
    inspection = db.session.get(Inspection, inspection_id)
    assert (inspection.filed_at, inspection.findings, inspection.photos) == (None, "", [])
    assert _count(AuditEntry.seq) == entries


def test_alt_text_of_the_longest_allowed_length_is_kept_whole(app: Flask) -> None:
    _found, client, inspection_id = _inspector(app)
    alt = ("A wide bench of recycled plastic. " * 10)[:300].strip()
    assert _post(client, inspection_id, picture("WEBP"), "b.webp", alt).status_code == 302
    db.session.rollback()
    assert [p.alt_text for p in db.session.get(Inspection, inspection_id).photos] == [alt]


def test_a_report_carries_at_most_max_photos(app: Flask) -> None:
    _found, client, inspection_id = _inspector(app)
    for number in range(inspections.MAX_PHOTOS):
        alt = f"Photo number {number + 1}"
        assert _post(client, inspection_id, picture(), "p.jpg", alt).status_code == 302
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert 'name="photo"' not in page  # no more room: the field is not offered
    response = _post(client, inspection_id, picture(), "p.jpg", "One too many")
    assert response.status_code == 422 and "at most" in response.get_data(as_text=True)
    assert _count(Media.id) == inspections.MAX_PHOTOS


def test_the_officers_answer_takes_no_file(app: Flask) -> None:
    found, client, inspection_id = _inspector(app)
    assert client.post(f"/inspections/{inspection_id}", data=REPORT).status_code == 302
    officer = app.test_client()
    factories.login(officer, found.setup.officer)
    response = officer.post(
        f"/inspections/{inspection_id}/respond",
        data={"response": (io.BytesIO(PDF), "answer.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _count(Media.id) == 0
