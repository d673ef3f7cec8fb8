"""Conflict groups of a round: projects that cannot be built together (officers declare them).

Revision ID: c0f1c7a9e513
Revises: b7e2c4d19a51
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0f1c7a9e513'
down_revision = 'b7e2c4d19a51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflicts', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('conflicts')
