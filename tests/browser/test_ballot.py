"""Voting in a real browser: keyboard only in every format, without JavaScript, the live meter
against the server's own validation, and an over-budget ballot refused with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from pb.voting import meter
from pb.voting.formats import BallotItem, get_format
from pb.voting.models import Ballot
from tests.browser.conftest import DESKTOP, PHONE, Site, screenshot, sign_in
from tests.conftest import make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    yield context.new_page()
    context.close()


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until `selector` has the focus: proves it is reachable by keyboard alone."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def stored_ballots(site: Site, name: str) -> list[dict[int, int]]:
    app = make_app(site.database_url)
    with app.app_context():
        from pb.extensions import db

        query = sa.select(Ballot).where(Ballot.round_id == site.rounds[name])
        found = [{c.proposal_id: c.value for c in b.choices} for b in db.session.scalars(query)]
        db.engine.dispose()
    return found


def confirm_by_keyboard(page: Any) -> None:
    tab_to(page, "#review-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Check your choices")
    tab_to(page, "#confirm-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Your vote is recorded')")


def test_approval_by_keyboard_only(page: Any, site: Site) -> None:
    sign_in(page, site, site.voter())
    first, _, third, _ = site.projects["approval"]
    page.goto(f"{site.base}/rounds/{site.rounds['approval']}/ballot")
    tab_to(page, f"#project-{first}")
    page.keyboard.press("Space")
    tab_to(page, f"#project-{third}")
    page.keyboard.press("Space")
    assert "2 of at most 2" in page.inner_text("#meter-status")
    confirm_by_keyboard(page)
    assert {first: 1, third: 1} in stored_ballots(site, "approval")


def test_knapsack_by_keyboard_only(page: Any, site: Site) -> None:
    sign_in(page, site, site.voter())
    first, _, third, fourth = site.projects["knapsack"]
    page.goto(f"{site.base}/rounds/{site.rounds['knapsack']}/ballot")
    for project in (first, third, fourth):
        tab_to(page, f"#project-{project}")
        page.keyboard.press("Space")
    status = "Chosen: £950.00 of £1,000.00. Left: £50.00."
    assert page.inner_text("#meter-status").strip() == status
    confirm_by_keyboard(page)
    assert {first: 1, third: 1, fourth: 1} in stored_ballots(site, "knapsack")


def test_ranked_by_keyboard_only_with_reordering(page: Any, site: Site) -> None:
    sign_in(page, site, site.voter())
    first, second, _, _ = site.projects["ranked"]
    page.goto(f"{site.base}/rounds/{site.rounds['ranked']}/ballot")
    tab_to(page, f"#project-{first}")
    page.keyboard.press("ArrowDown")  # rank 1
    tab_to(page, f"#project-{second}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # rank 2
    assert page.input_value(f"#project-{second}") == "2"
    # Reorder without dragging: "Move up" on the second project, from the keyboard.
    tab_to(page, f"#ranking-list li[data-project='{second}'] button[data-move='up']")
    page.keyboard.press("Enter")
    assert page.input_value(f"#project-{second}") == "1"
    assert page.input_value(f"#project-{first}") == "2"
    assert "is now number 1" in page.inner_text("#ranking-announce")
    titles = page.locator("#ranking-list .ranking-title").all_inner_texts()
    assert titles[0] == page.get_attribute(
        f"li.project-card[data-project='{second}']", "data-title"
    )
    confirm_by_keyboard(page)
    assert {second: 1, first: 2} in stored_ballots(site, "ranked")


def test_cumulative_by_keyboard_only(page: Any, site: Site) -> None:
    sign_in(page, site, site.voter())
    first, second, _, _ = site.projects["cumulative"]
    page.goto(f"{site.base}/rounds/{site.rounds['cumulative']}/ballot")
    tab_to(page, f"#project-{first}")
    page.keyboard.type("4")
    tab_to(page, f"#project-{second}")
    page.keyboard.type("5")
    assert "Points used: 9 of 10" in page.inner_text("#meter-status")
    confirm_by_keyboard(page)
    assert {first: 4, second: 5} in stored_ballots(site, "cumulative")


@pytest.mark.parametrize("name", ["approval", "knapsack", "ranked", "cumulative"])
def test_voting_without_javascript(browser: Any, site: Site, name: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site, site.voter())
        projects = site.projects[name]
        page.goto(f"{site.base}/rounds/{site.rounds[name]}/ballot")
        # The filter works as a plain form too, and keeps what was already chosen.
        choose = {"approval": "1", "knapsack": "1", "ranked": "2", "cumulative": "3"}[name]
        _set(page, name, projects[3], "1")
        page.select_option("#filter-category", "Community")
        # without JavaScript the filter is a form: read the page it answers with, not the old one
        with page.expect_navigation():
            page.click("#filter-apply")
        assert page.is_hidden(f"li.project-card[data-project='{projects[0]}']")
        assert page.is_visible(f"li.project-card[data-project='{projects[2]}']")
        _set(page, name, projects[2], choose)
        page.select_option("#filter-category", "")
        with page.expect_navigation():
            page.click("#filter-apply")
        page.click("#review-button")
        page.wait_for_selector("text=Check your choices")
        page.click("#confirm-button")
        page.wait_for_selector("h1:has-text('Your vote is recorded')")
        expected = {projects[3]: 1, projects[2]: int(choose)}
        assert expected in stored_ballots(site, name)
    finally:
        context.close()


def _set(page: Any, name: str, project: int, value: str) -> None:
    selector = f"#project-{project}"
    if name in ("approval", "knapsack"):
        page.check(selector)
    elif name == "ranked":
        page.select_option(selector, value)
    else:
        page.fill(selector, value)


MIRROR_CASES: dict[str, list[dict[int, str]]] = {
    "approval": [{}, {0: "1"}, {0: "1", 1: "1"}, {0: "1", 1: "1", 2: "1"}],
    "knapsack": [{}, {0: "1"}, {0: "1", 1: "1"}, {0: "1", 1: "1", 2: "1"}, {1: "1", 2: "1"}],
    "ranked": [
        {},
        {0: "1"},
        {0: "2"},
        {0: "1", 1: "1"},
        {0: "1", 1: "3"},
        {0: "2", 1: "1"},
        {0: "1", 1: "2", 2: "3"},
    ],
    "cumulative": [
        {},
        {0: "5"},
        {0: "6"},
        {0: "5", 1: "5"},
        {0: "5", 1: "5", 2: "1"},
        {0: "8", 1: "6"},  # both limits broken: both said at once, and "over by", never "-4 left"
        {0: "1.5"},
        {0: "-2"},
        {0: "007"},
    ],
}


@pytest.mark.parametrize("name", sorted(MIRROR_CASES))
def test_live_meter_says_what_the_server_says(page: Any, site: Site, name: str) -> None:
    sign_in(page, site, site.voter())
    page.goto(f"{site.base}/rounds/{site.rounds[name]}/ballot")
    projects = site.projects[name]
    fmt = get_format(name)
    items = [BallotItem(id=p, cost=c) for p, c in zip(projects, site.costs[name], strict=True)]
    app = make_app("sqlite://")
    for case in MIRROR_CASES[name]:
        values = {f"project-{projects[index]}": raw for index, raw in case.items()}
        # Set the inputs directly and fire "input" only: the pure mirror, no ranking helpers.
        page.evaluate(
            """(values) => {
                for (const input of document.querySelectorAll("[name^='project-']")) {
                    const raw = values[input.name] ?? "";
                    if (input.type === "checkbox") input.checked = raw !== "";
                    else if (input.tagName === "SELECT") input.value = raw;
                    else { input.type = "text"; input.value = raw; }
                }
                document.getElementById("ballot-form").dispatchEvent(new Event("input"));
            }""",
            values,
        )
        with app.test_request_context():
            try:
                choices = fmt.parse(values, items)
                expected = fmt.validate(choices, items, site.params[name], site.budgets[name])
                status = meter.state(
                    fmt, site.params[name], site.budgets[name], "GBP", items, choices
                ).status
            except ValueError as error:
                expected, status = [str(error)], None
        if status and name == "cumulative":  # points only: money is formatted by the browser
            assert page.inner_text("#meter-status").strip() == status, (case, status)
        shown = page.inner_text("#meter-problem").strip()
        if expected:
            assert shown == " ".join(expected), (case, shown, expected)
        else:
            assert shown == "Your ballot is ready: review it to continue.", (case, shown)


def test_over_budget_is_marked_then_refused_with_a_clear_message(page: Any, site: Site) -> None:
    sign_in(page, site, site.voter())
    first, second, third, fourth = site.projects["knapsack"]
    page.goto(f"{site.base}/rounds/{site.rounds['knapsack']}/ballot")
    page.check(f"#project-{first}")
    page.check(f"#project-{second}")
    # 80,000 of 100,000 spent: the 25,000 and 40,000 projects no longer fit, and say so.
    for project in (third, fourth):
        card = page.locator(f"li.project-card[data-project='{project}']")
        assert "does-not-fit" in (card.get_attribute("class") or "")
        assert "Does not fit the budget left" in card.locator(".fit-note").inner_text()
    page.check(f"#project-{third}")
    message = "Your choices cost more than the budget. Remove a project to continue."
    assert page.inner_text("#meter-problem").strip() == message
    screenshot(page, "en-desktop-ballot-knapsack-over-budget")
    page.click("#review-button")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert message in summary.inner_text()
    # Nothing was lost: the choices are still ticked, ready to correct.
    assert page.is_checked(f"#project-{first}") and page.is_checked(f"#project-{third}")
