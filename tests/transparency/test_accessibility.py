"""axe-core on the transparency pages and the bulletin board (WCAG 2.x A and AA), in English on
a desktop and in Urdu (right to left) on a phone, through a real browser and server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Site, axe_page, screenshot
from tests.browser.test_accessibility import audit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "locale", "viewport"), [("en", "en-GB", DESKTOP), ("ur", "ur-PK", PHONE)]
)
def test_transparency_pages_have_no_wcag_violations(
    browser: Any, site: Site, lang: str, locale: str, viewport: dict[str, int]
) -> None:
    problems: list[str] = []
    published, voting = site.rounds["published"], site.rounds["knapsack"]
    pages = {
        "checkpoints": "/transparency",
        "round-transparency": f"/rounds/{published}/transparency",
        "board": f"/rounds/{published}/board",
        "board-during-voting": f"/rounds/{voting}/board",
        "board-bad-lookup": f"/rounds/{published}/board?receipt=not-a-code",
    }
    with axe_page(browser, viewport, locale) as page:
        for name, path in pages.items():
            page.goto(site.base + path)
            assert page.evaluate("document.documentElement.lang") == lang
            problems.extend(audit(page, f"{lang}/{name}"))
            screenshot(page, f"transparency-{lang}-{name}")
        code = page.goto(site.base + f"/rounds/{published}/board")
        assert code is not None and code.status == 200
        short = page.locator(".receipts code").first.inner_text()  # receipts are listed apart
        page.fill("#receipt", short)
        page.keyboard.press("Enter")
        page.wait_for_selector("[role=status]")
        problems.extend(audit(page, f"{lang}/board-found"))
        screenshot(page, f"transparency-{lang}-board-found")
    assert problems == [], "\n".join(problems)
