"""A proposal's optional picture, uploaded on the proposal form through pb.media: shown with its
alt text on the card and the proposal page; hostile files and missing alt text refused (422)
with nothing written."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import select

from pb.extensions import db
from pb.media.models import Media
from pb.proposals.models import Proposal
from pb.rounds.models import Phase
from tests import factories
from tests.delivery.helpers import signed_in
from tests.media.test_images import PDF, picture, png_claiming


def _form(setup: factories.RoundSetup, **extra: object) -> dict[str, object]:
    return {
        "title": "Benches by the pond",
        "description": "Three benches by the pond, facing the water.",
        "estimated_cost": "120",
        "ward": setup.ward.id,
        "category": "Parks",
        "location": "  Pond   Lane,  W1 ",
        **extra,
    }


def test_a_picture_is_shown_with_its_alt_text_on_the_card_and_the_page(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    client = signed_in(app, setup.voters[0])
    data = _form(setup, image=(io.BytesIO(picture("JPEG")), "pond.jpg"), image_alt="Empty lawn")
    response = client.post(f"/rounds/{setup.round.id}/proposals/new", data=data)
    assert response.status_code == 302
    db.session.rollback()
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.location == "Pond Lane, W1"
    assert proposal.image is not None and proposal.image.alt_text == "Empty lawn"
    img = f'src="/media/{proposal.image_id}" alt="Empty lawn"'
    for page in (f"/rounds/{setup.round.id}/proposals", response.headers["Location"]):
        html = client.get(page).get_data(as_text=True)
        assert img in html and "Pond Lane, W1" in html
    served = app.test_client().get(f"/media/{proposal.image_id}")
    assert (served.status_code, served.mimetype) == (200, "image/jpeg")


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        ((PDF, "photo.jpg"), "A pond", "not a JPEG, PNG or WebP"),
        ((b"<svg onload='alert(1)'/>", "x.svg"), "A pond", "not a JPEG, PNG or WebP"),
        ((png_claiming(100_000, 100_000), "bomb.png"), "A pond", "too many pixels"),
        ((picture("PNG")[:-30], "cut.png"), "A pond", "damaged"),
        ((picture("PNG"), "fine.png"), "", "Describe the image"),
    ],
    ids=["pdf", "svg", "bomb", "cut", "no-alt"],
)
def test_hostile_pictures_are_refused_and_nothing_is_written(
    app: Flask, upload: tuple[bytes, str], alt: str, message: str
) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    client = signed_in(app, setup.voters[0])
    before = factories.row_counts()
    data = _form(setup, image=(io.BytesIO(upload[0]), upload[1]), image_alt=alt)
    response = client.post(f"/rounds/{setup.round.id}/proposals/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    after = factories.row_counts()
    assert {k: v for k, v in after.items() if k != "user_sessions"} == {
        k: v for k, v in before.items() if k != "user_sessions"
    }
    assert db.session.scalars(select(Media)).all() == []


def test_a_location_too_long_is_refused(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    client = signed_in(app, setup.voters[0])
    response = client.post(
        f"/rounds/{setup.round.id}/proposals/new", data=_form(setup, location="x" * 201)
    )
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalars(select(Proposal)).all() == []


def test_a_file_where_text_was_expected_is_refused(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    client = signed_in(app, setup.voters[0])
    response = client.post(
        f"/rounds/{setup.round.id}/proposals/new",
        data=_form(setup, title=(io.BytesIO(b"a file where text goes"), "t.txt")),
    )
    assert 400 <= response.status_code < 500


def test_editing_replaces_the_picture_and_keeps_it_when_none_is_chosen(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, costs=(), voters=1)
    client = signed_in(app, setup.voters[0])
    first = _form(setup, image=(io.BytesIO(picture("PNG")), "a.png"), image_alt="Before")
    assert client.post(f"/rounds/{setup.round.id}/proposals/new", data=first).status_code == 302
    db.session.rollback()
    proposal = db.session.scalars(select(Proposal)).one()
    url = f"/proposals/{proposal.id}/edit"
    assert client.post(url, data=_form(setup, location="Mill Lane")).status_code == 302
    db.session.rollback()
    assert (proposal.image.alt_text, proposal.location) == ("Before", "Mill Lane")
    second = _form(setup, image=(io.BytesIO(picture("WEBP")), "b.webp"), image_alt="After")
    assert client.post(url, data=second).status_code == 302
    db.session.rollback()
    assert (proposal.image.alt_text, proposal.image.content_type) == ("After", "image/webp")
