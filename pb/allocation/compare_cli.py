"""`pb compare FILE.pb`: count a pabulib election with several rules and measure each outcome.

`--json` prints `{"file", "voters", "budget", "projects", "rules": [...]}`; each entry of
`rules` has `rule`, `status` ("ok", "not_applicable", "failed"), `selected` (project ids),
`total_cost`, `remaining_budget` and `measures` (see `pb.allocation.analysis` for every
definition). Without `--json`, a table with one line per rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pb.allocation import numbers
from pb.allocation.comparison import OK, RuleComparison, applicable_rules, compare
from pb.allocation.errors import AllocationError
from pb.allocation.pabulib import PabulibError, parse_file
from pb.allocation.rules import RULES
from pb.allocation.tiebreak import TIE_BREAKS


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `compare` sub-command on the `pb` console script."""
    parser = subparsers.add_parser(
        "compare",
        help="count a pabulib election with several rules and compare the outcomes",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("file", metavar="FILE.pb", help="a pabulib election file")
    parser.add_argument(
        "--rules",
        help="comma-separated rule names (default: every rule that can count the file); "
        f"known: {', '.join(RULES)}",
    )
    parser.add_argument(
        "--tie-break", dest="tie_break", choices=list(TIE_BREAKS), default="lexicographic"
    )
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return parser


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(results: list[RuleComparison]) -> str:
    header = ("rule", "funded", "spent", "reached", "mean card.", "mean cost", "gini", "EJR-1")
    rows = [header]
    for result in results:
        if result.status != OK or result.measures is None or result.outcome is None:
            rows.append((result.rule, result.status, result.message, "", "", "", "", ""))
            continue
        m = result.measures
        ejr = {True: "yes", False: "no", None: "?"}[m["ejr_up_to_one"]]
        rows.append(
            (
                result.rule,
                str(len(result.outcome.selected)),
                str(numbers.normalize(result.outcome.total_cost)),
                _percent(m["share_with_funded_project"]),
                _number(m["mean_satisfaction_cardinality"]),
                _percent(m["mean_satisfaction_cost"]),
                _number(m["gini_cardinality"]),
                ejr,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    notes = [
        f"{r.rule}: {r.measures['ejr_note']}"
        for r in results
        if r.measures and r.measures["ejr_up_to_one"] is not True
    ]
    return "\n".join([line.rstrip() for line in lines] + (["", *notes] if notes else []))


def run(args: argparse.Namespace) -> int:
    """Run `pb compare`; returns the exit status."""
    try:
        election = parse_file(args.file)
        rules = applicable_rules(election.instance, election.profile)
        if args.rules:
            rules = [name.strip() for name in args.rules.split(",") if name.strip()]
            unknown = [name for name in rules if name not in RULES]
            if unknown:
                raise AllocationError(f"unknown rule(s): {', '.join(unknown)}")
        results = compare(election.instance, election.profile, rules, tie_break=args.tie_break)
    except OSError as error:
        print(f"pb compare: error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except (PabulibError, AllocationError) as error:
        print(f"pb compare: error: {args.file}: {error}", file=sys.stderr)
        return 1
    if args.json:
        data = {
            "file": args.file,
            "voters": election.profile.num_voters,
            "budget": numbers.to_json(election.instance.budget),
            "projects": len(election.instance.projects),
            "rules": [result.to_json() for result in results],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_table(results))
    return 0
