"""A year with no records in the program prints "—" in the year-end summary, never 0 nor a change
against it. Here the ward has households since 2024 (the sign-up ratio's denominator), but its
only records are 2025's sign-ups and tips."""

from datetime import date

import pytest

from openpyxl import load_workbook

from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.forms.yearend import NO_RECORDS
from antq_desktop.reports.registry import Params
from antq_desktop.services.indicators import Figures, IndicatorService, Ratio, recorded
from antq_desktop.db.models import Tip
from antq_desktop.enums import TipResult
from tests.conftest import household, member

TODAY = date(2026, 12, 31)


@pytest.fixture
def records(db, ward, households):
    homes = [households.save(household(ward[i % 2], f"HK00000{i}",
                                       [member(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"][i - 1], id_number=None)]))
             for i in range(1, 4)]
    households.sign_up(homes[:2], 2025, date(2025, 2, 1))
    with db.session.begin() as s:
        s.add(Tip(received_on=date(2025, 3, 5), area_id=ward[0], content="Tin báo",
                  valuable=True, result=TipResult.ARREST, persons=1))
    return homes


def _body(path):
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    start = rows.index([f"({i})" for i in range(1, 11)]) + 1
    return [r for r in rows[start:] if isinstance(r[0], int)]


def test_a_year_before_any_record_is_a_dash(db, records, tmp_path, pin_today):  # noqa: F811
    pin_today(TODAY)
    table = IndicatorService(db).table(2025, today=TODAY)
    assert all(f.last is None and f.delta is None and f.percent is None
               for f in table.ward.figures.values())
    body = _body(export_xlsx(db, "yearend-summary", Params(2025), tmp_path / "2025.xlsx"))
    assert body and all(r[3] == NO_RECORDS == "—" for r in body)
    # no change against "—": neither a count's (in its unit, in %) nor a share's (in points);
    # an x/y figure still shows this year's share, in a column of its own
    assert all(r[5] is None and r[6] is None and r[8] is None for r in body)
    assert all("/" in str(r[4]) for r in body if r[7] is not None)
    assert any(r[7] is not None for r in body)
    assert any(r[4] not in (0, "0/0", NO_RECORDS) for r in body)  # 2025 itself has figures
    assert "2/3" in [r[4] for r in body]  # the ward's sign-up ratio


def test_a_year_after_the_records_is_a_dash_too(db, records, tmp_path, pin_today):  # noqa: F811
    pin_today(TODAY)
    body = _body(export_xlsx(db, "yearend-summary", Params(2026), tmp_path / "2026.xlsx"))
    assert all(r[4] == NO_RECORDS for r in body)
    assert not any(isinstance(v, (int, float)) for r in body for v in r[5:9])


def test_households_living_there_are_no_record_of_a_year():
    assert not recorded({"households_signed": {1: Ratio(0, 2917)}, "tips": {1: 0, None: 0}})
    assert recorded({"households_signed": {1: Ratio(1, 2917)}})
    assert recorded({"tips": {None: 2}})
    assert Figures(None, 6).delta is None and Figures(None, 6).percent is None
    assert Figures(None, Ratio(3, 4)).is_ratio and Figures(None, None).empty
