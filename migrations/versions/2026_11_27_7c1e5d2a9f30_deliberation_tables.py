"""Deliberation tables: comments and reactions, supports, amendments and proposal versions,
merges, reports and hidden proposals, notifications.

Revision ID: 7c1e5d2a9f30
Revises: 0b45b440da2b
Create Date: 2026-11-27 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5d2a9f30'
down_revision = '0b45b440da2b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('estimated_cost', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'rejected', 'closed', name='amendment_status', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('estimated_cost > 0', name=op.f('ck_amendments_estimated_cost_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_amendments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_amendments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments'))
    )
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendments_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_comments_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_comments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('hidden_proposals',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_hidden_proposals_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_hidden_proposals_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_hidden_proposals'))
    )
    op.create_table('proposal_merges',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('supports_moved', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('source_id != target_id', name=op.f('ck_proposal_merges_not_into_itself')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_proposal_merges_merged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['proposals.id'], name=op.f('fk_proposal_merges_source_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['proposals.id'], name=op.f('fk_proposal_merges_target_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', name=op.f('pk_proposal_merges'))
    )
    with op.batch_alter_table('proposal_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_merges_target_id'), ['target_id'], unique=False)

    op.create_table('supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_supports_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supports')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_supports_proposal_id_user_id'))
    )
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supports_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supports_user_id'), ['user_id'], unique=False)

    op.create_table('comment_reactions',
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_comment_reactions_value_agree_or_disagree')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reactions_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_comment_reactions'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('comment_reply', 'proposal_reviewed', 'proposal_amended', 'amendment_decided', 'proposal_merged', 'phase_changed', name='notification_kind', native_enum=False, create_constraint=True, length=21), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_notifications_comment_id_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_notifications_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_notifications_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('original', 'edited', 'amendment', 'merge', name='version_kind', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('estimated_cost', sa.BigInteger(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], name=op.f('fk_proposal_versions_amendment_id_amendments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_proposal_versions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_versions_proposal_id_number'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'hidden', 'dismissed', name='report_status', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_reports_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_reports_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reporter_id', 'comment_id', name=op.f('uq_reports_reporter_id_comment_id'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index('uq_reports_proposal_reporter', ['reporter_id', 'proposal_id'], unique=True, sqlite_where=sa.text('comment_id IS NULL'), postgresql_where=sa.text('comment_id IS NULL'))


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_proposal_reporter', sqlite_where=sa.text('comment_id IS NULL'), postgresql_where=sa.text('comment_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_reports_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_reports_comment_id'))

    op.drop_table('reports')
    op.drop_table('proposal_versions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    op.drop_table('comment_reactions')
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supports_user_id'))
        batch_op.drop_index(batch_op.f('ix_supports_proposal_id'))

    op.drop_table('supports')
    with op.batch_alter_table('proposal_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_merges_target_id'))

    op.drop_table('proposal_merges')
    op.drop_table('hidden_proposals')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))

    op.drop_table('comments')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendments_proposal_id'))

    op.drop_table('amendments')
