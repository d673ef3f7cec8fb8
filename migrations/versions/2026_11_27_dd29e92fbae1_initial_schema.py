"""Initial schema: wards, accounts, rounds, proposals, participation, anonymous ballots, results, audit log.

Revision ID: dd29e92fbae1
Revises: 
Create Date: 2026-11-27 06:56:37.289415

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dd29e92fbae1'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('actor_ref', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_audit_log_entry_hash'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)

    op.create_table('wards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wards')),
    sa.UniqueConstraint('code', name=op.f('uq_wards_code')),
    sa.UniqueConstraint('name', name=op.f('uq_wards_name'))
    )
    op.create_table('postcodes',
    sa.Column('postcode', sa.String(length=16), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_postcodes_ward_id_wards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('postcode', name=op.f('pk_postcodes'))
    )
    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postcodes_ward_id'), ['ward_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('citizen', 'councillor', 'officer', 'auditor', 'admin', name='role', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('home_ward_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['home_ward_id'], ['wards.id'], name=op.f('fk_users_home_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_home_ward_id'), ['home_ward_id'], unique=False)

    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('phase', sa.Enum('draft', 'proposals', 'review', 'voting', 'closed', 'published', name='phase', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('proposals_open_at', sa.DateTime(), nullable=False),
    sa.Column('proposals_close_at', sa.DateTime(), nullable=False),
    sa.Column('voting_open_at', sa.DateTime(), nullable=False),
    sa.Column('voting_close_at', sa.DateTime(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('ballot_format', sa.String(length=30), nullable=False),
    sa.Column('ballot_params', sa.JSON(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('satisfaction', sa.String(length=40), nullable=True),
    sa.Column('tie_break', sa.String(length=40), nullable=False),
    sa.Column('tie_break_seed', sa.String(length=64), nullable=True),
    sa.Column('config_json', sa.Text(), nullable=True),
    sa.Column('config_hash', sa.String(length=64), nullable=True),
    sa.Column('frozen_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('budget > 0', name=op.f('ck_rounds_budget_positive')),
    sa.CheckConstraint('proposals_close_at > proposals_open_at', name=op.f('ck_rounds_proposal_dates_ordered')),
    sa.CheckConstraint('voting_close_at > voting_open_at', name=op.f('ck_rounds_voting_dates_ordered')),
    sa.CheckConstraint('voting_open_at >= proposals_close_at', name=op.f('ck_rounds_voting_after_proposals')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    op.create_table('staff_wards',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_wards_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_staff_wards_ward_id_wards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'ward_id', name=op.f('pk_staff_wards'))
    )
    op.create_table('ballots',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=64), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('revote_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_ballots_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('receipt', name=op.f('uq_ballots_receipt')),
    sa.UniqueConstraint('revote_hash', name=op.f('uq_ballots_revote_hash'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_round_id'), ['round_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('voted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_participations_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participations_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_participations_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('round_id', 'voter_key', name=op.f('uq_participations_round_id_voter_key'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_round_id'), ['round_id'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('estimated_cost', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'feasible', 'infeasible', name='status', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('final_cost', sa.BigInteger(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status != 'feasible' OR final_cost IS NOT NULL", name=op.f('ck_proposals_feasible_has_final_cost')),
    sa.CheckConstraint('estimated_cost > 0', name=op.f('ck_proposals_estimated_cost_positive')),
    sa.CheckConstraint('final_cost IS NULL OR final_cost > 0', name=op.f('ck_proposals_final_cost_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_proposals_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_proposals_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_proposals_ward_id_wards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_round_id'), ['round_id'], unique=False)

    op.create_table('results',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('satisfaction', sa.String(length=40), nullable=True),
    sa.Column('tie_break', sa.String(length=40), nullable=False),
    sa.Column('tie_break_seed', sa.String(length=64), nullable=True),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('total_cost', sa.BigInteger(), nullable=False),
    sa.Column('ballot_count', sa.Integer(), nullable=False),
    sa.Column('outcome_json', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_results_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_results'))
    )
    op.create_table('round_wards',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_wards_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_round_wards_ward_id_wards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('round_id', 'ward_id', name=op.f('pk_round_wards'))
    )
    op.create_table('ballot_choices',
    sa.Column('ballot_id', sa.String(length=32), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value > 0', name=op.f('ck_ballot_choices_value_positive')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_choices_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_ballot_choices_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('ballot_id', 'proposal_id', name=op.f('pk_ballot_choices'))
    )
    op.create_table('result_projects',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('score', sa.String(length=64), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('funded', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('reason_detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_result_projects_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['results.round_id'], name=op.f('fk_result_projects_round_id_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'proposal_id', name=op.f('pk_result_projects'))
    )


def downgrade():
    op.drop_table('result_projects')
    op.drop_table('ballot_choices')
    op.drop_table('round_wards')
    op.drop_table('results')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_round_id'))

    op.drop_table('proposals')
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_round_id'))

    op.drop_table('participations')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_round_id'))

    op.drop_table('ballots')
    op.drop_table('staff_wards')
    op.drop_table('rounds')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_home_ward_id'))

    op.drop_table('users')
    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postcodes_ward_id'))

    op.drop_table('postcodes')
    op.drop_table('wards')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
