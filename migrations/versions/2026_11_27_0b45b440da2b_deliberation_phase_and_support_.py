"""Deliberation phase and support threshold on rounds; merged and not-shortlisted proposals.

Revision ID: 0b45b440da2b
Revises: f23860ee5695
Create Date: 2026-11-27 07:12:11.374049

Widening an enum means replacing its CHECK constraint: on SQLite batch mode rebuilds the table
(migrations/env.py switches foreign key enforcement off around it, so rebuilding `rounds` cannot
cascade into proposals). A downgrade refuses while any row uses a value the old schema lacks.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b45b440da2b'
down_revision = 'f23860ee5695'
branch_labels = None
depends_on = None

OLD_PHASES = ('draft', 'proposals', 'review', 'voting', 'closed', 'published')
NEW_PHASES = ('draft', 'proposals', 'deliberation', 'review', 'voting', 'closed', 'published')
OLD_STATUSES = ('submitted', 'feasible', 'infeasible')
NEW_STATUSES = ('submitted', 'feasible', 'infeasible', 'merged', 'not_shortlisted')


def _in(column, values):
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposals_status'), type_='check')
        batch_op.alter_column('status',
               existing_type=sa.String(length=14),
               type_=sa.String(length=19),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_proposals_status'), _in('status', NEW_STATUSES))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deliberation_close_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('support_threshold', sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f('ck_rounds_phase'), type_='check')
        batch_op.alter_column('phase',
               existing_type=sa.String(length=13),
               type_=sa.String(length=16),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_rounds_phase'), _in('phase', NEW_PHASES))
        batch_op.create_check_constraint(
            op.f('ck_rounds_deliberation_dates_ordered'),
            "deliberation_close_at IS NULL OR (deliberation_close_at > proposals_close_at"
            " AND voting_open_at >= deliberation_close_at)",
        )
        batch_op.create_check_constraint(
            op.f('ck_rounds_support_threshold_positive'),
            "support_threshold IS NULL OR support_threshold > 0",
        )


def downgrade():
    bind = op.get_bind()
    in_use = bind.execute(sa.text(
        "SELECT (SELECT count(*) FROM rounds WHERE phase = 'deliberation')"
        " + (SELECT count(*) FROM proposals WHERE status IN ('merged', 'not_shortlisted'))"
    )).scalar()
    if in_use:
        raise RuntimeError(
            "Cannot downgrade: rounds in deliberation or merged/not-shortlisted proposals exist."
        )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_support_threshold_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_rounds_deliberation_dates_ordered'), type_='check')
        batch_op.drop_constraint(op.f('ck_rounds_phase'), type_='check')
        batch_op.alter_column('phase',
               existing_type=sa.String(length=16),
               type_=sa.String(length=13),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_rounds_phase'), _in('phase', OLD_PHASES))
        batch_op.drop_column('support_threshold')
        batch_op.drop_column('deliberation_close_at')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposals_status'), type_='check')
        batch_op.alter_column('status',
               existing_type=sa.String(length=19),
               type_=sa.String(length=14),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_proposals_status'), _in('status', OLD_STATUSES))
