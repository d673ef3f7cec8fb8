"""Paper ballots: batches keyed twice, readings, the reconciliation queue, completion.

Revision ID: 9b9add6ddd96
Revises: 241e2e8e8e82
Create Date: 2026-12-02 18:27:41.554806

`ballots.channel` is NULL for every ballot but a paper one ("paper"), entered after the close
(pb/paper, docs/eligibility.md "Paper ballots").
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b9add6ddd96'
down_revision = '241e2e8e8e82'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('entering', 'reconciling', 'confirmed', name='batch_status', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('size > 0 AND size <= 500', name=op.f('ck_paper_batches_size_in_range')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_paper_batches_opened_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_paper_batches_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_paper_batches_ward_id_wards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batches')),
    sa.UniqueConstraint('round_id', 'label', name=op.f('uq_paper_batches_round_id_label'))
    )
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_batches_round_id'), ['round_id'], unique=False)

    op.create_table('paper_completions',
    sa.Column('round_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_paper_completions_completed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_paper_completions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_paper_completions'))
    )
    op.create_table('paper_discrepancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('chosen IS NULL OR chosen IN (1, 2)', name=op.f('ck_paper_discrepancies_chosen_reading')),
    sa.ForeignKeyConstraint(['batch_id'], ['paper_batches.id'], name=op.f('fk_paper_discrepancies_batch_id_paper_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_paper_discrepancies_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_discrepancies')),
    sa.UniqueConstraint('batch_id', 'position', name=op.f('uq_paper_discrepancies_batch_id_position'))
    )
    with op.batch_alter_table('paper_discrepancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_discrepancies_batch_id'), ['batch_id'], unique=False)

    op.create_table('paper_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('reading', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ballots', sa.JSON(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('reading IN (1, 2)', name=op.f('ck_paper_readings_first_or_second')),
    sa.ForeignKeyConstraint(['batch_id'], ['paper_batches.id'], name=op.f('fk_paper_readings_batch_id_paper_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_paper_readings_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_readings')),
    sa.UniqueConstraint('batch_id', 'reading', name=op.f('uq_paper_readings_batch_id_reading')),
    sa.UniqueConstraint('batch_id', 'user_id', name=op.f('uq_paper_readings_batch_id_user_id'))
    )
    with op.batch_alter_table('paper_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_readings_batch_id'), ['batch_id'], unique=False)

    with op.batch_alter_table('ballots', schema=None, table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(op.f('ck_ballots_channel_paper_only'), "channel IS NULL OR channel = 'paper'")



def downgrade():
    with op.batch_alter_table('ballots', schema=None, table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.drop_constraint(op.f('ck_ballots_channel_paper_only'), type_='check')
        batch_op.drop_column('channel')

    with op.batch_alter_table('paper_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_readings_batch_id'))

    op.drop_table('paper_readings')
    with op.batch_alter_table('paper_discrepancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_discrepancies_batch_id'))

    op.drop_table('paper_discrepancies')
    op.drop_table('paper_completions')
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_batches_round_id'))

    op.drop_table('paper_batches')
