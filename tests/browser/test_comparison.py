"""The rule comparison and the voter's explanation in a real browser (Chromium, a real
gunicorn): axe-core finds no WCAG A/AA violation in English and Urdu, at phone and desktop
sizes; the explanation works by keyboard; the upload page compares a real pabulib file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from pb.accounts.models import Role
from pb.extensions import db
from pb.wards.models import Ward
from tests import factories
from tests.allocation.conftest import LOCAL_PABULIB
from tests.browser.conftest import DESKTOP, PHONE, Site, axe_page, screenshot, sign_in
from tests.browser.test_accessibility import LOCALES, audit
from tests.conftest import make_app

pytestmark = pytest.mark.browser
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_comparison_and_explanation_have_no_wcag_violations(
    browser: Any, site: Site, lang: str, size: str
) -> None:
    problems: list[str] = []
    base, round_id = site.base, site.rounds["published"]

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ur" else "ltr")
        problems.extend(audit(page, f"{lang}/{size}/{name}"))
        screenshot(page, f"{lang}-{size}-{name}")

    with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
        page.goto(f"{base}/rounds/{round_id}/results/compare")
        assert page.locator("table.table tbody tr").count() >= 8  # one row per rule
        check("compare")
        page.goto(f"{base}/rounds/{round_id}/results/why")
        check("why")
        # by keyboard only: tick the first two projects, submit with Enter
        page.focus("input[name='choice']")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        page.wait_for_selector("#answer-heading")
        assert page.locator("ol.explanations li").count() == 2
        check("why-answered")
        page.goto(f"{base}/rules")
        check("rules")
        page.goto(f"{base}/compare")
        check("upload")
        page.set_input_files("#file", str(LOCAL_PABULIB / "Poland_Swiecie_2023.pb"))
        page.click("#submit")
        page.wait_for_selector("#table-heading")
        check("upload-compared")
    assert problems == [], "\n".join(problems)


def councillor_of_riverside(site: Site) -> str:
    """A councillor of the seeded ward, added to the running site's database."""
    app = make_app(site.database_url)
    with app.app_context():
        home = db.session.scalar(select(Ward).where(Ward.code == "RV"))
        email = factories.user(Role.COUNCILLOR, wards_=[home]).email
        db.session.commit()
        db.engine.dispose()
    return email


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_the_round_form_offers_the_rules_of_the_chosen_format(
    browser: Any, site: Site, lang: str
) -> None:
    with axe_page(browser, DESKTOP, LOCALES[lang]) as page:
        sign_in(page, site, councillor_of_riverside(site))
        page.goto(site.base + "/manage/rounds/new")
        phragmen = page.locator(".rule-option", has=page.locator("input[value='phragmen']"))
        assert phragmen.is_visible()  # approval, the default format
        page.check("#format-ranked")
        assert not phragmen.is_visible()  # Phragmén cannot count rankings
        equal_shares = page.locator(".rule-option", has=page.locator("input[value='equalshares']"))
        assert equal_shares.is_visible()
        assert page.locator("a[href*='compare']").count() >= 1  # last year's comparison
        problems = audit(page, f"{lang}/round-form")
        screenshot(page, f"{lang}-desktop-round-form")
    assert problems == [], "\n".join(problems)
