"""The demo province (services/demo_province.py): several demo wards in one store, each
record in its ward, each ward searching its own households only, a ward built alone equal to
the same ward in the province. Runs on SQLite and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from antq_desktop.db.engine import Database, open_database
from antq_desktop.db.guard import WARD_MODELS
from antq_desktop.db.models import Area, Household, HouseholdSearch, Resident
from antq_desktop.services.demo import DemoError
from antq_desktop.services.demo_province import generate_province, ward_counts
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.services.unit import UnitService
from antq_desktop.text import fold, lower
from tests.conftest import PG_URL

TODAY = date(2026, 11, 20)
WARDS, HOUSEHOLDS = 3, 50


def handle_for(db: Database, unit_id: int) -> Database:
    other = open_database(db.url)
    other.unit_id = unit_id
    return other


@pytest.fixture
def province(db):
    return generate_province(db, wards=WARDS, households=HOUSEHOLDS, today=TODAY)


def test_every_ward_gets_its_unit_areas_households_and_records(db, province):
    assert province.wards == WARDS and province.households == WARDS * HOUSEHOLDS
    assert province.ward_names == ["Phường Hoàn Kiếm", "Phường Cửa Nam", "Phường Ba Đình"]
    counts = ward_counts(db)
    assert sorted(counts) == province.unit_ids
    assert all(homes == HOUSEHOLDS for homes, _people in counts.values())
    assert sum(people for _homes, people in counts.values()) == province.residents
    with db.engine.connect() as conn:
        for table in ("household_search", "household_signup", "rehab_case", "mediation_case",
                      "tip", "patrol", "cert_record"):
            per_ward = conn.execute(text(_PER_WARD[table])).all()
            assert {u for u, n in per_ward if n} == set(province.unit_ids), table
        searchable = conn.scalar(select(func.count()).select_from(HouseholdSearch))
    assert searchable == province.households
    # the ids given by the generator left the sequences behind them: a new save works
    for unit in province.unit_ids:
        handle = handle_for(db, unit)
        try:
            assert UnitService(handle).get().ward_name == province.ward_names[
                province.unit_ids.index(unit)]
            area = UnitService(handle).add_area("Tổ dân phố mới")
            assert area > 0
        finally:
            handle.dispose()


_PER_WARD = {
    "household_search": "SELECT h.unit_id, count(*) FROM household_search x "
                        "JOIN household h ON h.id = x.household_id GROUP BY h.unit_id",
    "household_signup": "SELECT h.unit_id, count(*) FROM household_signup x "
                        "JOIN household h ON h.id = x.household_id GROUP BY h.unit_id",
    "rehab_case": "SELECT unit_id, count(*) FROM rehab_case GROUP BY unit_id",
    "mediation_case": "SELECT t.unit_id, count(*) FROM mediation_case x "
                      "JOIN mediation_team t ON t.id = x.team_id GROUP BY t.unit_id",
    "tip": "SELECT unit_id, count(*) FROM tip GROUP BY unit_id",
    "patrol": "SELECT unit_id, count(*) FROM patrol GROUP BY unit_id",
    "cert_record": "SELECT u.unit_id, count(*) FROM cert_record x "
                   "JOIN cert_unit u ON u.id = x.unit_id GROUP BY u.unit_id",
}


def test_each_record_carries_the_unit_of_its_area(db, province):
    with db.engine.connect() as conn:
        for model in WARD_MODELS:
            table = model.__table__
            if "area_id" not in table.c:
                continue
            area = Area.__table__
            wrong = conn.scalar(select(func.count()).select_from(table)
                                .join(area, area.c.id == table.c.area_id)
                                .where(area.c.unit_id != table.c.unit_id))
            assert wrong == 0, table.name
        # the residents' households, the sign-ups' households: every one in a ward built
        units = set(conn.scalars(select(Household.unit_id).distinct()))
    assert units == set(province.unit_ids)


def test_search_inside_one_ward_finds_only_its_households(db, province):
    with db.engine.connect() as conn:
        own = {u: set(conn.scalars(select(Household.id).where(Household.unit_id == u)))
               for u in province.unit_ids}
        # a surname every ward has, and its households in the whole store
        everywhere = set(conn.scalars(select(HouseholdSearch.household_id)
                                      .where(HouseholdSearch.folded.like("%nguyen%"))))
    for unit in province.unit_ids:
        handle = handle_for(db, unit)
        try:
            homes = HouseholdService(handle)
            assert len(homes.query_ids(search="HK000001")) == 1  # every ward has this code
            assert set(homes.query_ids(search="HK000001")) <= own[unit]
            found = homes.query_ids(search="Nguyễn", status="all")
            assert found and set(found) == everywhere & own[unit]
            living = homes.query_ids(search="nguyen")
            assert set(living) <= own[unit]
        finally:
            handle.dispose()
    assert all(everywhere & own[u] for u in province.unit_ids)


def test_a_ward_built_alone_is_the_same_ward(db, province, tmp_path):
    alone = open_database(f"sqlite:///{tmp_path / 'ward.db'}")
    try:
        summary = generate_province(alone, wards=WARDS, households=HOUSEHOLDS, today=TODAY,
                                    only=[1])
        assert summary.ward_names == ["Phường Cửa Nam"] and summary.unit_ids == [1]

        def people(handle, unit):
            with handle.engine.connect() as conn:
                return sorted(conn.execute(
                    select(Household.code, Household.address, Resident.full_name,
                           Resident.id_number, Resident.birth_date)
                    .join(Household, Household.id == Resident.household_id)
                    .where(Household.unit_id == unit)).all())

        assert people(alone, 1) == people(db, province.unit_ids[1])
        mine = IndicatorService(alone).table(TODAY.year, today=TODAY).ward.figures
        handle = handle_for(db, province.unit_ids[1])
        try:
            theirs = IndicatorService(handle).table(TODAY.year, today=TODAY).ward.figures
        finally:
            handle.dispose()
        assert mine == theirs and any(mine.values())
    finally:
        alone.dispose()


def test_a_store_with_data_is_refused_and_a_cancel_leaves_nothing(db, tmp_path):
    empty = open_database(f"sqlite:///{tmp_path / 'cancel.db'}")
    try:
        with pytest.raises(DemoError, match="hủy"):
            generate_province(empty, wards=2, households=20, today=TODAY,
                              progress=lambda done, total: done < 20)
        assert ward_counts(empty) == {}
        with empty.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM unit")) == 0
    finally:
        empty.dispose()
    generate_province(db, wards=1, households=5, today=TODAY)
    with pytest.raises(DemoError, match="đã có dữ liệu"):
        generate_province(db, wards=1, households=5, today=TODAY)


@pytest.mark.parametrize("term", ["Nguyễn Văn", "nguyen", "Hàng", "HK00001", "09", "Trần Thị"])
def test_the_per_row_search_finds_the_same_households_in_the_same_order(db, province, term):
    """The ward-by-ward form of the search (db/search.py ``per_row``) changes the plan only:
    the same households, exact spellings first, then the list's order."""
    handle = handle_for(db, province.unit_ids[1])
    try:
        homes = HouseholdService(handle)
        with handle.engine.connect() as conn:
            def ids(per_row, sort="code"):
                return [r[0] for r in conn.execute(homes._ids_query(
                    term, None, "all", sort, False, TODAY.year, per_row))]

            for sort in ("code", "head"):
                assert ids(True, sort) == ids(False, sort)
            found = ids(True)
            spelled = {h for h, text_ in conn.execute(
                select(HouseholdSearch.household_id, HouseholdSearch.lower)) if lower(term) in text_}
        assert found
        if lower(term) != fold(term):  # diacritics typed: those spelled so come first
            first = [h in spelled for h in found]
            assert first == sorted(first, reverse=True) and any(first)
        assert homes.query_ids(term, status="all") == found
    finally:
        handle.dispose()


