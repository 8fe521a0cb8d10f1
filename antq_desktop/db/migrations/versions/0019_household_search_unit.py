"""The household search text gets its household's ward (issue 18): ``household_search.unit_id``
(NOT NULL, foreign key ``unit.id``), filled from ``household.unit_id``. On PostgreSQL the
trigram index of migration 0015 becomes ``(unit_id, folded gin_trgm_ops)`` (the btree_gin
extension gives GIN the integer column), so that a search inside one ward of a province store
reads that ward's matches only, not every ward's (docs/PERFORMANCE.md, "A province store").
The one index also serves a search of every ward (a multicolumn GIN index answers a condition
on any of its columns).

btree_gin is a trusted extension (PostgreSQL 13+), as pg_trgm. Where the role may not create
it, or pg_trgm is missing (migration 0015 went on without its index), the upgrade keeps what
there is and a warning says why: the column is added all the same, the search stays right.

SQLite: the column is added and filled, then the table is rebuilt in batch mode (NOT NULL, the
foreign key). The FTS5 triggers on household_search (db/search.py) go with the old table; they
are dropped first, so that the fill does not rewrite the FTS index row by row, and made again
from their own SQL at the end. The FTS5 table itself is untouched (same rowids, same text).
PostgreSQL: the old index is dropped before the fill (an UPDATE of every row would otherwise
update it), the new one made after, and the table analysed, so that the first searches are
planned on its statistics. The UPDATE leaves a dead copy of every row, which autovacuum
reclaims for later writes.

Revision ID: 0019
Revises: 0018
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_INDEX = "ix_household_search_folded_trgm"  # migration 0015's, on folded alone
INDEX = "ix_household_search_unit_folded_trgm"
FK = "fk_household_search_unit_id_unit"
log = logging.getLogger("antq_desktop.migrations")


def _drop_triggers(bind) -> list[str]:
    """SQLite: drop household_search's triggers (the FTS5 ones); return their SQL."""
    if bind.dialect.name != "sqlite":
        return []
    rows = bind.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                "AND tbl_name = 'household_search' ORDER BY name").all()
    for name, _sql in rows:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in rows]


def _make_triggers(bind, ddl: list[str]) -> None:
    for sql in ddl:
        bind.exec_driver_sql(sql)


def _has_extension(bind, name: str) -> bool:
    return bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = %(n)s",
                                {"n": name}).scalar() is not None


def _ward_index(bind) -> None:
    """PostgreSQL: the trigram index with the ward in front, where both extensions are."""
    if not _has_extension(bind, "pg_trgm"):
        log.warning("pg_trgm unavailable: the household search scans without an index")
        return
    try:
        with bind.begin_nested():  # a savepoint: a refused extension leaves the upgrade whole
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except Exception as exc:  # noqa: BLE001 - any refusal: the trigram index on folded alone
        log.warning("btree_gin unavailable (%s): the household search index has no ward",
                    type(exc).__name__)
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON household_search "
                             "USING gin (folded gin_trgm_ops)")
        return
    bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {INDEX} ON household_search "
                         "USING gin (unit_id, folded gin_trgm_ops)")


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    # a search row whose household is gone (a file written once without foreign keys) has no
    # ward to take; it finds nothing anyway. Deleted while the FTS5 triggers still follow.
    bind.exec_driver_sql("DELETE FROM household_search WHERE NOT EXISTS (SELECT 1 FROM "
                         "household h WHERE h.id = household_search.household_id)")
    triggers = _drop_triggers(bind)
    if pg:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    op.add_column('household_search', sa.Column('unit_id', sa.Integer(), nullable=True))
    if pg:
        bind.exec_driver_sql("UPDATE household_search s SET unit_id = h.unit_id "
                             "FROM household h WHERE h.id = s.household_id")
    else:
        bind.exec_driver_sql("UPDATE household_search SET unit_id = (SELECT h.unit_id FROM "
                             "household h WHERE h.id = household_search.household_id)")
    with op.batch_alter_table('household_search', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f(FK), 'unit', ['unit_id'], ['id'])
    _make_triggers(bind, triggers)
    if pg:
        _ward_index(bind)
        bind.exec_driver_sql("ANALYZE household_search")


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    triggers = _drop_triggers(bind)
    if pg:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}")
    with op.batch_alter_table('household_search', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(FK), type_='foreignkey')
        batch_op.drop_column('unit_id')
    _make_triggers(bind, triggers)
    if pg and _has_extension(bind, "pg_trgm"):  # migration 0015's index again
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON household_search "
                             "USING gin (folded gin_trgm_ops)")
