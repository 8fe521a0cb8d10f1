"""Household.since: the day a household came to live here, so that a past year's sign-up ratio
counts only the households living here then; the per-area index covers it.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('since', sa.Date(), nullable=True))
        batch_op.drop_index('ix_household_area_moved')
        batch_op.create_index('ix_household_area_moved', ['area_id', 'moved_out_on', 'since'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_area_moved')
        batch_op.create_index('ix_household_area_moved', ['area_id', 'moved_out_on'],
                              unique=False)
        batch_op.drop_column('since')
