"""Poll clerks (a role scoped to wards), their stations' counts, and kiosk sessions.

Revision ID: 241e2e8e8e82
Revises: 48a8f62c9325
Create Date: 2026-12-02 18:29:23.904061

Widening the role enum replaces its CHECK constraint (batch mode rebuilds `users` on SQLite;
"clerk" fits the existing VARCHAR(14)). A downgrade refuses while a clerk account exists.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '241e2e8e8e82'
down_revision = '48a8f62c9325'
branch_labels = None
depends_on = None

OLD_ROLES = ('citizen', 'councillor', 'officer', 'auditor', 'admin')
NEW_ROLES = (*OLD_ROLES, 'clerk')


def _in(column, values):
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _roles(values):
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), _in('role', values))


def upgrade():
    _roles(NEW_ROLES)
    op.create_table('kiosks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('admitted', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clerk_id'], ['users.id'], name=op.f('fk_kiosks_clerk_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_kiosks_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['user_sessions.id'], name=op.f('fk_kiosks_session_id_user_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosks')),
    sa.UniqueConstraint('session_id', name=op.f('uq_kiosks_session_id'))
    )
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosks_clerk_id'), ['clerk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kiosks_round_id'), ['round_id'], unique=False)

    op.create_table('station_tallies',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('kiosk_admitted', sa.Integer(), nullable=False),
    sa.Column('paper_issued', sa.Integer(), nullable=False),
    sa.Column('kiosk_ballots', sa.Integer(), nullable=False),
    sa.Column('kiosk_unused', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clerk_id'], ['users.id'], name=op.f('fk_station_tallies_clerk_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_station_tallies_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'clerk_id', name=op.f('pk_station_tallies'))
    )


def downgrade():
    clerks = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'clerk'"))
    if clerks.scalar():
        raise RuntimeError("Cannot downgrade: poll clerk accounts exist.")
    op.drop_table('station_tallies')
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosks_round_id'))
        batch_op.drop_index(batch_op.f('ix_kiosks_clerk_id'))

    op.drop_table('kiosks')
    _roles(OLD_ROLES)
