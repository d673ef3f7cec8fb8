"""Benchmark: Equal Shares with add1 on the largest elections, and pabutools at its fastest.

    .venv/bin/python bench/scale.py [--rules equalshares/add1,equalshares/add1-pabutools]
                                    [--satisfaction cost] [--repeat 3] [--pabutools SECONDS]
                                    [--lenient] FILE.pb [FILE.pb ...]

For each file and rule it prints one line: voters, projects, the reader's time and the rule's
time (each the fastest of --repeat runs, every rule run on a fresh parse: the engine memoises
add1 on the profile) with the processor time of the rule (the fair figure on a shared machine),
the add1 steps taken, how many of them changed the selection and how many MES runs the search
computed to find them, and the peak memory of the process so far.

With --phases, each file is instead taken apart at the add1 start (whole units per voter):
the reader (with the garbage collector on, as `pb tally` runs it), `prepare`, one
floating-point MES run (and how many selections it certified before giving up, if it did: then
add1 falls back to exact runs), the same run again (the layouts are built once per election)
and one exact run, each in processor seconds, with the peak memory.

With --pabutools SECONDS, pabutools runs the same rule at its fastest, timed once in processor
time (a run of pabutools is long enough that a repeat measures nothing new), by the helper
bench/allocation.py uses too (bench/pabutools_fastest.py): a multiprofile, float fractions,
its own `exhaustion_by_budget_increase` with one unit per voter for both add1 variants (the
same rule as `equalshares/add1-pabutools`, the closest to the official `equalshares/add1`).
The ratio divides by the engine's processor time; where pabutools passes SECONDS of processor
time it is reported as "> N×". pabutools is test-only: it is imported here, never under pb/.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from pb.allocation import (  # noqa: E402
    allocate,
    equal_shares,
    equal_shares_exact,
    equal_shares_float,
    rules,
)
from pb.allocation.counting import count_votes  # noqa: E402
from pb.allocation.election import Election  # noqa: E402
from pb.allocation.pabulib import parse_file  # noqa: E402

RULES = ("equalshares/add1",)


def _timed(run: Any) -> tuple[float, Any]:
    """(seconds, result) with the garbage collector off, as `timeit` runs code."""
    return _clocked(run)[1:]


def _clocked(run: Any, collector: bool = False) -> tuple[float, float, Any]:
    """(processor seconds, wall seconds, result) with the garbage collector off (unless
    `collector`: as `pb tally` runs). On a shared machine the processor time is the one to
    compare: the wall time includes waiting."""
    gc.collect()
    if not collector:
        gc.disable()
    try:
        cpu, started = time.process_time(), time.perf_counter()
        result = run()
        return time.process_time() - cpu, time.perf_counter() - started, result
    finally:
        gc.enable()


class RunCounter:
    """Counts the MES runs the add1 search computes (float and exact), while installed."""

    def __init__(self) -> None:
        self.runs = 0
        self._saved = (equal_shares_float.run, equal_shares_exact.run)

    def __enter__(self) -> RunCounter:
        float_run, exact_run = self._saved

        def counted(original: Any) -> Any:
            def run(*args: Any, **kwargs: Any) -> Any:
                self.runs += 1
                return original(*args, **kwargs)

            return run

        equal_shares_float.run = counted(float_run)
        equal_shares_exact.run = counted(exact_run)
        return self

    def __exit__(self, *exc: object) -> None:
        equal_shares_float.run, equal_shares_exact.run = self._saved


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(
    path: Path, rule: str, satisfaction: str | None, repeat: int, lenient: bool = False
) -> dict[str, Any]:
    """Fastest parse and fastest rule (fresh parse each), and the search's figures."""
    best_parse = best_rule = best_cpu = float("inf")
    outcome: Any = None
    for _ in range(repeat):
        outcome = election = None
        parse_seconds, election = _timed(lambda: parse_file(path, lenient=lenient))
        with RunCounter() as counter:
            cpu, rule_seconds, outcome = _clocked(
                lambda election=election: allocate(
                    election.instance, election.profile, rule, satisfaction=satisfaction
                )
            )
        best_parse, best_rule = min(best_parse, parse_seconds), min(best_rule, rule_seconds)
        best_cpu = min(best_cpu, cpu)
    memo = election.profile.__dict__.get("_add1_memo", {})
    done = next(iter(memo.values()))[1] if memo else None
    return {
        "voters": election.profile.num_voters,
        "projects": len(election.instance.projects),
        "parse": best_parse,
        "rule": best_rule,
        "cpu": best_cpu,
        "steps": outcome.details.get("add1_increments"),
        "changes": None if done is None else len(done.changes),
        "runs": counter.runs,
        "selected": outcome.selected,
        "peak_mb": peak_mb(),
    }


