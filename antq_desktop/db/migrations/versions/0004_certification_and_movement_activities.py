"""Certification "An toàn về ANTT" (units, yearly records, criteria), movement activities
(tips, models, patrols, outreach, weapons handed in, awards) and the settings table.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('collective', sa.Boolean(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('ward_police', 'ward_committee', 'province_police', 'province_committee', 'ministry', 'other', name='awardlevel', native_enum=False, length=20), nullable=False),
    sa.Column('decision_number', sa.String(length=50), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_award_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award'))
    )
    op.create_table('cert_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('area', 'agency', 'enterprise', 'school', 'ward', name='certcategory', native_enum=False, length=20), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('head_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_cert_unit_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cert_unit')),
    sa.UniqueConstraint('area_id', name=op.f('uq_cert_unit_area_id'))
    )
    with op.batch_alter_table('cert_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cert_unit_category'), ['category'], unique=False)

    op.create_table('movement_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_movement_model_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement_model'))
    )
    op.create_table('outreach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('meeting', 'loudspeaker', 'leaflet', 'stage', 'online', 'other', name='outreachkind', native_enum=False, length=20), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_outreach_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach'))
    )
    with op.batch_alter_table('outreach', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_held_on', ['held_on', 'area_id'], unique=False)

    op.create_table('patrol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_patrol_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol'))
    )
    with op.batch_alter_table('patrol', schema=None) as batch_op:
        batch_op.create_index('ix_patrol_held_on', ['held_on', 'area_id'], unique=False)

    op.create_table('tip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('valuable', sa.Boolean(), nullable=False),
    sa.Column('result', sa.Enum('pending', 'no_result', 'case_solved', 'arrest', 'surrender', name='tipresult', native_enum=False, length=20), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('result_note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_tip_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tip'))
    )
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.create_index('ix_tip_received_on', ['received_on', 'area_id'], unique=False)

    op.create_table('weapon_handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('firearm', 'ammunition', 'explosive', 'firecracker', 'knife', 'support_tool', name='weaponkind', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_weapon_handover_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_handover'))
    )
    with op.batch_alter_table('weapon_handover', schema=None) as batch_op:
        batch_op.create_index('ix_weapon_handover_received_on', ['received_on', 'area_id'], unique=False)

    op.create_table('cert_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('evaluated_on', sa.Date(), nullable=True),
    sa.Column('result', sa.Enum('met', 'not_met', name='certresult', native_enum=False, length=20), nullable=True),
    sa.Column('decision_number', sa.String(length=50), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('certificate_number', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['cert_unit.id'], name=op.f('fk_cert_record_unit_id_cert_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cert_record')),
    sa.UniqueConstraint('unit_id', 'year', name=op.f('uq_cert_record_unit_id'))
    )
    with op.batch_alter_table('cert_record', schema=None) as batch_op:
        batch_op.create_index('ix_cert_record_year', ['year', 'unit_id'], unique=False)

    op.create_table('cert_criterion',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['cert_record.id'], name=op.f('fk_cert_criterion_record_id_cert_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'code', name=op.f('pk_cert_criterion'))
    )


def downgrade() -> None:
    op.drop_table('cert_criterion')
    with op.batch_alter_table('cert_record', schema=None) as batch_op:
        batch_op.drop_index('ix_cert_record_year')

    op.drop_table('cert_record')
    with op.batch_alter_table('weapon_handover', schema=None) as batch_op:
        batch_op.drop_index('ix_weapon_handover_received_on')

    op.drop_table('weapon_handover')
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.drop_index('ix_tip_received_on')

    op.drop_table('tip')
    with op.batch_alter_table('patrol', schema=None) as batch_op:
        batch_op.drop_index('ix_patrol_held_on')

    op.drop_table('patrol')
    with op.batch_alter_table('outreach', schema=None) as batch_op:
        batch_op.drop_index('ix_outreach_held_on')

    op.drop_table('outreach')
    op.drop_table('movement_model')
    with op.batch_alter_table('cert_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cert_unit_category'))

    op.drop_table('cert_unit')
    op.drop_table('award')
    op.drop_table('setting')
