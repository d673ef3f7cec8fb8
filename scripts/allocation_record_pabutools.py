"""Record what pabutools selects on the shared pabulib files, for the engine's agreement tests.

pabutools (GPL, test-only) is too slow to recompute the big elections in every test run (MES with
the add1 completion takes minutes on a district of Warsaw), so its outcomes are recorded here
once and committed as tests/allocation/data/pabutools_outcomes.json; the tests compare the
engine against this file, and against live pabutools runs on the small files.

Usage:
    .venv/bin/python scripts/allocation_record_pabutools.py [--timeout SECONDS] [FILE.pb ...]

With no files, every file of ../shared/pabulib is recorded. Results are merged into the JSON
file as they come (an interrupted run keeps what it finished). Each (file, rule, satisfaction)
runs in a child process killed after --timeout seconds, recorded as {"timeout": seconds}.

How each engine rule maps onto pabutools (tie-breaking: pabutools' default lexicographic order,
which is the engine's `lexicographic`):

- greedy: `greedy_utilitarian_welfare`; for points and rankings with the satisfaction scaled by
  the project's cost, so that pabutools' satisfaction-per-cost order is the order by score;
- equalshares: `method_of_equal_shares`;
- equalshares/add1-pabutools: `exhaustion_by_budget_increase(budget_step=number of voters)`;
- equalshares/add1: the same loop of pabutools' MES runs, started from whole units per voter and
  without the exhaustive stop (the official variant; pabutools has no switch for it);
- equalshares/add1u: that, then `greedy_utilitarian_welfare` from its selection;
- max-welfare: `max_additive_utilitarian_welfare` (an ILP solved by CBC; the welfare is
  recorded because optimal sets need not be unique);
- phragmen: `sequential_phragmen`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared" / "pabulib").resolve()
OUTPUT = REPO / "tests" / "allocation" / "data" / "pabutools_outcomes.json"

COMBOS = {
    "approval": [
        ("greedy", "cost"),
        ("greedy", "cardinality"),
        ("equalshares", "cost"),
        ("equalshares", "cardinality"),
        ("equalshares/add1", "cost"),
        ("equalshares/add1-pabutools", "cost"),
        ("equalshares/add1u", "cost"),
        ("max-welfare", "cost"),
        ("max-welfare", "cardinality"),
        ("phragmen", None),
    ],
    "cumulative": [
        ("greedy", "points"),
        ("equalshares", "points"),
        ("equalshares/add1", "points"),
        ("equalshares/add1-pabutools", "points"),
        ("max-welfare", "points"),
    ],
    "ordinal": [
        ("greedy", "positional"),
        ("greedy", "borda"),
        ("equalshares", "positional"),
        ("equalshares", "borda"),
        ("equalshares/add1", "positional"),
        ("equalshares/add1-pabutools", "positional"),
        ("max-welfare", "positional"),
        ("max-welfare", "borda"),
    ],
}
COMBOS["choose-1"] = COMBOS["approval"]


def _satisfaction(name: str, scaled_by_cost: bool) -> Any:
    from pabutools.election import (
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        AdditiveSatisfaction,
        Cardinality_Sat,
        Cost_Sat,
    )

    def positional(instance, profile, ballot, project, precomputed):
        if project not in ballot:
            return 0
        return len(ballot) - ballot.position(project)

    def borda(instance, profile, ballot, project, precomputed):
        if project not in ballot:
            return 0
        return len(ballot) - ballot.position(project) - 1

    def points(instance, profile, ballot, project, precomputed):
        return ballot.get(project, 0)

    if not scaled_by_cost:
        plain = {
            "cost": Cost_Sat,
            "cardinality": Cardinality_Sat,
            "points": Additive_Cardinal_Sat,
            "borda": Additive_Borda_Sat,
        }
        if name in plain:
            return plain[name]
    func = {"positional": positional, "borda": borda, "points": points}[name]
    if scaled_by_cost:
        base = func

        def func(instance, profile, ballot, project, precomputed):
            return base(instance, profile, ballot, project, precomputed) * project.cost

    class Custom(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            AdditiveSatisfaction.__init__(self, instance, profile, ballot, func)

    return Custom


def _mes_at(instance: Any, profile: Any, sat: Any, budget: Any) -> Any:
    from pabutools.rules import method_of_equal_shares

    original = instance.budget_limit
    instance.budget_limit = budget
    try:
        return method_of_equal_shares(instance, profile, sat_class=sat)
    finally:
        instance.budget_limit = original


def _official_add1(instance: Any, profile: Any, sat: Any) -> Any:
    """The official add1 loop (whole units per voter, no exhaustive stop) on pabutools' MES."""
    from pabutools.fractions import frac

    voters = profile.num_ballots()
    budget = instance.budget_limit
    start = frac(int(budget // voters) * voters)
    if hasattr(profile, "approval_score"):
        supported = {p for p in instance if profile.approval_score(p) > 0}
    else:
        sat_profile = profile.as_sat_profile(sat)
        supported = {p for p in instance if sat_profile.total_satisfaction_project(p) > 0}
    current, steps = _mes_at(instance, profile, sat, start), 0
    while set(current) != supported:
        following = _mes_at(instance, profile, sat, start + (steps + 1) * voters)
        if not instance.is_feasible(following):
            break
        current, steps = following, steps + 1
    return current


def compute(path: str, rule: str, satisfaction: str | None) -> dict[str, Any]:
    """Parse `path` with pabutools and run `rule` on it; the record carries the seconds."""
    from pabutools.election import parse_pabulib

    instance, profile = parse_pabulib(path)
    record, seconds = run_rule(instance, profile, rule, satisfaction)
    record["seconds"] = round(seconds, 3)
    return record


def run_rule(
    instance: Any, profile: Any, rule: str, satisfaction: str | None
) -> tuple[dict[str, Any], float]:
    """pabutools' side of an engine rule on a parsed election: (record, seconds of the rule)."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        max_additive_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    # the satisfaction class is made before the clock starts: only pabutools' rule is timed
    # (greedy ranks by satisfaction per cost, so points and rankings are scaled by the cost)
    scaled = rule == "greedy" and satisfaction not in ("cost", "cardinality")
    sat = None if satisfaction is None else _satisfaction(satisfaction, scaled)
    started = time.perf_counter()
    record: dict[str, Any] = {}
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    elif rule == "equalshares":
        result = method_of_equal_shares(instance, profile, sat_class=sat)
    elif rule == "equalshares/add1-pabutools":
        result = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": sat},
            budget_step=profile.num_ballots(),
        )
    elif rule == "equalshares/add1":
        result = _official_add1(instance, profile, sat)
    elif rule == "equalshares/add1u":
        mes = _official_add1(instance, profile, sat)
        result = greedy_utilitarian_welfare(
            instance, profile, sat_class=Cost_Sat, initial_budget_allocation=mes
        )
    elif rule == "max-welfare":
        result = max_additive_utilitarian_welfare(instance, profile, sat_class=sat)
    elif rule == "phragmen":
        result = sequential_phragmen(instance, profile)
    else:  # pragma: no cover
        raise ValueError(rule)
    seconds = time.perf_counter() - started
    if rule == "max-welfare":  # optimal sets need not be unique: the welfare is what must agree
        sat_profile = profile.as_sat_profile(sat)
        record["welfare"] = _exact(sum(sat_profile.total_satisfaction_project(p) for p in result))
    record["selected"] = sorted(p.name for p in result)
    return record, seconds


def _exact(value: Any) -> int | str:
    fraction = Fraction(int(value.numerator), int(value.denominator))
    return fraction.numerator if fraction.denominator == 1 else str(fraction)


def _child(path: str, rule: str, satisfaction: str | None, queue: Any) -> None:
    try:
        queue.put(compute(path, rule, satisfaction))
    except Exception as error:
        queue.put({"error": f"{type(error).__name__}: {error}"})


def run_one(path: Path, rule: str, satisfaction: str | None, timeout: float) -> dict[str, Any]:
    queue: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=_child, args=(str(path), rule, satisfaction, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join()
        return {"timeout": timeout}
    return queue.get() if not queue.empty() else {"error": f"exit code {process.exitcode}"}


def vote_type(path: Path) -> str:
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("vote_type;"):
            return line.split(";", 1)[1].strip()
    raise ValueError(f"{path}: no vote_type")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--rule", help="only this engine rule")
    parser.add_argument(
        "--missing", action="store_true", help="skip what is already recorded (not timed out)"
    )
    args = parser.parse_args(argv)
    files = args.files or sorted(SHARED.glob("*.pb"), key=lambda p: p.stat().st_size)
    data = json.loads(args.output.read_text()) if args.output.exists() else {}
    from importlib.metadata import version

    import pabutools.fractions  # noqa: F401  (fail early if pabutools is missing)

    data["_about"] = {
        "pabutools": version("pabutools"),
        "generated_by": "scripts/allocation_record_pabutools.py",
        "tie_breaking": "pabutools lexicographic (the engine's 'lexicographic')",
    }
    for path in files:
        for rule, satisfaction in COMBOS[vote_type(path)]:
            if args.rule and rule != args.rule:
                continue
            key = f"{rule}|{satisfaction or ''}"
            known = data.get(path.name, {}).get(key, {})
            if args.missing and "selected" in known:
                continue
            record = run_one(path, rule, satisfaction, args.timeout)
            data.setdefault(path.name, {})[key] = record
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
            print(f"{path.name} {key}: {record.get('seconds', record)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
