"""Signed checkpoints: one at every phase change, one per scheduler run while voting is open,
the key kept outside the database, and a log the database itself keeps append-only."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.audit import checkpoints, integrity, keys, signing
from pb.audit import services as audit
from pb.audit.models import Checkpoint
from pb.errors import Conflict
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.wards import services as wards
from tests import factories


def _signed_head() -> None:
    """The latest checkpoint signs the current head, validly."""
    db.session.rollback()
    head = audit.head()
    latest = checkpoints.latest_checkpoint()
    assert latest is not None and (latest.seq, latest.entry_hash) == (head.seq, head.entry_hash)
    assert signing.checkpoint_problem(latest.published()) is None


def test_every_phase_change_is_checkpointed_when_it_commits(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.DRAFT, voters=1)
    round_, councillor, voter = setup.round, setup.councillor, setup.voters[0]
    with factories.writing():
        rounds.advance_phase(round_, actor=councillor, now=round_.proposals_open_at)
    _signed_head()
    with factories.writing():
        draft = proposals.ProposalDraft(
            "Benches", "New benches in the park.", 5000, setup.ward.id, "Parks"
        )
        project = proposals.submit(round_, draft, author=voter, now=round_.proposals_open_at)
        rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)
    _signed_head()
    with factories.writing():
        proposals.review(
            project, officer=setup.officer, feasible=True, reason="Fine.", final_cost=5000
        )
        rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)
    _signed_head()
    with factories.writing():
        voting.cast(
            round_, voter, {project.id: 1}, now=round_.voting_open_at + timedelta(minutes=1)
        )
    latest = checkpoints.latest_checkpoint()
    with factories.writing():
        rounds.advance_phase(round_, actor=councillor, now=round_.voting_close_at)
    _signed_head()
    closed = db.session.scalar(sa.select(Checkpoint).order_by(Checkpoint.seq.desc()))
    assert closed.seq > latest.seq  # the close entry and the tally entry are covered
    with factories.writing():
        rounds.advance_phase(round_, actor=councillor)
    _signed_head()
    assert integrity.check_stored().ok


def test_a_refused_phase_change_leaves_no_checkpoint(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    before = len(checkpoints.checkpoints())
    with pytest.raises(Conflict), factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)  # proposals still open
    db.session.rollback()
    with factories.writing():
        wards.save_ward(None, "LATER", "Later ward", actor=None)
    assert len(checkpoints.checkpoints()) == before


def test_the_scheduler_command_signs_only_while_voting_is_open(app: Flask) -> None:
    runner = app.test_cli_runner()
    factories.round_in_phase(Phase.REVIEW)
    result = runner.invoke(args=["pb", "checkpoint"])
    assert result.exit_code == 0 and "No round is open for voting" in result.output
    factories.round_in_phase(Phase.VOTING)
    result = runner.invoke(args=["pb", "checkpoint"])
    assert "already signed" in result.output  # opening voting was checkpointed
    with factories.writing():
        wards.save_ward(None, "NEWW", "New ward", actor=None)
    result = runner.invoke(args=["pb", "checkpoint"])
    assert result.exit_code == 0 and "Signed checkpoint" in result.output, result.output
    _signed_head()
    assert "already signed" in runner.invoke(args=["pb", "checkpoint"]).output


def test_keygen_writes_a_private_key_file_once(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "checkpoint.pem"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pb", "keygen", "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    public = signing.public_key_hex(signing.load_private_key(path.read_bytes()))
    assert public in result.output and signing.key_id(public) in result.output
    again = runner.invoke(args=["pb", "keygen", "--out", str(path)])
    assert again.exit_code != 0 and "already exists" in again.output
    assert (
        path.read_bytes()
        and runner.invoke(args=["pb", "keygen", "--out", str(path), "--force"]).exit_code == 0
    )
    assert signing.public_key_hex(signing.load_private_key(path.read_bytes())) != public


def test_checkpoints_use_the_configured_key(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pem"
    public = keys.write_key_file(path)
    app.config["CHECKPOINT_KEY_FILE"] = str(path)
    factories.round_in_phase(Phase.VOTING)
    assert checkpoints.latest_checkpoint().public_key == public
    assert keys.public_key() == public


def test_production_refuses_a_phase_change_it_cannot_sign(app: Flask, tmp_path: Path) -> None:
    setup = factories.round_in_phase(Phase.DRAFT)
    app.config.update(ENV_PRODUCTION=True, CHECKPOINT_KEY_FILE=str(tmp_path / "missing.pem"))
    with pytest.raises(keys.MissingKey, match="flask pb keygen"), factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)
    db.session.rollback()
    assert setup.round.phase is Phase.DRAFT
    assert not (tmp_path / "missing.pem").exists() and keys.public_key() is None


@pytest.mark.parametrize("table", ["audit_log", "audit_checkpoints"])
def test_the_database_refuses_to_edit_or_delete_history(app: Flask, table: str) -> None:
    factories.round_in_phase(Phase.VOTING)
    column = "action" if table == "audit_log" else "signature"
    for statement in (f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert integrity.check_stored().ok


def test_the_auditor_can_check_the_stored_chain(app: Flask) -> None:
    factories.round_in_phase(Phase.VOTING)
    client = app.test_client()
    factories.login(client, factories.user(Role.AUDITOR))
    page = client.get("/audit/chain")
    assert page.status_code == 200 and b"The chain is unbroken" in page.data
    assert client.get("/audit/log?page=99999999999999999999").status_code == 200
