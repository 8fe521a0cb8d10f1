"""household_search.unit_id (migration 0019): every writer gives a search row its household's
ward (a save, an edit, the demo ward, the demo province, an import, a transfer), a search inside
one ward finds that ward's households only, and the migration upgrades and downgrades in place,
the SQLite FTS5 triggers kept. On PostgreSQL the ward's search reads the trigram index with the
ward in its condition. Runs on SQLite and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text

from antq_desktop.db.engine import alembic_config, make_engine, open_database
from antq_desktop.db.search import PG_TRGM_FALLBACK, PG_TRGM_INDEX
from antq_desktop.importing.columns import HOUSEHOLDS
from antq_desktop.importing.reader import read_table
from antq_desktop.importing.service import Options, run_import
from antq_desktop.services.demo import generate
from antq_desktop.services.demo_province import generate_province
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.transfer import transfer
from antq_desktop.services.unit import UnitInfo, UnitService
from tests.conftest import PG_URL, household, member
from tests.importing.ugly import ugly_workbook
from tests.services.test_multi_ward import handle_for

TODAY = date(2026, 6, 15)
HOAN_KIEM = UnitInfo(
    province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
    ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
    header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm")
CUA_NAM = replace(HOAN_KIEM, ward_code=73, ward_name="Phường Cửa Nam",
                  header_issuer="CÔNG AN PHƯỜNG CỬA NAM", place_name="Phường Cửa Nam")
pg_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (ANTQ_TEST_PG_URL)")


def search_wards(url: str) -> dict[int, int]:
    """unit id → search rows of that ward; fails on a row whose ward is not its household's,
    or a household without its row."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            wrong = conn.execute(text(
                "SELECT count(*) FROM household_search s JOIN household h "
                "ON h.id = s.household_id WHERE s.unit_id <> h.unit_id")).scalar()
            missing = conn.execute(text(
                "SELECT count(*) FROM household h WHERE NOT EXISTS (SELECT 1 FROM "
                "household_search s WHERE s.household_id = h.id)")).scalar()
            per_ward = dict(conn.execute(text(
                "SELECT unit_id, count(*) FROM household_search GROUP BY unit_id")).all())
    finally:
        engine.dispose()
    assert (wrong, missing) == (0, 0)
    return per_ward


@pytest.fixture
def two_wards(db):
    """Two wards with the same area name and a household of the same name in each."""
    UnitService(db).save(HOAN_KIEM)
    b_unit = UnitService(db).add_ward(CUA_NAM)
    b = handle_for(db, b_unit)
    try:
        area_a = UnitService(db).add_area("Tổ dân phố số 1")
        area_b = UnitService(b).add_area("Tổ dân phố số 1")
        UnitService(b).add_area("Tổ dân phố số 2")
        ha = HouseholdService(db).save(household(area_a, "HK000001", [member(
            "Lê Văn Tuấn", id_number="001080088888")]),
                                       today=TODAY)
        hb = HouseholdService(b).save(household(area_b, "HK000001", [member(
            "Lê Văn Tuấn", id_number="001080099999")]), today=TODAY)
        yield db, b, (1, b_unit), (ha, hb)
    finally:
        b.dispose()


def test_a_saved_household_gets_its_wards_search_row_and_keeps_it_on_edit(two_wards):
    a, b, (unit_a, unit_b), (_ha, hb) = two_wards
    assert unit_a != unit_b
    assert search_wards(a.url) == {unit_a: 1, unit_b: 1}
    homes_b = HouseholdService(b)
    homes_b.save(replace(homes_b.get(hb), address="99 phố Chuyển Đến"), today=TODAY)
    url = a.url
    assert search_wards(url) == {unit_a: 1, unit_b: 1}
    assert HouseholdService(b).query_ids("chuyen den") == [hb]
    assert HouseholdService(a).query_ids("chuyen den") == []


def test_a_search_inside_a_ward_never_finds_the_other_wards_household(two_wards):
    a, b, _units, (ha, hb) = two_wards
    for term in ("Lê Văn Tuấn", "le van tuan", "HK000001", "tuan", "HK", "001080"):
        assert HouseholdService(a).query_ids(term, status="all") == [ha], term
        assert HouseholdService(b).query_ids(term, status="all") == [hb], term
    found_a = HouseholdService(a).find_residents("Tuấn")
    found_b = HouseholdService(b).find_residents("Tuấn")
    assert [c.id_number for c in found_a] == ["001080088888"]
    assert [c.id_number for c in found_b] == ["001080099999"]


def test_an_import_into_the_second_ward_gives_its_rows_that_ward(two_wards, tmp_path):
    a, b, (unit_a, unit_b), _homes = two_wards
    path = tmp_path / "danh sach.xlsx"
    ugly_workbook(path)
    report = run_import(b, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(partial=True, today=TODAY))
    assert report.written and report.created == 2
    url = a.url
    assert search_wards(url) == {unit_a: 1, unit_b: 3}
    assert len(HouseholdService(b).query_ids("3 hang be")) == 1  # H02's address
    assert HouseholdService(a).query_ids("3 hang be") == []


