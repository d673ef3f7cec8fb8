"""bench/pabutools_fastest.py: pabutools at its fastest selects what the engine selects, and a
run past its processor-time limit reports "> N" (run in a child process: the limit interrupts
the main thread, and the float fractions must not leak into other pabutools tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "pabulib"

CHILD = """
import json, sys
sys.path[:0] = [{repo!r}, {bench!r}]
import pabutools_fastest as pf
from pb.allocation import allocate
from pb.allocation.pabulib import parse_file
path, rule, sat, limit = {path!r}, {rule!r}, {sat!r}, {limit!r}
result = pf.run(pf.load(path), rule, sat, limit)
election = parse_file(path)
ours = allocate(election.instance, election.profile, rule, satisfaction=sat)
print(json.dumps({{"seconds": result.seconds, "selected": result.selected,
                  "ours": sorted(ours.selected), "time": result.time_text(),
                  "ratio": result.ratio_text(0.001)}}))
"""


def _child(name: str, rule: str, sat: str, limit: float) -> dict:
    code = CHILD.format(
        repo=str(REPO), bench=str(REPO / "bench"), path=str(DATA / name),
        rule=rule, sat=sat, limit=limit,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("rule", ["greedy", "equalshares/add1-pabutools", "max-welfare"])
def test_pabutools_at_its_fastest_selects_what_the_engine_selects(rule):
    pytest.importorskip("pabutools", reason="pabutools is a test-only dependency")
    found = _child("Poland_Zabrze_2020_Konczyce.pb", rule, "cost", 60.0)
    assert found["seconds"] is not None and found["seconds"] >= 0
    assert found["selected"] == found["ours"]


def test_a_run_past_its_processor_time_limit_reports_more_than_the_limit():
    pytest.importorskip("pabutools", reason="pabutools is a test-only dependency")
    # pabutools' add1 on Assen takes about a second of processor time
    found = _child("Netherlands_Assen_2024.pb", "equalshares/add1-pabutools", "cost", 0.05)
    assert found["seconds"] is None and found["selected"] is None
    assert found["time"] == "> 50"
    assert found["ratio"] == "> 50x"
