"""Benchmark: the deliberation pages under a large round, on SQLite and PostgreSQL.

    .venv/bin/python bench/deliberation.py [--proposals 10000] [--comments 300] [--repeat 20]
                                           [--postgres postgresql://postgres@127.0.0.1:5432/pb_bench]

Builds a fresh database per backend (migrations, then the demo), adds --proposals proposals to
the demo's open round (supports from the demo's residents, a few comments each) and --comments
comments on one of them, then requests, through the whole Flask stack (routing, queries,
templates), and prints the median and slowest time of --repeat requests of each page:

- search by a word, with no word (sorted by supports, most discussed, newest), and filtered;
- the round's page, its proposals list (first and last page), the most discussed proposal.

The PostgreSQL database named in --postgres is dropped and recreated (default `pb_bench`, never
the tests' database); without a server there, only SQLite is measured, and the run says so.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.demo_db import migrated_demo  # noqa: E402
from pb.accounts.models import User  # noqa: E402
from pb.db import utcnow, writing  # noqa: E402
from pb.deliberation.models import Comment, Support  # noqa: E402
from pb.extensions import db  # noqa: E402
from pb.proposals.models import Proposal  # noqa: E402
from pb.rounds.models import Phase, Round  # noqa: E402

THEMES = (
    "park bench library school crossing trees playground lighting bike lanes garden youth "
    "community hall football pitch skate river path cafe fridge mural pool shelter bus stop "
    "market allotment toilets fountain benches solar ramps dog play"
)
WORDS = THEMES.split(" ")
# the rest of a description: 5,000 made-up words, so that a theme word is as rare as in real text
FILLER = [
    "".join(
        random.Random(n).choices("abcdefghijklmnoprstuwyz", k=random.Random(-n).randrange(3, 10))
    )
    for n in range(5000)
]
CATEGORIES = ("Sport and play", "Streets and transport", "Community", "Green spaces")


def build(url: str, proposals: int, comments: int) -> Flask:
    """A migrated database with the demo and `proposals` more proposals in the open round."""
    app = migrated_demo(url)
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).where(Round.phase == Phase.PROPOSALS))
        people = list(db.session.scalars(sa.select(User.id).where(User.role == "citizen")))
        _add_proposals(round_, people, proposals, comments)
        db.engine.dispose()
    return app


def _add_proposals(round_: Round, people: list[int], count: int, comments: int) -> None:
    """Bulk rows (not the services: they would take minutes), shaped like the real ones."""
    rng = random.Random(1)
    now = utcnow()
    ward_id = round_.wards[0].id
    rows = [
        {
            "round_id": round_.id,
            "author_id": rng.choice(people),
            "ward_id": ward_id,
            "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
            "description": " ".join([*rng.choices(FILLER, k=50), *rng.sample(WORDS, 2)]),
            "category": rng.choice(CATEGORIES),
            "estimated_cost": rng.randrange(10, 500) * 10_000,
            "created_at": now - timedelta(minutes=index),
            "updated_at": now - timedelta(minutes=index),
        }
        for index in range(count)
    ]
    with writing():
        db.session.execute(sa.insert(Proposal), rows)
        ids = list(
            db.session.scalars(
                sa.select(Proposal.id).where(Proposal.round_id == round_.id).order_by(Proposal.id)
            )
        )[-count:]
        supports = [
            {"proposal_id": pid, "user_id": user, "created_at": now}
            for pid in ids
            for user in rng.sample(people, rng.randrange(0, 12))
        ]
        db.session.execute(sa.insert(Support), supports)
        notes = [
            {"proposal_id": pid, "author_id": rng.choice(people), "body": "Good idea."}
            for pid in ids
            for _ in range(rng.randrange(0, 4))
        ]
        notes += [
            {"proposal_id": ids[0], "author_id": rng.choice(people), "body": " ".join(WORDS[:12])}
            for _ in range(comments)
        ]
        db.session.execute(sa.insert(Comment), notes)
        db.session.commit()


def measure(app: Flask, repeat: int) -> list[tuple[str, float, float, int]]:
    """(page, median ms, slowest ms, size of the answer) for each page."""
    with app.app_context():
        round_id = db.session.scalar(sa.select(Round.id).where(Round.phase == Phase.PROPOSALS))
        most = db.session.execute(
            sa.select(Comment.proposal_id, sa.func.count())
            .group_by(Comment.proposal_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).first()
        total = db.session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.round_id == round_id)
        )
    pages = {
        "search 'park'": "/search?q=park",
        "search 'solar shelter'": "/search?q=solar+shelter",
        "search, by supports": "/search",
        "search, most discussed": "/search?sort=discussed",
        "search, newest, page 50": "/search?sort=newest&page=50",
        "search 'park', one category": "/search?q=park&category=Community",
        f"proposals list ({total}), page 1": f"/rounds/{round_id}/proposals",
        "proposals list, last page": f"/rounds/{round_id}/proposals?page=999999",
        "round page": f"/rounds/{round_id}",
        f"proposal page ({most[1]} comments)": f"/rounds/{round_id}/projects/{most[0]}",
    }
    client = app.test_client()
    results = []
    for name, path in pages.items():
        times = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        times = times[1:]  # the first request warms the caches
        results.append(
            (name, statistics.median(times) * 1000, max(times) * 1000, len(response.data))
        )
    return results


def _postgres(url: str) -> str | None:
    """Recreate the benchmark database; None when no server answers."""
    import psycopg

    base, _, name = url.rpartition("/")
    if name in ("test", "postgres", ""):
        raise SystemExit(f"refusing to drop the database {name!r}: name a benchmark database")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not measured: {error}".strip())
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/pb_bench")
    args = parser.parse_args(argv)
    backends: dict[str, Any] = {}
    folder = tempfile.mkdtemp(prefix="pb-bench-")
    backends["SQLite"] = f"sqlite:///{folder}/bench.db"
    postgres = _postgres(args.postgres)
    if postgres:
        backends["PostgreSQL"] = postgres
    print(f"{args.proposals} extra proposals, {args.comments} comments on one,", end=" ")
    print(f"{args.repeat} requests per page")
    print("| backend | page | median ms | slowest ms | bytes |\n|---|---|---|---|---|")
    for backend, url in backends.items():
        start = time.perf_counter()
        app = build(url, args.proposals, args.comments)
        built = time.perf_counter() - start
        for name, median, slowest, size in measure(app, args.repeat):
            print(f"| {backend} | {name} | {median:.1f} | {slowest:.1f} | {size} |", flush=True)
        print(f"({backend}: database built in {built:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