def test_the_ward_scan_is_chosen_only_where_the_index_reads_other_wards(db, province):
    from antq_desktop.db.search import ward_scan_is_cheaper

    with db.engine.connect() as conn:
        if db.engine.dialect.name != "postgresql":
            assert not ward_scan_is_cheaper(conn, "nguyen", province.unit_ids[0])
            return
        # a word in most households of every ward: the index finds every ward's
        assert ward_scan_is_cheaper(conn, "nguyen", province.unit_ids[0])
        assert ward_scan_is_cheaper(conn, "hk", province.unit_ids[0])  # no index: a table scan


@pytest.mark.skipif(not PG_URL, reason="the choice is PostgreSQL's (SQLite has FTS5)")
def test_a_rare_term_keeps_the_trigram_index(db):
    from antq_desktop.db.search import ward_scan_is_cheaper

    units = generate_province(db, wards=3, households=1000, today=TODAY).unit_ids
    with db.engine.connect() as conn:
        number = conn.scalar(select(Resident.id_number).where(Resident.id_number.is_not(None))
                             .order_by(Resident.id).limit(1))
        assert not ward_scan_is_cheaper(conn, number, units[0])  # one household's ID number
        assert ward_scan_is_cheaper(conn, "nguyen", units[0])


@pytest.mark.skipif(not PG_URL, reason="the choice is PostgreSQL's (SQLite has FTS5)")
def test_a_wards_own_store_never_scans_row_by_row(db):
    from antq_desktop.db.search import ward_scan_is_cheaper

    (unit,) = generate_province(db, wards=1, households=HOUSEHOLDS, today=TODAY).unit_ids
    with db.engine.connect() as conn:
        for term in ("nguyen", "hk", "09", "pho"):
            assert not ward_scan_is_cheaper(conn, term, unit), term
