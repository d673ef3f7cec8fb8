"""The `pb` console script: offline tools that need no web server.

Each sub-command lives with its domain (`pb.allocation.cli` for `tally`, ...) and registers itself
here. Sub-commands are imported lazily so `pb tally` never imports Flask or SQLAlchemy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command name -> module exposing add_parser(subparsers) and run(args) -> int
COMMANDS: dict[str, str] = {
    "tally": "pb.allocation.cli",
    "compare": "pb.allocation.compare_cli",
    "verify": "pb.audit.verify_cli",
    "export": "pb.audit.export_cli",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pb", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run, _command=name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
