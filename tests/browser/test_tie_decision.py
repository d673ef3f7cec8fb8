"""The councillor's tie decision in a real browser without JavaScript: the form on the results
page of a counted round, its submission, and the decision shown; axe-core on both pages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.browser.conftest import DESKTOP, Site, axe_page, sign_in
from tests.browser.test_accessibility import audit
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tied(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("ties") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    site = Site(base="", database_url=url)
    app = make_app(url)
    with app.app_context():
        setup = factories.round_in_phase(
            Phase.CLOSED, costs=[10_000] * 3, budget=10_000, ballots=[{0: 1, 1: 1}]
        )
        site.rounds["closed"] = setup.round.id
        site.projects["closed"] = [p.id for p in setup.projects]
        site.voters = [setup.councillor.email]
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=2) as base:
        site.base = base
        yield site


@pytest.mark.parametrize("locale", ["en-GB", "ur-PK"])
def test_a_councillor_records_a_tie_decision_without_javascript(
    browser: Any, tied: Site, locale: str
) -> None:
    first, second, _ = tied.projects["closed"]
    with axe_page(browser, DESKTOP, locale) as page:
        sign_in(page, tied, tied.voters[0])
        page.goto(f"{tied.base}/rounds/{tied.rounds['closed']}/results")
        problems = audit(page, f"{locale}/closed-results")
        if locale == "en-GB":
            page.fill("#order", f"{second}, {first}")
            page.fill("#reason", "Drawn by lot at the council meeting")
            page.click("form[action$='tie-decision'] button[type=submit]")
            page.wait_for_selector(".success-banner, .flash, [role=status]")
            text = page.inner_text("main")
            assert "Tie decided by the council" in text
            assert "Reason: Drawn by lot at the council meeting" in text
            problems += audit(page, f"{locale}/decided")
    assert problems == [], "\n".join(problems)
