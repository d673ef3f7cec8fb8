"""`pb tally FILE.pb`: recompute an election from a pabulib file, with no database and no app.

With no `--rule`, the rule named in the file's META is used, so an auditor can check a published
result with one command. `--json` prints the outcome (exact numbers as "p/q" strings); without
it, a table explains every project. When the file has an official `selected` column the output
says whether the recomputed selection matches it; `--check` turns a mismatch into exit status 3.
`PB_ALLOCATION_NUMPY=0` (or `PB_ALLOCATION_GMPY2=0`) in the environment computes without that
accelerator (the same outcome, more slowly): the command reads it and passes it to the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from pb.allocation import numbers
from pb.allocation.accelerators import from_environment
from pb.allocation.errors import AllocationError
from pb.allocation.outcome import Outcome, TraceStep
from pb.allocation.pabulib import PabulibElection, PabulibError, parse_file
from pb.allocation.rules import RULES, allocate
from pb.allocation.satisfaction import SATISFACTIONS
from pb.allocation.tiebreak import TIE_BREAKS

EXIT_ERROR = 1
EXIT_MISMATCH = 3


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `tally` sub-command on the `pb` console script."""
    parser = subparsers.add_parser(
        "tally",
        help="recompute the outcome of a pabulib (.pb) election file",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("file", metavar="FILE.pb", help="a pabulib election file")
    parser.add_argument(
        "--rule", choices=list(RULES), help="allocation rule (default: the file's META rule)"
    )
    parser.add_argument(
        "--satisfaction",
        choices=list(SATISFACTIONS),
        help="satisfaction measure (default: the rule's default for the ballot type)",
    )
    parser.add_argument(
        "--tie-break",
        dest="tie_break",
        choices=list(TIE_BREAKS),
        default="lexicographic",
        help="tie-breaking rule (default: lexicographic)",
    )
    parser.add_argument("--seed", help="published seed of a lottery tie-break")
    parser.add_argument(
        "--conflicts",
        action="append",
        default=[],
        metavar="ID,ID[,...]",
        type=_group,
        help="projects that cannot be built together: at most one of them is funded, under "
        "any rule (repeatable; e.g. --conflicts 773,153)",
    )
    parser.add_argument(
        "--tie-decision",
        dest="tie_decisions",
        action="append",
        default=[],
        metavar="ID,ID[,...]",
        type=_group,
        help="an official tie decision: these projects, tied at some step, go in this order "
        "(repeatable; refused if they are not tied where it matters)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="read a ballot naming a project more than once as naming it once, and list every "
        "line changed (the strict reader refuses such a file)",
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit with status {EXIT_MISMATCH} if the result differs from the file's "
        "official `selected` column",
    )
    return parser


def _group(text: str) -> list[str]:
    ids = [item.strip() for item in text.split(",") if item.strip()]
    if len(set(ids)) < 2:
        raise argparse.ArgumentTypeError("a conflict group names two or more project ids")
    return ids


def _rule(args: argparse.Namespace, election: PabulibElection) -> str:
    if args.rule:
        return args.rule
    named = election.rule
    if named in RULES:
        return named
    if named in (None, "unknown"):
        problem = "the file does not say which rule was used (META rule: unknown)"
    else:
        problem = f"the file's META names the rule {named!r}, which this engine does not have"
    raise AllocationError(f"{problem}; choose one with --rule ({', '.join(RULES)})")


def _official(election: PabulibElection, outcome: Outcome) -> dict[str, Any] | None:
    official = election.official_selection
    if official is None:
        return None
    chosen = set(outcome.selected)
    order = election.instance.project_ids
    return {
        "selected": [pid for pid in order if pid in official],
        "matches": chosen == official,
        "missing": [pid for pid in order if pid in official and pid not in chosen],
        "extra": [pid for pid in order if pid in chosen and pid not in official],
    }


def _fmt(value: numbers.Number | None) -> str:
    if value is None:
        return ""
    value = numbers.normalize(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return f"{float(value):,.2f}".replace(",", " ") + "~"


def _payments(step: TraceStep) -> str:
    """Who paid (Equal Shares, Phragmén) or what the supporters had (Equal Shares, rejected)."""
    if step.payments is not None:
        paid = step.payments
        return f"{paid.payers} voters, at most {_fmt(paid.max_payment)} each"
    if step.available is not None:
        return f"supporters had {_fmt(step.available)}"
    return ""


def _spending(outcome: Outcome) -> str:
    total, left = _fmt(outcome.total_cost), outcome.remaining_budget
    if left < 0:  # greedy-custom's reserve
        return f"Total cost {total}; over the budget by {_fmt(-left)} (from the reserve)."
    return f"Total cost {total}; left unspent {_fmt(left)}."


def _table(election: PabulibElection, outcome: Outcome, path: str) -> str:
    instance = election.instance
    lines = [
        f"File:         {path}",
        f"Election:     {instance.meta.get('description', '')}".rstrip(),
        f"Rule:         {outcome.rule} ({RULES[outcome.rule].label})",
        f"Satisfaction: {outcome.satisfaction or '-'}",
        f"Tie-break:    {outcome.tie_break}" + (f" (seed {outcome.seed})" if outcome.seed else ""),
        f"Budget:       {_fmt(outcome.budget)}    Voters: {election.profile.num_voters}"
        f"    Projects: {len(instance.projects)}",
        "",
    ]
    header = ("#", "project", "cost", "score", "decision", "budget left", "payments", "why")
    rows = [header]
    for number, step in enumerate(outcome.trace, start=1):
        rows.append(
            (
                str(number),
                step.project,
                _fmt(step.cost),
                _fmt(step.score),
                "SELECTED" if step.selected else "-",
                _fmt(step.remaining_budget),
                _payments(step),
                step.explanation(),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [
            cell.rjust(w) if i in (0, 2, 3, 5, 6) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines += [
        "",
        f"Selected {len(outcome.selected)} projects, in this order: {', '.join(outcome.selected)}",
        _spending(outcome),
    ]
    for key, value in outcome.details.items():
        lines.append(f"{key}: {value}")
    if any("~" in cell for row in rows for cell in row):
        lines.append("(~: rounded for display; --json gives the exact fractions)")
    official = _official(election, outcome)
    if official is not None:
        if official["matches"]:
            lines.append("Official result (the file's `selected` column): MATCHES.")
        else:
            lines.append(
                "Official result (the file's `selected` column): DIFFERS; "
                f"officially selected but not here: {official['missing'] or 'none'}; "
                f"selected here but not officially: {official['extra'] or 'none'}."
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run `pb tally`; returns the exit status."""
    accelerators = from_environment(os.environ)
    try:
        election = parse_file(args.file, lenient=args.lenient, accelerators=accelerators)
        rule = _rule(args, election)
        outcome = allocate(
            election.instance,
            election.profile,
            rule,
            satisfaction=args.satisfaction,
            tie_break=args.tie_break,
            seed=args.seed,
            conflicts=args.conflicts,
            decided_ties=args.tie_decisions,
            accelerators=accelerators,
        )
    except OSError as error:
        print(f"pb tally: error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    except (PabulibError, AllocationError) as error:
        print(f"pb tally: error: {args.file}: {error}", file=sys.stderr)
        return EXIT_ERROR
    for change in election.changes:
        print(f"pb tally: lenient: {change}", file=sys.stderr)
    official = _official(election, outcome)
    if args.json:
        data = outcome.to_json()
        data["file"] = args.file
        data["official"] = official
        data["lenient_changes"] = list(election.changes)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_table(election, outcome, args.file))
    if args.check and official is not None and not official["matches"]:
        return EXIT_MISMATCH
    return 0
