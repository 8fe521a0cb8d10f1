"""Settings per ward (issue 18; docs/ARCHITECTURE.md §6): ``setting`` gets a ``unit_id``
(foreign key ``unit.id``), empty for the settings of the store itself; a key is unique per ward
(``uq_setting_unit_key``) and among the store-wide ones (``uq_setting_store_key``), so the key
alone is no longer the primary key: rows get an ``id``.

The existing rows were one ward's (a file holds one ward): they go to the store's first unit,
except the store-wide keys (services/settings.STORE_KEYS: the backups' folder and size cap),
which get no unit, and ``doc.recipients.N`` (another ward's "Nơi nhận", kept under its own key
before settings were per ward), which becomes ward N's ``doc.recipients``. Ward settings in a
file with no unit yet (typed before the unit's dialog was filled in) get the blank unit row that
migration 0016 makes in that case, which the unit's dialog completes.

The table is rebuilt on both databases (a new primary key): renamed, created anew, copied in one
statement, the old one dropped. Versions and times are kept, so a dialog opened before the
upgrade still sees its read versions.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# Kept in step with services/settings.STORE_KEYS (a migration never imports the services).
STORE_KEYS = ('backup.folder', 'backup.size_cap_mb')
RECIPIENTS = 'doc.recipients'
BLANK_UNIT = ("INSERT INTO unit (id, province_code, province_name, ward_code, ward_name, "
              "header_superior, header_issuer, place_name, commander_name, commander_title, "
              "version) VALUES (1, 0, '', 0, '', '', '', '', '', '', 1)")
OLD = 'setting_0016'


def _indexes() -> None:
    op.create_index('uq_setting_unit_key', 'setting', ['unit_id', 'key'], unique=True,
                    sqlite_where=sa.text('unit_id IS NOT NULL'),
                    postgresql_where=sa.text('unit_id IS NOT NULL'))
    op.create_index('uq_setting_store_key', 'setting', ['key'], unique=True,
                    sqlite_where=sa.text('unit_id IS NULL'),
                    postgresql_where=sa.text('unit_id IS NULL'))


def _rename_old(bind) -> None:
    op.rename_table('setting', OLD)
    if bind.dialect.name == 'postgresql':  # its primary key's name would clash with the new one
        op.execute(f'ALTER TABLE {OLD} RENAME CONSTRAINT pk_setting TO pk_{OLD}')


def upgrade() -> None:
    bind = op.get_bind()
    _rename_old(bind)
    op.create_table(
        'setting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_setting_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_setting')),
    )
    _indexes()
    units = [row[0] for row in bind.exec_driver_sql('SELECT id FROM unit ORDER BY id')]
    store = ', '.join(f"'{k}'" for k in STORE_KEYS)
    ward_rows = bind.exec_driver_sql(
        f'SELECT count(*) FROM {OLD} WHERE key NOT IN ({store})').scalar()
    if not units and ward_rows:
        bind.exec_driver_sql(BLANK_UNIT)
        units = [1]
    first = units[0] if units else None
    moved = set()
    for unit in units[1:]:  # another ward's "Nơi nhận": its own doc.recipients
        key = f'{RECIPIENTS}.{unit}'
        found = bind.execute(sa.text(f'SELECT 1 FROM {OLD} WHERE key = :k'), {'k': key}).first()
        if found is not None:
            bind.execute(sa.text(
                f'INSERT INTO setting (unit_id, key, value, version, updated_at) '
                f'SELECT :unit, :plain, value, version, updated_at FROM {OLD} WHERE key = :k'),
                {'unit': unit, 'plain': RECIPIENTS, 'k': key})
            moved.add(key)
    rest = f" WHERE key NOT IN ({', '.join(repr(k) for k in sorted(moved))})" if moved else ''
    bind.execute(sa.text(
        f'INSERT INTO setting (unit_id, key, value, version, updated_at) '
        f'SELECT CASE WHEN key IN ({store}) THEN NULL ELSE CAST(:unit AS INTEGER) END, key, '
        f'value, version, '
        f'updated_at FROM {OLD}{rest} ORDER BY key'), {'unit': first})
    op.drop_table(OLD)


def downgrade() -> None:
    """Back to one value per key: the first ward's and the store's settings (another ward's
    "Nơi nhận" under its old key ``doc.recipients.N``); the other wards' settings are lost."""
    bind = op.get_bind()
    op.drop_index('uq_setting_store_key', table_name='setting')
    op.drop_index('uq_setting_unit_key', table_name='setting')
    op.rename_table('setting', OLD)
    if bind.dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE {OLD} RENAME CONSTRAINT pk_setting TO pk_{OLD}')
        op.execute(f'ALTER TABLE {OLD} RENAME CONSTRAINT fk_setting_unit_id_unit '
                   f'TO fk_{OLD}_unit_id_unit')
    op.create_table(
        'setting',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_setting')),
    )
    first = bind.exec_driver_sql('SELECT min(id) FROM unit').scalar()
    bind.execute(sa.text(
        f'INSERT INTO setting (key, value, version, updated_at) '
        f'SELECT key, value, version, updated_at FROM {OLD} '
        f'WHERE unit_id IS NULL OR unit_id = :first'), {'first': first})
    bind.execute(sa.text(
        f"INSERT INTO setting (key, value, version, updated_at) "
        f"SELECT key || '.' || CAST(unit_id AS VARCHAR(12)), value, version, updated_at "
        f"FROM {OLD} WHERE key = :r AND unit_id <> :first"), {'r': RECIPIENTS, 'first': first})
    op.drop_table(OLD)
