"""A round's ballot texts version: raised with every edit to what its ballot cards show, so a
frozen round's ballot rows can be kept per process under it.

Revision ID: 5b1e0c7d2a94
Revises: 45c490e7a7ba
Create Date: 2026-12-04 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7d2a94'
down_revision = '45c490e7a7ba'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('ballot_texts_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('ballot_texts_version')
