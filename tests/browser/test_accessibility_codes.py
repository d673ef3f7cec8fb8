"""axe-core on the access-code pages (issue 11 item 3), in English, Polish and Urdu: typing a
code (empty, refused, a code that cannot be right flagged by the script), its ballot, the review,
the receipt; the officer's codes page, a refused revocation and the printable letters."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import audit
from tests.browser.test_accessibility_eligibility import _sign_in
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}


@pytest.fixture(scope="module")
def code_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_browser()
    folder = tmp_path_factory.mktemp("code-site")
    path = folder / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        setup = factories.round_in_phase(Phase.VOTING, verification_methods=["code"])
        issued = factories.access_codes(setup, count=len(LOCALES))
        site = {
            "round": setup.round.id,
            "project": setup.projects[0].id,
            "officer": setup.officer.email,
            "codes": dict(zip(sorted(LOCALES), issued, strict=True)),
        }
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_access_code_pages_have_no_wcag_violations(
    browser: Any, code_site: dict, lang: str
) -> None:
    problems: list[str] = []
    base = code_site["base"]
    size = PHONE if lang == "ur" else DESKTOP

    def check(name: str) -> None:
        problems.extend(audit(page, f"{lang}/{name}"))
        screenshot(page, f"{lang}-codes-{name}")

    with axe_page(browser, size, LOCALES[lang]) as page:
        page.goto(base + "/code")
        check("enter")
        page.fill("#code", "7K3M-Q9TZ-X2HD-5WVA-Q")  # a wrong check symbol: flagged by the script
        page.wait_for_selector("#code-check:not([hidden])")
        check("enter-flagged")
        page.click("#main form.stack [type=submit]")
        assert page.url.endswith("/code")  # the script kept the form from being sent
        page.fill("#code", "0000-0000-0000-0000-0")  # well formed, issued to nobody
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector(".error-summary")
        check("enter-refused")
        page.fill("#code", code_site["codes"][lang].lower())
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector("#ballot-form")
        check("ballot")
        page.check(f"#project-{code_site['project']}")
        page.click("#review-button")
        page.wait_for_selector("#confirm-button")
        check("review")
        page.click("#confirm-button")
        page.wait_for_selector(".success-banner")
        check("receipt")
        _sign_in(page, base, code_site["officer"])
        page.goto(f"{base}/rounds/{code_site['round']}/codes")
        check("officer")
        page.fill("#code", "NOBODY")
        page.click("form[action$='/revoke'] [type=submit]")
        page.wait_for_selector(".error-summary")
        check("revoke-refused")
        page.goto(f"{base}/rounds/{code_site['round']}/codes")
        page.fill("#count", "2")
        page.click("form[action$='/codes'] [type=submit]")
        page.wait_for_selector("article.letter")
        check("letters")
        assert page.locator("article.letter svg").count() == 2
    assert problems == [], "\n".join(problems)
