"""Fifty simultaneous support requests from one resident, through a real gunicorn server, leave
exactly one support (the double-click race behind Decidim CVE-2023-47634's sibling bugs)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from pb.audit.models import AuditEntry
from pb.deliberation.models import Support
from pb.extensions import db
from tests import factories
from tests.deliberation.helpers import deliberating_round
from tests.live import Browserless, gunicorn, post_with_cookie

THREADS = 50


def test_fifty_simultaneous_supports_leave_exactly_one(app: Flask, database_url: str) -> None:
    setup = deliberating_round(voters=2)
    supporter = setup.voters[1]
    proposal = setup.projects[0]
    page = f"/rounds/{setup.round.id}/projects/{proposal.id}"
    with gunicorn(database_url) as base:
        browser = Browserless(base)
        browser.login(supporter.email, factories.PASSWORD)
        token = browser.csrf_token(page)  # a real token from the support form
        cookie = browser.cookie_header()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [
                pool.submit(
                    post_with_cookie,
                    base,
                    f"/proposals/{proposal.id}/support",
                    cookie,
                    {"csrf_token": token},
                )
                for _ in range(THREADS)
            ]
            statuses = [future.result() for future in futures]
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) to see the server's writes
    rows = db.session.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.proposal_id == proposal.id)
    )
    audited = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "support.added")
    )
    assert rows == 1
    assert audited == 1  # one support, one audit entry: the rest changed nothing
    assert statuses == [302] * THREADS, statuses  # every click answered, none failed
