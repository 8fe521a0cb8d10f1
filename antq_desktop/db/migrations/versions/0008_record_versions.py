"""A version on every editable record (issue 12, lost updates): ``version`` (existing rows get 1)
is the ORM's ``version_id_col``, so a save that read a record before another save changed it is
refused instead of silently reverting the other's change. Settings also get ``updated_at`` (the
other records have it), so the refusal can say when the record was changed.

Only columns are added (ALTER TABLE … ADD COLUMN on SQLite, no table rebuild): quick on a
100,000-household file. ``setting.updated_at`` has no server default: SQLite cannot add a column
whose default is CURRENT_TIMESTAMP, and a setting's time is known from its next save.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLES = (
    'household', 'resident',
    'rehab_case', 'rehab_evaluation', 'rehab_support',
    'mediation_team', 'mediator', 'mediation_case', 'mediation_party',
    'cert_unit', 'cert_record',
    'tip', 'movement_model', 'patrol', 'outreach', 'weapon_handover', 'award',
    'unit', 'area', 'setting',
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
