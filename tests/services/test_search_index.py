"""The household search reads an index on both databases: SQLite's FTS5 trigram table, and on
PostgreSQL a pg_trgm GIN index on the folded search text (migration 0015). Exact spellings come
first on both."""

from datetime import date

import pytest
from sqlalchemy import select

from antq_desktop.db.models import Household
from antq_desktop.db.search import PG_TRGM_INDEX, household_match
from tests.conftest import PG_URL, household, member, sqlite_only

TODAY = date(2026, 6, 15)


@pytest.fixture
def two(households, ward):
    a = households.save(household(ward[0], "HK000001", [member("Lê Văn Tuấn")]), today=TODAY)
    b = households.save(household(ward[0], "HK000002", [member("Lê Văn Tuân", id_number="001080054321")]), today=TODAY)
    return a, b


def test_exact_spelling_first_then_the_folded_matches(households, two):
    a, b = two
    assert households.query_ids("Tuân") == [b, a]
    assert households.query_ids("Tuấn") == [a, b]
    assert households.query_ids("tuan") == [a, b]  # no diacritics: both, in code order


@sqlite_only
def test_sqlite_searches_through_its_trigram_table(db, two):
    assert db.has_fts
    sql = str(select(Household.id).where(household_match("tuan", db.has_fts))
              .compile(db.engine))
    assert "household_fts MATCH" in sql


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (ANTQ_TEST_PG_URL)")
def test_postgresql_searches_through_the_trigram_index(db, two):
    stmt = select(Household.id).where(household_match("van tuan", db.has_fts))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT 1 FROM pg_indexes WHERE indexname = %(n)s", {"n": PG_TRGM_INDEX}).scalar()
        # a few rows: make it choose. Without a sequential scan the planner may still read the
        # whole primary key index in order (seen under load in CI); without plain index scans
        # only an index that answers the condition is left
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
    assert PG_TRGM_INDEX in plan, plan
