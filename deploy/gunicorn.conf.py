"""gunicorn settings shared by every way of serving the platform: `make run`, the systemd unit
and the container (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

- Logs: JSON lines on standard error (pb/ops/logs.py); gunicorn's own access log is off, the
  application writes one line per request with the client's network instead of its address.
- Metrics: prometheus_client's multiprocess mode, so /metrics adds up every worker. The
  directory is emptied at start (stale files from a previous run would be counted again).
- `PB_OUTBOX_WORKER=embedded` (what `make run` sets): the master also starts the e-mail
  delivery worker (`flask pb outbox --loop`) and stops it on exit (on Linux it also ends if the
  master is killed outright), so one command serves the whole platform. Deployments run the
  worker as a service of its own instead.
Settings from the environment: PB_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers),
PROMETHEUS_MULTIPROC_DIR, PB_LOG_LEVEL.
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

# Before anything imports prometheus_client: the mode is chosen when it is first imported.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="pb-metrics-"))

from gunicorn.glogging import Logger

from pb.ops.logconfig import logging_config  # after the variable above, on purpose


class AccessLineOnlyIfKept(Logger):
    """gunicorn builds its access line's fields on every request as soon as a logging config is
    given, then drops the line: "gunicorn.access" is off (pb/ops/logconfig.py). Build them only
    when that logger would keep the line (about 0.1 ms a request, the bare app's as well)."""

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        if self.access_log.isEnabledFor(logging.INFO):
            super().access(resp, req, environ, request_time)


bind = os.environ.get("PB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = None
logconfig_dict = logging_config()
logger_class = AccessLineOnlyIfKept
_embedded_worker: list[subprocess.Popen[bytes]] = []


def on_starting(server):  # type: ignore[no-untyped-def]
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


def when_ready(server):  # type: ignore[no-untyped-def]
    if os.environ.get("PB_OUTBOX_WORKER") == "embedded":
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "pb", "outbox", "--loop"]
        _embedded_worker.append(subprocess.Popen(command, preexec_fn=_dies_with(os.getpid())))
        server.log.info("started the e-mail outbox worker (pid %s)", _embedded_worker[0].pid)


def _dies_with(master: int):  # type: ignore[no-untyped-def]
    """For the embedded worker, run in it before it starts: a master killed outright (SIGKILL,
    the OOM killer) never runs on_exit, so Linux's parent-death signal ends the worker too."""
    if sys.platform != "linux":
        return None
    import ctypes

    prctl = ctypes.CDLL(None).prctl  # looked up here: between fork and exec, import nothing

    def arrange() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != master:  # the master died before the line above
            os._exit(0)

    return arrange


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # type: ignore[no-untyped-def]
    for process in _embedded_worker:
        process.terminate()
        process.wait(timeout=30)
