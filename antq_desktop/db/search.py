"""The household search index: SQLite's trigram FTS5 where available; elsewhere LIKE, which
PostgreSQL answers from a pg_trgm GIN index (migration 0015).

This is the one switch for SQLite-specific search (docs/ARCHITECTURE.md §3): callers ask
``household_match(...)`` for a WHERE clause and never name FTS5 themselves.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, inspect, select, text
from sqlalchemy.sql.elements import ColumnElement

from ..text import like_escape
from .models import Household, HouseholdSearch

FTS_TABLE = "household_fts"
# PostgreSQL's counterpart (migration 0015): a pg_trgm GIN index on household_search.folded,
# which the LIKE below uses by itself for three characters or more.
PG_TRGM_INDEX = "ix_household_search_folded_trgm"
TRIGRAM = 3  # FTS5's trigram index answers substrings of at least three characters

_FTS_DDL = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(folded, content='household_search', "
    "content_rowid='household_id', tokenize='trigram')",
    f"CREATE TRIGGER household_search_ai AFTER INSERT ON household_search BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, folded) VALUES (new.household_id, new.folded); END",
    f"CREATE TRIGGER household_search_ad AFTER DELETE ON household_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, folded) "
    f"VALUES ('delete', old.household_id, old.folded); END",
    f"CREATE TRIGGER household_search_au AFTER UPDATE ON household_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, folded) "
    f"VALUES ('delete', old.household_id, old.folded); "
    f"INSERT INTO {FTS_TABLE}(rowid, folded) VALUES (new.household_id, new.folded); END",
]


def sqlite_has_trigram(conn: Connection) -> bool:
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp._antq_probe USING fts5(x, tokenize='trigram')")
    except Exception:
        return False
    conn.exec_driver_sql("DROP TABLE temp._antq_probe")
    return True


def create_household_fts(conn: Connection) -> None:
    """Create the FTS index (SQLite with FTS5 trigram only) and fill it from household_search."""
    if conn.dialect.name != "sqlite" or not sqlite_has_trigram(conn):
        return
    for ddl in _FTS_DDL:
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_household_fts(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    for name in ("household_search_ai", "household_search_ad", "household_search_au"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def has_household_fts(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and FTS_TABLE in inspect(conn).get_table_names()


def household_match(folded: str, use_fts: bool, per_row: bool = False) -> ColumnElement[bool]:
    """WHERE clause: the household's folded search text contains ``folded`` (already folded).

    ``per_row`` (see :func:`ward_scan_is_cheaper`): the EXISTS carries an ``OFFSET 0``, which
    keeps PostgreSQL from turning it into a semi-join: it stays a check of each household the
    other conditions give (the ward's), one primary-key probe of household_search each."""
    if use_fts and len(folded) >= TRIGRAM:
        phrase = '"' + folded.replace('"', '""') + '"'
        ids = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase").bindparams(
            phrase=phrase).columns(rowid=Integer)
        return Household.id.in_(ids)
    found = (select(HouseholdSearch.household_id)
             .where(HouseholdSearch.household_id == Household.id,
                    HouseholdSearch.folded.like(f"%{like_escape(folded)}%", escape="\\"))
             .correlate_except(HouseholdSearch))
    return (found.offset(0) if per_row else found).exists()


def _plan(conn: Connection, sql: str, params: dict) -> dict:
    return conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar()[0]["Plan"]


def _scans_table(plan: dict) -> bool:
    return plan["Node Type"] == "Seq Scan" or any(_scans_table(p) for p in plan.get("Plans", ()))


def ward_scan_is_cheaper(conn: Connection, folded: str, unit_id: int) -> bool:
    """PostgreSQL, a search inside one ward of a province store: whether checking each of the
    ward's households (``household_match(per_row=True)``) costs less than reading what the
    trigram index finds in the whole store, every ward's matches, and dropping the other
    wards'. The index's work grows with the store, the per-row check with the ward only.

    Decided on the planner's estimates (EXPLAIN, about a millisecond each): the ward's
    households against the matches the index would read in the whole store (the index's
    candidates are more, 2.6–3× for "nguyen van" or "001080", but a fresh index reads them
    faster than one probe per household: docs/PERFORMANCE.md, "A province store"), or against
    the whole table where no index serves the pattern (under three characters). A ward's own
    store does not take it: the matches are never more than the ward's households."""
    if conn.dialect.name != "postgresql":
        return False
    ward = _plan(conn, "SELECT 1 FROM household WHERE unit_id = %(u)s", {"u": unit_id})
    plan = _plan(conn, "SELECT 1 FROM household_search WHERE folded LIKE %(p)s ESCAPE '\\'",
                 {"p": f"%{like_escape(folded)}%"})
    matches = plan["Plan Rows"]
    if _scans_table(plan):
        matches = _plan(conn, "SELECT 1 FROM household_search", {})["Plan Rows"]
    return ward["Plan Rows"] < matches


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic autogenerate: leave the search indexes out (SQLite's FTS5 table, made here,
    and PostgreSQL's trigram index, made by its migration: neither is a model's)."""
    return not ((type_ == "table" and name.startswith(FTS_TABLE))
                or (type_ == "index" and name == PG_TRGM_INDEX))
