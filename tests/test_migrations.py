"""The schema the migrations build is exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from pb.deliberation.search_schema import include_object
from pb.extensions import db


def test_migrations_match_models(app: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            # Full-text search objects are made by hand-written dialect-specific DDL and described
            # by no model; include_object skips exactly those names (see search_schema.py).
            opts={"compare_type": True, "render_as_batch": True, "include_object": include_object},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations disagree: {differences}"


def test_migrations_downgrade_and_upgrade_again(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert "ballots" in db.inspect(db.engine).get_table_names()
