"""The benchmarks in bench/ still run and print their figures (tiny inputs; speed is not
asserted here: figures come from running the benchmarks themselves, see docs/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "data" / "pabulib" / "Poland_Zabrze_2020_Konczyce.pb"


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_allocation_benchmark_prints_a_row_per_rule_and_satisfaction():
    pytest.importorskip("pabutools", reason="pabutools is a test-only dependency")
    out = _run("bench/allocation.py", "--rules", "greedy", "--repeat", "1", str(SMALL))
    header, *rows = out.strip().splitlines()
    assert header.split()[:7] == [
        "rule", "satisfaction", "file", "voters", "projects", "ours", "ms"
    ]  # fmt: skip
    assert [row.split()[:2] for row in rows] == [["greedy", "cost"], ["greedy", "cardinality"]]
    assert all(row.split()[-1] == "yes" for row in rows)  # same outcome as pabutools


def test_the_comparison_benchmark_times_every_rule():
    out = _run("bench/compare.py", "--repeat", "1", str(SMALL))
    lines = out.strip().splitlines()
    assert lines[0].split()[:3] == ["file", "/", "rule"]
    assert any(line.split()[0] == "equalshares" for line in lines[2:])
    assert lines[-1].split()[:3] == ["TOTAL", "compare", "(without"]


def test_the_deliberation_benchmark_runs_on_a_small_round():
    out = _run(
        "bench/deliberation.py",
        "--proposals", "30", "--comments", "5", "--repeat", "1",
        "--postgres", "postgresql://postgres@127.0.0.1:1/pb_bench",  # nothing there: SQLite only
    )  # fmt: skip
    assert "sqlite" in out.lower()
    assert "search" in out.lower()


def test_the_request_cpu_benchmark_measures_every_request_kind():
    out = _run("bench/request_cpu.py", "--calls", "2", "--warmup", "1", "--statements")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    assert set(rows) == {"ballot", "review", "cast", "round", "results"}
    assert all(row[1] == "2" and float(row[2]) > 0 and int(row[5]) > 0 for row in rows.values())


def test_the_request_cpu_benchmark_takes_a_request_apart_by_part():
    out = _run("bench/request_cpu.py", "--calls", "2", "--only", "ballot,review,cast", "--hooks")
    table = out.split("by part")[1].splitlines()[2:]
    parts = {line.split()[-1]: [float(cell) for cell in line.split()[:3]] for line in table}
    whole = parts["call"]  # "the whole WSGI call"
    assert all(value > 0 for value in whole + parts["view"])
    assert any(name.endswith("_enforce_policy") for name in parts)  # the policy table's check
    assert any(name.endswith("csrf_protect") for name in parts)
    totals = {line.split()[0]: float(line.split()[2]) for line in out.splitlines()[2:5]}
    assert all(whole[i] <= totals[kind] for i, kind in enumerate(["ballot", "review", "cast"]))


def test_the_scale_benchmark_takes_add1_apart_on_a_generated_file(tmp_path: Path):
    generated = tmp_path / "small.pb"
    _run("bench/generate.py", "million", "--voters", "500", "--projects", "30", str(generated))
    out = _run("bench/scale.py", "--phases", str(generated))
    lines = out.strip().splitlines()
    assert lines[0].startswith("small: read ")
    assert [line.split()[0] for line in lines[1:]] == ["prepare", "float", "float", "exact"]
    assert "certified" in lines[2] and "selections" in lines[4]


def test_the_float_bounds_diagnostic_follows_every_selection(tmp_path: Path):
    generated = tmp_path / "small.pb"
    _run("bench/generate.py", "million", "--voters", "500", "--projects", "30", str(generated))
    lines = _run("bench/float_bounds.py", str(generated)).strip().splitlines()
    assert lines[0].startswith("selection 1: bound ")
    assert lines[-1] == "every selection certified" or lines[-1].startswith("largest real error")
