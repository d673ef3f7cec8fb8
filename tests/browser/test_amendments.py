"""Extending voting and ending it early in a real browser without JavaScript, in English and
Urdu: the councillor's round page (with a refused date), the public round, transparency and results
pages that show the reason; axe-core on each."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, Site, axe_page, screenshot, sign_in
from tests.browser.test_accessibility import audit
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LOCALES = ("en-GB", "ur-PK")


@pytest.fixture(scope="module")
def voting(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("amend") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    site = Site(base="", database_url=url)
    app = make_app(url)
    with app.app_context():
        for locale in LOCALES:
            setup = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}])
            site.rounds[locale] = setup.round.id
            later = setup.round.voting_close_at + timedelta(days=3)
            site.params[locale] = {"later": later.strftime("%Y-%m-%dT%H:%M")}
            site.voters.append(setup.councillor.email)
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=2) as base:
        site.base = base
        yield site


@pytest.mark.parametrize("locale", LOCALES)
def test_a_councillor_extends_then_ends_voting_without_javascript(
    browser: Any, voting: Site, locale: str
) -> None:
    round_id = voting.rounds[locale]
    councillor = voting.voters[LOCALES.index(locale)]
    problems: list[str] = []
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        with axe_page(browser, viewport, locale) as page:
            sign_in(page, voting, councillor)
            page.goto(f"{voting.base}/manage/rounds/{round_id}")
            problems += audit(page, f"{locale}/{size}/manage")
            if size == "phone":
                screenshot(page, f"amend-manage-{locale}-phone")
                continue
            page.fill("#extend-close_at", "2001-01-01T10:00")
            page.fill("#extend-reason", "Outage on Saturday")
            page.click("form[action$='/extend-voting'] [type=submit]")
            assert page.locator("#extend-close_at[aria-invalid=true]").count() == 1
            problems += audit(page, f"{locale}/{size}/refused")
            page.fill("#extend-close_at", voting.params[locale]["later"])
            page.fill("#extend-reason", "The site was down for six hours on Saturday")
            page.click("form[action$='/extend-voting'] [type=submit]")
            page.wait_for_url(f"**/manage/rounds/{round_id}")
            page.goto(f"{voting.base}/rounds/{round_id}")
            assert "The site was down for six hours on Saturday" in page.inner_text("main")
            problems += audit(page, f"{locale}/{size}/public-round")
            screenshot(page, f"amend-public-{locale}-desktop")
            page.goto(f"{voting.base}/rounds/{round_id}/transparency")
            problems += audit(page, f"{locale}/{size}/transparency")
            page.goto(f"{voting.base}/manage/rounds/{round_id}")
            page.fill("#end-reason", "The council decided to close early")
            page.click("form[action$='/end-voting'] [type=submit]")
            page.wait_for_url(f"**/manage/rounds/{round_id}")
            page.goto(f"{voting.base}/rounds/{round_id}/results")
            assert "The council decided to close early" in page.inner_text("main")
            problems += audit(page, f"{locale}/{size}/results")
    assert problems == [], "\n".join(problems)
