"""Benchmark: the allocation engine against pabutools at its fastest, on the real elections.

    .venv/bin/python bench/allocation.py [--timeout SECONDS] [--rules greedy,equalshares/add1]
                                         [--repeat N] [--min-pabutools SECONDS] [--markdown]
                                         [FILE.pb ...]

With no files: every file of ../shared/pabulib and ../shared/pabulib/next, smallest first. For
every file, rule and satisfaction that pabutools also implements, in one process and one run,
it times the engine's `allocate` and pabutools' equivalent (bench/pabutools_fastest.py:
multiprofile, float fractions, pabutools' own functions, its `exhaustion_by_budget_increase`
for add1) and prints: rule, satisfaction, file, voters, projects, our milliseconds, pabutools'
milliseconds (or "> N" when stopped), the ratio ("> N x" when stopped), and whether the
outcomes are the same.

How it times, the same on both sides: processor time (`time.process_time`; the machine is
shared, and wall time would count the waiting); parsing is not timed (each side reads the file
with its own reader); the garbage collector is off while the rule runs; a first run warms the
code up and is not counted unless it takes a second or more; then up to --repeat runs while
they add up to less than a second, the fastest counting. The engine's runs each start from a
fresh parse (it memoises add1 on the profile); pabutools keeps nothing between runs. pabutools
is stopped after --timeout seconds of processor time; its outcome is then compared with the one
recorded in tests/allocation/data/pabutools_outcomes.json when there is one ("yes (recorded)").

`equalshares/add1` (the official variant) has no pabutools switch: pabutools' side is its
closest own rule, `exhaustion_by_budget_increase` with one unit per voter, i.e. our
`equalshares/add1-pabutools`; "no (variant)" says the two variants selected differently.
--min-pabutools SECONDS prints only the rows where pabutools took longer (or was stopped).
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "scripts"))

import allocation_record_pabutools as recording  # noqa: E402
import pabutools_fastest as fastest_pabutools  # noqa: E402
from pabutools_fastest import Result, fastest, timed  # noqa: E402

from pb.allocation import allocate  # noqa: E402
from pb.allocation.pabulib import parse_file  # noqa: E402

SHARED = (REPO.parent / "shared" / "pabulib").resolve()
RECORDED = REPO / "tests" / "allocation" / "data" / "pabutools_outcomes.json"
RULES = ("greedy", "equalshares/add1", "equalshares/add1-pabutools", "max-welfare")
# the engine rules and satisfactions pabutools also implements, per vote type: the recording
# script's list, less the rules pabutools_fastest has no pabutools function for
COMBOS = {
    kind: [(rule, sat) for rule, sat in combos if rule in fastest_pabutools.PABUTOOLS_RULE]
    for kind, combos in recording.COMBOS.items()
}


def ours_run(path: Path, rule: str, sat: str | None, repeat: int) -> tuple[float, Any]:
    """(fastest processor seconds, outcome) of the engine's rule, each run on a fresh parse."""

    def one_run() -> tuple[float, Any]:
        election = parse_file(path, lenient=True)  # Warszawa 2022 Wola names a project twice
        return timed(lambda: allocate(election.instance, election.profile, rule, satisfaction=sat))

    return fastest(one_run, repeat)


def same(rule: str, outcome: Any, selected: list[str], welfare: Any = None) -> bool:
    if rule == "max-welfare":
        return Fraction(str(outcome.details["welfare"])) == Fraction(str(welfare))
    return set(outcome.selected) == set(selected)


def agreement(rule: str, outcome: Any, theirs: Result, saved: dict[str, Any]) -> str:
    """Whether pabutools selected the same (its recorded outcome when it was stopped)."""
    if theirs.seconds is not None:
        agree = same(rule, outcome, theirs.selected or [], theirs.welfare)
    elif "selected" in saved:
        agree = same(rule, outcome, saved["selected"], saved.get("welfare"))
        return "yes (recorded)" if agree else "NO (recorded)"
    else:
        return "n/a"
    if rule == "equalshares/add1" and not agree:
        return "no (variant)"  # pabutools ran its own add1, a different rule
    return "yes" if agree else "NO"


def default_files() -> list[Path]:
    found = [*SHARED.glob("*.pb"), *(SHARED / "next").glob("*.pb")]
    return sorted(found, key=lambda p: p.stat().st_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0, help="pabutools limit, seconds")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--repeat", type=int, default=5, help="runs per side, fastest counts")
    parser.add_argument("--min-pabutools", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if not files:
        print(f"no pabulib files (looked in {SHARED})", file=sys.stderr)
        return 1
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    header = ("rule", "satisfaction", "file", "voters", "projects", "ours ms", "pabutools ms")
    rows = [(*header, "ratio", "same")]
    for path in files:
        rows += file_rows(path, args, recorded.get(path.name, {}))
    print(_table(rows, args.markdown))
    return 0


def file_rows(path: Path, args: Any, recorded: dict[str, Any]) -> list[tuple[str, ...]]:
    election = parse_file(path, lenient=True)  # Warszawa 2022 Wola names a project twice
    theirs_election = fastest_pabutools.load(path)
    rules, rows = args.rules.split(","), []
    pabutools_results: dict[tuple[str, str | None], Result] = {}
    for rule, sat in COMBOS[election.profile.vote_type]:
        if rule not in rules:
            continue
        ours, outcome = ours_run(path, rule, sat, args.repeat)
        # both add1 rows time the same pabutools call: run it once
        key = (fastest_pabutools.PABUTOOLS_RULE[rule], sat)
        if key not in pabutools_results:
            pabutools_results[key] = fastest_pabutools.run(
                theirs_election, rule, sat, args.timeout, args.repeat
            )
        theirs = pabutools_results[key]
        row = (
            rule,
            sat or "",
            path.name.removesuffix(".pb"),
            str(election.profile.num_voters),
            str(len(election.instance.projects)),
            _ms(ours),
            theirs.time_text(),
            theirs.ratio_text(ours),
            agreement(rule, outcome, theirs, recorded.get(f"{rule}|{sat or ''}", {})),
        )
        print(" | ".join(row), file=sys.stderr, flush=True)
        if theirs.seconds is None or theirs.seconds >= args.min_pabutools:
            rows.append(row)
    return rows


def _ms(seconds: float) -> str:
    """Milliseconds, three significant digits (sub-millisecond runs keep their precision)."""
    ms = seconds * 1000
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def _table(rows: list[tuple[str, ...]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


if __name__ == "__main__":
    sys.exit(main())
