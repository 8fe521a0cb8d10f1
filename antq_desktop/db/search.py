"""The household search index: SQLite's trigram FTS5 where available; elsewhere LIKE, which
PostgreSQL answers from a pg_trgm GIN index (migration 0015).

This is the one switch for SQLite-specific search (docs/ARCHITECTURE.md §3): callers ask
``household_match(...)`` for a WHERE clause and never name FTS5 themselves.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, and_, inspect, select, text
from sqlalchemy.sql.elements import ColumnElement

from ..text import like_escape
from .models import Household, HouseholdSearch

FTS_TABLE = "household_fts"
# PostgreSQL's counterpart (migrations 0015, 0019): a GIN index on household_search's ward and
# folded text (btree_gin, pg_trgm), which the LIKE below uses by itself for three characters or
# more, with the ward's condition or without. PG_TRGM_FALLBACK: 0015's, on the text alone, kept
# where btree_gin may not be created.
PG_TRGM_INDEX = "ix_household_search_unit_folded_trgm"
PG_TRGM_FALLBACK = "ix_household_search_folded_trgm"
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


def household_match(folded: str, use_fts: bool, unit_id: int | None = None) -> ColumnElement[bool]:
    """WHERE clause: the household's folded search text contains ``folded`` (already folded).

    ``unit_id``: the search is inside that ward (the caller limits the households to it too);
    on the LIKE path the condition names the ward on household_search itself, which
    PostgreSQL's index answers with the text (:func:`search_row_match`)."""
    if use_fts and len(folded) >= TRIGRAM:
        phrase = '"' + folded.replace('"', '""') + '"'
        ids = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase").bindparams(
            phrase=phrase).columns(rowid=Integer)
        return Household.id.in_(ids)
    return (select(HouseholdSearch.household_id)
            .where(HouseholdSearch.household_id == Household.id,
                   search_row_match(folded, unit_id))
            .correlate_except(HouseholdSearch)).exists()


def search_row_match(folded: str, unit_id: int | None = None) -> ColumnElement[bool]:
    """WHERE clause on household_search itself (joined, or in household_match's EXISTS): its
    folded text contains ``folded``, and it is ward ``unit_id``'s (None: any ward).

    On PostgreSQL both go to the trigram index ``(unit_id, folded)`` (migration 0019): inside
    one ward of a province store it reads that ward's matches only. Without the ward it read
    every ward's and the join to household dropped the others' (81–86 ms at p95 for a term
    common in every ward of 10, growing with the province: docs/PERFORMANCE.md)."""
    like = HouseholdSearch.folded.like(f"%{like_escape(folded)}%", escape="\\")
    return like if unit_id is None else and_(HouseholdSearch.unit_id == unit_id, like)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic autogenerate: leave the search indexes out (SQLite's FTS5 table, made here,
    and PostgreSQL's trigram index, made by its migration: neither is a model's)."""
    return not ((type_ == "table" and name.startswith(FTS_TABLE))
                or (type_ == "index" and name in (PG_TRGM_INDEX, PG_TRGM_FALLBACK)))
