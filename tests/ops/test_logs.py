"""No ballot content or secret ever reaches a log line; every line is JSON with a request id;
client addresses are cut to their network."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role
from pb.extensions import db
from pb.ops.logs import JsonFormatter, client_network
from pb.rounds.models import Phase
from pb.voting.models import Ballot
from tests import factories
from tests.conftest import custom_app

PASSWORD = "Tr0ub4dor&3 very secret"
WRONG_PASSWORD = "hunter2 also secret"
KEY_SHOWN = re.compile(r'<strong class="receipt-code">([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</strong>')


def _csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, path
    return match.group(1)


def formatted(records: Iterable[logging.LogRecord]) -> list[str]:
    """Each record as the production formatter writes it, plus its raw arguments."""
    formatter = JsonFormatter(timestamp=True)
    return [formatter.format(r) + repr(r.args) + repr(r.__dict__) for r in records]


def leaks(lines: list[str], secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if any(value in line for line in lines)]


def test_leaks_finds_a_planted_secret() -> None:
    record = logging.LogRecord("pb", logging.INFO, __file__, 1, "key %s", ("s3cret",), None)
    assert leaks(formatted([record]), {"key": "s3cret", "other": "absent"}) == ["key"]


def test_no_ballot_content_or_secret_in_any_log_line(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        setup = factories.round_in_phase(Phase.VOTING, voters=0, costs=[10_000] * 4)
        voter = factories.user(Role.CITIZEN, home=setup.ward, password=PASSWORD)
        chosen = [setup.projects[1].id, setup.projects[3].id]
        ballot = {f"project-{pid}": "1" for pid in chosen}
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
        token = _csrf(client, "/login")
        wrong = {"csrf_token": token, "email": voter.email, "password": WRONG_PASSWORD}
        assert client.post("/login", data=wrong).status_code == 422
        right = {"csrf_token": token, "email": voter.email, "password": PASSWORD}
        assert client.post("/login", data=right).status_code == 302
        base = f"/rounds/{setup.round.id}/ballot"
        token = _csrf(client, base)
        assert (
            client.post(base + "/review", data={"csrf_token": token, **ballot}).status_code == 200
        )
        assert client.post(base + "/cast", data={"csrf_token": token, **ballot}).status_code == 302
        receipt_page = client.get(base + "/receipt")
        assert receipt_page.status_code == 200
        ballot_key = KEY_SHOWN.findall(receipt_page.data.decode())[0]
        db.session.rollback()
        stored = db.session.scalar(db.select(Ballot).where(Ballot.round_id == setup.round.id))
        assert stored is not None
        cookie = client.get_cookie("session")
        assert cookie is not None
        secrets = {
            "password": PASSWORD,
            "wrong password": WRONG_PASSWORD,
            "secret key": app.config["SECRET_KEY"],
            "pseudonym key": app.config["AUDIT_PSEUDONYM_KEY"],
            "census key": app.config["CENSUS_HMAC_KEY"],
            "session cookie": cookie.value,
            "CSRF token": token,
            "ballot key": ballot_key,
            "ballot id": stored.id,
            "receipt": stored.receipt,
            "ballot as posted": "&".join(f"{k}=1" for k in ballot),
            "ballot fields": f"project-{chosen[0]}",
            "ballot choices": json.dumps(sorted(chosen)),
            "ballot choices as a dict": repr(dict.fromkeys(chosen, 1)),
            "full client address": "203.0.113.77",
        }
        lines = formatted(caplog.records)
        assert leaks(lines, secrets) == []
        access = [r for r in caplog.records if r.name == "pb.access"]
        cast_line = next(r for r in access if getattr(r, "route", "").endswith("/ballot/cast"))
        assert cast_line.client == "203.0.113.0/24" and cast_line.status == 302  # type: ignore[attr-defined]
        assert json.loads(JsonFormatter().format(cast_line))["request_id"]


def test_request_ids_are_kept_from_a_proxy_or_made_here(bare_app: Flask) -> None:
    client = bare_app.test_client()
    given = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert given.headers["X-Request-ID"] == "lb-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x", "level": "ERROR'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.23", "198.51.100.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:192.0.2.9", "192.0.2.0/24"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_client_addresses_are_cut_to_their_network(address: str | None, network: str) -> None:
    assert client_network(address) == network
