"""Readiness: can this instance serve a vote right now?

Three checks, each a yes or no (no detail is published: the probe is public):
- the database answers;
- its schema is at the head of the migrations this code ships (an upgrade not yet run, or code
  older than the database, would fail in odd places rather than here);
- the checkpoint signing key is present (without it, phase changes and the 15-minute
  checkpoints cannot be signed).
"""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pb.audit import keys
from pb.config import PROJECT_ROOT
from pb.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


@cache
def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def checks() -> dict[str, bool]:
    results = {"database": False, "migrations": False, "checkpoint_key": False}
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        results["database"] = True
        current = MigrationContext.configure(connection).get_current_heads()
        results["migrations"] = frozenset(current) == migration_heads()
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database check failed: %s", type(error).__name__)
        db.session.rollback()
    results["checkpoint_key"] = keys.public_key() is not None
    return results
