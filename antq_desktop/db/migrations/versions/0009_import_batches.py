"""Imports from spreadsheets: one row per import (file name, checksum, time, counts), the link
from the households and residents an import created to it (so that it can be undone), and
``resident.birth_year_only`` for people whose list gave only a birth year.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('rows_read', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('error_rows', sa.Integer(), nullable=False),
        sa.Column('people_created', sa.Integer(), nullable=False),
        sa.Column('people_updated', sa.Integer(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch')),
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_household_import_batch_id'), ['import_batch_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_household_import_batch_id_import_batch'),
                                    'import_batch', ['import_batch_id'], ['id'])
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_resident_import_batch_id'), ['import_batch_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_resident_import_batch_id_import_batch'),
                                    'import_batch', ['import_batch_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_resident_import_batch_id_import_batch'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_resident_import_batch_id'))
        batch_op.drop_column('import_batch_id')
        batch_op.drop_column('birth_year_only')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_household_import_batch_id_import_batch'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_household_import_batch_id'))
        batch_op.drop_column('import_batch_id')
    op.drop_table('import_batch')
