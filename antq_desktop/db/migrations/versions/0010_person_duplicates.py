"""Duplicate people: the "merged into" marker on residents, pairs marked "không trùng", merges
kept for undo, and an index on (folded name, birth date) for the duplicate checks.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_resident_merged_into_id_resident'),
                                    'resident', ['merged_into_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_resident_merged_into_id'), ['merged_into_id'],
                              unique=False)
        batch_op.create_index('ix_resident_name_birth', ['name_folded', 'birth_date'],
                              unique=False)
    op.create_table(
        'person_not_duplicate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('marked_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_not_duplicate')),
        sa.UniqueConstraint('kind', 'record_id', 'resident_id',
                            name='uq_person_not_duplicate_pair'),
    )
    op.create_table(
        'person_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survivor_id', sa.Integer(), nullable=False),
        sa.Column('merged_id', sa.Integer(), nullable=False),
        sa.Column('merged_on', sa.Date(), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('undone_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['survivor_id'], ['resident.id'],
                                name=op.f('fk_person_merge_survivor_id_resident')),
        sa.ForeignKeyConstraint(['merged_id'], ['resident.id'],
                                name=op.f('fk_person_merge_merged_id_resident')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merge')),
    )
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merge_survivor_id'), ['survivor_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_merged_id'), ['merged_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_person_merge_survivor_id'))
    op.drop_table('person_merge')
    op.drop_table('person_not_duplicate')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_name_birth')
        batch_op.drop_index(batch_op.f('ix_resident_merged_into_id'))
        batch_op.drop_constraint(batch_op.f('fk_resident_merged_into_id_resident'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_id')
