"""The link from the records the other import kinds create to their import batch (docs/IMPORT.md),
so that "Hoàn tác lần nhập này" can remove exactly them: rehabilitation cases, mediation teams
and mediators, certification units, tips, patrols, outreach sessions and weapons handed in.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('rehab_case', 'mediation_team', 'mediator', 'cert_unit', 'tip', 'patrol', 'outreach',
          'weapon_handover')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_import_batch_id'), ['import_batch_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_import_batch_id_import_batch'),
                                        'import_batch', ['import_batch_id'], ['id'])


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_import_batch_id_import_batch'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_import_batch_id'))
            batch_op.drop_column('import_batch_id')
