"""Full-text search on proposals: a GIN expression index on PostgreSQL, FTS5 on SQLite.

Revision ID: a4d8e3b61c07
Revises: 7c1e5d2a9f30
Create Date: 2026-11-27 07:25:00.000000

No model describes these objects; pb/deliberation/search_schema.py names them, and Alembic's
comparison skips them through its `include_object`. The SQLite index is an external-content FTS5
table kept in step by triggers. A later batch migration that rebuilds `proposals` on SQLite drops
those triggers: it must recreate them (tests/deliberation/test_search.py checks they exist).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d8e3b61c07'
down_revision = '7c1e5d2a9f30'
branch_labels = None
depends_on = None

# Must match pb/deliberation/search.py's expression exactly, or PostgreSQL will not use the index.
PG_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE proposals_fts USING fts5(title, description, content='proposals',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER proposals_fts_ai AFTER INSERT ON proposals BEGIN"
    " INSERT INTO proposals_fts(rowid, title, description)"
    " VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER proposals_fts_ad AFTER DELETE ON proposals BEGIN"
    " INSERT INTO proposals_fts(proposals_fts, rowid, title, description)"
    " VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER proposals_fts_au AFTER UPDATE OF title, description ON proposals BEGIN"
    " INSERT INTO proposals_fts(proposals_fts, rowid, title, description)"
    " VALUES ('delete', old.id, old.title, old.description);"
    " INSERT INTO proposals_fts(rowid, title, description)"
    " VALUES (new.id, new.title, new.description); END",
    "INSERT INTO proposals_fts(proposals_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS proposals_fts_au",
    "DROP TRIGGER IF EXISTS proposals_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_fts_ai",
    "DROP TABLE IF EXISTS proposals_fts",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_proposals_fulltext ON proposals USING gin ({PG_DOCUMENT})")
    elif dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        raise NotImplementedError(f"no full-text search for {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposals_fulltext")
    elif dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
