"""Text residents write keeps its own direction inside pages of the other direction, and the
built-in categories read in the reader's language."""

from __future__ import annotations

import re

from flask import Flask

from pb.i18n import BUILT_IN_CATEGORIES
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories


def test_user_written_text_has_its_own_direction_on_urdu_pages(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}])
    project = setup.projects[0]
    page = app.test_client().get(
        f"/rounds/{setup.round.id}/projects/{project.id}", headers={"Accept-Language": "ur"}
    )
    text = page.get_data(as_text=True)
    assert 'dir="rtl"' in text
    assert re.search(r'<h1 dir="auto">\s*Project 1', text)
    assert '<div class="prose" dir="auto">A project the test suite proposed.' in text
    assert f"<bdi>{project.author.display_name}</bdi>" in text
    listing = app.test_client().get(f"/rounds/{setup.round.id}", headers={"Accept-Language": "ur"})
    assert re.search(r'<a dir="auto" href="[^"]+">Project 1</a>', listing.get_data(as_text=True))


def test_built_in_categories_are_translated_unless_the_council_translated_them(
    app: Flask,
) -> None:
    assert tuple(BUILT_IN_CATEGORIES) == rounds.DEFAULT_CATEGORIES
    setup = factories.round_in_phase(
        Phase.VOTING, ballots=[{0: 1}], categories=["Green spaces", "Parks"]
    )
    visitor = app.test_client()
    visitor.post("/language", data={"lang": "pl"})
    ballot_page = visitor.get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Parks" in ballot_page  # the council's own category stays as written
    form = app.test_client()
    factories.login(form, factories.user(home=setup.ward))
    form.post("/language", data={"lang": "pl"})
    setup_open = factories.round_in_phase(
        Phase.PROPOSALS, ward_=setup.ward, categories=["Green spaces", "Parks"]
    )
    page = form.get(f"/rounds/{setup_open.round.id}/proposals/new").get_data(as_text=True)
    assert '<option value="Green spaces">Tereny zielone</option>' in page
    setup_open.round.translations = {"pl": {"category:Green spaces": "Zieleń miejska"}}
    factories.db.session.commit()
    page = form.get(f"/rounds/{setup_open.round.id}/proposals/new").get_data(as_text=True)
    assert '<option value="Green spaces">Zieleń miejska</option>' in page
