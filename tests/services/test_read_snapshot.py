"""An export reads one consistent snapshot: a commit by another program between two of the
form's queries is not seen (SQLite WAL: one read transaction; PostgreSQL: REPEATABLE READ)."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, event, text

from antq_desktop.db.engine import read_snapshot
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params
from antq_desktop.services.households import HouseholdService
from tests.conftest import household

TODAY = date(2026, 6, 1)


def _cells(path):
    sheet = load_workbook(path).active
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def _commit_elsewhere_before(db, marker: str, sql: str, params: dict) -> list:
    """Before the first statement of ``db`` whose SQL holds ``marker``, another connection
    (another program) commits ``sql``. Returns the list the hook appends to when it fired."""
    other = create_engine(db.url)
    fired: list = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        if not fired and marker in statement.lower():
            fired.append(statement)
            with other.begin() as c:
                c.execute(text(sql), params)

    event.listen(db.engine, "before_cursor_execute", hook)
    return fired, other, hook


@pytest.mark.parametrize("how", ["xlsx", "service"])
def test_a_commit_between_two_queries_of_an_export_is_not_seen(db, ward, tmp_path, how):
    HouseholdService(db).save(household(ward[0], address="12 Hàng Bạc"), today=TODAY)
    # the register reads the letterhead, then the households, then the area's name: between the
    # first and the second, another program renames the area and moves the household's address
    fired, other, hook = _commit_elsewhere_before(
        db, "from household",
        "UPDATE area SET name = :n WHERE id = :a", {"n": "Tổ đã đổi tên", "a": ward[0]})
    try:
        if how == "xlsx":
            target = export_xlsx(db, "household-register", Params(2026, area_id=ward[0]),
                                 tmp_path / "r.xlsx")
            cells = _cells(target)
            assert fired
            assert any("Tổ dân phố số 1" in c for c in cells)  # the name before the commit
            assert not any("Tổ đã đổi tên" in c for c in cells)
        else:
            from antq_desktop.services.unit import UnitService

            with read_snapshot(db) as snap:
                assert HouseholdService(snap).counts().households == 1  # pins nothing new
                names = [a.name for a in UnitService(snap).areas()]
                assert fired and "Tổ dân phố số 1" in names
            # outside the snapshot the change is there
            assert "Tổ đã đổi tên" in [a.name for a in UnitService(db).areas()]
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)
        other.dispose()


def test_a_snapshot_writes_nothing_and_leaves_the_pool_usable(db, ward):
    from antq_desktop.services.unit import UnitService

    with read_snapshot(db) as snap:
        assert snap.snapshot and snap.is_sqlite == db.is_sqlite
        with read_snapshot(snap) as inner:  # nested: the same snapshot
            assert inner is snap
        assert len(UnitService(snap).areas()) == 2
    # the connection went back to the pool in its ordinary state: a save still works
    UnitService(db).add_area("Tổ dân phố số 3")
    assert len(UnitService(db).areas()) == 3
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == \
                "read committed"
