"""Reading the deployment files (systemd units, compose.yaml, Dockerfile) the way their tools do,
for tests/ops/test_deploy.py."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[2]
UNITS = REPO_ROOT / "deploy" / "systemd"
INSTALL_DIR = "/opt/pb"  # where the units and the image keep the code


def unit_lines(name: str, key: str) -> list[str]:
    """Every value of `key=` in the unit (systemd allows a key several times)."""
    prefix = key + "="
    lines = (UNITS / name).read_text().splitlines()
    return [line[len(prefix) :] for line in lines if line.startswith(prefix)]


def exec_start(name: str) -> list[str]:
    [command] = unit_lines(name, "ExecStart")
    return shlex.split(command)


def unit_environment(name: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in unit_lines(name, "Environment"))


def compose() -> dict[str, Any]:
    return YAML(typ="safe").load((REPO_ROOT / "compose.yaml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = (REPO_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, arguments = stripped.partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def dockerfile_cmd() -> list[str]:
    [cmd] = [
        arguments for instruction, arguments in dockerfile_instructions() if instruction == "CMD"
    ]
    return json.loads(cmd)


def here(command: list[str]) -> list[str]:
    """A unit's command, pointed at this checkout instead of /opt/pb."""
    return [part.replace(INSTALL_DIR, str(REPO_ROOT)) for part in command]
