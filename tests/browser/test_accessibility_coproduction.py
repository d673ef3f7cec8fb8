"""axe-core on the pages of issue 18 (volunteering, the ward register and focus, posters, the
outcomes reports), on the demo, in English, Polish and Urdu (right to left), at phone and
desktop sizes: residents', officers' and councillors' pages, and a form sent with errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pb import demo
from pb.db import writing
from pb.extensions import db
from pb.results import services as results
from pb.rounds.models import Phase, Round
from pb.volunteering.models import VolunteerTask
from pb.wards.models import Ward
from tests.browser.conftest import axe_page, require_browser, screenshot
from tests.browser.test_accessibility import SIZES, audit
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}


def _paths() -> dict[str | None, dict[str, str]]:
    published = db.session.scalars(sa.select(Round).where(Round.phase == Phase.PUBLISHED)).one()
    project = results.funded_projects(published)[0]
    tasks = db.session.scalars(sa.select(VolunteerTask).order_by(VolunteerTask.id)).all()
    ward = db.session.scalars(sa.select(Ward).where(Ward.code == "NTH")).one()
    return {
        None: {
            "funded-project": f"/rounds/{published.id}/projects/{project.id}",
            "task": f"/tasks/{tasks[0].id}",
            "task-poster": f"/tasks/{tasks[0].id}/poster",
            "round-poster": f"/rounds/{published.id}/poster",
            "project-poster": f"/rounds/{published.id}/projects/{project.id}/poster",
            "register": f"/wards/{ward.id}/community",
            "outcomes": f"/rounds/{published.id}/outcomes",
            "ward-outcomes": f"/wards/{ward.id}/outcomes",
        },
        "citizen@demo.test": {
            "account": "/account",
            "skills": "/account/skills",
            "my-volunteering": "/my/volunteering",
            "task-pledged": f"/tasks/{tasks[0].id}",
            "suggest": f"/wards/{ward.id}/community/suggest",
        },
        "officer@demo.test": {
            "volunteering": "/manage/volunteering",
            "manage-task": f"/manage/tasks/{tasks[1].id}",
            "new-task": f"/manage/projects/{project.id}/tasks/new",
            "register-queue": "/manage/community",
        },
        "councillor@demo.test": {"focus": f"/manage/wards/{ward.id}/focus"},
    }


@pytest.fixture(scope="module")
def demo_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    require_browser()
    path = tmp_path_factory.mktemp("browser-coproduction") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = make_app(url)
    with app.app_context():
        with writing():
            demo.load()
            db.session.commit()
        paths = _paths()
        db.engine.dispose()
    with gunicorn(url, workers=2, threads=4) as base:
        yield base, paths


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_coproduction_pages_have_no_wcag_violations(
    browser: Any, demo_site: tuple, lang: str, size: str
) -> None:
    base, paths = demo_site
    problems: list[str] = []
    audited: list[str] = []

    def check(name: str, path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{name}: {path}"
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ur" else "ltr")
        problems.extend(audit(page, f"{lang}/{size}/{name}"))
        audited.append(name)
        if size == "desktop":
            screenshot(page, f"{lang}-{size}-{name}")

    for email, pages in paths.items():
        with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
            if email:
                _sign_in(page, base, email)
            for name, path in pages.items():
                check(name, path)
            if email == "officer@demo.test":  # the task form sent empty: its errors
                page.goto(base + pages["new-task"])
                page.click("form.stack [type=submit]")
                page.wait_for_selector("#error-summary")
                problems.extend(audit(page, f"{lang}/{size}/new-task-refused"))
    assert len(audited) == sum(len(pages) for pages in paths.values())
    assert problems == [], "\n".join(problems)


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", "demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
