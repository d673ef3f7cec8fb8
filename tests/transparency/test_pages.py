"""The public transparency pages: what each visitor sees in each phase, and nothing early."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role
from pb.audit import signing
from pb.audit.verify import kept_from_file, verify_bundle
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.models import Ballot
from tests import factories
from tests.audit.helpers import run_round

BALLOTS = [{0: 1}, {0: 1, 1: 1}, {2: 1}]


def _as(app: Flask, role: Role | None, setup: factories.RoundSetup | None = None) -> FlaskClient:
    client = app.test_client()
    if role is Role.COUNCILLOR and setup is not None:
        factories.login(client, setup.councillor)
    elif role is not None:
        factories.login(client, factories.user(role))
    return client


def test_during_voting_nothing_about_the_votes_is_shown_to_anyone(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=BALLOTS)
    receipt = db.session.scalar(db.select(Ballot.receipt))
    base = f"/rounds/{setup.round.id}"
    for role in (None, Role.AUDITOR, Role.COUNCILLOR, Role.CITIZEN):
        client = _as(app, role, setup)
        board = client.get(f"{base}/board?receipt={voting.short_code(receipt)}")
        assert board.status_code == 200
        assert receipt.encode() not in board.data and b"Eligible voters" not in board.data
        assert b"Ballots can be looked up once the results are published" in board.data
        assert client.get(f"{base}/bundle.zip").status_code == 404
        page = client.get(f"{base}/transparency")
        assert page.status_code == 200 and setup.round.config_hash.encode() in page.data
        assert b"Download the audit bundle" not in page.data


def test_after_close_only_checkers_see_the_board_and_the_bundle(app: Flask) -> None:
    run = run_round(BALLOTS, publish=False)
    base = f"/rounds/{run.setup.round.id}"
    public = _as(app, None)
    assert run.cast_order[0].encode() not in public.get(f"{base}/board").data
    assert public.get(f"{base}/bundle.zip").status_code == 404
    other_councillor = app.test_client()
    factories.login(other_councillor, factories.user(Role.COUNCILLOR, wards_=[factories.ward()]))
    assert other_councillor.get(f"{base}/bundle.zip").status_code == 404
    for client in (_as(app, Role.AUDITOR), _as(app, Role.COUNCILLOR, run.setup)):
        board = client.get(f"{base}/board")
        assert all(receipt.encode() in board.data for receipt in run.cast_order)
        assert b"not published yet" in board.data
        assert board.headers["Cache-Control"] == "private, no-store"
        download = client.get(f"{base}/bundle.zip")
        assert download.status_code == 200 and download.mimetype == "application/zip"
        assert download.headers["Cache-Control"] == "private, no-store"
        verify_bundle(download.data)


def test_once_published_anyone_can_look_up_a_receipt_and_download_the_bundle(
    app: Flask, tmp_path: Path
) -> None:
    run = run_round(BALLOTS)
    round_ = run.setup.round
    base = f"/rounds/{round_.id}"
    client = _as(app, None)
    board = client.get(f"{base}/board")
    html = board.data.decode()
    assert [html.index(r) for r in sorted(run.cast_order)] == sorted(
        html.index(r) for r in run.cast_order
    )  # listed by receipt, apart from the ballots
    assert "Eligible voters" in html and "One ballot for every voter who took part." in html
    for typed in (
        run.cast_order[1],
        voting.short_code(run.cast_order[1]).lower(),
        "  " + voting.short_code(run.cast_order[1]),
    ):
        found = client.get(f"{base}/board", query_string={"receipt": typed})
        assert found.status_code == 200
        assert b"Your receipt is on the board" in found.data
    missing = client.get(f"{base}/board", query_string={"receipt": "0000-0000-0000"})
    assert b"No ballot on this board has that receipt" in missing.data
    assert b"a replaced ballot is not counted, only your last one is" in missing.data
    download = client.get(f"{base}/bundle.zip")
    assert download.status_code == 200 and "Cache-Control" not in download.headers
    assert f'filename="round-{round_.id}-bundle.zip"' in download.headers["Content-Disposition"]
    assert download.data == run.data  # deterministic: the same bytes for everyone
    saved = tmp_path / "checkpoints.json"  # what an auditor keeps from the public page
    saved.write_bytes(client.get("/transparency/checkpoints.json").data)
    public_key = json.loads(saved.read_text())["public_key"]
    verify_bundle(download.data, kept=kept_from_file(saved), keys=[public_key])
    page = client.get(f"{base}/transparency").data.decode()
    assert "Download the audit bundle" in page and f"pb verify round-{round_.id}-bundle.zip" in page
    assert f"--rule {round_.rule}" in page


@pytest.mark.parametrize(
    "typed",
    ["nonsense", "\x00", "1" * 5000, "ABCD-1234", "'; DROP TABLE ballots; --", "ÿ" * 12],
)
def test_whatever_is_typed_into_the_lookup_never_breaks_it(app: Flask, typed: str) -> None:
    run = run_round(BALLOTS[:1])
    response = _as(app, None).get(
        f"/rounds/{run.setup.round.id}/board", query_string={"receipt": typed, "page": "9" * 40}
    )
    if "\x00" in typed:  # the site refuses NUL bytes anywhere in a request
        assert response.status_code == 400
        return
    assert response.status_code == 422
    assert b"Enter your short code" in response.data and b'aria-invalid="true"' in response.data


def test_the_frozen_configuration_is_published_byte_for_byte(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    client = _as(app, None)
    config = client.get(f"/rounds/{setup.round.id}/config.json")
    assert hashlib.sha256(config.data).hexdigest() == setup.round.config_hash
    review = factories.round_in_phase(Phase.REVIEW)
    assert client.get(f"/rounds/{review.round.id}/config.json").status_code == 404
    draft = factories.round_in_phase(Phase.DRAFT)
    assert client.get(f"/rounds/{draft.round.id}/transparency").status_code == 404


def test_checkpoints_are_published_as_a_page_and_as_json(app: Flask) -> None:
    factories.round_in_phase(Phase.VOTING)
    client = _as(app, None)
    data = client.get("/transparency/checkpoints.json").get_json()
    assert data["checkpoints"] and data["public_key"]
    for checkpoint in data["checkpoints"]:
        assert signing.checkpoint_problem(checkpoint) is None
        assert checkpoint["origin"] == data["origin"]
    page = client.get("/transparency?page=-5").data.decode()
    latest = data["checkpoints"][-1]
    assert f"{latest['seq']}:{latest['hash']}" in page
    assert data["public_key"] in page
    assert json.loads(json.dumps(data)) == data


def test_the_receipt_page_links_to_the_board(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    project = setup.projects[0]
    client.post(f"/rounds/{setup.round.id}/ballot/cast", data={f"project-{project.id}": "1"})
    page = client.get(f"/rounds/{setup.round.id}/ballot/receipt").data.decode()
    assert f'href="/rounds/{setup.round.id}/board"' in page
