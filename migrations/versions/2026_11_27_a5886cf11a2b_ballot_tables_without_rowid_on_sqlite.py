"""Ballot tables WITHOUT ROWID on SQLite, so row order does not reveal casting order.

Revision ID: a5886cf11a2b
Revises: b8d4c012a383
Create Date: 2026-11-27 08:10:00.000000

A SQLite rowid table keeps rows in insertion order: reading `ballots` or `ballot_choices` without
ORDER BY (or a dump of the file) would list ballots in the order they were cast, which could be
lined up with the participation table. WITHOUT ROWID tables are stored by their primary key, a
random ballot id. PostgreSQL has no equivalent option; there the tables are rewritten in key
order when voting closes (pb/audit/secrecy.py). Nothing changes on PostgreSQL here.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a5886cf11a2b'
down_revision = 'b8d4c012a383'
branch_labels = None
depends_on = None

TABLES = ("ballots", "ballot_choices")


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade():
    _rebuild(with_rowid=False)


def downgrade():
    _rebuild(with_rowid=True)
