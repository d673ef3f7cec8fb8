"""Access codes by post: only a keyed hash of each code, its round and ward, the census entry it
is bound to (when the round uses the census), and when it was redeemed or revoked.

Revision ID: 48a8f62c9325
Revises: dfbb8bea3af7
Create Date: 2026-12-02 18:26:55.557907

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '48a8f62c9325'
down_revision = 'dfbb8bea3af7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.Column('census_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('redeemed_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['census_entry_id'], ['census_entries.id'], name=op.f('fk_access_codes_census_entry_id_census_entries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_access_codes_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_access_codes_ward_id_wards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_access_codes_code_hash'))
    )
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_codes_census_entry_id'), ['census_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_codes_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_codes_round_id'))
        batch_op.drop_index(batch_op.f('ix_access_codes_census_entry_id'))

    op.drop_table('access_codes')
