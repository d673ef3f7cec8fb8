"""`make run`'s one command: gunicorn with deploy/gunicorn.conf.py and PB_OUTBOX_WORKER=embedded
also runs the e-mail worker. A message queued while it serves reaches a real SMTP server, and
stopping gunicorn stops the worker with it (no orphan left delivering mail), even when the
master is killed outright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import Popen

from pb.extensions import db
from pb.mail import outbox
from tests.conftest import custom_app
from tests.live import free_port
from tests.ops.deploy_files import REPO_ROOT
from tests.smtp import smtp_server


def _children(pid: int) -> dict[int, str]:
    """The live child processes of `pid` and their command lines, read from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):  # not a process, or gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[1] == str(pid) and fields[0] != "Z":
            children[int(entry.name)] = command
    return children


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(condition: Callable[[], object], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.1)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def _make_run(database_path: Path, tmp_path: Path, smtp_port: int) -> Iterator[tuple[Popen, int]]:
    """`make run`'s gunicorn command line on `database_path`; yields it and its e-mail worker's
    pid once it serves. Stops whatever is left afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PB_OUTBOX_WORKER": "embedded",
        "DATABASE_URL": f"sqlite:///{database_path}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "WEB_CONCURRENCY": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimits.db'}",
        "SECRET_KEY": "embedded-test-secret",
        "AUDIT_PSEUDONYM_KEY": "test-audit-key",
        "CENSUS_HMAC_KEY": "test-census-key",
        "PB_CHECKPOINT_KEY_FILE": str(tmp_path / "checkpoint.pem"),
        "PYTHONWARNINGS": "ignore",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "-c", "deploy/gunicorn.conf.py", "--bind", base[7:], "wsgi:app"]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    worker = 0
    try:
        _wait_for(lambda: _healthy(base), "gunicorn serving")
        [worker] = [pid for pid, line in _children(server.pid).items() if "outbox --loop" in line]
        yield server, worker
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        if worker and _alive(worker):  # never leave it delivering mail after a test
            os.kill(worker, signal.SIGKILL)


def test_make_run_delivers_mail_and_stops_its_worker(sqlite_template: Path, tmp_path: Path) -> None:
    database_path = tmp_path / "pb.db"
    shutil.copy(sqlite_template, database_path)
    with (
        smtp_server() as (sink, smtp_port),
        _make_run(database_path, tmp_path, smtp_port) as (server, worker),
    ):
        with custom_app(f"sqlite:///{database_path}"):
            outbox.queue(db.session(), "resident@example.test", "Embedded", "Delivered.")
            db.session.commit()
        _wait_for(lambda: sink.envelopes, "the message at the SMTP server")
        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=60)
        orphan = _alive(worker)
    assert not orphan  # stopped with gunicorn, not left running on its own
    assert returncode == 0
    [message] = sink.messages
    assert (message["To"], message["Subject"]) == ("resident@example.test", "Embedded")


def test_a_master_killed_outright_takes_its_worker_with_it(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """SIGKILL (or the OOM killer) gives gunicorn no chance to stop the worker itself."""
    database_path = tmp_path / "pb.db"
    shutil.copy(sqlite_template, database_path)
    with (
        smtp_server() as (_sink, smtp_port),
        _make_run(database_path, tmp_path, smtp_port) as (server, worker),
    ):
        server.kill()
        server.wait(timeout=60)
        _wait_for(lambda: not _alive(worker), "the worker ending with its master", timeout=30)
