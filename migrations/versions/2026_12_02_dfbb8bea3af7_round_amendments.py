"""Round amendments: voting extended or ended early, with a public reason.

Revision ID: dfbb8bea3af7
Revises: 3c5e87bf9f71
Create Date: 2026-12-02 18:28:25.061967

Each row keeps the frozen configuration it replaced (pb/rounds/amendments.py), so the audit
bundle carries every version of the configuration (docs/verification.md).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dfbb8bea3af7'
down_revision = '3c5e87bf9f71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('round_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('extended', 'ended_early', name='amendment_kind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.String(length=40), nullable=False),
    sa.Column('new_value', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('previous_config_json', sa.Text(), nullable=False),
    sa.Column('previous_config_hash', sa.String(length=64), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_round_amendments_reason_given')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_round_amendments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_amendments_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_amendments'))
    )
    with op.batch_alter_table('round_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_amendments_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('round_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_amendments_round_id'))

    op.drop_table('round_amendments')
