"""Users: the language they chose, for their e-mails and their pages after sign-in.

Revision ID: e4f1a9c27b60
Revises: cdc44951f6c8
Create Date: 2026-11-27 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f1a9c27b60'
down_revision = 'cdc44951f6c8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
