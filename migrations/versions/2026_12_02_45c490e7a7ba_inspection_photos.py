"""Photos on resident inspectors' reports: several per report, each a pb/media image (with its
required alt text), linked once.

Revision ID: 45c490e7a7ba
Revises: 54de3bdcc81b
Create Date: 2026-12-02 19:53:54.112712

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '45c490e7a7ba'
down_revision = '54de3bdcc81b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspection_photos',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_photos_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_inspection_photos_media_id_media'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('inspection_id', 'media_id', name=op.f('pk_inspection_photos'))
    )


def downgrade():
    op.drop_table('inspection_photos')
