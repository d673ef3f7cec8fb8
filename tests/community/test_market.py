"""Market it: A4 posters with a QR code to the page, for a round, a funded project and a
volunteer task; Open Graph metadata on public pages."""

from __future__ import annotations

import re

from flask import Flask

from pb.rounds.models import Phase
from tests import factories
from tests.volunteering.helpers import funded_round, task


def _og(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="og:([a-z:]+)" content="([^"]*)">', page))


def test_posters_carry_a_qr_code_to_their_page(app: Flask) -> None:
    world = funded_round()
    the_task = task(world)
    round_id, project_id = world.setup.round.id, world.project.id
    client = app.test_client()
    for path, target in (
        (f"/rounds/{round_id}/poster", f"/rounds/{round_id}"),
        (
            f"/rounds/{round_id}/projects/{project_id}/poster",
            f"/rounds/{round_id}/projects/{project_id}",
        ),
        (f"/tasks/{the_task.id}/poster", f"/tasks/{the_task.id}"),
    ):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "<svg" in page and 'class="qr"' in page
        assert f"http://localhost{target}</span>" in page  # the address the code holds
    from pb.config import PROJECT_ROOT

    assert "size: A4" in (PROJECT_ROOT / "static/css/site.css").read_text(encoding="utf-8")


def test_no_poster_for_a_project_that_was_not_funded_or_a_draft(app: Flask) -> None:
    world = funded_round()
    unfunded = next(p for p in world.setup.projects if p.id != world.project.id)
    client = app.test_client()
    round_id = world.setup.round.id
    from pb.results import services as results

    if not results.is_funded(unfunded):
        assert client.get(f"/rounds/{round_id}/projects/{unfunded.id}/poster").status_code == 404
    draft = factories.round_in_phase(Phase.DRAFT)
    assert client.get(f"/rounds/{draft.round.id}/poster").status_code == 404


def test_public_pages_carry_open_graph_metadata(app: Flask) -> None:
    world = funded_round()
    the_task = task(world)
    client = app.test_client()
    round_page = _og(client.get(f"/rounds/{world.setup.round.id}").get_data(as_text=True))
    assert round_page["title"] == "Test round"
    assert round_page["description"] == "A round built by the test suite."
    assert round_page["image"] == "http://localhost/static/img/og.png"
    path = f"/rounds/{world.setup.round.id}/projects/{world.project.id}"
    project = _og(client.get(path).get_data(as_text=True))
    assert project["title"] == world.project.title and project["url"] == f"http://localhost{path}"
    task_page = _og(client.get(f"/tasks/{the_task.id}").get_data(as_text=True))
    assert task_page["title"] == "Plant bulbs" and task_page["description"] == "Along the path."
    home = _og(client.get("/").get_data(as_text=True))
    assert home["title"] == "Ward budgets"
    image = client.get("/static/img/og.png")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    image.close()
