"""A resident's ethnicity (dân tộc) and religion (tôn giáo): nullable text, None where not
recorded (every resident before this revision). Sensitive personal data (docs/DOMAIN.md §1).

Plain ADD COLUMN on both databases (no table copy on SQLite: the resident table keeps its
partial unique index on living ID numbers as it is); DROP COLUMN on the way down (SQLite
3.35+).

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('resident', sa.Column('ethnicity', sa.String(length=100), nullable=True))
    op.add_column('resident', sa.Column('religion', sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column('resident', 'religion')
    op.drop_column('resident', 'ethnicity')
