"""The audit trail, period locking and voided activity records (issue 15, docs/AUDIT.md).

``audit_entry`` is append-only: a trigger refuses every UPDATE and DELETE on it (SQLite and
PostgreSQL alike). The five dated activity tables get ``voided_at`` and ``void_reason``: a
record entered by mistake is voided, never deleted.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

VOIDABLE = ('tip', 'patrol', 'outreach', 'weapon_handover', 'award')
APPEND_ONLY = ('audit_entry',)
REFUSAL = 'audit trail is append-only'


def _create_triggers(table: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")
    else:
        op.execute(f"CREATE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse()")


def _drop_triggers(table: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for verb in ('update', 'delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse()")


def upgrade() -> None:
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('kind', sa.String(length=50), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=True),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    op.create_index('ix_audit_entry_record', 'audit_entry', ['kind', 'record_id'], unique=False)
    op.create_index('ix_audit_entry_at', 'audit_entry', ['at'], unique=False)
    op.create_table(
        'period_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.Integer(), nullable=True),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('locked_at', sa.DateTime(), nullable=False),
        sa.Column('locked_by', sa.String(length=100), nullable=False),
        sa.Column('snapshot', sa.Text(), nullable=False),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.Column('reopened_by', sa.String(length=100), nullable=False),
        sa.Column('reopen_reason', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'],
                                name=op.f('fk_period_lock_area_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_period_lock')),
    )
    op.create_index('ix_period_lock_kind_year', 'period_lock', ['kind', 'year'], unique=False)
    op.create_table(
        'lock_exception',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.Integer(), nullable=True),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('until', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('granted_by', sa.String(length=100), nullable=False),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'],
                                name=op.f('fk_lock_exception_area_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lock_exception')),
    )
    for table in VOIDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('void_reason', sa.String(length=300), nullable=False,
                                          server_default=''))
    for table in APPEND_ONLY:
        _create_triggers(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        _drop_triggers(table)
    for table in reversed(VOIDABLE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('void_reason')
            batch_op.drop_column('voided_at')
    op.drop_table('lock_exception')
    op.drop_index('ix_period_lock_kind_year', table_name='period_lock')
    op.drop_table('period_lock')
    op.drop_index('ix_audit_entry_at', table_name='audit_entry')
    op.drop_index('ix_audit_entry_record', table_name='audit_entry')
    op.drop_table('audit_entry')
