"""co-assessment after delivery and volunteering

Revision ID: 28e007610195
Revises: 7dd1e4acb128, dfbb8bea3af7
Create Date: 2026-12-02 19:25:03.597471

"""

# revision identifiers, used by Alembic.
revision = '28e007610195'
down_revision = ('7dd1e4acb128', 'dfbb8bea3af7')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
