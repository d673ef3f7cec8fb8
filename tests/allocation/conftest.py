"""Fixtures for the allocation engine's tests: paths to real elections and small builders."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import pytest

from pb.allocation import ApprovalBallot, Instance, Profile, Project
from pb.allocation.pabulib import PabulibElection, parse_file

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_PABULIB = (REPO_ROOT.parent / "shared" / "pabulib").resolve()
LOCAL_PABULIB = REPO_ROOT / "tests" / "data" / "pabulib"
SHARED_REASON = f"the shared pabulib collection is absent ({SHARED_PABULIB})"


def shared_files() -> list[Path]:
    """Every .pb file in ../shared/pabulib (empty when the folder is absent)."""
    if not SHARED_PABULIB.is_dir():
        return []
    return sorted(SHARED_PABULIB.glob("*.pb"))


def local_files() -> list[Path]:
    return sorted(LOCAL_PABULIB.glob("*.pb"))


def all_files() -> list[Path]:
    """The local copies, then every shared file that has no local copy (each election once)."""
    local = local_files()
    names = {path.name for path in local}
    return local + [path for path in shared_files() if path.name not in names]


def shared(name: str) -> Path:
    """A shared file by name; skips the test when the shared folder is absent."""
    path = SHARED_PABULIB / name
    if not path.is_file():
        pytest.skip(SHARED_REASON)
    return path


def approval(
    budget: int, costs: dict[str, int], ballots: Iterable[Iterable[str]], **meta: str
) -> tuple[Instance, Profile]:
    """An approval election from plain data: {id: cost} and ballots as lists of ids."""
    instance = Instance(budget, tuple(Project(pid, cost) for pid, cost in costs.items()), meta)
    profile = Profile("approval", tuple(ApprovalBallot(frozenset(b)) for b in ballots))
    return instance, profile


@functools.cache
def load(path: Path) -> PabulibElection:
    """Parse a pabulib file once per test process (the big ones take a second)."""
    return parse_file(path)


@functools.cache
def header(path: Path) -> tuple[dict[str, str], tuple[str, ...], int]:
    """(META, PROJECTS columns, number of VOTES lines) read cheaply, without parsing ballots."""
    meta: dict[str, str] = {}
    columns: tuple[str, ...] = ()
    section = ""
    votes = 0
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            name = line.strip().lower()
            if name in ("meta", "projects", "votes"):
                section, first = name, True
                continue
            if section == "meta" and ";" in line and not line.startswith("key;"):
                key, _, value = line.partition(";")
                meta[key.strip()] = value.strip()
            elif section == "projects" and first:
                columns = tuple(c.strip() for c in line.split(";"))
                first = False
            elif section == "votes":
                votes += 1
    return meta, columns, max(votes - 1, 0)
