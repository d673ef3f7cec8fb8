"""Rounds: the minimum score a project needs under a threshold rule (greedy-threshold).

Revision ID: cdc44951f6c8
Revises: a5886cf11a2b
Create Date: 2026-11-27 09:07:57.554464

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cdc44951f6c8'
down_revision = 'a5886cf11a2b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_project_score', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_rounds_min_project_score_positive'),
            "min_project_score IS NULL OR min_project_score > 0",
        )


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_min_project_score_positive'), type_='check')
        batch_op.drop_column('min_project_score')
