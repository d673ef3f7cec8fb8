"""axe-core on the citizen pages around the vote: proposing, deliberating, notifications,
transparency and search, in English and Urdu, at phone and desktop sizes.

They are audited on the demo (`pb.demo.load`), which has what these pages show: threads with
replies and reactions, supports, an accepted and a pending amendment, a merged proposal, a
hidden comment, a published round with its board. (The ballot pages are in test_accessibility.)
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pb import demo
from pb.db import writing
from pb.deliberation.models import Amendment, AmendmentStatus, Comment
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds.models import Phase, Round
from tests.browser.conftest import axe_page, require_browser, screenshot
from tests.browser.test_accessibility import LOCALES, SIZES, audit
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser


@dataclass
class DemoSite:
    base: str
    anonymous: dict[str, str] = field(default_factory=dict)
    """page name -> path, for pages anyone can open"""
    citizen: dict[str, str] = field(default_factory=dict)
    """page name -> path, for pages of citizen@demo.test"""
    officer: dict[str, str] = field(default_factory=dict)
    """page name -> path, for pages of officer@demo.test"""


def _paths() -> DemoSite:
    rounds = {r.phase: r for r in db.session.scalars(sa.select(Round))}
    published, open_round = rounds[Phase.PUBLISHED], rounds[Phase.PROPOSALS]
    project = db.session.scalars(sa.select(Proposal).where(Proposal.round_id == published.id))
    funded = project.first()
    accepted = db.session.scalar(
        sa.select(Amendment).where(Amendment.status == AmendmentStatus.ACCEPTED)
    )
    pending = db.session.scalar(
        sa.select(Amendment).where(Amendment.status == AmendmentStatus.PENDING)
    )
    own_comment = db.session.scalar(sa.select(Comment).where(Comment.body.like("Phone charging%")))
    discussed = pending.proposal_id  # the thread with replies and reactions
    site = DemoSite(base="")
    site.anonymous = {
        "proposals": f"/rounds/{open_round.id}/proposals",
        "proposal-thread": f"/rounds/{open_round.id}/projects/{discussed}",
        "proposal-history": f"/proposals/{accepted.proposal_id}/history",
        "amendment": f"/amendments/{accepted.id}",
        "project-funded": f"/rounds/{published.id}/projects/{funded.id}",
        "search": "/search?q=skate",
        "transparency": "/transparency",
        "round-transparency": f"/rounds/{published.id}/transparency",
        "board": f"/rounds/{published.id}/board",
        "api-docs": "/api/docs",
    }
    in_review = rounds.get(Phase.REVIEW, published)  # with the form, when the demo has one
    site.officer = {"conflicts": f"/rounds/{in_review.id}/conflicts"}
    site.citizen = {
        "propose": f"/rounds/{open_round.id}/proposals/new",
        "my-proposals": "/my/proposals",
        "account": "/account",
        "change-password": "/account/password",
        "notifications": "/notifications",
        "thread-signed-in": f"/rounds/{open_round.id}/projects/{discussed}",
        "amend": f"/proposals/{discussed}/amendments/new",
        "report": f"/proposals/{discussed}/report",
        "comment-edit": f"/comments/{own_comment.id}/edit",
        "pending-amendment": f"/amendments/{pending.id}",
    }
    return site


@pytest.fixture(scope="module")
def demo_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSite]:
    require_browser()
    path = tmp_path_factory.mktemp("browser-demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = make_app(url)
    with app.app_context():
        with writing():
            demo.load()
            db.session.commit()
        site = _paths()
        db.engine.dispose()
    with gunicorn(url, workers=2, threads=4) as base:
        site.base = base
        yield site


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_deliberation_and_transparency_pages_have_no_wcag_violations(
    browser: Any, demo_site: DemoSite, lang: str, size: str
) -> None:
    problems: list[str] = []
    audited: list[str] = []

    def check(name: str, path: str) -> None:
        response = page.goto(demo_site.base + path)
        assert response is not None and response.status == 200, f"{name}: {path}"
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ur" else "ltr")
        problems.extend(audit(page, f"{lang}/{size}/{name}"))
        audited.append(name)
        if size == "desktop":
            screenshot(page, f"{lang}-{size}-{name}")

    with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
        for name, path in demo_site.anonymous.items():
            check(name, path)
        _sign_in(page, demo_site.base, "citizen@demo.test")
        for name, path in demo_site.citizen.items():
            check(name, path)
        # a form sent empty: the error summary and the fields' errors
        page.goto(demo_site.base + demo_site.citizen["propose"])
        page.click("form.stack [type=submit]")
        page.wait_for_selector("#error-summary")
        problems.extend(audit(page, f"{lang}/{size}/propose-refused"))
    with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
        _sign_in(page, demo_site.base, "admin@demo.test")
        check("dev-outbox", "/dev/mail")  # the development outbox (pb/mail)
    with axe_page(browser, SIZES[size], LOCALES[lang]) as page:
        _sign_in(page, demo_site.base, "officer@demo.test")
        for name, path in demo_site.officer.items():
            check(name, "/review" + path)  # conflicting proposals (pb/proposals/conflicts.py)
    expected = len(demo_site.anonymous) + len(demo_site.citizen) + len(demo_site.officer) + 1
    assert len(audited) == expected
    assert problems == [], "\n".join(problems)


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", "demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
