"""Ballots, admin actions, failed sign-ins and scheduled checkpoints, all at once through a real
gunicorn server (on SQLite and on PostgreSQL): the audit log stays one unbroken chain."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.audit import checkpoints, integrity
from pb.audit.models import AuditEntry
from pb.db import writing
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting.models import Ballot
from tests import factories
from tests.live import Browserless, gunicorn

VOTERS = 6
WARDS = 5
FAILED_LOGINS = 6
CHECKPOINT_RUNS = 4


def test_parallel_casts_and_admin_actions_leave_one_unbroken_chain(
    app: Flask, database_url: str
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=VOTERS, costs=[10_000] * 3)
    admin = factories.user(Role.ADMIN)
    ballot = f"/rounds/{setup.round.id}/ballot"
    project = setup.projects[0].id
    emails = [voter.email for voter in setup.voters]  # read now: threads have no app context
    admin_email = admin.email

    def vote(email: str) -> int:
        browser = Browserless(base)
        browser.login(email, factories.PASSWORD)
        token = browser.csrf_token(ballot)
        return browser.post(f"{ballot}/cast", {"csrf_token": token, f"project-{project}": "1"})[0]

    def add_ward(number: int) -> int:
        browser = Browserless(base)
        browser.login(admin_email, factories.PASSWORD)
        token = browser.csrf_token("/admin/wards")
        form = {"csrf_token": token, "code": f"RACE{number}", "name": f"Race ward {number}"}
        return browser.post("/admin/wards", form)[0]

    def fail_login(number: int) -> int:
        browser = Browserless(base)
        token = browser.csrf_token("/login")
        form = {"csrf_token": token, "email": f"nobody{number}@example.test", "password": "no"}
        return browser.post("/login", form)[0]

    def checkpoint(_number: int) -> None:
        with app.app_context(), writing():
            checkpoints.sign_head()
            db.session.commit()

    with gunicorn(database_url, workers=2, threads=8) as base, ThreadPoolExecutor(24) as pool:
        jobs = (
            [pool.submit(vote, email) for email in emails]
            + [pool.submit(add_ward, n) for n in range(WARDS)]
            + [pool.submit(fail_login, n) for n in range(FAILED_LOGINS)]
            + [pool.submit(checkpoint, n) for n in range(CHECKPOINT_RUNS)]
        )
        outcomes = [job.result() for job in jobs]

    assert outcomes[:VOTERS] == [302] * VOTERS  # every ballot went on to its receipt
    assert outcomes[VOTERS : VOTERS + WARDS] == [302] * WARDS
    db.session.rollback()  # see the server's writes
    ballots = db.session.scalar(
        sa.select(sa.func.count()).select_from(Ballot).where(Ballot.round_id == setup.round.id)
    )
    assert ballots == VOTERS
    actions = Counter(db.session.scalars(sa.select(AuditEntry.action)))
    assert actions["ward.created"] >= WARDS and actions["login.failed"] == FAILED_LOGINS
    seqs = list(db.session.scalars(sa.select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert seqs == list(range(len(seqs)))
    result = integrity.check_stored()
    assert result.ok, result.problem
    assert result.checkpoints >= 1
