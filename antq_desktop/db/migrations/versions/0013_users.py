"""Accounts, their residential areas and failed logins (docs/USERS.md).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'app_user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('name_folded', sa.String(length=50), nullable=False),
        sa.Column('display_name', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=False),
        sa.Column('must_change', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('failed_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.Column('last_login_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
        sa.UniqueConstraint('name_folded', name=op.f('uq_app_user_name_folded')),
    )
    op.create_table(
        'app_user_area',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_app_user_area_user_id_app_user')),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'],
                                name=op.f('fk_app_user_area_area_id_area')),
        sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_app_user_area')),
    )
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('name_typed', sa.String(length=50), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_login_failure_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index(op.f('ix_login_failure_user_id'), 'login_failure', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_failure_user_id'), table_name='login_failure')
    op.drop_table('login_failure')
    op.drop_table('app_user_area')
    op.drop_table('app_user')
