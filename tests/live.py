"""A real gunicorn server on a free port, for tests that need real HTTP and real concurrency."""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 3,
    threads: int = 8,
    extra_env: dict[str, str] | None = None,
    start_timeout: float = 30,
) -> Iterator[str]:
    """Serve the app on `database_url`; yields the base URL; stops the server afterwards.

    Several processes with several threads each, so requests really run at the same time in
    different processes and connections; `--preload` imports the app once before forking (no
    database connection is opened by then), which keeps start-up short on two cores."""
    port = free_port()
    counters_dir = Path(tempfile.mkdtemp(prefix="pb-limits-"))
    env = {
        **os.environ,
        # The default storage kind (a SQLite file all workers share), in a file of this
        # server's own: a developer's `make run` or another test server keeps its counters.
        "RATELIMIT_STORAGE_URI": f"sqlite:///{counters_dir / 'ratelimits.db'}",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "AUDIT_PSEUDONYM_KEY": "test-audit-key",
        "CENSUS_HMAC_KEY": "test-census-key",
        "PYTHONWARNINGS": "ignore",
        # Pages rendered afresh, as in tests/conftest.py's TEST_CONFIG (a test changes data and
        # reads the public page at once; pb/public/page_cache.py has its own tests).
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--preload",
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        # Argon2 at the cheap profile, as in tests/conftest.py's TEST_CONFIG: without it every
        # sign-in on a live server re-hashed the seeded password at the production profile
        # (64 MiB, several passes), which no live test is about (tests/accounts test hashing).
        "pb:create_app({'PASSWORD_HASHING': 'cheapest-for-tests'})",
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, start_timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: do not hide the test's own error
            process.kill()
            process.wait()
        shutil.rmtree(counters_dir, ignore_errors=True)


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still booting
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start within {timeout:.0f} s")


class Browserless:
    """A cookie-keeping HTTP client that reads CSRF tokens from pages, like a plain browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def csrf_token(self, path: str) -> str:
        _, page = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return html.unescape(match.group(1))

    def login(self, email: str, password: str) -> None:
        token = self.csrf_token("/login")
        status, _ = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        assert status == 302, f"login failed with {status}"

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def post_with_cookie(base: str, path: str, cookie: str, data: dict[str, str]) -> int:
    """One POST with a fixed cookie (so many threads can act as the same signed-in voter)."""
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(
        base + path, data=body, method="POST", headers={"Cookie": cookie}
    )
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
