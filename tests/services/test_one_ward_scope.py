"""A SQLite file of one ward runs its queries without the ward scope, which there matches every
row and only costs time (db/guard.py ``unscoped``; docs/PERFORMANCE.md "The ward filter's
cost"); the scope is back for the very next statement once a second ward is in the file, however
it came (UnitService.add_ward, a write of the same session, another program's commit). A
PostgreSQL store is always scoped."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, insert, select

from antq_desktop.db.guard import ONE_WARD_CHECK, ward_filter
from antq_desktop.db.models import Area, Household, Resident, Unit
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.unit import UnitService
from tests.conftest import PG_URL, household, member, sqlite_only
from tests.services.test_multi_ward import CUA_NAM, HOAN_KIEM

TODAY = date(2025, 11, 20)


@contextmanager
def statements(db):
    """The SQL text of every statement run on ``db`` inside, the one-ward check left out."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        if statement != ONE_WARD_CHECK:
            seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def scoped(sql: list[str]) -> list[str]:
    return [s for s in sql if "unit_id" in s.split(" FROM ", 1)[-1]]


@pytest.fixture
def one_ward(db):
    units = UnitService(db)
    units.save(HOAN_KIEM)
    area = units.add_area("Tổ dân phố số 1")
    hid = HouseholdService(db).save(household(area, members=[member()]), today=TODAY)
    return db, area, hid


def _reads(db, hid: int) -> None:
    """ORM reads of ward-owned tables and their children, and the list's ids."""
    homes = HouseholdService(db)
    assert homes.query_ids() == [hid]
    assert homes.counts().households == 1
    with db.session() as s:
        assert s.scalars(select(Household.id)).all() == [hid]
        assert len(s.scalars(select(Resident.id).join(Household)).all()) == 1
        assert s.get(Household, hid) is not None


@sqlite_only
def test_a_one_ward_file_runs_without_the_ward_scope(one_ward):
    db, _area, hid = one_ward
    with statements(db) as sql:
        _reads(db, hid)
    assert sql and scoped(sql) == []
    assert ward_filter(db, Household.unit_id) is None


@sqlite_only
def test_a_second_ward_brings_the_scope_back_at_once(one_ward):
    db, _area, hid = one_ward
    with statements(db) as sql:
        _reads(db, hid)
    assert scoped(sql) == []
    other = UnitService(db).add_ward(CUA_NAM)  # the same handle, its ward already looked up
    with statements(db) as sql:
        _reads(db, hid)
    assert scoped(sql)
    assert any("household.unit_id + 0 = ?" in s for s in sql)  # the children: EXISTS the parent
    assert any("EXISTS (SELECT" in s and "resident" in s for s in sql)
    assert ward_filter(db, Household.unit_id) is not None
    assert other == 2


@sqlite_only
def test_a_second_ward_written_in_the_same_session_is_scoped_in_it(one_ward):
    db, _area, hid = one_ward
    with db.session() as s:
        row = {c.name: v for c, v in zip(Unit.__table__.columns,
                                         s.connection().execute(select(Unit.__table__)).one())}
        s.connection().execute(insert(Unit.__table__).values({**row, "id": 2, "ward_code": 73}))
        with statements(db) as sql:
            assert s.scalars(select(Household.id)).all() == [hid]
        assert scoped(sql)
        s.rollback()
    with statements(db) as sql:
        _reads(db, hid)
    assert scoped(sql) == []  # rolled back: one ward again


def _copy_row(conn, table, row_id: int, **changes) -> None:
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
    conn.execute(insert(table).values({**row, **changes}))


@sqlite_only
def test_a_ward_committed_by_another_program_is_not_seen(one_ward):
    """A transfer into the file commits the ward and its records at once: the very next
    statement of a handle that knew the file as one ward's is scoped again."""
    db, area, hid = one_ward
    _reads(db, hid)
    other = HouseholdService(db).counts()  # warm: the handle's ward and options known
    assert other.households == 1
    with db.engine.begin() as conn:  # not a session of the app: nothing checked or scoped
        _copy_row(conn, Unit.__table__, 1, id=2, ward_code=73, ward_name="Phường Cửa Nam")
        _copy_row(conn, Area.__table__, area, id=area + 100, unit_id=2)
        _copy_row(conn, Household.__table__, hid, id=hid + 100, unit_id=2,
                  area_id=area + 100, code="HK000002")
    with statements(db) as sql:
        _reads(db, hid)  # the other ward's household is in none of them
        assert [a.id for a in UnitService(db).areas()] == [area]
    assert scoped(sql)


@pytest.mark.skipif(not PG_URL, reason="needs ANTQ_TEST_PG_URL")
def test_a_postgresql_store_of_one_ward_is_still_scoped(one_ward):
    db, _area, hid = one_ward
    with statements(db) as sql:
        _reads(db, hid)
    assert scoped(sql)
