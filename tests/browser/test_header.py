"""The staff header stays on one line on a 1280 px screen, in every language."""

from __future__ import annotations

from typing import Any

import pytest

from pb.accounts.models import Role
from tests import factories
from tests.browser.conftest import Site, screenshot, sign_in
from tests.conftest import make_app

pytestmark = pytest.mark.browser

# Every child of the header row and every menu item: their vertical centres must agree.
ROWS = """() => {
  const boxes = [...document.querySelectorAll('.header-row > *, .nav-list > li')];
  return boxes.map((element) => {
    const box = element.getBoundingClientRect();
    return Math.round(box.top + box.height / 2);
  });
}"""


@pytest.fixture(scope="module")
def staff(site: Site) -> dict[Role, str]:
    app = make_app(site.database_url)
    with app.app_context():
        home = factories.ward()
        emails = {
            role: factories.user(role, wards_=[home]).email
            for role in (Role.COUNCILLOR, Role.OFFICER, Role.ADMIN)
        }
        factories.db.engine.dispose()
    return emails


@pytest.mark.parametrize("language", ["en", "pl", "ur"])
@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.OFFICER, Role.ADMIN])
def test_staff_header_fits_one_line_at_1280(
    browser: Any, site: Site, staff: dict[Role, str], role: Role, language: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, site, staff[role])
        page.select_option("#language-select", language)
        page.click(".language-form button[type=submit]")
        page.wait_for_load_state("load")
        centres = page.evaluate(ROWS)
        if max(centres) - min(centres) > 4:
            screenshot(page, f"header-{role.value}-{language}")
        assert max(centres) - min(centres) <= 4, (role, language, centres)
    finally:
        context.close()
