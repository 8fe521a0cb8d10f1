"""Query helpers for the hot paths of big lists."""

from __future__ import annotations

from sqlalchemy import Connection, Select


def fetch_column(conn: Connection, stmt: Select) -> list:
    """Run a one-column SELECT and return its values as a list.

    Goes to the DB-API cursor directly: SQLAlchemy's per-row result processing costs more than
    SQLite's own work for a list of 100,000 ids (measured 200 ms against 60 ms). Statements whose
    parameters SQLAlchemy must expand at execution time go the ordinary way.
    """
    compiled = stmt.compile(dialect=conn.dialect)
    if "POSTCOMPILE" in compiled.string:
        return list(conn.execute(stmt).scalars())
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()
