"""Uploaded images (pb/media), stored in the database so that every app server sees them.

Revision ID: e733bb0dea71
Revises: 5e41c7a0d2b9
Create Date: 2026-12-02 18:27:47.673551

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e733bb0dea71'
down_revision = '5e41c7a0d2b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'image/webp')", name=op.f('ck_media_content_type')),
    sa.CheckConstraint('length(alt_text) > 0', name=op.f('ck_media_alt_text')),
    sa.CheckConstraint('width > 0 AND height > 0', name=op.f('ck_media_dimensions')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_media_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media'))
    )


def downgrade():
    op.drop_table('media')
