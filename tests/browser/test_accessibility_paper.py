"""axe-core on the paper entry pages (issue 11, item 5): the officers' list of rounds, a round's
batches, keying a batch (with a refused line), the reconciliation queue, and the results page
with turnout by channel, in English, Polish and Urdu."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.extensions import db
from pb.paper import services as paper
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import audit
from tests.conftest import make_app
from tests.live import gunicorn
from tests.paper.helpers import key_and_publish, lines, paper_round

pytestmark = pytest.mark.browser
LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}


@pytest.fixture(scope="module")
def paper_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_browser()
    path = tmp_path_factory.mktemp("paper-site") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        run = paper_round(marks=4, online=1)
        with factories.writing():
            batch = paper.open_batch(run.round, run.setup.ward.id, "Box 1", 2, actor=run.first)
            paper.enter_reading(run.round, batch, lines(run.setup, (0,), (1,)), actor=run.first)
            paper.enter_reading(run.round, batch, lines(run.setup, (0,), (2,)), actor=run.second)
            waiting = paper.open_batch(run.round, run.setup.ward.id, "Box 2", 2, actor=run.first)
        published = paper_round(marks=2, online=1)
        key_and_publish(published, (0,), (1, 2))
        site = {
            "officer": run.first.email,
            "round": run.round.id,
            "reconciling": batch.id,
            "waiting": waiting.id,
            "published": published.round.id,
        }
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_paper_pages_have_no_wcag_violations(browser: Any, paper_site: dict, lang: str) -> None:
    problems: list[str] = []
    base, round_id = paper_site["base"], paper_site["round"]
    size = PHONE if lang == "ur" else DESKTOP

    def check(name: str) -> None:
        problems.extend(audit(page, f"{lang}/{name}"))
        screenshot(page, f"{lang}-paper-{name}")

    with axe_page(browser, size, LOCALES[lang]) as page:
        page.goto(f"{base}/rounds/{paper_site['published']}/results")
        check("results-by-channel")
        _sign_in(page, base, paper_site["officer"])
        page.goto(base + "/manage/paper")
        check("rounds")
        page.goto(f"{base}/manage/rounds/{round_id}/paper")
        check("round")
        page.goto(f"{base}/manage/rounds/{round_id}/paper/batches/{paper_site['reconciling']}")
        check("reconcile")
        page.goto(f"{base}/manage/rounds/{round_id}/paper/batches/{paper_site['waiting']}")
        check("key")
        page.fill("#sheets", "1\nnot a ballot")
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector(".error-summary, #error-summary, .error-message")
        check("key-refused")
    assert problems == [], "\n".join(problems)
