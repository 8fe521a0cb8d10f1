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
def test_the_ward_search_finds_its_households_exact_spellings_first(db, province, term):
    """The search inside one ward (on PostgreSQL: the trigram index with the ward, migration
    0019) gives exactly the ward's households whose text has the term, those spelled as typed
    first, then in code order: the same as reading every row of the ward and checking it."""
    unit = province.unit_ids[1]
    handle = handle_for(db, unit)
    try:
        found = HouseholdService(handle).query_ids(term, status="all")
        with handle.engine.connect() as conn:
            rows = conn.execute(select(Household.id, Household.code, HouseholdSearch.folded,
                                       HouseholdSearch.lower)
                                .join(HouseholdSearch, HouseholdSearch.household_id == Household.id)
                                .where(Household.unit_id == unit)).all()
    finally:
        handle.dispose()
    diacritics = lower(term) != fold(term)
    expected = sorted((r for r in rows if fold(term) in r.folded),
                      key=lambda r: (diacritics and lower(term) not in r.lower, r.code))
    assert found and found == [r.id for r in expected]
    if diacritics:
        assert any(lower(term) in r.lower for r in expected)
