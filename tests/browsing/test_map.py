"""Maps are off unless the council names its own tile server: off, nothing map-related is on the
proposal page; on, only the marked location (the extension point), and still no third-party
script."""

from __future__ import annotations

from flask import Flask

from pb.db import writing
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.conftest import custom_app


def _located_proposal() -> tuple[int, int]:
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    with writing():
        setup.projects[0].location = "Mill Lane, RV1 2AB"
        db.session.commit()
    return setup.round.id, setup.projects[0].id


def test_no_map_by_default(app: Flask) -> None:
    round_id, proposal_id = _located_proposal()
    html = app.test_client().get(f"/rounds/{round_id}/projects/{proposal_id}").text
    assert "Mill Lane, RV1 2AB" in html
    assert "data-map" not in html and "tiles" not in html


def test_a_council_tile_server_marks_the_location(database_url: str) -> None:
    tiles = "https://tiles.council.example/{z}/{x}/{y}.png"
    with custom_app(database_url, MAP_TILES_URL=tiles) as app:
        round_id, proposal_id = _located_proposal()
        html = app.test_client().get(f"/rounds/{round_id}/projects/{proposal_id}").text
    assert f'data-map-tiles="{tiles}"' in html and 'data-map-place="Mill Lane, RV1 2AB"' in html
    assert '<script src="http' not in html
