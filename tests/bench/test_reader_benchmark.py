"""bench/reader.py still runs and prints a row per file (speed is not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "data" / "pabulib" / "Poland_Zabrze_2020_Konczyce.pb"


def test_the_reader_benchmark_prints_a_row_per_file():
    done = subprocess.run(
        [sys.executable, "bench/reader.py", "--repeat", "1", str(SMALL), str(SMALL)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    header, _rule, *rows = done.stdout.strip().splitlines()
    assert header.split("|")[1:4] == [" file ", " voters ", " projects "]
    assert len(rows) == 2
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[0] == SMALL.stem
    assert int(cells[1]) > 0 and float(cells[4]) > 0 and float(cells[5]) > 0
