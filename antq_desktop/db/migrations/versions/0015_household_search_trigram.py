"""PostgreSQL: a pg_trgm GIN index on the households' folded search text, so the household
search (``db/search.py``: ``folded LIKE '%…%'``) reads the index instead of every row — the
server's counterpart of SQLite's FTS5 trigram table. Nothing on SQLite.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where the
role may not, the upgrade goes on without the index (the search still works, by a scan) and a
warning says why.

Revision ID: 0015
Revises: 0014
"""
import logging

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

INDEX = "ix_household_search_folded_trgm"
log = logging.getLogger("antq_desktop.migrations")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # a savepoint: a refused extension leaves the upgrade whole
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal: no index, the search still works
        log.warning("pg_trgm unavailable (%s): the household search scans without an index",
                    type(exc).__name__)
        return
    bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {INDEX} ON household_search "
                         "USING gin (folded gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}")
