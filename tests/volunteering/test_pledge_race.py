"""Fifty simultaneous pledges by one resident to one task, through a real gunicorn server (on
SQLite and PostgreSQL), leave exactly one pledge and one audit entry."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.volunteering.models import Pledge
from tests import factories
from tests.live import Browserless, gunicorn, post_with_cookie
from tests.volunteering.helpers import funded_round, task

THREADS = 50


def test_fifty_simultaneous_pledges_leave_exactly_one(app: Flask, database_url: str) -> None:
    world = funded_round(residents=1)
    the_task = task(world)
    resident = world.residents[0]
    with gunicorn(database_url) as base:
        browser = Browserless(base)
        browser.login(resident.email, factories.PASSWORD)
        token = browser.csrf_token(f"/tasks/{the_task.id}")  # from the pledge form
        cookie = browser.cookie_header()
        path = f"/tasks/{the_task.id}/pledge"
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [
                pool.submit(post_with_cookie, base, path, cookie, {"csrf_token": token})
                for _ in range(THREADS)
            ]
            statuses = [future.result() for future in futures]
    db.session.rollback()  # see the server's writes
    rows = db.session.scalar(
        sa.select(sa.func.count()).select_from(Pledge).where(Pledge.task_id == the_task.id)
    )
    audited = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "volunteering.pledged")
    )
    assert rows == 1
    assert audited == 1
    assert statuses == [302] * THREADS, statuses
