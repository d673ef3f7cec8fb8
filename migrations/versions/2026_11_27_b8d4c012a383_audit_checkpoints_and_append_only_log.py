"""Signed checkpoints of the audit log; the log and its checkpoints refuse UPDATE and DELETE.

Revision ID: b8d4c012a383
Revises: a4d8e3b61c07
Create Date: 2026-11-27 07:50:26.523031

The append-only rule is enforced by the database itself, not only by the application: on
PostgreSQL a trigger function raises on any UPDATE or DELETE statement against `audit_log` or
`audit_checkpoints`; SQLite gets equivalent triggers. (TRUNCATE is not refused: the test suite
empties tables with it. Tampering that bypasses the database is what the hash chain and the
signed checkpoints are for.) A later batch migration that rebuilds either table on SQLite drops
these triggers and must recreate them (tests/audit/test_append_only.py checks).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d4c012a383'
down_revision = 'a4d8e3b61c07'
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "audit_checkpoints")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION pb_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('origin', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_checkpoints'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION pb_refuse_audit_change()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}"
                    f" BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused');"
                    " END"
                )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pb_refuse_audit_change()")
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    op.drop_table('audit_checkpoints')