def phases(path: Path) -> None:
    """Where one add1 run's time goes (see the module docstring), as one line per phase."""
    # the reader with the collector on, as `pb tally` runs it (it pauses the collector itself;
    # off, the figure hides the collection it still owes when it ends)
    cpu, _wall, parsed = _clocked(lambda: parse_file(path), collector=True)
    print(f"{path.stem}: read {cpu:.2f} s (collector on), peak {peak_mb():.0f} MB", flush=True)
    instance, profile = parsed.instance, parsed.profile
    votes = count_votes(profile)
    order = rules.priority("lexicographic", instance, votes, None)
    election = Election(instance, profile, "cost", "lexicographic", None, order, votes)
    cpu, _wall, prep = _clocked(lambda: equal_shares.prepare(election))
    print(f"  prepare {cpu:.2f} s: {prep.groups} groups, peak {peak_mb():.0f} MB", flush=True)
    start, limit = (election.budget // prep.voters) * prep.voters, election.budget
    for label in ("float run (building its layouts)", "float run again"):
        cpu, _wall, verdict = _clocked(lambda: _float_run(prep, start, limit))
        print(f"  {label} {cpu:.2f} s: {verdict}, peak {peak_mb():.0f} MB", flush=True)
    cpu, _wall, exact = _clocked(lambda: equal_shares_exact.run(prep, start, limit=limit))
    print(f"  exact run {cpu:.2f} s: {len(exact.selections)} selections, peak {peak_mb():.0f} MB")


def _float_run(prep: Any, budget: int, limit: int) -> str:
    """One floating-point run: how many selections it certified, and whether it gave up."""
    made = equal_shares_float.Selection
    certified = []

    def counted(*args: Any) -> Any:  # the run makes one per certified selection
        certified.append(args[0])
        return made(*args)

    equal_shares_float.Selection = counted
    try:
        run = equal_shares_float.run(prep, budget, limit=limit)
    except equal_shares_float.Uncertain as uncertain:
        return f"gave up after {len(certified)} certified selections ({uncertain})"
    finally:
        equal_shares_float.Selection = made
    return f"{len(run.selections)} selections, all certified"


def pabutools_at_its_fastest(
    path: Path, rule: str, satisfaction: str | None, limit: float
) -> tuple[float | None, list[str] | None]:
    """(processor seconds, selected ids) of pabutools' rule (bench/pabutools_fastest.py), or
    (None, None) when it passed `limit` seconds of processor time."""
    import pabutools_fastest

    result = pabutools_fastest.run(pabutools_fastest.load(path), rule, satisfaction, limit)
    return result.seconds, result.selected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--satisfaction", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pabutools", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--read-only", action="store_true", help="time the reader alone")
    parser.add_argument(
        "--lenient", action="store_true", help="read as `pb tally --lenient` (Warszawa 2022 Wola)"
    )
    parser.add_argument("--phases", action="store_true", help="time add1's parts, one run each")
    args = parser.parse_args(argv)
    if args.phases:
        for path in args.files:
            phases(path)
        return 0
    if args.read_only:
        for path in args.files:
            cpu, wall, election = _clocked(lambda path=path: parse_file(path, lenient=args.lenient))
            voters = election.profile.num_voters
            print(
                f"{path.stem}: read {voters} voters in {wall:.3g} s ({cpu:.3g} s processor), "
                f"peak {peak_mb():.0f} MB",
                flush=True,
            )
        return 0
    print(
        "| file | rule | voters | projects | read s | rule s | rule cpu s | steps | changes "
        "| MES runs | peak MB | pabutools s | ratio | same |"
    )
    print("|" + "---|" * 14)
    for path in args.files:
        for rule in args.rules.split(","):
            found = ours(path, rule, args.satisfaction, args.repeat, args.lenient)
            theirs, ratio, agree = "", "", ""
            if args.pabutools:
                seconds, selected = pabutools_at_its_fastest(
                    path, rule, args.satisfaction, args.pabutools
                )
                if seconds is None:
                    theirs, ratio = (
                        f"> {args.pabutools:g}",
                        f"> {args.pabutools / found['cpu']:.0f}×",
                    )
                else:
                    theirs, ratio = f"{seconds:.2f}", f"{seconds / found['cpu']:.0f}×"
                    agree = "yes" if selected == sorted(found["selected"]) else "NO"
            cells = [
                path.stem,
                rule,
                str(found["voters"]),
                str(found["projects"]),
                f"{found['parse']:.3g}",
                f"{found['rule']:.3g}",
                f"{found['cpu']:.3g}",
                str(found["steps"]),
                str(found["changes"]),
                str(found["runs"]),
                f"{found['peak_mb']:.0f}",
                theirs,
                ratio,
                agree,
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
