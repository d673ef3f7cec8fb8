"""The rule comparison and the voter's explanation in a real browser (Chromium, a real
gunicorn): axe-core finds no WCAG A/AA violation in English and Urdu, at phone and desktop
sizes; the explanation works by keyboard; the upload page compares a real pabulib file."""

from __future__ import annotations

from typing import Any

import pytest

from tests.allocation.conftest import LOCAL_PABULIB
from tests.browser.conftest import DESKTOP, PHONE, Site, axe_page, screenshot
from tests.browser.test_accessibility import LOCALES, audit

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
