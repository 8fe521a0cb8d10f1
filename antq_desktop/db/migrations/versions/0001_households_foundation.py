"""households foundation

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from antq_desktop.db.search import create_household_fts, drop_household_fts

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('name', name=op.f('uq_area_name'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('province_name', sa.String(length=100), nullable=False),
    sa.Column('ward_code', sa.Integer(), nullable=False),
    sa.Column('ward_name', sa.String(length=100), nullable=False),
    sa.Column('header_superior', sa.String(length=200), nullable=False),
    sa.Column('header_issuer', sa.String(length=200), nullable=False),
    sa.Column('place_name', sa.String(length=100), nullable=False),
    sa.Column('commander_name', sa.String(length=100), nullable=False),
    sa.Column('commander_title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit'))
    )
    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('moved_out_reason', sa.String(length=300), nullable=False),
    sa.Column('head_name', sa.String(length=100), nullable=False),
    sa.Column('head_sort', sa.String(length=100), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('residence_kind', sa.Enum('permanent', 'temporary', 'absent', name='residencekind', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_household_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('code', name=op.f('uq_household_code'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_head_sort'), ['head_sort'], unique=False)
        batch_op.create_index('ix_household_moved_area', ['moved_out_on', 'area_id', 'member_count'], unique=False)
        batch_op.create_index('ix_household_moved_code', ['moved_out_on', 'code'], unique=False)

    op.create_table('household_search',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('lower', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_search_household_id_household')),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_household_search'))
    )
    op.create_table('household_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_signup_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_signup')),
    sa.UniqueConstraint('household_id', 'year', name='uq_household_signup_household_year')
    )
    with op.batch_alter_table('household_signup', schema=None) as batch_op:
        batch_op.create_index('ix_household_signup_year', ['year', 'household_id'], unique=False)

    op.create_table('resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('name_folded', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.Enum('male', 'female', name='sex', native_enum=False, length=20), nullable=False),
    sa.Column('id_number', sa.String(length=12), nullable=True),
    sa.Column('old_id_number', sa.String(length=9), nullable=True),
    sa.Column('relation', sa.Enum('head', 'wife', 'husband', 'child', 'father', 'mother', 'grandfather', 'grandmother', 'grandchild', 'older_brother', 'older_sister', 'younger_sibling', 'child_in_law', 'other', name='relationship', native_enum=False, length=20), nullable=False),
    sa.Column('residence_kind', sa.Enum('permanent', 'temporary', 'absent', name='residencekind', native_enum=False, length=20), nullable=False),
    sa.Column('residence_from', sa.Date(), nullable=True),
    sa.Column('residence_to', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('occupation', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('moved_out_reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_resident_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident'))
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_name_folded'), ['name_folded'], unique=False)

    create_household_fts(op.get_bind())


def downgrade() -> None:
    drop_household_fts(op.get_bind())

    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_name_folded'))
        batch_op.drop_index(batch_op.f('ix_resident_id_number'))
        batch_op.drop_index(batch_op.f('ix_resident_household_id'))

    op.drop_table('resident')
    with op.batch_alter_table('household_signup', schema=None) as batch_op:
        batch_op.drop_index('ix_household_signup_year')

    op.drop_table('household_signup')
    op.drop_table('household_search')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_moved_code')
        batch_op.drop_index('ix_household_moved_area')
        batch_op.drop_index(batch_op.f('ix_household_head_sort'))
        batch_op.drop_index(batch_op.f('ix_household_area_id'))

    op.drop_table('household')
    op.drop_table('unit')
    op.drop_table('area')

