"""Benchmark: the pabulib reader alone, on any files.

    .venv/bin/python bench/reader.py [--repeat 3] [--lenient] FILE.pb [FILE.pb ...]

Each file is read in a fresh child process (so that its peak memory is its own, not the
largest file's so far), --repeat times; one Markdown row per file: voters, projects, the fastest
wall and processor times (the processor time is the fair figure on a shared machine), the peak
resident memory of the child (Linux `ru_maxrss`, reader and interpreter together) and the load
average when the file's runs started.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def read_once(path: Path, repeat: int, lenient: bool) -> dict[str, float]:
    """In this process: the fastest of `repeat` reads, with the garbage collector off (as
    `timeit` runs code), and this process's peak memory."""
    sys.path.insert(0, str(REPO))
    from pb.allocation.pabulib import parse_file

    best_wall = best_cpu = float("inf")
    election = None
    for _ in range(repeat):
        election = None  # the previous election is freed before the next read
        gc.collect()
        gc.disable()
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            election = parse_file(path, lenient=lenient)
            best_cpu = min(best_cpu, time.process_time() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
        finally:
            gc.enable()
    assert election is not None
    return {
        "voters": election.profile.num_voters,
        "projects": len(election.instance.projects),
        "wall": best_wall,
        "cpu": best_cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(path: Path, repeat: int, lenient: bool) -> dict[str, float]:
    """`read_once` in a child process, so that the peak memory is this file's."""
    command = [sys.executable, __file__, "--child", "--repeat", str(repeat), str(path)]
    if lenient:
        command.append("--lenient")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lenient", action="store_true", help="read with lenient=True")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(read_once(args.files[0], args.repeat, args.lenient)))
        return 0
    print("| file | voters | projects | read s | read cpu s | peak MB | load |")
    print("|" + "---|" * 7)
    for path in args.files:
        load = os.getloadavg()[0]
        found = measure(path, args.repeat, args.lenient)
        cells = [
            path.stem,
            str(found["voters"]),
            str(found["projects"]),
            f"{found['wall']:.3g}",
            f"{found['cpu']:.3g}",
            f"{found['peak_mb']:.0f}",
            f"{load:.1f}",
        ]
        print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
