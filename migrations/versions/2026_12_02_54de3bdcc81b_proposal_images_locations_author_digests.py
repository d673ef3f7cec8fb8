"""Browsing proposals (issue 17): an optional image and a text location on proposals; authors'
e-mail choice (immediately or a daily digest) and the notices waiting for the digest.

Revision ID: 54de3bdcc81b
Revises: 7dd1e4acb128
Create Date: 2026-12-02 19:25:09.757117

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54de3bdcc81b'
down_revision = '7dd1e4acb128'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('author_email', sa.Enum('immediately', 'daily', name='author_email', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notice_settings'))
    )
    op.create_table('digest_items',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_digest_items_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', name=op.f('pk_digest_items'))
    )
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_items_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('image_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_image_id_media'), 'media', ['image_id'], ['id'], ondelete='SET NULL')
    _restore_sqlite_fts_triggers()


# The full-text triggers of a4d8e3b61c07: SQLite's batch "move and copy" of proposals (needed to
# add a foreign key) drops a table's triggers, so they are put back after it.
SQLITE_FTS_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_ai AFTER INSERT ON proposals BEGIN "
    "INSERT INTO proposals_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_ad AFTER DELETE ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_au AFTER UPDATE OF title, description "
    "ON proposals BEGIN INSERT INTO proposals_fts(proposals_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO proposals_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
)


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_image_id_media'), type_='foreignkey')
        batch_op.drop_column('image_id')
        batch_op.drop_column('location')
    _restore_sqlite_fts_triggers()

    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_items_user_id'))

    op.drop_table('digest_items')
    op.drop_table('notice_settings')


def _restore_sqlite_fts_triggers():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_FTS_TRIGGERS:
            op.execute(statement)
