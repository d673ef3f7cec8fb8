"""`pb export` (from the database named by DATABASE_URL) and `pb verify`, as an operator and an
auditor run them: the real console script, in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from pb.accounts.models import Role
from tests import factories
from tests.audit.helpers import log_entries, repack, run_round, unpack
from tests.conftest import REPO_ROOT

PB = str(Path(sys.executable).with_name("pb"))


def pb(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [PB, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120
    )


def test_pb_export_writes_the_same_bundle_as_the_site(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    published = run_round([{0: 1}, {1: 1}])
    out = tmp_path / "round.zip"
    result = pb(
        "export",
        "--round",
        str(published.setup.round.id),
        "--out",
        str(out),
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == published.data
    assert f"pb verify {out}" in result.stdout

    if database_url.startswith("postgresql"):
        return  # the refusals below do not depend on the database; once (SQLite) is enough
    closed = run_round([{0: 1}], publish=False)
    args = ["export", "--round", str(closed.setup.round.id), "--out", str(tmp_path / "c.zip")]
    refused = pb(*args, database_url=database_url)
    assert refused.returncode == 1 and "results are not published yet" in refused.stderr
    assert "an auditor" in refused.stderr and "pb export --as" in refused.stderr
    auditor = factories.user(Role.AUDITOR)
    allowed = pb(*args, "--as", auditor.email, database_url=database_url)
    assert allowed.returncode == 0, allowed.stderr
    missing = pb(
        "export", "--round", "999999", "--out", str(tmp_path / "m.zip"), database_url=database_url
    )
    assert missing.returncode == 1 and "No such round" in missing.stderr


def test_pb_verify_says_ok_or_names_the_first_problem(
    published: dict[str, Any], tmp_path: Path
) -> None:
    good = tmp_path / "good.zip"
    good.write_bytes(published["data"])
    latest = published["kept"][-1]
    ok = pb("verify", str(good), "--checkpoint", str(latest), "--key", published["public_key"])
    assert ok.returncode == 0, ok.stderr
    assert ": OK" in ok.stdout and "recounted" in ok.stdout

    files = unpack(published["data"])
    entries = log_entries(files)
    bad = tmp_path / "bad.zip"
    files["log.jsonl"] = files["log.jsonl"].replace(entries[3]["entry_hash"].encode(), b"0" * 64, 1)
    bad.write_bytes(repack(files))
    failed = pb("verify", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.startswith("pb verify: FAILED: log.jsonl line 4: entry 3:")

    usage = pb("verify", str(good), "--checkpoint", "12-abc")
    assert usage.returncode == 2 and "SEQ:HASH" in usage.stderr
    absent = pb("verify", str(tmp_path / "absent.zip"))
    assert absent.returncode == 1 and "cannot read" in absent.stderr
    saved = tmp_path / "checkpoints.json"
    saved.write_text("not json")
    unreadable = pb("verify", str(good), "--checkpoints", str(saved))
    assert unreadable.returncode == 1 and "cannot read saved checkpoints" in unreadable.stderr
