"""Security headers on every response, production secrets, and the test suite's own set-up."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest
from flask import Flask

from pb.config import Settings
from pb.security import STRICT_TRANSPORT_SECURITY
from tests import conftest
from tests.conftest import make_app


def test_every_response_carries_the_browser_protections(bare_app: Flask) -> None:
    client = bare_app.test_client()
    for path in ("/login", "/no-such-page", "/static/css/site.css"):
        response = client.get(path)
        response.close()
        headers = response.headers
        assert "camera=()" in headers["Permissions-Policy"]
        assert "geolocation=()" in headers["Permissions-Policy"]
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers  # the demo is plain HTTP


def test_production_sends_hsts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_PRODUCTION", "1")
    app = make_app("sqlite://")
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == STRICT_TRANSPORT_SECURITY


@pytest.mark.parametrize("missing", ["SECRET_KEY", "AUDIT_PSEUDONYM_KEY", "CENSUS_HMAC_KEY"])
def test_production_refuses_to_start_without_its_secrets(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """A key generated into one server's instance/ would differ between servers and be lost
    with the server: in production both must be given."""
    monkeypatch.setenv("PB_PRODUCTION", "1")
    given = {"SECRET_KEY": "s", "AUDIT_PSEUDONYM_KEY": "a", "CENSUS_HMAC_KEY": "c"}
    for name in given:
        monkeypatch.delenv(name, raising=False)
    del given[missing]
    with pytest.raises(RuntimeError, match=missing):
        Settings.from_environment(given)
    assert Settings.from_environment({**given, missing: "given"}).ENV_PRODUCTION


def test_the_suite_runs_without_xdist() -> None:
    """`pytest -p no:xdist` has no `worker_id` fixture: nothing of ours may ask for it."""
    assert conftest.worker_name(SimpleNamespace()) == "main"  # type: ignore[arg-type]
    under_xdist = SimpleNamespace(workerinput={"workerid": "gw1"})
    assert conftest.worker_name(under_xdist) == "gw1"  # type: ignore[arg-type]
    for name, function in inspect.getmembers(conftest, inspect.isfunction):
        wrapped = getattr(function, "__wrapped__", function)
        assert "worker_id" not in inspect.signature(wrapped).parameters, name
