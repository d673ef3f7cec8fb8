"""Co-assessment: a round's rating questions and settings, each done project's rating window
and published figures, invitations, ratings (one per resident per project) and their marks,
resident inspections.

Revision ID: 7dd1e4acb128
Revises: 5e41c7a0d2b9
Create Date: 2026-12-02 18:30:33.915729

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7dd1e4acb128'
down_revision = '5e41c7a0d2b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('builtin', sa.String(length=40), nullable=True),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_assessment_criteria_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_criteria'))
    )
    with op.batch_alter_table('assessment_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_criteria_round_id'), ['round_id'], unique=False)

    op.create_table('assessment_settings',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('min_raters', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('email_delay_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('email_delay_days >= 0', name=op.f('ck_assessment_settings_email_delay_not_negative')),
    sa.CheckConstraint('min_raters >= 1', name=op.f('ck_assessment_settings_min_raters_positive')),
    sa.CheckConstraint('window_days >= 1', name=op.f('ck_assessment_settings_window_days_positive')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_assessment_settings_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_assessment_settings'))
    )
    op.create_table('project_assessments',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('min_raters', sa.Integer(), nullable=False),
    sa.Column('aggregate', sa.JSON(), nullable=False),
    sa.Column('aggregated_at', sa.DateTime(), nullable=True),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_project_assessments_window_not_empty')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_project_assessments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_project_assessments_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_project_assessments'))
    )
    with op.batch_alter_table('project_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_assessments_round_id'), ['round_id'], unique=False)

    op.create_table('assessment_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['project_assessments.proposal_id'], name=op.f('fk_assessment_invitations_proposal_id_project_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assessment_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_invitations')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_assessment_invitations_proposal_id_user_id'))
    )
    with op.batch_alter_table('assessment_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_invitations_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('offered_at', sa.DateTime(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_inspections_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['project_assessments.proposal_id'], name=op.f('fk_inspections_proposal_id_project_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_inspections_responded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('proposal_id', 'inspector_id', name=op.f('uq_inspections_proposal_id_inspector_id'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_ratings_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['project_assessments.proposal_id'], name=op.f('fk_ratings_proposal_id_project_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ratings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_ratings_proposal_id_user_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('rating_comment_reports',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_rating_comment_reports_rating_id_ratings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_rating_comment_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id', 'reporter_id', name=op.f('pk_rating_comment_reports'))
    )
    op.create_table('rating_scores',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('value BETWEEN 1 AND 5', name=op.f('ck_rating_scores_value_in_scale')),
    sa.ForeignKeyConstraint(['criterion_id'], ['assessment_criteria.id'], name=op.f('fk_rating_scores_criterion_id_assessment_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_rating_scores_rating_id_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id', 'criterion_id', name=op.f('pk_rating_scores'))
    )


def downgrade():
    op.drop_table('rating_scores')
    op.drop_table('rating_comment_reports')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_proposal_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_proposal_id'))

    op.drop_table('inspections')
    with op.batch_alter_table('assessment_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_invitations_proposal_id'))

    op.drop_table('assessment_invitations')
    with op.batch_alter_table('project_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_assessments_round_id'))

    op.drop_table('project_assessments')
    op.drop_table('assessment_settings')
    with op.batch_alter_table('assessment_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_criteria_round_id'))

    op.drop_table('assessment_criteria')
