"""A PostgreSQL database of the test's own, created empty and dropped afterwards (for tests that
migrate or restore into a fresh database, as an operator would)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import POSTGRES_URL, unavailable


@pytest.fixture
def fresh_database(worker_id: str) -> Iterator[Callable[[str], str]]:
    """Call it with a name prefix; returns the URL of a new, empty database."""
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        unavailable("PostgreSQL", f"no server at {POSTGRES_URL}")
    made: list[str] = []

    def create(prefix: str) -> str:
        name = f"{prefix}_{os.getpid()}_{worker_id}".replace("-", "_")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name

    with admin:
        yield create
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
