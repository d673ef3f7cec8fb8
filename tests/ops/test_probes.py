"""/healthz, /readyz and /metrics: what an orchestrator and an operator rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from pb.accounts.models import Role
from pb.audit import keys
from pb.ops import health
from tests import factories
from tests.conftest import custom_app
from tests.live import free_port


def test_healthz_answers_without_the_database() -> None:
    unreachable = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    with custom_app(unreachable) as app:
        client = app.test_client()
        alive = client.get("/healthz")
        assert (alive.status_code, alive.json) == (200, {"status": "alive"})
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json["checks"]["database"] is False


def test_readyz_checks_database_migrations_and_signing_key(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    app.config["CHECKPOINT_KEY_FILE"] = str(tmp_path / "checkpoint.pem")
    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.json == {
        "status": "not ready",
        "checks": {"database": True, "migrations": True, "checkpoint_key": False},
    }
    keys.write_key_file(tmp_path / "checkpoint.pem")
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["status"]) == (200, "ready")
    # code shipped with a migration the database has not run yet
    monkeypatch.setattr(health, "migration_heads", lambda: frozenset({"0a1b2c3d4e5f"}))
    behind = client.get("/readyz")
    assert behind.status_code == 503 and behind.json["checks"]["migrations"] is False


def test_metrics_are_for_the_token_bearer_only(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # no token configured: not served
    app.config["METRICS_TOKEN"] = "operator-token"
    assert client.get("/metrics").status_code == 404
    wrong = {"Authorization": "Bearer operator-tokem"}
    assert client.get("/metrics", headers=wrong).status_code == 404
    factories.login(client, factories.user(Role.ADMIN))
    assert client.get("/metrics").status_code == 404  # not even an admin's session
    scrape = client.get("/metrics", headers={"Authorization": "Bearer operator-token"})
    assert scrape.status_code == 200 and scrape.headers["Cache-Control"] == "no-store"
    text = scrape.get_data(as_text=True)
    assert 'pb_request_duration_seconds_count{endpoint="accounts.login",method="POST"' in text
    assert 'pb_mail_outbox_messages{status="pending"}' in text


def test_behind_pgbouncer_in_transaction_mode_nothing_is_prepared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pb.config import Settings

    assert "connect_args" not in Settings.from_environment({}).SQLALCHEMY_ENGINE_OPTIONS
    monkeypatch.setenv("PB_DATABASE_POOLER", "pgbouncer-transaction")
    options = Settings.from_environment({}).SQLALCHEMY_ENGINE_OPTIONS
    assert options["connect_args"] == {"prepare_threshold": None}
