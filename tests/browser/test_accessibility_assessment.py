"""axe-core on the co-assessment pages (issue 15): the project page's assessment panel, the
public assessment section with figures,
comments and an answered inspection; rating (form and refusal); invitations; the inspection
form; the staff page; the round's settings. In English, Polish and Urdu (right to left)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pb.accounts.models import Role
from pb.assessment import aggregates, inspections, services
from pb.db import utcnow
from pb.extensions import db
from tests import factories
from tests.assessment.helpers import funded_round
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import LOCALES, audit
from tests.browser.test_accessibility_eligibility import _sign_in, _sign_out
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LANGUAGES = {**LOCALES, "pl": "pl-PL"}  # all three catalogues


def _build() -> dict:
    setup = funded_round()
    people = {lang: factories.user(Role.CITIZEN, home=setup.ward) for lang in LANGUAGES}
    raters = [factories.user(Role.CITIZEN, home=setup.ward) for _ in range(5)]
    now = utcnow()
    with factories.writing():
        assessment = services.project_done(setup.projects[0].id, now)
        ids = [c.id for c in services.criteria(setup.round)]
        for index, person in enumerate(raters):
            comment = "Well *used*." if index % 2 else ""
            services.rate(person, assessment, dict.fromkeys(ids, index % 5 + 1), comment, now)
        done = inspections.assign(setup.officer, assessment, raters[0].email, now)
        answers = dict.fromkeys(inspections.CHECKLIST, "yes")
        inspections.file(raters[0], done, answers, "All as described.", now)
        inspections.respond(setup.officer, done, "Thank you.", now)
        todo = {
            lang: inspections.assign(setup.officer, assessment, person.email, now).id
            for lang, person in people.items()
        }
        aggregates.refresh(assessment, now)
    return {
        "base_path": f"/rounds/{setup.round.id}/projects/{assessment.proposal_id}",
        "round": setup.round.id,
        "people": {lang: person.email for lang, person in people.items()},
        "todo": todo,
        "officer": setup.officer.email,
        "councillor": setup.councillor.email,
    }


@pytest.fixture(scope="module")
def assessment_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    require_browser()
    path = tmp_path_factory.mktemp("assessment-site") / "site.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        site = _build()
        db.session.commit()
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_assessment_pages_have_no_wcag_violations(
    browser: Any, assessment_site: dict, lang: str
) -> None:
    problems: list[str] = []
    base, site = assessment_site["base"], assessment_site
    project = base + site["base_path"]
    size = PHONE if lang == "ur" else DESKTOP

    def check(name: str) -> None:
        problems.extend(audit(page, f"{lang}/{name}"))
        screenshot(page, f"{lang}-assessment-{name}")

    with axe_page(browser, size, LANGUAGES[lang]) as page:
        page.goto(project + "/assessment")
        check("public")
        assert page.locator("html").get_attribute("lang") == lang
        page.goto(project)
        check("project-page")
        _sign_in(page, base, site["people"][lang])
        page.goto(base + "/assessment/invitations")
        check("invitations")
        page.goto(project + "/rate")
        check("rate")
        page.click("#main form.stack [type=submit]")
        page.wait_for_selector(".error-summary, #error-summary, .error-message")
        check("rate-refused")
        page.goto(f"{base}/inspections/{site['todo'][lang]}")
        check("inspect")
        _sign_out(page)
        _sign_in(page, base, site["officer"])
        page.goto(project + "/assessment/manage")
        check("manage")
        _sign_out(page)
        _sign_in(page, base, site["councillor"])
        page.goto(f"{base}/rounds/{site['round']}/assessment")
        check("settings")
    assert problems == [], "\n".join(problems)
