"""Following (follows, notices) and the delivery of funded projects (plans, milestones, status
changes with their reasons, dated updates with an optional photo).

Revision ID: 126509d7bcab
Revises: e733bb0dea71
Create Date: 2026-12-02 18:35:13.230914

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '126509d7bcab'
down_revision = 'e733bb0dea71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('project', 'proposal', name='follow_kind', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('user_id', 'kind', 'object_id', name=op.f('uq_follows_user_id_kind_object_id'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('project', 'proposal', name='notice_kind', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('delivery_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'delayed', 'cancelled', name='delivery_status', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_delivery_plans_progress')),
    sa.CheckConstraint('spent >= 0 AND spent < 1000000000000000', name=op.f('ck_delivery_plans_spent')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_delivery_plans_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_delivery_plans_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_plans')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_delivery_plans_proposal_id'))
    )
    with op.batch_alter_table('delivery_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_plans_round_id'), ['round_id'], unique=False)

    op.create_table('delivery_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['delivery_plans.id'], name=op.f('fk_delivery_milestones_plan_id_delivery_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_milestones'))
    )
    with op.batch_alter_table('delivery_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_milestones_plan_id'), ['plan_id'], unique=False)

    op.create_table('delivery_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'delayed', 'cancelled', name='change_status', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['delivery_plans.id'], name=op.f('fk_delivery_status_changes_plan_id_delivery_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_status_changes'))
    )
    with op.batch_alter_table('delivery_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_status_changes_plan_id'), ['plan_id'], unique=False)

    op.create_table('delivery_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_delivery_updates_media_id_media'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['delivery_plans.id'], name=op.f('fk_delivery_updates_plan_id_delivery_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_updates'))
    )
    with op.batch_alter_table('delivery_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_updates_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('delivery_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_updates_plan_id'))

    op.drop_table('delivery_updates')
    with op.batch_alter_table('delivery_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_status_changes_plan_id'))

    op.drop_table('delivery_status_changes')
    with op.batch_alter_table('delivery_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_milestones_plan_id'))

    op.drop_table('delivery_milestones')
    with op.batch_alter_table('delivery_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_plans_round_id'))

    op.drop_table('delivery_plans')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_user_unread')

    op.drop_table('notices')
    op.drop_table('follows')
