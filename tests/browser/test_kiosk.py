"""Polling stations in a real browser: a person votes at a kiosk with the keyboard alone (the clerk
marks them at the desk in another browser), and axe-core finds nothing on the station and kiosk
pages in English, Polish and Urdu."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pb.accounts.models import Role
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import audit
from tests.browser.test_ballot import tab_to
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}
# One register entry per test person: the keyboard test, then one per language.
PEOPLE = {
    name: (f"K-{number}", "1970-01-0" + str(number), "KI1 1OS")
    for number, name in enumerate(("keyboard", *LOCALES), start=1)
}


@pytest.fixture(scope="module")
def station_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_browser()
    path = tmp_path_factory.mktemp("station-site") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "in_person"])
        factories.census([(*details, setup.ward.code) for details in PEOPLE.values()])
        clerk = factories.user(Role.POLL_CLERK, wards_=[setup.ward])
        site = {"round": setup.round.id, "clerk": clerk.email, "url": url}
        site["projects"] = [project.id for project in setup.projects]
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


def _sign_in(page: Any, site: dict) -> None:
    page.goto(site["base"] + "/login")
    page.fill("#email", site["clerk"])
    page.fill("#password", factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _open_kiosk(page: Any, site: dict) -> None:
    _sign_in(page, site)
    page.goto(f"{site['base']}/station/rounds/{site['round']}")
    page.click("#main form[action$='/kiosk'] [type=submit]")
    page.wait_for_url(lambda url: url.endswith("/kiosk"))


def _mark(desk: Any, site: dict, person: str) -> None:
    """At the desk: the person's details, to the newest kiosk (the one just opened)."""
    desk.goto(f"{site['base']}/station/rounds/{site['round']}")
    reference, born, postcode = PEOPLE[person]
    desk.fill("#col_reference", reference)
    desk.fill("#col_date_of_birth", born)
    desk.fill("#col_postcode", postcode)
    desk.locator("input[name=where][value^=kiosk-]").last.check()
    desk.click("#main form.stack [type=submit]")
    desk.wait_for_selector(".flash-success")


def _counts(site: dict) -> tuple[int, int]:
    with make_app(site["url"]).app_context():
        ballots = db.session.scalar(sa.select(sa.func.count(Ballot.id)))
        marked = db.session.scalar(sa.select(sa.func.count(Participation.id)))
        db.engine.dispose()
    return ballots or 0, marked or 0


def test_kiosk_voting_with_the_keyboard_only(browser: Any, station_site: dict) -> None:
    desk_context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    kiosk_context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    try:
        desk, kiosk = desk_context.new_page(), kiosk_context.new_page()
        _open_kiosk(kiosk, station_site)
        assert "This kiosk is locked" in kiosk.inner_text("main")
        _sign_in(desk, station_site)
        _mark(desk, station_site, "keyboard")
        before = _counts(station_site)
        # the voter: keyboard only, from the kiosk screen to the thank-you and back to locked
        kiosk.reload()
        tab_to(kiosk, "#start-voting")
        kiosk.keyboard.press("Enter")
        kiosk.wait_for_selector("#ballot-form")
        tab_to(kiosk, f"#project-{station_site['projects'][0]}")
        kiosk.keyboard.press("Space")
        tab_to(kiosk, "#review-button")
        kiosk.keyboard.press("Enter")
        kiosk.wait_for_selector("text=Check your choices")
        tab_to(kiosk, "#confirm-button")
        kiosk.keyboard.press("Enter")
        kiosk.wait_for_selector("h1:has-text('your vote is recorded')")
        screenshot(kiosk, "kiosk-done")
        tab_to(kiosk, "#finish")
        kiosk.keyboard.press("Enter")
        kiosk.wait_for_selector("#locked")
        assert _counts(station_site) == (before[0] + 1, before[1])
        # the ballot's address now finds the kiosk locked (the pages are not cached: no-store)
        kiosk.goto(station_site["base"] + "/kiosk/ballot")
        kiosk.wait_for_selector("#locked")
    finally:
        desk_context.close()
        kiosk_context.close()


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_station_and_kiosk_pages_have_no_wcag_violations(
    browser: Any, station_site: dict, lang: str
) -> None:
    problems: list[str] = []
    base = station_site["base"]
    size = PHONE if lang == "ur" else DESKTOP
    with (
        axe_page(browser, size, LOCALES[lang]) as desk,
        axe_page(browser, size, LOCALES[lang]) as kiosk,
    ):

        def check(page: Any, name: str) -> None:
            problems.extend(audit(page, f"{lang}/{name}"))
            screenshot(page, f"{lang}-station-{name}")

        _open_kiosk(kiosk, station_site)
        check(kiosk, "kiosk-locked")
        _sign_in(desk, station_site)
        desk.goto(base + "/station")
        check(desk, "station-index")
        desk.goto(f"{base}/station/rounds/{station_site['round']}")
        check(desk, "station")
        desk.fill("#col_reference", "K-0")
        desk.fill("#col_date_of_birth", "2000-01-01")
        desk.fill("#col_postcode", "ZZ1 1ZZ")
        desk.check("input[name=where][value=paper]")
        desk.click("#main form.stack [type=submit]")
        desk.wait_for_selector(".error-summary")
        check(desk, "station-refused")
        _mark(desk, station_site, lang)
        check(desk, "station-marked")
        kiosk.reload()
        check(kiosk, "kiosk-admitted")
        kiosk.click("#start-voting")
        kiosk.wait_for_selector("#ballot-form")
        check(kiosk, "kiosk-ballot")
        kiosk.check(f"#project-{station_site['projects'][1]}")
        kiosk.click("#review-button")
        kiosk.wait_for_selector("#confirm-button")
        check(kiosk, "kiosk-review")
        kiosk.click("#confirm-button")
        kiosk.wait_for_selector("#finish")
        check(kiosk, "kiosk-done")
        kiosk.goto(base + "/kiosk")
        kiosk.click("#main details summary")
        kiosk.fill("#password", "not the password")
        kiosk.click("#main details [type=submit]")
        kiosk.wait_for_selector(".error-summary")
        check(kiosk, "kiosk-leave-refused")
    assert problems == [], "\n".join(problems)
