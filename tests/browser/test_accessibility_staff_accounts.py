"""axe-core on the staff-account screens: the user list with its "Create a staff account" form
(and its refusal), and a user's page with the disable and enable buttons, in every language."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.accounts.models import Role
from pb.extensions import db
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import LOCALES, audit
from tests.browser.test_accessibility_eligibility import _sign_in
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def staff_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_browser()
    path = tmp_path_factory.mktemp("staff-site") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        ward = factories.ward()
        admin = factories.user(Role.ADMIN)
        officer = factories.user(Role.OFFICER, wards_=[ward])
        site = {"admin": admin.email, "officer": officer.id}
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_staff_account_screens_have_no_wcag_violations(
    browser: Any, staff_site: dict, lang: str
) -> None:
    problems: list[str] = []
    base = staff_site["base"]

    def check(name: str) -> None:
        problems.extend(audit(page, f"{lang}/{name}"))
        screenshot(page, f"{lang}-staff-{name}")

    with axe_page(browser, PHONE if lang == "ur" else DESKTOP, LOCALES[lang]) as page:
        _sign_in(page, base, staff_site["admin"])
        page.goto(base + "/admin/users")
        check("users-create")
        page.fill("#email", "not an address")
        page.click("form[action$='/admin/users/new'] [type=submit]")
        page.wait_for_selector(".error-summary")
        check("users-create-refused")
        user_page = f"{base}/admin/users/{staff_site['officer']}"
        page.goto(user_page)
        check("user-active")
        page.click("form[action$='/active'] [type=submit]")
        page.wait_for_url(user_page)
        check("user-disabled")
        page.click("form[action$='/active'] [type=submit]")
        page.wait_for_url(user_page)
    assert problems == [], "\n".join(problems)
