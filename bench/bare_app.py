"""The bare baseline for bench/load.py: a Flask app that only inserts one ballot row.

Served by the same gunicorn settings (deploy/gunicorn.conf.py) on the same database with the same
settings as the platform (on SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE for a POST, through
pb.db.configure_sqlite), so the ratio between the two measures what the platform adds per request.

    DATABASE_URL=... gunicorn -c deploy/gunicorn.conf.py "bench.bare_app:create_app()"
"""

from __future__ import annotations

import os
import secrets

import sqlalchemy as sa
from flask import Flask, request

from pb.config import normalise_database_url
from pb.db import configure_sqlite

metadata = sa.MetaData()
bare_ballot = sa.Table(
    "bench_bare_ballot",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("choices", sa.String(200), nullable=False),
)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(normalise_database_url(os.environ["DATABASE_URL"]))
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)  # the platform's own pragmas and BEGIN IMMEDIATE for a POST

    @app.get("/bare")
    def show():  # type: ignore[no-untyped-def]
        """One small read, like a page that shows one row."""
        with engine.connect() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(bare_ballot))
            return f"<p>{count.scalar()} ballots</p>"

    @app.post("/bare")
    def insert():  # type: ignore[no-untyped-def]
        """Insert one ballot row, committed."""
        with engine.begin() as connection:
            choices = ",".join(sorted(request.form))
            connection.execute(
                bare_ballot.insert().values(id=secrets.token_hex(16), choices=choices[:200])
            )
        return "ok"

    return app


def create_tables(url: str) -> None:
    engine = sa.create_engine(normalise_database_url(url))
    metadata.create_all(engine)
    engine.dispose()
