"""The rehabilitation forms, opened as files and checked cell by cell against the records."""

from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.cli import main
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params
from tests.services.test_rehab_stats import TODAY, records  # noqa: F401  (fixture)


def _cells(path):
    ws = load_workbook(path).active
    return ws, [[c.value for c in row] for row in ws.iter_rows()]


def _row_starting(rows, *values):
    for row in rows:
        cells = [v for v in row if v is not None]
        if cells[:len(values)] == list(values):
            return cells
    raise AssertionError(f"no row starts with {values}")


def _texts(rows):
    return [v for row in rows for v in row if isinstance(v, str)]


def test_forms_are_registered():
    ids = [f.id for f in registry.all_forms()]
    assert "rehab-list" in ids and "rehab-summary" in ids
    assert registry.get("rehab-list").takes_quarter


def test_list_grouped_by_regime_and_class(db, records, tmp_path):  # noqa: F811
    path = tmp_path / "list.xlsx"
    export_xlsx(db, "rehab-list", Params(2026), path)
    ws, rows = _cells(path)
    texts = _texts(rows)
    assert "CÔNG AN THÀNH PHỐ HÀ NỘI" in texts and "CÔNG AN PHƯỜNG HOÀN KIẾM" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert any(t.startswith("Phường Hoàn Kiếm, ngày ") for t in texts)
    assert "DANH SÁCH" in texts
    assert "Năm 2026 (xếp loại gần nhất đến hết kỳ)" in texts
    assert ws.page_setup.orientation == "landscape"
    # section I: ex-prisoners by group A/B/C/D; Lê Văn An is A (Q3), Hà Em is C
    i = texts.index("I. TÁI HÒA NHẬP CỘNG ĐỒNG")
    assert texts.index("Nhóm A: chấp hành tốt, ổn định") > i
    a_row = _row_starting(rows, 1, "Lê Văn An")
    assert a_row[-1] == "A (Quý III/2026)"
    c_row = _row_starting(rows, 2, "Hà Em")
    assert c_row[-1] == "C (Quý I/2026)"
    assert texts.index("Nhóm C: không chấp hành, không hợp tác") < texts.index("Hà Em")
    # the drug user closed in May appears with the closing note; the 2025 case does not
    b_row = _row_starting(rows, 1, "Phạm Bình")
    assert b_row[-1].startswith("Kết thúc 10/05/2026")
    assert "Đỗ Dũng" not in texts
    subtotals = [row for row in rows if "Cộng" in row]
    assert [next(v for v in r[2:] if v) for r in subtotals] == ["2 người", "1 người", "1 người"]
    assert _row_starting(rows, "Tổng cộng") == ["Tổng cộng", "4 người"]
    assert "TRƯỞNG CÔNG AN PHƯỜNG" in texts  # the signature block


def test_quarter_list(db, records, tmp_path):  # noqa: F811
    path = tmp_path / "q3.xlsx"
    export_xlsx(db, "rehab-list", Params(2026, quarter=3), path)
    _, rows = _cells(path)
    texts = _texts(rows)
    assert "Quý III năm 2026 (xếp loại gần nhất đến hết kỳ)" in texts
    assert "Phạm Bình" not in texts  # closed in Q2
    assert _row_starting(rows, "Tổng cộng") == ["Tổng cộng", "3 người"]


def test_year_summary_totals_match_the_records(db, records, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "summary.xlsx"
    try:
        main(["--db", db.url, "export", "rehab-summary", "--year", "2026", "-o", str(path)])
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    _, rows = _cells(path)
    texts = _texts(rows)
    assert "BÁO CÁO" in texts and "Năm 2026" in texts
    assert "Được giúp đỡ (người)" in texts  # the two-level header
    # columns: under management, received, improved, training, jobs, loans, amount, relapsed,
    # closed — the same hand counts as tests/services/test_rehab_stats.py (as of today, the
    # records' cases are all still open or closed inside 2026)
    ex = _row_starting(rows, 1, "Tái hòa nhập cộng đồng")
    assert ex[2:] == [2, 1, 1, 0, 0, 1, 50_000_000, 0, 0]
    drug = _row_starting(rows, 2, "Người sử dụng trái phép chất ma túy")
    assert drug[2:] == [1, 1, 0, 0, 0, 0, 0, 1, 1]
    by_regime, by_area = [r for r in rows if "Cộng" in r]
    assert [v for v in by_regime if v is not None][1:] == [4, 3, 2, 1, 1, 1, 50_000_000, 1, 1]
    assert [v for v in by_area if v is not None][1:] == [4, 3, 2, 1, 1, 1, 50_000_000, 1, 1]
    area1 = _row_starting(rows, 1, "Tổ dân phố số 1")
    assert area1[2:5] == [2, 1, 1]
    assert any("tiếp nhận 3 người; 2 người tiến bộ rõ" in t for t in texts)


@pytest.mark.parametrize("form_id, quarter", [("rehab-list", None), ("rehab-list", 4),
                                              ("rehab-summary", None)])
def test_a_period_not_over_says_what_day_it_counts_to(db, records, tmp_path, pin_today,  # noqa: F811
                                                      form_id, quarter):
    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.reports.registry import Params

    pin_today(date(2026, 11, 20))
    path = export_xlsx(db, form_id, Params(2026, quarter=quarter), tmp_path / "f.xlsx")
    assert "(Số liệu tính đến ngày 20/11/2026)" in _texts(_cells(path)[1])
    past = export_xlsx(db, form_id, Params(2026, quarter=3) if quarter else Params(2025),
                       tmp_path / "past.xlsx")
    assert not any(t.startswith("(Số liệu tính đến") for t in _texts(_cells(past)[1]))