def test_the_demo_ward_and_the_demo_province_write_the_ward(db, tmp_path):
    units = generate_province(db, wards=3, households=40, today=TODAY).unit_ids
    assert search_wards(db.url) == {u: 40 for u in units}
    own = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = open_database(own)
    try:
        generate(demo, households=30, seed=3, today=TODAY)
    finally:
        demo.dispose()
    assert search_wards(own) == {1: 30}


def test_a_transfer_maps_the_search_rows_to_the_new_ward(db, tmp_path):
    """A ward's file into a store that has a ward already, then back out into a new file: the
    search rows go with their households, under the ward's id on each side."""
    generate(db, households=15, seed=7, today=TODAY)
    UnitService(db).save(replace(UnitService(db).get(), ward_code=73, ward_name="Phường Cửa Nam",
                                 header_issuer="CÔNG AN PHƯỜNG CỬA NAM",
                                 place_name="Phường Cửa Nam"))
    source = f"sqlite:///{tmp_path / 'phuong.db'}"
    ward = open_database(source)
    try:
        generate(ward, households=20, seed=2026, today=TODAY)
    finally:
        ward.dispose()
    report = transfer(source, db.url, apply=True)
    assert report.applied and report.new_unit_id != 1
    assert search_wards(db.url) == {1: 15, report.new_unit_id: 20}
    moved = handle_for(db, report.new_unit_id)
    try:
        assert len(HouseholdService(moved).query_ids("HK0000", status="all")) == 20
    finally:
        moved.dispose()
    back = f"sqlite:///{tmp_path / 'tra-lai.db'}"
    report = transfer(db.url, back, "70", apply=True)
    assert report.applied and report.new_unit_id == 1
    assert search_wards(back) == {1: 20}


def _fts_triggers(conn) -> set[str]:
    return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                 "AND tbl_name = 'household_search'")).scalars())


def _indexes(conn) -> set[str]:
    return set(conn.execute(text("SELECT indexname FROM pg_indexes "
                                 "WHERE tablename = 'household_search'")).scalars())


def test_the_migration_downgrades_and_upgrades_in_place(two_wards):
    a, b, (unit_a, unit_b), (_ha, hb) = two_wards
    url = a.url
    a.dispose()
    b.dispose()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            before = _fts_triggers(conn) if not PG_URL else _indexes(conn)
        command.downgrade(alembic_config(engine), "0018")
        with engine.begin() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("household_search")}
            assert "unit_id" not in columns
            if PG_URL:
                assert PG_TRGM_FALLBACK in _indexes(conn) and PG_TRGM_INDEX not in _indexes(conn)
            else:
                assert _fts_triggers(conn) == before  # the FTS5 index still follows the table
            # a household written at 0018, as the old program would: its row has no ward
            conn.execute(text("UPDATE household_search SET folded = folded || ' | da sua' "
                              "WHERE household_id = :h"), {"h": hb})
    finally:
        engine.dispose()
    upgraded = open_database(url)  # upgrades to the head
    other = handle_for(upgraded, unit_b)
    try:
        assert search_wards(url) == {unit_a: 1, unit_b: 1}
        with upgraded.engine.connect() as conn:
            if PG_URL:
                assert PG_TRGM_INDEX in _indexes(conn) and PG_TRGM_FALLBACK not in _indexes(conn)
            else:
                assert _fts_triggers(conn) == before
        assert HouseholdService(other).query_ids("da sua") == [hb]  # the FTS5 row followed
        assert HouseholdService(upgraded).query_ids("da sua") == []
        homes = HouseholdService(other)
        homes.save(replace(homes.get(hb), address="7 phố Sau Nâng Cấp"), today=TODAY)
        assert homes.query_ids("sau nang cap") == [hb]  # the triggers work after the rebuild
        assert HouseholdService(upgraded).query_ids("sau nang cap") == []
    finally:
        other.dispose()
        upgraded.dispose()


@pg_only
def test_postgresql_searches_a_ward_through_the_wards_index(db):
    """The ward's condition is in the trigram index's condition, not a filter after it."""
    units = generate_province(db, wards=3, households=60, today=TODAY).unit_ids
    handle = handle_for(db, units[1])
    try:
        homes = HouseholdService(handle)
        with handle.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE household, household_search")
            # a small store: make it choose between the indexes that answer a condition (as
            # test_search_index.py does)
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
            for term in ("nguyen van", "Nguyễn Văn", "001080"):
                stmt = homes._ids_query(term, None, "active", "code", False, TODAY.year)
                compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
                plan = [r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}")]
                at = next((i for i, line in enumerate(plan) if PG_TRGM_INDEX in line), None)
                assert at is not None, "\n".join(plan)
                assert f"unit_id = {units[1]}" in plan[at + 1], "\n".join(plan)
    finally:
        handle.dispose()
