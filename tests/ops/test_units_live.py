"""The units' own commands, run here on a fresh PostgreSQL database with the units' environment.

`flask db upgrade` migrates it; gunicorn with the shared settings serves it with three workers
(ballots cast through them are counted once each in /metrics, whichever worker took them; logs
are JSON lines without a secret); the outbox worker delivers and stops cleanly on SIGTERM; the
checkpoint command signs; the hourly and daily timers' commands recompute the rating figures and
queue the authors' digests. Production settings (PB_PRODUCTION=1) throughout.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from pb.assessment.models import ProjectAssessment
from pb.audit import keys
from pb.deliberation import supports
from pb.extensions import db
from pb.following import digest
from pb.following.models import AuthorEmail
from pb.mail import outbox
from pb.mail.models import OutboxMessage
from pb.rounds.models import Phase
from tests import factories
from tests.assessment.helpers import delivered, rate_all
from tests.conftest import custom_app
from tests.deliberation.helpers import deliberating_round, resident
from tests.live import Browserless, free_port
from tests.ops.deploy_files import REPO_ROOT, exec_start, here, unit_environment
from tests.smtp import Sink, smtp_server

VOTERS = 6
TOKEN = "metrics-operator-token"


class _SecureCookiesOverHttp(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure (HTTPS only); the test server speaks plain HTTP."""

    def return_ok_secure(self, cookie, request):  # type: ignore[no-untyped-def]
        return True


def _environment(unit: str, database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The unit's Environment= lines plus what /etc/pb/pb.env would hold."""
    return {
        **os.environ,
        **unit_environment(unit),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "units-test-secret",
        "AUDIT_PSEUDONYM_KEY": "units-test-pseudonyms",
        "CENSUS_HMAC_KEY": "units-test-census",
        "PB_CHECKPOINT_KEY_FILE": str(tmp_path / "checkpoint.pem"),
        "PYTHONWARNINGS": "ignore",
        **extra,
    }


def _run(unit: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        here(exec_start(unit)), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("not ready within 60 s")


def _vote(base: str, email: str, round_id: int, ballot: dict[str, str]) -> tuple[int, str]:
    browser = Browserless(base)
    browser.jar.set_policy(_SecureCookiesOverHttp())
    browser.login(email, factories.PASSWORD)
    token = browser.csrf_token(f"/rounds/{round_id}/ballot")
    status, _ = browser.post(f"/rounds/{round_id}/ballot/cast", {"csrf_token": token, **ballot})
    return status, browser.cookie_header()


def _scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    request = urllib.request.Request(
        base + "/metrics", headers={"Authorization": "Bearer " + TOKEN}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _subjects(sink: Sink) -> set[str]:
    return {message["Subject"] for message in sink.messages}


def _migrated(database: str, tmp_path: Path) -> str:
    """A fresh database migrated by pb-migrate.service's command, with a checkpoint key."""
    keys.write_key_file(tmp_path / "checkpoint.pem")
    migrated = _run("pb-migrate.service", _environment("pb-migrate.service", database, tmp_path))
    assert migrated.returncode == 0, migrated.stderr
    return database


@pytest.mark.postgres
def test_the_units_commands_run_the_platform(
    fresh_database: Callable[[str], str], tmp_path: Path
) -> None:
    database = _migrated(fresh_database("pb_units"), tmp_path)
    with custom_app(database):
        setup = factories.round_in_phase(Phase.VOTING, voters=VOTERS, costs=[10_000] * 3)
        emails = [voter.email for voter in setup.voters]
        round_id, ballot = setup.round.id, {f"project-{setup.projects[0].id}": "1"}
    port, metrics_dir, log = free_port(), tmp_path / "metrics", tmp_path / "web.log"
    web_env = _environment(
        "pb-web.service",
        database,
        tmp_path,
        PB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="3",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        METRICS_TOKEN=TOKEN,
    )
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as stderr:
        web = subprocess.Popen(
            here(exec_start("pb-web.service")), cwd=REPO_ROOT, env=web_env, stderr=stderr
        )
        try:
            _wait_ready(base, web)
            with ThreadPoolExecutor(max_workers=VOTERS) as pool:
                results = list(pool.map(lambda e: _vote(base, e, round_id, ballot), emails))
            samples = _scrape(base)
        finally:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=30)
    assert [status for status, _ in results] == [302] * VOTERS
    assert samples[("pb_ballots_cast_total", (("kind", "first"),))] == VOTERS
    cast = [
        v
        for (name, labels), v in samples.items()
        if name == "pb_request_duration_seconds_count" and ("endpoint", "voting.cast") in labels
    ]
    assert sum(cast) == VOTERS
    workers = {path.stem.rsplit("_", 1)[1] for path in metrics_dir.glob("histogram_*.db")}
    assert len(workers) >= 2  # several workers answered, and the counts still add up
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "pb.access"]
    assert access and all(
        line["request_id"] and line["client"] == "127.0.0.0/24" for line in access
    )
    text = log.read_text()
    assert factories.PASSWORD not in text and "units-test-secret" not in text
    assert all(cookie.split("=", 1)[1][:20] not in text for _, cookie in results if "=" in cookie)

    with custom_app(database):
        outbox.queue(db.session(), "resident@example.test", "Deployed", "It works.")
        db.session.commit()
    with smtp_server() as (sink, smtp_port):
        env = _environment(
            "pb-outbox.service",
            database,
            tmp_path,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
        )
        worker = subprocess.Popen(here(exec_start("pb-outbox.service")), cwd=REPO_ROOT, env=env)
        try:
            deadline = time.monotonic() + 60
            while not sink.envelopes and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        assert "Deployed" in _subjects(sink)  # with the round's notifications before it

    signed = _run(
        "pb-checkpoint.service", _environment("pb-checkpoint.service", database, tmp_path)
    )
    assert signed.returncode == 0, signed.stderr
    # voting is open: the head is signed (by this run, or already by the phase change)
    assert re.search(r"(Signed checkpoint|already signed).* seq \d+", signed.stdout), signed.stdout


@pytest.mark.postgres
def test_the_timer_units_commands_recompute_ratings_and_queue_digests(
    fresh_database: Callable[[str], str], tmp_path: Path
) -> None:
    database = _migrated(fresh_database("pb_timers"), tmp_path)
    with custom_app(database):
        found = delivered(residents=5)  # a funded project done, five residents invited to rate
        rate_all(found, [(4, 4, 4), (5, 5, 5), (3, 3, 3), (4, 4, 4), (2, 2, 2)])
        setup = deliberating_round(Phase.PROPOSALS, threshold=None)
        author = setup.voters[0]
        with factories.writing():
            digest.choose(author, AuthorEmail.DAILY)
            supports.support(setup.projects[0], resident(setup))
            supports.support(setup.projects[0], resident(setup))
        proposal_id, author_email = found.assessment.proposal_id, author.email

    rated = _run("pb-assessment.service", _environment("pb-assessment.service", database, tmp_path))
    assert (rated.returncode, rated.stdout) == (0, "Recomputed the figures of 1 projects.\n")
    queued = _run("pb-digest.service", _environment("pb-digest.service", database, tmp_path))
    assert (queued.returncode, queued.stdout) == (0, "Queued 1 digest e-mails for 2 notices.\n")
    with custom_app(database):
        figures = db.session.get(ProjectAssessment, proposal_id).aggregate
        subjects = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient == author_email)
        ).all()
    assert figures["count"] == 5 and figures["criteria"][0]["mean"] == "3.60"
    assert subjects == ["Ward budgets: 2 new notices about your proposals"]
