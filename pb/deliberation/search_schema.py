"""Full-text search structures the models do not describe, and how schema comparison skips them.

PostgreSQL searches an expression GIN index over `to_tsvector('simple', title || description)`;
SQLite (the embedded default) keeps an FTS5 virtual table in step with `proposals` by triggers.
Both are created by a hand-written migration with dialect-specific DDL. Alembic's autogenerate
(and tests/test_migrations.py) would report them as "not in the models" and propose dropping them,
so `include_object` leaves out exactly these reflected names, and nothing else.
"""

from __future__ import annotations

from typing import Any

# 'simple': no stemming, because proposals are written in English, Polish and Urdu alike and an
# English stemmer would mangle the others. Matching is on whole words, accent-insensitively on
# SQLite (unicode61 remove_diacritics) and case-insensitively on both.
TS_CONFIG = "simple"
PG_INDEX = "ix_proposals_fulltext"
FTS_TABLE = "proposals_fts"
# FTS5 shadow tables SQLite creates for an external-content table.
FTS_TABLES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config"))}
)


def include_object(
    object_: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic hook: skip the reflected search index/tables, which no model describes."""
    if reflected and compare_to is None:
        if type_ == "table" and name in FTS_TABLES:
            return False
        if type_ == "index" and name == PG_INDEX:
            return False
    return True
