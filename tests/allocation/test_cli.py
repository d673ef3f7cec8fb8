"""`pb tally`: through `pb.cli.main` and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pb.cli import main

from .conftest import LOCAL_PABULIB, REPO_ROOT

PLAC = LOCAL_PABULIB / "poland_warszawa_2017_plac-wojska-polskiego.pb"
KRAKOW = LOCAL_PABULIB / "Poland_Krakow_2022_Zwierzyniec.pb"
CHICAGO = LOCAL_PABULIB / "US_Stanford_Dataset_PB_Chicago_47th_Ward_2020_vote_rankings.pb"


def tally(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["tally", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_output_has_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = tally(capsys, str(PLAC), "--json")
    data = json.loads(out)
    assert status == 0
    assert data["rule"] == "greedy"
    assert data["satisfaction"] == "cost"
    assert data["tie_break"] == "lexicographic"
    assert data["selected"] == ["427", "915", "2567", "1623"]
    assert data["total_cost"] == 44720
    assert data["budget"] == 51195
    assert data["official"]["matches"] is True
    assert len(data["trace"]) == 4


def test_the_table_explains_every_project(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = tally(capsys, str(KRAKOW))
    assert status == 0
    assert "Rule:         greedy" in out
    assert "MATCHES" in out
    for pid in ("1", "5", "17", "25"):
        assert any(line.split()[1:2] == [pid] for line in out.splitlines() if line[:3].strip())
    assert "Its cost was more than the budget left" in out


def test_options_override_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = tally(
        capsys, str(KRAKOW), "--rule", "greedy-no-skip", "--satisfaction", "borda", "--json"
    )
    data = json.loads(out)
    assert status == 0
    assert (data["rule"], data["satisfaction"]) == ("greedy-no-skip", "borda")


def test_a_lottery_needs_and_records_its_seed(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = tally(capsys, str(PLAC), "--tie-break", "lottery")
    assert status == 1 and "seed" in err
    status, out, _ = tally(capsys, str(PLAC), "--tie-break", "lottery", "--seed", "x1", "--json")
    assert status == 0 and json.loads(out)["seed"] == "x1"


def test_unknown_rule_in_the_file_asks_for_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = tally(capsys, str(CHICAGO))
    assert status == 1 and out == ""
    assert "does not say which rule" in err and "--rule" in err
    status, out, _ = tally(capsys, str(CHICAGO), "--rule", "greedy", "--json")
    assert status == 0 and json.loads(out)["official"] is None


def test_bad_files_give_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(
        PLAC.read_text(encoding="utf-8").replace("5642;33;F;internet;427", "5642;33;F;internet;9")
    )
    status, out, err = tally(capsys, str(bad))
    assert status == 1 and out == ""
    assert "line" in err and "unknown project '9'" in err and "Traceback" not in err
    status, _, err = tally(capsys, str(tmp_path / "missing.pb"))
    assert status == 1 and "cannot read" in err


def test_check_turns_a_mismatch_into_an_exit_status(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = PLAC.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("1623;"))
    assert lines[row].endswith(";1")
    lines[row] = lines[row][:-1] + "0"  # the official file now says 1623 was not selected
    text = "\n".join(lines) + "\n"
    edited = tmp_path / "edited.pb"
    edited.write_text(text, encoding="utf-8")
    status, out, _ = tally(capsys, str(edited), "--check")
    assert status == 3 and "DIFFERS" in out
    assert tally(capsys, str(PLAC), "--check")[0] == 0


def test_unknown_choices_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["tally", str(PLAC), "--rule", "dictatorship"])
    assert caught.value.code == 2


def test_runs_as_a_subprocess_with_python_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pb.cli", "tally", str(PLAC), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["selected"] == ["427", "915", "2567", "1623"]
