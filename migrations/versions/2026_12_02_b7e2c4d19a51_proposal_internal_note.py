"""Proposals: an internal note for the ward's officers (never published).

Revision ID: b7e2c4d19a51
Revises: a1dd49814881
Create Date: 2026-12-02 16:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4d19a51'
down_revision = 'a1dd49814881'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_note', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('internal_note')
