"""axe-core on the pages of issue 11: password reset, check your e-mail, an invalid link, the
account page of an unconfirmed account, census verification (form, refusal, success) and the
census upload (form, refused file, summary), in English and Urdu."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.accounts.models import Role
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import LOCALES, audit
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
ALICE = ("E-1001", "1980-02-03", "AB1 2CD")


@pytest.fixture(scope="module")
def census_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_browser()
    folder = tmp_path_factory.mktemp("census-site")
    path = folder / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
        admin = factories.user(Role.ADMIN)
        factories.census([(*ALICE, setup.ward.code)], actor=admin)
        people = {lang: factories.user(Role.CITIZEN, home=setup.ward).email for lang in LOCALES}
        with factories.writing():
            unconfirmed = factories.user(Role.CITIZEN, home=setup.ward)
            unconfirmed.email_verified_at = None
        site = {"round": setup.round.id, "admin": admin.email, "people": people}
        site |= {"unconfirmed": unconfirmed.email, "ward": setup.ward.code, "folder": folder}
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


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_eligibility_pages_have_no_wcag_violations(
    browser: Any, census_site: dict, lang: str
) -> None:
    problems: list[str] = []
    base = census_site["base"]
    size = PHONE if lang == "ur" else DESKTOP

    def check(name: str) -> None:
        problems.extend(audit(page, f"{lang}/{name}"))
        screenshot(page, f"{lang}-eligibility-{name}")

    bad_file = census_site["folder"] / "bad.csv"
    bad_file.write_text("reference,date_of_birth,postcode,ward\nE-1,,AB1,NOWHERE\n")
    good_file = census_site["folder"] / "good.csv"
    good_file.write_text(
        "reference,date_of_birth,postcode,ward\n" + ",".join((*ALICE, census_site["ward"])) + "\n"
    )
    with axe_page(browser, size, LOCALES[lang]) as page:
        page.goto(base + "/reset")
        check("reset-request")
        page.fill("#email", "nobody@example.org")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1")
        check("check-email")
        page.goto(base + "/reset/not-a-link")
        check("link-invalid")
        _sign_in(page, base, census_site["unconfirmed"])
        page.goto(base + "/account")
        check("account-unconfirmed")
        page.goto(f"{base}/rounds/{census_site['round']}/ballot")
        check("ballot-refused")
        _sign_out(page)
        _sign_in(page, base, census_site["people"][lang])
        page.goto(base + "/account/census")
        check("census-verify")
        page.fill("#col_reference", "E-0000")
        page.fill("#col_date_of_birth", "2000-01-01")
        page.fill("#col_postcode", "ZZ1 1ZZ")
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector(".error-summary, #error-summary, .error-message")
        check("census-verify-refused")
        _sign_out(page)
        _sign_in(page, base, census_site["admin"])
        page.goto(base + "/census")
        check("census-upload")
        page.set_input_files("#file", str(bad_file))
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector(".error-summary, #error-summary, .error-message")
        check("census-upload-refused")
        page.set_input_files("#file", str(good_file))
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector("#summary-heading")
        check("census-upload-summary")
    assert problems == [], "\n".join(problems)
