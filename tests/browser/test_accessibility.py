"""axe-core on every citizen page, in English and Urdu, at phone and desktop sizes.

The audit fails on any WCAG 2.0/2.1/2.2 A or AA violation. Screenshots of every page are written
to test-artifacts/screenshots/ (not committed) so a person can look at them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Site, axe_page, screenshot, sign_in

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SIZES = {"phone": PHONE, "desktop": DESKTOP}
LOCALES = {"en": "en-GB", "ur": "ur-PK"}


def audit(page: Any, label: str) -> list[str]:
    """axe's violations on the current page, one readable line each."""
    # Audit the page as its reader sees it: loaded, with its fonts (the Urdu font swapping in
    # during a run moved the header's links under axe's measurements once, after a form submit).
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async (tags) => { await document.fonts.ready;"
        " return await axe.run(document, {runOnly: {type: 'tag', values: tags}}); }",
        WCAG_TAGS,
    )
    return [
        f"{label}: {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_citizen_pages_have_no_wcag_violations(
    browser: Any, site: Site, lang: str, size: str
) -> None:
    problems: list[str] = []

    def check(name: str, shot: bool = False) -> None:
        assert page.evaluate("document.documentElement.lang") == lang
        expected_dir = "rtl" if lang == "ur" else "ltr"
        assert page.evaluate("document.documentElement.dir") == expected_dir
        problems.extend(audit(page, f"{lang}/{size}/{name}"))
        if shot:
            screenshot(page, f"{lang}-{size}-{name}")

    with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
        base = site.base
        page.goto(base + "/")
        check("home", shot=True)
        page.goto(f"{base}/rounds/{site.rounds['knapsack']}")
        check("round", shot=True)
        page.goto(base + "/login")
        check("login")
        page.goto(base + "/register")
        check("register")
        page.goto(f"{base}/rounds/{site.rounds['published']}/results")
        check("results", shot=True)
        sign_in(page, site, site.voter())
        for name in ("approval", "knapsack", "ranked", "cumulative", "pairwise"):
            page.goto(f"{base}/rounds/{site.rounds[name]}/ballot")
            check(f"ballot-{name}", shot=True)
        # the ballot with choices made, a project that no longer fits, and the ranking list
        ranked = site.projects["ranked"]
        page.goto(f"{base}/rounds/{site.rounds['ranked']}/ballot")
        page.select_option(f"#project-{ranked[0]}", "1")
        page.select_option(f"#project-{ranked[1]}", "2")
        check("ballot-ranked-chosen", shot=True)
        knapsack = site.projects["knapsack"]
        page.goto(f"{base}/rounds/{site.rounds['knapsack']}/ballot")
        for project in knapsack[:3]:
            page.check(f"#project-{project}")
        page.click("#review-button")  # over budget: the error summary
        page.wait_for_selector("#error-summary")
        check("ballot-knapsack-refused", shot=True)
        page.uncheck(f"#project-{knapsack[1]}")
        page.click("#review-button")
        page.wait_for_selector("#confirm-button")
        check("review", shot=True)
        page.click("#confirm-button")
        page.wait_for_selector(".success-banner")
        check("receipt", shot=True)
    assert problems == [], "\n".join(problems)
