"""axe-core on the delivery and following pages (issue 15), in English, Polish and Urdu (right to
left, at phone size): the public delivery page with its photo, the round and project pages that
show delivery, the follower's notices, the officer's list and editing page (and its refusal).

They are audited on the demo (`pb.demo.load`): its published round has funded projects in every
delivery state, and citizen@demo.test follows the finished one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pb import demo
from pb.db import writing
from pb.delivery.models import DeliveryPlan, DeliveryStatus
from pb.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, axe_page, require_browser, screenshot
from tests.browser.test_accessibility import audit
from tests.browser.test_accessibility_deliberation import _sign_in
from tests.conftest import make_app
from tests.live import gunicorn

pytestmark = pytest.mark.browser
LOCALES = {"en": "en-GB", "pl": "pl-PL", "ur": "ur-PK"}


@pytest.fixture(scope="module")
def delivery_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    require_browser()
    path = tmp_path_factory.mktemp("delivery-demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with make_app(url).app_context():
        with writing():
            demo.load()
            db.session.commit()
        plans = {p.status: p for p in db.session.scalars(sa.select(DeliveryPlan))}
        done, going = plans[DeliveryStatus.DONE], plans[DeliveryStatus.IN_PROGRESS]
        planned = plans[DeliveryStatus.PLANNED]
        r = done.round_id
        site = {
            "anonymous": {
                "delivery-done": f"/rounds/{r}/projects/{done.proposal_id}/delivery",
                "delivery-planned": f"/rounds/{r}/projects/{planned.proposal_id}/delivery",
                "round-published": f"/rounds/{r}",
                "project-funded": f"/rounds/{r}/projects/{done.proposal_id}",
            },
            "citizen": {
                "following": "/following",
                "delivery-followed": f"/rounds/{r}/projects/{done.proposal_id}/delivery",
                "delivery-not-followed": f"/rounds/{r}/projects/{going.proposal_id}/delivery",
            },
            "officer": {
                "delivery-list": "/manage/delivery",
                "delivery-manage": f"/manage/rounds/{r}/projects/{going.proposal_id}/delivery",
            },
        }
        db.engine.dispose()
    with gunicorn(url, workers=1, threads=4) as base:
        site["base"] = base
        yield site


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_delivery_pages_have_no_wcag_violations(
    browser: Any, delivery_site: dict, lang: str
) -> None:
    problems: list[str] = []
    audited: list[str] = []
    base = delivery_site["base"]

    def check(name: str, path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{name}: {path}"
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ur" else "ltr")
        problems.extend(audit(page, f"{lang}/{name}"))
        audited.append(name)
        screenshot(page, f"{lang}-delivery-{name}")

    size = PHONE if lang == "ur" else DESKTOP
    with axe_page(browser, size, LOCALES[lang]) as page:
        for name, path in delivery_site["anonymous"].items():
            check(name, path)
        _sign_in(page, base, "citizen@demo.test")
        for name, path in delivery_site["citizen"].items():
            check(name, path)
    with axe_page(browser, size, LOCALES[lang]) as page:
        _sign_in(page, base, "officer@demo.test")
        for name, path in delivery_site["officer"].items():
            check(name, path)
        # the status form sent without a reason: the error summary and the field's error
        page.click("#status-heading ~ form [type=submit]")
        page.wait_for_selector("#error-summary")
        problems.extend(audit(page, f"{lang}/delivery-manage-refused"))
        screenshot(page, f"{lang}-delivery-manage-refused")
    assert len(audited) == 9
    assert problems == [], "\n".join(problems)
