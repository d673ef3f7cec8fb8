"""axe-core on browsing and following proposals (issue 17, item 2): the cards with pictures, the
filter form, a published round's funded filter, a proposal with its picture, location and follow
box, the Following page with its e-mail choice, and the proposal form with its picture field; in
English, Polish and Urdu (right to left), on the demo."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pb import demo
from pb.db import writing
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds.models import Phase, Round
from tests.browser.conftest import axe_page, require_browser, screenshot
from tests.browser.test_accessibility import SIZES, audit
from tests.browser.test_accessibility_deliberation import _sign_in
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}


@pytest.fixture(scope="module")
def browsing_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    require_browser()
    path = tmp_path_factory.mktemp("browsing-demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        with writing():
            demo.load()
            db.session.commit()
        rounds = {r.phase: r for r in db.session.scalars(sa.select(Round))}
        youth, published = rounds[Phase.PROPOSALS], rounds[Phase.PUBLISHED]
        pictured = db.session.scalars(
            sa.select(Proposal).where(Proposal.image_id.is_not(None)).order_by(Proposal.id)
        ).first()
        assert pictured is not None
        y = youth.id
        site: dict[str, Any] = {
            "anonymous": {
                "cards": f"/rounds/{y}/proposals",
                "cards-filtered": f"/rounds/{y}/proposals?status=submitted&sort=discussed",
                "cards-funded": f"/rounds/{published.id}/proposals?status=funded",
                "round-cards": f"/rounds/{y}",
                "proposal-picture": f"/rounds/{y}/projects/{pictured.id}",
            },
            "citizen": {
                "proposal-followed": f"/rounds/{y}/projects/{pictured.id}",
                "following-choice": "/following",
                "propose-picture": f"/rounds/{y}/proposals/new",
            },
        }
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_browsing_pages_have_no_wcag_violations(
    browser: Any, browsing_site: dict[str, Any], lang: str
) -> None:
    problems: list[str] = []
    audited: list[str] = []
    base = browsing_site["base"]
    for size in sorted(SIZES):
        with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
            for name, path in browsing_site["anonymous"].items():
                problems += _check(page, base + path, lang, size, name)
                audited.append(name)
            _sign_in(page, base, "citizen@demo.test")
            for name, path in browsing_site["citizen"].items():
                problems += _check(page, base + path, lang, size, name)
                audited.append(name)
    pages = len(browsing_site["anonymous"]) + len(browsing_site["citizen"])
    assert len(audited) == pages * len(SIZES)
    assert problems == [], "\n".join(problems)


def _check(page: Any, url: str, lang: str, size: str, name: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{name}: {url}"
    assert page.evaluate("document.documentElement.lang") == lang
    assert (page.evaluate("document.documentElement.dir") == "rtl") == (lang == "ur")
    if size == "desktop":
        screenshot(page, f"browsing-{lang}-{name}")
    return audit(page, f"{lang}/{size}/{name}")
