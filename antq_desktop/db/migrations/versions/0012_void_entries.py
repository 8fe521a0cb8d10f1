"""Evaluations and support entered by mistake can be voided (issue 14): ``voided_on`` and
``void_reason`` on rehab_evaluation and rehab_support. A voided entry stays in the case's
history and counts nowhere. The one-evaluation-per-period rule becomes a partial unique index
over the live evaluations, so that a voided evaluation leaves its period free for the right one.

On SQLite dropping the unique constraint rebuilds rehab_evaluation (batch mode): a ward holds
hundreds of cases, so it is quick.

The downgrade deletes the voided entries (the older schema cannot mark them, and kept they
would count again) before it restores the constraint.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LIVE = "voided_on IS NULL"


def upgrade() -> None:
    for table in ('rehab_evaluation', 'rehab_support'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voided_on', sa.Date(), nullable=True))
            batch_op.add_column(sa.Column('void_reason', sa.String(length=300),
                                          server_default='', nullable=False))
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rehab_evaluation_period', type_='unique')
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.create_index('uq_rehab_evaluation_period', ['case_id', 'period_year', 'period_no'],
                              unique=True, sqlite_where=sa.text(LIVE),
                              postgresql_where=sa.text(LIVE))


def downgrade() -> None:
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.drop_index('uq_rehab_evaluation_period')
    for table in ('rehab_support', 'rehab_evaluation'):
        op.execute(sa.text(f"DELETE FROM {table} WHERE voided_on IS NOT NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('void_reason')
            batch_op.drop_column('voided_on')
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_rehab_evaluation_period',
                                          ['case_id', 'period_year', 'period_no'])
