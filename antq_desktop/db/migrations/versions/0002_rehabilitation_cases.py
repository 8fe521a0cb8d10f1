"""rehabilitation cases

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('rehab_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=100), nullable=False),
    sa.Column('name_folded', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.Enum('male', 'female', name='sex', native_enum=False, length=20), nullable=True),
    sa.Column('id_number', sa.String(length=12), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('regime', sa.Enum('reintegration', 'drug_user', 'post_rehab', 'ward_education', 'suspended', 'youth', name='regime', native_enum=False, length=20), nullable=False),
    sa.Column('decision_number', sa.String(length=50), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('decision_signer', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('supervisor', sa.String(length=200), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.Enum('completed', 'record_cleared', 'moved', 'emigrated', 'missing', 'dead', 'new_sentence', 'other', name='endreason', native_enum=False, length=20), nullable=True),
    sa.Column('close_note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_rehab_case_area_id_area')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_rehab_case_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rehab_case'))
    )
    with op.batch_alter_table('rehab_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rehab_case_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rehab_case_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index('ix_rehab_case_regime_closed', ['regime', 'closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_rehab_case_resident_id'), ['resident_id'], unique=False)

    op.create_table('rehab_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('period_year', sa.Integer(), nullable=False),
    sa.Column('period_no', sa.Integer(), nullable=False),
    sa.Column('classification', sa.Enum('A', 'B', 'C', 'D', 'progress', 'no_progress', 'violation', 'relapse', name='classification', native_enum=False, length=20), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['rehab_case.id'], name=op.f('fk_rehab_evaluation_case_id_rehab_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rehab_evaluation')),
    sa.UniqueConstraint('case_id', 'period_year', 'period_no', name='uq_rehab_evaluation_period')
    )
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rehab_evaluation_case_id'), ['case_id'], unique=False)

    op.create_table('rehab_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('vocational', 'job', 'loan', 'papers', 'schooling', 'counselling', name='supportkind', native_enum=False, length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('lender', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['rehab_case.id'], name=op.f('fk_rehab_support_case_id_rehab_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rehab_support'))
    )
    with op.batch_alter_table('rehab_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rehab_support_case_id'), ['case_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('rehab_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rehab_support_case_id'))

    op.drop_table('rehab_support')
    with op.batch_alter_table('rehab_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rehab_evaluation_case_id'))

    op.drop_table('rehab_evaluation')
    with op.batch_alter_table('rehab_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rehab_case_resident_id'))
        batch_op.drop_index('ix_rehab_case_regime_closed')
        batch_op.drop_index(batch_op.f('ix_rehab_case_name_folded'))
        batch_op.drop_index(batch_op.f('ix_rehab_case_area_id'))

    op.drop_table('rehab_case')

