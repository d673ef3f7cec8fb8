"""`pb tally` reproduces the official selection of every real election whose META names one of
our rules and whose PROJECTS have a `selected` column (../shared/pabulib, and the copies in
tests/data so that a fresh clone checks some without ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pb.allocation.rules import RULES
from pb.cli import main

from .conftest import REPO_ROOT, SHARED_PABULIB, all_files, header, load, shared_files

BIG = 20_000  # voters; informational `slow` marker above this


def officially_decided(paths: list[Path]) -> list[Path]:
    chosen = []
    for path in paths:
        meta, columns, _votes = header(path)
        if meta.get("rule") in RULES and "selected" in columns:
            chosen.append(path)
    return chosen


def marks(path: Path) -> list[pytest.MarkDecorator]:
    return [pytest.mark.slow] if header(path)[2] > BIG else []


SHARED = officially_decided(shared_files())
EVERY = officially_decided(all_files())  # each election once, the local copy when there is one


def test_the_shared_collection_has_the_expected_official_results() -> None:
    if not SHARED_PABULIB.is_dir():
        pytest.skip(f"the shared pabulib collection is absent ({SHARED_PABULIB})")
    names = {path.name for path in SHARED}
    assert {
        "Netherlands_Assen_2024.pb",
        "Poland_Swiecie_2023.pb",
        "poland_wieliczka_2023.pb",
        "Poland_Lodz_2022.pb",
        "Poland_Katowice_2023.pb",
        "Poland_Gdynia_2023_Green_Budget.pb",
        "Poland_Krakow_2022_Zwierzyniec.pb",
        "Poland_Czestochowa_2024_Mirow.pb",
    } <= names
    assert len(SHARED) == 13


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=marks(p), id=f"{p.parent.name}/{p.name}") for p in EVERY],
)
def test_pb_tally_reproduces_the_official_selection(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["tally", str(path), "--json", "--check"])
    data = json.loads(capsys.readouterr().out)
    election = load(path)
    assert data["rule"] == election.rule
    assert data["official"]["missing"] == [] and data["official"]["extra"] == []
    assert set(data["selected"]) == election.official_selection
    assert status == 0


def test_as_a_subprocess_on_an_equal_shares_city() -> None:
    path = REPO_ROOT / "tests" / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
    result = subprocess.run(
        [sys.executable, "-m", "pb.cli", "tally", str(path), "--json", "--check"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rule"] == "equalshares/add1"
    assert data["official"]["matches"] is True
