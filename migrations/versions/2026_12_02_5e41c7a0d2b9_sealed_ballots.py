"""Sealed ballots: at close, receipts move to a list apart and ballots get new ids.

Revision ID: 5e41c7a0d2b9
Revises: 59736ae69306
Create Date: 2026-12-02 15:40:00.000000

`ballots.receipt` and `ballots.revote_hash` become nullable (NULL once the round is sealed);
`ballot_receipts` lists a sealed round's receipts with no link to its ballots; `ballot_seals`
says which rounds are sealed and whether the ballot tables were rewritten since
(pb/voting/seal.py, pb/audit/secrecy.py, docs/threat-model.md). Rounds closed before this
migration are sealed by the next `flask pb checkpoint` run.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e41c7a0d2b9'
down_revision = '59736ae69306'
branch_labels = None
depends_on = None


def _nullable(value: bool) -> None:
    with op.batch_alter_table('ballots', schema=None, table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.alter_column('receipt', existing_type=sa.String(length=64), nullable=value)
        batch_op.alter_column('revote_hash', existing_type=sa.String(length=64), nullable=value)


def upgrade():
    op.create_table('ballot_receipts',
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_ballot_receipts_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_ballot_receipts')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_receipts_round_id'), ['round_id'], unique=False)

    op.create_table('ballot_seals',
    sa.Column('round_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('compacted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_ballot_seals_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_ballot_seals'))
    )
    _nullable(True)


def downgrade():
    # Sealed ballots have no receipt to give back: a downgrade refuses rather than invent one.
    if op.get_bind().execute(sa.text("SELECT count(*) FROM ballot_seals")).scalar():
        raise RuntimeError("sealed rounds exist: their ballots cannot return to the old schema")
    _nullable(False)
    op.drop_table('ballot_seals')
    with op.batch_alter_table('ballot_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_receipts_round_id'))
    op.drop_table('ballot_receipts')
