"""Alembic environment: runs on the engine handed over in ``config.attributes``.

One upgrade, one transaction: all pending revisions run inside a single transaction
(``transaction_per_migration=False``), committed only after the last one, so a crash, a failed
statement or a migration that refuses the data (``UpgradeRefused``) leaves the database at its
old revision. PostgreSQL has transactional DDL as it is. SQLite has it too, but the pysqlite
driver commits on its own around DDL unless its transaction handling is off: on the migration
connection only we switch it off and issue ``BEGIN IMMEDIATE`` ourselves (SQLAlchemy's pysqlite
"Serializable isolation / Savepoints / Transactional DDL" recipe). IMMEDIATE takes the write lock
before Alembic reads the current revision, so two programs starting at once do not both upgrade:
the second waits (busy_timeout), then finds the file at head and has nothing to do.
The app's sessions keep the driver's default handling (reads outside a transaction, no
SQLITE_BUSY_SNAPSHOT on a read-then-write save).

PostgreSQL has no such file lock, so the upgrade transaction takes a transaction-level advisory
lock on a fixed key (``pg_advisory_xact_lock``) before Alembic reads the current revision: two
clients starting at once never both upgrade; the second waits (up to
``engine.UPGRADE_WAIT_S``), then reads the head revision and has nothing to do. The lock goes
with the transaction's commit or rollback, and with the connection if the client dies.
"""

from alembic import context

from antq_desktop.db import engine as db_engine
from antq_desktop.db.models import Base
from antq_desktop.db.search import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection if sqlite else None
        saved = raw.isolation_level if sqlite else None
        if sqlite:
            raw.isolation_level = None  # the driver no longer opens or commits on its own
            # SQLite's own procedure for schema changes (lang_altertable.html#otheralter): a
            # batch migration drops and recreates a table, and with foreign keys on, dropping a
            # referenced table deletes its rows first ("FOREIGN KEY constraint failed" on a file
            # with data). Off outside the transaction (it cannot change inside one), checked
            # inside it before the commit, on again after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # ends SQLAlchemy's autobegun transaction (no SQL: autocommit)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                include_object=include_object,
                transaction_per_migration=False,
                transactional_ddl=True,
            )
            with connection.begin():  # commits after the last revision, rolls back on any error
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                elif connection.dialect.name == "postgresql":
                    db_engine.lock_for_upgrade(connection)
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"foreign key check failed in table {broken[0]}")
        finally:
            if sqlite:
                connection.rollback()  # a no-op after the commit; ends a failed transaction
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
                raw.isolation_level = saved


run_migrations_online()
