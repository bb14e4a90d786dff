"""merge the feature branches

Revision ID: 0f6552bcf5be
Revises: 12c10babdb4b, 1fece789bff7, 4f1faae8c5b4, 72ac3b8ccc85, a1c3e5f7b9d0
Create Date: 2026-11-23 17:06:57.868230

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0f6552bcf5be'
down_revision = ('12c10babdb4b', '1fece789bff7', '4f1faae8c5b4', '72ac3b8ccc85', 'a1c3e5f7b9d0')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
