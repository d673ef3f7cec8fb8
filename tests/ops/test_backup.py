"""Backup and restore, as docs/operations.md tells an operator to do them: `pg_dump` of a live
site (one round published, one open for voting), `pg_restore` into a fresh database, then every
round's audit bundle exported from the restored database passes `pb verify`, the stored chain
still checks, the open round has every ballot, and the site serves from it, uploaded photos
included (they live in the database, so the dump holds them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pb.audit import export, integrity, keys
from pb.extensions import db
from pb.media import services as media
from pb.rounds.models import Phase, Round
from pb.voting.models import Ballot
from tests import factories
from tests.audit.helpers import run_round
from tests.conftest import POSTGRES_URL, REPO_ROOT, _empty_postgres, custom_app, unavailable
from tests.live import gunicorn
from tests.media.test_images import picture

PB = str(Path(sys.executable).with_name("pb"))
pytestmark = pytest.mark.postgres


@pytest.fixture
def live_site(postgres_url: str | None) -> str:
    if postgres_url is None:
        unavailable("PostgreSQL", f"no server at {POSTGRES_URL}")
    with custom_app(postgres_url):
        _empty_postgres(postgres_url)
    return postgres_url


def _tool(name: str, *args: str) -> None:
    if shutil.which(name) is None:
        unavailable(name, "not installed (Debian: postgresql-client)")
    result = subprocess.run([name, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def _pb(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [PB, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120
    )


def test_dump_restore_verify_and_serve(
    live_site: str, fresh_database: Callable[[str], str], tmp_path: Path
) -> None:
    restore_target = fresh_database("pb_restored")
    with custom_app(live_site):
        published = run_round([{0: 1}, {1: 1}, {0: 1, 2: 1}]).setup
        voting = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}, {1: 1}])
        public_key = keys.public_key()
        assert public_key is not None
        round_ids = (published.round.id, voting.round.id)
        before = export.round_bundle(published.round, None)
        with factories.writing():
            photo = media.store(picture("PNG"), "The new bench", owner=None)
        photo_id, photo_bytes = photo.id, photo.data
    dump = tmp_path / "pb.dump"
    _tool("pg_dump", "--format=custom", f"--file={dump}", live_site)
    _tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restore_target}", str(dump))

    bundle = tmp_path / "round.zip"
    exported = _pb(restore_target, "export", "--round", str(round_ids[0]), "--out", str(bundle))
    assert exported.returncode == 0, exported.stderr
    assert bundle.read_bytes() == before  # the same bundle as before the backup
    verified = _pb(restore_target, "verify", str(bundle), "--key", public_key)
    assert verified.returncode == 0 and "OK" in verified.stdout, verified.stderr

    with custom_app(restore_target):
        assert integrity.check_stored().ok
        in_round = Ballot.round_id == round_ids[1]
        assert db.session.scalar(select(func.count()).select_from(Ballot).where(in_round)) == 2
        assert db.session.get_one(Round, round_ids[1]).phase is Phase.VOTING  # still open
    with gunicorn(restore_target, workers=1, threads=2) as base:
        for path in ("/", f"/rounds/{round_ids[0]}/results", "/readyz"):
            with urllib.request.urlopen(base + path, timeout=30) as response:
                assert response.status == 200, path
        with urllib.request.urlopen(f"{base}/media/{photo_id}", timeout=30) as response:
            assert response.read() == photo_bytes  # the photo came back with the database
