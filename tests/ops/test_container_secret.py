"""The checkpoint key in the containers: `docker compose` bind-mounts the host file with its own
owner and mode (0600 from keygen), so the image's non-root `pb` user reads it only if the file
is theirs. The image fixes that user's uid and gid, compose names them for engines that copy
secrets, and `keygen --owner` gives the file to them; reading it as that uid is what the
container would do (no container engine here)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.deploy_files import REPO_ROOT, compose, dockerfile_instructions

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "pb", "keygen"]


def _image_user() -> tuple[int, int]:
    runs = " ".join(args for instruction, args in dockerfile_instructions() if instruction == "RUN")
    uid = re.search(r"useradd [^&]*--uid (\d+)[^&]* pb\b", runs)
    gid = re.search(r"groupadd [^&]*--gid (\d+) pb\b", runs)
    assert uid and gid, "the image's pb user has no fixed uid and gid"
    return int(uid[1]), int(gid[1])


def test_compose_gives_the_key_to_the_image_user() -> None:
    uid, gid = _image_user()
    assert ("USER", "pb") in dockerfile_instructions()
    app = compose()["x-app"]
    [secret] = app["secrets"]
    assert secret == {"source": "checkpoint_key", "uid": str(uid), "gid": str(gid), "mode": 0o400}
    assert app["environment"]["PB_CHECKPOINT_KEY_FILE"] == "/run/secrets/checkpoint_key"
    guide = (REPO_ROOT / "docs" / "operations.md").read_text()
    assert f"--owner {uid}:{gid}" in guide and f"chown {uid}:{gid}" in guide


@pytest.fixture
def secrets_dir() -> Iterator[Path]:
    """A host `secrets/` directory other users may enter (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="pb-secrets-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def _keygen(out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{out.parent / 'unused.db'}"}
    command = [*FLASK, "--out", str(out), *options]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)


def _read_as(uid: int, gid: int, path: Path) -> subprocess.CompletedProcess[bytes]:
    command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "cat", str(path)]
    return subprocess.run(command, capture_output=True, timeout=30)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_keygen_owner_lets_the_container_user_read_the_key(secrets_dir: Path) -> None:
    uid, gid = _image_user()
    plain, owned = secrets_dir / "plain.pem", secrets_dir / "checkpoint_key.pem"
    assert _keygen(plain).returncode == 0
    assert b"Permission denied" in _read_as(uid, gid, plain).stderr  # /readyz would fail
    result = _keygen(owned, "--owner", f"{uid}:{gid}")
    assert result.returncode == 0, result.stderr
    assert (owned.stat().st_uid, owned.stat().st_gid) == (uid, gid)
    assert stat.S_IMODE(owned.stat().st_mode) == 0o600  # still private to that user
    assert _read_as(uid, gid, owned).stdout == owned.read_bytes()
    assert _read_as(uid + 1, gid + 1, owned).returncode != 0


def test_keygen_owner_takes_numbers_only(secrets_dir: Path) -> None:
    result = _keygen(secrets_dir / "key.pem", "--owner", "pb")
    assert result.returncode == 2 and "UID or UID:GID" in result.stderr
    assert not (secrets_dir / "key.pem").exists()
