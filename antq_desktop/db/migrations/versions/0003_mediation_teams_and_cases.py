"""mediation teams and cases

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('mediation_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('book_number', sa.String(length=30), nullable=False),
    sa.Column('book_opened_on', sa.Date(), nullable=True),
    sa.Column('book_closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_mediation_team_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_team')),
    sa.UniqueConstraint('area_id', name=op.f('uq_mediation_team_area_id'))
    )
    op.create_table('mediation_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('origin', sa.Enum('party_request', 'witnessed', 'assigned', 'proposed', name='caseorigin', native_enum=False, length=20), nullable=False),
    sa.Column('case_type', sa.Enum('everyday', 'civil', 'land', 'family', 'minor_violation', 'other', name='mediationtype', native_enum=False, length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('invited', sa.Text(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('in_progress', 'succeeded', 'failed', 'stopped', 'referred', name='mediationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('agreement', sa.Text(), nullable=False),
    sa.Column('compliance', sa.Enum('monitoring', 'done', 'partial', 'not_done', name='compliance', native_enum=False, length=20), nullable=True),
    sa.Column('compliance_note', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['mediation_team.id'], name=op.f('fk_mediation_case_team_id_mediation_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case'))
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_case_received', ['received_on'], unique=False)
        batch_op.create_index('ix_mediation_case_team_received', ['team_id', 'received_on'], unique=False)

    op.create_table('mediator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('name_folded', sa.String(length=100), nullable=False),
    sa.Column('sex', sa.Enum('male', 'female', name='sex', native_enum=False, length=20), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('decision_number', sa.String(length=50), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('left_reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['mediation_team.id'], name=op.f('fk_mediator_team_id_mediation_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediator'))
    )
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediator_team_id'), ['team_id'], unique=False)

    op.create_table('mediation_case_mediator',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_case_mediator_case_id_mediation_case')),
    sa.ForeignKeyConstraint(['mediator_id'], ['mediator.id'], name=op.f('fk_mediation_case_mediator_mediator_id_mediator')),
    sa.PrimaryKeyConstraint('case_id', 'mediator_id', name=op.f('pk_mediation_case_mediator'))
    )
    with op.batch_alter_table('mediation_case_mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_mediator_mediator_id'), ['mediator_id'], unique=False)

    op.create_table('mediation_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('name_folded', sa.String(length=100), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_party_case_id_mediation_case')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_mediation_party_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_party'))
    )
    with op.batch_alter_table('mediation_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_party_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_party_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_party_resident_id'), ['resident_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('mediation_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_party_resident_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_party_name_folded'))
        batch_op.drop_index(batch_op.f('ix_mediation_party_case_id'))

    op.drop_table('mediation_party')
    with op.batch_alter_table('mediation_case_mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_mediator_mediator_id'))

    op.drop_table('mediation_case_mediator')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediator_team_id'))

    op.drop_table('mediator')
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_case_team_received')
        batch_op.drop_index('ix_mediation_case_received')

    op.drop_table('mediation_case')
    op.drop_table('mediation_team')

