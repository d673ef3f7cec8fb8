"""`pb verify BUNDLE`: check a round's export bundle offline (no server, no database).

Exit status 0 when every check passes; 1 with a message naming the first bad file, line or
entry; 2 for a mistake on the command line. See docs/verification.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pb.audit.verify import KeptCheckpoint, VerificationFailed, kept_from_file, verify_bundle

EXIT_FAILED = 1


def _kept(text: str) -> KeptCheckpoint:
    try:
        return KeptCheckpoint.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _key(text: str) -> str:
    value = text.strip().lower()
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a public key (64 hex digits)")
    return value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `verify` sub-command on the `pb` console script."""
    parser = subparsers.add_parser(
        "verify",
        help="verify a round's export bundle offline",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE.zip", help="a bundle from `pb export` or the site"
    )
    parser.add_argument(
        "--checkpoint",
        dest="kept",
        type=_kept,
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a checkpoint you saw published earlier; the log must still hold it (repeatable)",
    )
    parser.add_argument(
        "--checkpoints",
        dest="kept_files",
        action="append",
        default=[],
        metavar="FILE",
        help="checkpoints saved from the transparency page's JSON (repeatable)",
    )
    parser.add_argument(
        "--key",
        dest="keys",
        type=_key,
        action="append",
        default=[],
        metavar="PUBLIC_KEY",
        help="the platform's published Ed25519 public key (hex); checkpoints must be signed by it",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run `pb verify`; returns the exit status."""
    try:
        kept = list(args.kept)
        for path in args.kept_files:
            kept.extend(kept_from_file(path))
        report = verify_bundle(args.bundle, kept=kept, keys=args.keys)
    except VerificationFailed as error:
        print(f"pb verify: FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(f"pb verify: {args.bundle}: OK")
        for fact in report.facts:
            print(f"  ok  {fact}")
        for note in report.notes:
            print(f"  note  {note}")
    return 0
