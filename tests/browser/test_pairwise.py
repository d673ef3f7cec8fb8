"""The pairwise ballot in a real browser: keyboard only, without JavaScript, and axe-core on the
ballot, its review, a refused ballot, the results and the board, in English and Urdu."""

from __future__ import annotations

from typing import Any

import pytest

from pb.audit.pairwise import decode, encode
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.browser.conftest import (
    COSTS,
    DESKTOP,
    PHONE,
    Site,
    axe_page,
    screenshot,
    sign_in,
)
from tests.browser.test_accessibility import audit
from tests.browser.test_ballot import stored_ballots, tab_to
from tests.conftest import make_app

pytestmark = pytest.mark.browser


def shown_pairs(page: Any) -> list[tuple[int, int]]:
    """The pairs the page shows, read from the radio buttons (skip excluded)."""
    found = page.eval_on_selector_all(
        "fieldset.pair",
        "sets => sets.map(s => [...s.querySelectorAll('input[type=radio]')]"
        ".map(r => r.value).filter(v => v !== 'skip').map(Number))",
    )
    return [(a, b) for a, b in found]


@pytest.fixture(scope="module")
def published(site: Site) -> int:
    """A counted, published pairwise round (written to the running site's database)."""
    app = make_app(site.database_url)
    with app.app_context():
        setup = factories.round_in_phase(
            Phase.PUBLISHED,
            costs=COSTS,
            ballots=[encode([(0, 1), (2, 3)]), encode([(0, 2)]), encode([(3, 1)])],
            ballot_format="pairwise",
            ballot_params={"pairs": 2},
            rule="pairwise-copeland",
        )
        round_id = setup.round.id
        db.session.commit()
        db.engine.dispose()
    return round_id


def test_pairwise_by_keyboard_only(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, site, site.voter())
        page.goto(f"{site.base}/rounds/{site.rounds['pairwise']}/ballot")
        (first, second), (third, fourth) = shown_pairs(page)
        # Tab lands on the checked radio of a group ("skip"); the arrows choose within the pair
        tab_to(page, "#pair-1-skip")
        page.keyboard.press("ArrowUp")  # the second project of the pair
        page.keyboard.press("ArrowUp")  # the first
        assert page.is_checked(f"#pair-1-{first}")
        tab_to(page, "#pair-2-skip")  # the next pair is left skipped
        tab_to(page, "#review-button")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Check your choices")
        assert "You would rather fund" in page.inner_text("main")
        tab_to(page, "#confirm-button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:has-text('Your vote is recorded')")
    finally:
        context.close()
    assert [(first, second)] in [decode(b) for b in stored_ballots(site, "pairwise")]
    del third, fourth


def test_pairwise_without_javascript(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site, site.voter())
        page.goto(f"{site.base}/rounds/{site.rounds['pairwise']}/ballot")
        (first, second), (third, fourth) = shown_pairs(page)
        page.click("#review-button")  # every pair skipped: refused, the same pairs shown again
        page.wait_for_selector("#error-summary")
        assert "Answer at least one pair" in page.inner_text("#error-summary")
        assert shown_pairs(page) == [(first, second), (third, fourth)]
        page.check(f"#pair-1-{second}")
        page.check(f"#pair-2-{third}")
        page.click("#review-button")
        page.wait_for_selector("text=Check your choices")
        page.click("#confirm-button")
        page.wait_for_selector("h1:has-text('Your vote is recorded')")
    finally:
        context.close()
    expected = sorted([(second, first), (third, fourth)], key=min)
    assert expected in [decode(b) for b in stored_ballots(site, "pairwise")]


@pytest.mark.parametrize("lang, locale", [("en", "en-GB"), ("ur", "ur-PK")])
def test_pairwise_pages_have_no_wcag_violations(
    browser: Any, site: Site, published: int, lang: str, locale: str
) -> None:
    problems: list[str] = []
    with axe_page(browser, PHONE, locale) as page:

        def check(name: str) -> None:
            assert page.evaluate("document.documentElement.lang") == lang
            problems.extend(audit(page, f"{lang}/{name}"))
            screenshot(page, f"{lang}-pairwise-{name}")

        page.goto(f"{site.base}/rounds/{published}/results")
        assert "Head to head" in page.inner_text("main") or lang == "ur"
        check("results")
        page.goto(f"{site.base}/rounds/{published}/board")
        check("board")
        page.goto(f"{site.base}/rounds/{published}/transparency")
        check("transparency")
        sign_in(page, site, site.voter())
        page.goto(f"{site.base}/rounds/{site.rounds['pairwise']}/ballot")
        check("ballot")
        page.click("#review-button")
        page.wait_for_selector("#error-summary")
        check("ballot-refused")
        first, second = shown_pairs(page)[0]
        page.check(f"#pair-1-{first}")
        page.click("#review-button")
        page.wait_for_selector("#confirm-button")
        check("review")
        del second
    assert problems == [], "\n".join(problems)
