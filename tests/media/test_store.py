"""Storing and serving images on both databases: what a page embeds is what was re-encoded."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.errors import InvalidInput
from pb.extensions import db
from pb.media import services as media
from pb.media.models import Media
from tests import factories
from tests.media.test_images import PDF, picture, with_gps_and_rotation


def test_a_stored_photo_is_served_with_its_type_and_cache_headers(
    app: Flask, client: FlaskClient
) -> None:
    officer = factories.user(Role.OFFICER)
    with factories.writing():
        stored = media.store(with_gps_and_rotation(), "  The new  bench ", owner=officer)
    assert stored.alt_text == "The new bench"
    response = client.get(f"/media/{stored.id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.get_etag()[0] == hashlib.sha256(response.data).hexdigest()
    assert b"SecretCam" not in response.data
    again = client.get(f"/media/{stored.id}", headers={"If-None-Match": f'"{stored.sha256}"'})
    assert again.status_code == 304 and again.data == b""
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "media.stored")
        )
        == 1
    )


def test_unknown_image_is_404(client: FlaskClient) -> None:
    assert client.get("/media/99999").status_code == 404


@pytest.mark.parametrize(
    ("data", "alt", "message"),
    [
        (PDF, "A bench", "not a JPEG, PNG or WebP"),
        (picture("PNG"), "   ", "Describe the image"),
        (picture("PNG"), "x" * 301, "too long"),
    ],
)
def test_refusals_store_nothing(app: Flask, data: bytes, alt: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused, factories.writing():
        media.store(data, alt, owner=None)
    assert message in refused.value.message and refused.value.field == "photo"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Media.id))) == 0
