"""`pb export --round ID --out FILE.zip`: write a round's audit bundle from the database.

Reads `DATABASE_URL` (default: the embedded SQLite database). The same results-visibility policy
as the web applies: without `--as`, only a published round can be exported; `--as EMAIL` exports
what that account may see (an auditor or the round's councillor: a closed round too).
The web application is imported inside `run()`, so `pb tally` and `pb verify` stay Flask-free.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_ERROR = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `export` sub-command on the `pb` console script."""
    parser = subparsers.add_parser(
        "export",
        help="write a round's audit bundle (needs the database: DATABASE_URL)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--round", dest="round_id", type=int, required=True, metavar="ID")
    parser.add_argument("--out", required=True, metavar="FILE.zip", help="where to write it")
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="export as this account (an auditor may export a closed, unpublished round)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run `pb export`; returns the exit status."""
    from sqlalchemy.exc import SQLAlchemyError

    from pb import create_app
    from pb.accounts import services as accounts
    from pb.audit import export
    from pb.db import writing
    from pb.errors import DomainError
    from pb.extensions import db
    from pb.rounds import services as rounds

    app = create_app()
    with app.app_context(), writing():  # the export may sign the head: take the write lock
        try:
            round_ = rounds.get_round(args.round_id)
            user = None
            if args.as_email:
                user = accounts.find_user_by_email(args.as_email)
                if user is None or not user.is_active:
                    print(f"pb export: error: no active account {args.as_email}", file=sys.stderr)
                    return EXIT_ERROR
            data = export.round_bundle(round_, user)
            db.session.commit()  # a checkpoint signed for this export is kept and published
        except DomainError as error:
            print(f"pb export: error: round {args.round_id}: {error.message}", file=sys.stderr)
            return EXIT_ERROR
        except SQLAlchemyError as error:
            print(f"pb export: error: cannot read the database ({error})", file=sys.stderr)
            return EXIT_ERROR
        finally:
            db.session.remove()
            db.engine.dispose()
    try:
        Path(args.out).write_bytes(data)
    except OSError as error:
        print(f"pb export: error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    print(f"pb export: wrote {args.out} ({len(data)} bytes); check it with: pb verify {args.out}")
    return 0
