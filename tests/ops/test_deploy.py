"""The deployment kit, as far as a machine without a container engine can test it.

- compose.yaml validates against the Compose specification's schema (vendored by the
  check-jsonschema package: no network needed), and the systemd units pass
  `systemd-analyze verify`;
- the container, compose and systemd run the very same commands;
- those commands, taken from the units' ExecStart lines and run with the units' environment
  (PB_PRODUCTION=1) on a fresh PostgreSQL database, work: migrate it, serve it with several
  gunicorn workers (readiness, ballots, metrics added up across workers, JSON logs), deliver
  the outbox, sign a checkpoint.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.deploy_files import (
    INSTALL_DIR,
    REPO_ROOT,
    UNITS,
    compose,
    dockerfile_cmd,
    dockerfile_instructions,
    exec_start,
    here,
)

CHECK_JSONSCHEMA = str(Path(sys.executable).with_name("check-jsonschema"))


def _validate_compose(path: Path) -> subprocess.CompletedProcess[str]:
    command = [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    assert _validate_compose(REPO_ROOT / "compose.yaml").returncode == 0
    broken = tmp_path / "compose.yaml"
    text = (REPO_ROOT / "compose.yaml").read_text()
    broken.write_text(text.replace("stop_grace_period: 2m", "stop_grace: 2m"))
    result = _validate_compose(broken)
    assert result.returncode == 1 and "stop_grace" in result.stdout  # the check can fail


def test_compose_runs_two_app_servers_the_worker_postgres_and_redis() -> None:
    services = compose()["services"]
    assert {"web-1", "web-2", "outbox", "checkpoint", "migrate", "postgres", "redis"} <= set(
        services
    )
    web = exec_start("pb-web.service")
    assert services["web-1"]["command"] == services["web-2"]["command"] == web
    assert services["outbox"]["command"] == exec_start("pb-outbox.service")
    assert services["migrate"]["command"] == exec_start("pb-migrate.service")
    assert " ".join(exec_start("pb-checkpoint.service")) in services["checkpoint"]["command"][2]
    assessment = " ".join(exec_start("pb-assessment.service"))
    assert assessment in services["assessment"]["command"][2]
    assert dockerfile_cmd() == web  # the image's default command is the web unit's


def test_the_image_copies_what_exists_and_works_where_the_units_do() -> None:
    instructions = dockerfile_instructions()
    assert ("WORKDIR", INSTALL_DIR) in instructions
    for instruction, arguments in instructions:
        if instruction == "COPY":
            *sources, _target = arguments.split()
            assert all((REPO_ROOT / source).exists() for source in sources), arguments


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_units_verify(tmp_path: Path) -> None:
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(INSTALL_DIR, str(REPO_ROOT))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, sorted(tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    timer = (UNITS / "pb-checkpoint.timer").read_text()
    assert "OnCalendar=*:0/15" in timer and "Unit=pb-checkpoint.service" in timer
    assert here(exec_start("pb-web.service"))[0] == str(REPO_ROOT / ".venv/bin/gunicorn")


def _shell_commands(markdown: str) -> list[str]:
    """The commands of a guide's ```sh blocks, continuation lines joined as the shell does."""
    blocks = markdown.split("```sh\n")[1:]
    text = "\n".join(block.split("```", 1)[0] for block in blocks)
    return text.replace("\\\n", " ").splitlines()


def test_the_operations_guide_enables_every_timer_and_long_running_unit() -> None:
    guide = (REPO_ROOT / "docs" / "operations.md").read_text()
    [enable] = [line for line in _shell_commands(guide) if line.startswith("systemctl enable")]
    timers = {unit.name for unit in UNITS.glob("*.timer")}
    started_by_a_timer = {name.replace(".timer", ".service") for name in timers}
    services = {unit.name for unit in UNITS.glob("*.service")} - started_by_a_timer
    assert set(enable.split()[3:]) == timers | services
