"""Benchmark: comparing every rule on one election (issue 16: Łódź 2022 in under 3 s).

    .venv/bin/python bench/compare.py [--repeat N] [FILE.pb ...]   (default: Poland_Lodz_2022.pb)

For each file: the parse (not part of the comparison: the page and `pb compare` parse once),
then `pb.allocation.comparison.compare` over every applicable rule, split into the time each
rule takes to count (`allocate`) and to be measured (`analysis.measure`, EJR included), and the
one-off preparation of the voters (`VoterView`, EJR bitsets). The garbage collector is off while
timing; every run starts from a fresh parse; the fastest of --repeat runs counts (slower runs
measure the machine's other work).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pb.allocation import allocate  # noqa: E402
from pb.allocation.analysis import measure  # noqa: E402
from pb.allocation.comparison import applicable_rules  # noqa: E402
from pb.allocation.ejr import EjrContext  # noqa: E402
from pb.allocation.pabulib import parse_file  # noqa: E402
from pb.allocation.voters import VoterView  # noqa: E402

DEFAULT = (REPO.parent / "shared" / "pabulib" / "Poland_Lodz_2022.pb").resolve()


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    gc.disable()
    try:
        started = time.perf_counter()
        value = function(*args, **kwargs)
        return value, time.perf_counter() - started
    finally:
        gc.enable()


def one_run(election) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    instance, profile = election.instance, election.profile
    context, prepare = timed(lambda: EjrContext(VoterView(instance, profile)))
    if profile.vote_type in ("approval", "choose-1"):
        _masks, masks = timed(lambda: context.supporters)
        prepare += masks
    times = {"(voters, bitsets)": (prepare, 0.0)}
    for rule in applicable_rules(instance, profile):
        outcome, counting = timed(allocate, instance, profile, rule)
        _m, measuring = timed(measure, instance, profile, outcome, context=context)
        times[rule] = (counting, measuring)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'file / rule':<34} {'count ms':>9} {'measure ms':>11}")
    for path in args.files:
        runs, parses = [], []
        for _ in range(max(1, args.repeat)):  # a fresh parse each time: nothing cached is reused
            election, parse = timed(parse_file, path)
            parses.append(parse)
            runs.append(one_run(election))
        parse = min(parses)
        best = min(runs, key=lambda run: sum(a + b for a, b in run.values()))
        voters = election.profile.num_voters
        print(f"{path.name} ({voters} voters, parse {parse * 1000:.0f} ms)")
        for key, (counting, measuring) in best.items():
            print(f"  {key:<32} {counting * 1000:>9.0f} {measuring * 1000:>11.0f}")
        total = sum(a + b for a, b in best.values())
        print(f"  {'TOTAL compare (without parse)':<32} {total * 1000:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
