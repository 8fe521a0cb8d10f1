"""Many wards in one store (issue 18; docs/ARCHITECTURE.md §6): a ``unit_id`` (NOT NULL,
foreign key ``unit.id``) on every record that stands on its own; area names and household codes
become unique per ward; accounts get their ward (``app_user.unit_id``) and a province scope
(``app_user.province``).

An existing file holds one ward: every row is given it (the lowest ``unit.id``). A file with
records but no unit yet (areas typed before the unit's dialog was filled in) gets a blank unit
row first, which the unit's dialog completes (services/unit.py treats it as not set up).

SQLite: the column is added, filled, then the table is rebuilt in batch mode to make it NOT
NULL with its foreign key and index (the same data, copied in one statement per table).

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = (
    'area', 'household', 'rehab_case', 'mediation_team', 'cert_unit',
    'tip', 'movement_model', 'patrol', 'outreach', 'weapon_handover', 'award',
    'period_lock', 'lock_exception', 'import_batch',
)
# (table, constraint, old columns, new columns)
UNIQUES = (
    ('area', 'uq_area_name', ['name'], ['name', 'unit_id']),
    ('household', 'uq_household_code', ['code'], ['code', 'unit_id']),
)
BLANK_UNIT = ("INSERT INTO unit (id, province_code, province_name, ward_code, ward_name, "
              "header_superior, header_issuer, place_name, commander_name, commander_title, "
              "version) VALUES (1, 0, '', 0, '', '', '', '', '', '', 1)")


def _first_unit(bind) -> int | None:
    unit = bind.exec_driver_sql("SELECT min(id) FROM unit").scalar()
    if unit is not None:
        return unit
    if any(bind.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None
           for table in TABLES):
        bind.exec_driver_sql(BLANK_UNIT)
        return 1
    return None


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        op.add_column(table, sa.Column('unit_id', sa.Integer(), nullable=True))
    op.add_column('app_user', sa.Column('unit_id', sa.Integer(), nullable=True))
    op.add_column('app_user', sa.Column('province', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    unit = _first_unit(bind)
    if unit is not None:
        for table in (*TABLES, 'app_user'):
            bind.execute(sa.text(f"UPDATE {table} SET unit_id = :unit"), {"unit": unit})
    uniques = {table: (name, old, new) for table, name, old, new in UNIQUES}
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f'fk_{table}_unit_id_unit'), 'unit',
                                        ['unit_id'], ['id'])
            batch_op.create_index(op.f(f'ix_{table}_unit_id'), ['unit_id'], unique=False)
            if table in uniques:
                name, _old, new = uniques[table]
                batch_op.drop_constraint(name, type_='unique')
                batch_op.create_unique_constraint(name, new)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_app_user_unit_id_unit'), 'unit', ['unit_id'], ['id'])
        batch_op.create_index(op.f('ix_app_user_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_app_user_unit_id'))
        batch_op.drop_constraint(op.f('fk_app_user_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('province')
        batch_op.drop_column('unit_id')
    uniques = {table: (name, old, new) for table, name, old, new in UNIQUES}
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in uniques:
                name, old, _new = uniques[table]
                batch_op.drop_constraint(name, type_='unique')
                batch_op.create_unique_constraint(name, old)
            batch_op.drop_index(op.f(f'ix_{table}_unit_id'))
            batch_op.drop_constraint(op.f(f'fk_{table}_unit_id_unit'), type_='foreignkey')
            batch_op.drop_column('unit_id')
