"""Benchmark: sealing a round's ballots at close (pb.voting.seal) and the rewrite after it.

    .venv/bin/python bench/seal.py [--ballots 10000,50000] [--choices 5]
                                   [--postgres postgresql://postgres@127.0.0.1:5432/pb_bench_seal]

For each size, on a fresh PostgreSQL database (the one named is dropped and recreated; never the
tests' database): migrations, the demo, then `--ballots` ballots of `--choices` projects each in
the demo's open round, as bulk rows (casting them through the services would take minutes).
Then it times, once, what the close adds: the seal (every ballot read, deleted, written again
under a new id, the receipts listed apart, the digest), the commit, and the rewrite of both
ballot tables that follows the commit (CLUSTER). The close's own work (the tally) is not
included. One run per size: the seal happens once per round.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.demo_db import migrated_demo  # noqa: E402
from pb.audit import secrecy  # noqa: E402
from pb.db import writing  # noqa: E402
from pb.extensions import db  # noqa: E402
from pb.rounds import services as rounds  # noqa: E402
from pb.rounds.models import Phase, Round  # noqa: E402
from pb.voting.models import Ballot, BallotChoice  # noqa: E402


def fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def build(url: str, ballots: int, choices: int) -> tuple[Flask, int]:
    fresh_database(url)
    app = migrated_demo(url)
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).where(Round.phase == Phase.VOTING))
        projects = [p.id for p in rounds.ballot_projects(round_)]
        _add_ballots(round_, projects, ballots, min(choices, len(projects)))
        round_id = round_.id
        db.engine.dispose()
    return app, round_id


def _add_ballots(round_: Round, projects: list[int], count: int, choices: int) -> None:
    rng = random.Random(1)
    rows, picks = [], []
    for _ in range(count):
        ballot_id = secrets.token_hex(16)
        rows.append(
            {
                "id": ballot_id,
                "round_id": round_.id,
                "receipt": secrets.token_hex(32),
                "config_hash": round_.config_hash or "",
                "revote_hash": secrets.token_hex(32),
            }
        )
        picks += [
            {"ballot_id": ballot_id, "proposal_id": pid, "value": 1}
            for pid in rng.sample(projects, choices)
        ]
    with writing():
        db.session.execute(sa.insert(Ballot.__table__), rows)
        db.session.execute(sa.insert(BallotChoice.__table__), picks)
        db.session.commit()


def measure(app: Flask, round_id: int) -> tuple[float, float]:
    """(seal ms, commit and rewrite ms)."""
    with app.app_context():
        with writing():
            round_ = db.session.get(Round, round_id)
            start = time.perf_counter()
            secrecy.seal_round(round_, None)
            secrecy.rewrite_after_commit()
            db.session.flush()
            sealed = time.perf_counter()
            db.session.commit()  # the rewrite runs just after the commit
            done = time.perf_counter()
        db.engine.dispose()
    return (sealed - start) * 1000, (done - sealed) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", default="10000,50000")
    parser.add_argument("--choices", type=int, default=5)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/pb_bench_seal")
    args = parser.parse_args()
    print("ballots  choices  seal ms  commit+rewrite ms")
    for size in (int(n) for n in args.ballots.split(",")):
        app, round_id = build(args.postgres, size, args.choices)
        seal_ms, rewrite_ms = measure(app, round_id)
        print(f"{size:7d}  {args.choices:7d}  {seal_ms:7.0f}  {rewrite_ms:17.0f}")


if __name__ == "__main__":
    main()
