"""The mediation forms, opened as files and checked cell by cell against the records of
tests/services/test_mediation_stats.py (whose counts are made by hand there)."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from antq_desktop.cli import main
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.layout import MOTTO, NATIONAL_TITLE
from antq_desktop.reports.registry import Params, ReportError
from tests.services.test_mediation_stats import records  # noqa: F401  (fixture)

TEAM_1 = "Tổ hòa giải Tổ dân phố số 1"
RESULT_HEADERS = ["Hòa giải thành", "Hòa giải không thành"]


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _texts(rows):
    return [v for row in rows for v in row if isinstance(v, str)]


def _row_starting(rows, *values):
    for row in rows:
        cells = [v for v in row if v is not None]
        if cells[:len(values)] == list(values):
            return cells
    raise AssertionError(f"no row starts with {values}")


def _numbered(rows, count):
    """The "(1) (2) …" row under the table header."""
    wanted = [f"({i})" for i in range(1, count + 1)]
    assert wanted in rows, "numbered columns row missing"
    return rows.index(wanted)


def _book(db, tmp_path, area_id=None, year=2026):
    path = tmp_path / "book.xlsx"
    export_xlsx(db, "mediation-book", Params(year, area_id=area_id), path)
    return load_workbook(path)


def test_forms_are_registered():
    forms = {f.id: f for f in registry.all_forms()}
    assert forms["mediation-book"].takes_area and not forms["mediation-book"].takes_quarter
    assert not forms["mediation-stats"].takes_area


def test_book_cover(db, ward, records, tmp_path):  # noqa: F811
    wb = _book(db, tmp_path, ward[0])
    assert wb.sheetnames == ["Bìa", "Phần I", "Phần II"]
    texts = _texts(_rows(wb["Bìa"]))
    assert texts == [
        NATIONAL_TITLE, MOTTO, "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ",  # no year: one book
        "Tỉnh, thành phố: Thành phố Hà Nội", "Xã, phường: Phường Hoàn Kiếm",
        "Thôn, tổ dân phố: Tổ dân phố số 1", f"Tổ hòa giải: {TEAM_1}", "Quyển số: 01",
        "Mở ngày 02 tháng 01 năm 2025", "Khóa ngày …… tháng …… năm ……"]  # no ND30 header
    assert all(c.font.name == "Times New Roman" for row in wb["Bìa"].iter_rows() for c in row
               if c.value)
    # on the book's landscape paper, like its parts: a bound book (and its PDF) has one
    assert wb["Bìa"].page_setup.orientation == "landscape"


def test_book_part_one_cell_by_cell(db, ward, records, tmp_path):  # noqa: F811
    ws = _book(db, tmp_path, ward[0])["Phần I"]
    rows = _rows(ws)
    texts = _texts(rows)
    # the team's own book: no police letterhead, no place and date, no document number
    assert not any("CÔNG AN" in t or NATIONAL_TITLE in t for t in texts)
    assert not any(t.startswith(("Phường Hoàn Kiếm, ngày ", "Số:")) for t in texts)
    assert rows[0][0] == "PHẦN I" and rows[1][0] == "GHI CHÉP CỦA HÒA GIẢI VIÊN"
    assert f"{TEAM_1} — năm 2026: vụ, việc số 2 đến số 6" in texts  # case 1: December 2025
    assert ws.page_setup.orientation == "landscape"
    # two header rows: "Kết quả hòa giải" over its two sub-columns (7) and (8)
    n = _numbered(rows, 10)
    upper, lower = rows[n - 2], rows[n - 1]
    assert upper[0] == "STT" and upper[6] == "Kết quả hòa giải" and upper[9] == "Ghi chú"
    assert lower[6:8] == RESULT_HEADERS
    assert f"G{n - 1}:H{n - 1}" in {str(r) for r in ws.merged_cells.ranges}
    body = rows[n + 1:n + 6]
    assert [r[0] for r in body] == [2, 3, 4, 5, 6]  # numbered as in the continuous book
    assert [r[1] for r in body] == [datetime(2026, 1, 5), datetime(2026, 2, 10),
                                    datetime(2026, 3, 1), datetime(2026, 4, 1),
                                    datetime(2026, 10, 1)]
    first = body[0]
    assert first[2] == ("Hòa giải viên: Nguyễn Văn Hòa, Trần Thị Bích\n"
                        "Người được mời: Ông Trần Văn Bảo, Bí thư chi bộ")
    assert first[3] == ("- Hoàng Văn Khải, 55 tuổi, số 3, ngõ 5, phố Hàng Bạc\n"
                        "- Vũ Thị Lan, 50 tuổi")
    assert first[4] == "Vụ việc sinh hoạt hằng ngày nhận ngày 05/01/2026"
    assert first[5] == "Hai bên thống nhất tự tháo dỡ, trả lại hiện trạng."
    assert first[9] is None  # no note typed for the case: nothing the program works out
    # the result columns: c1 thành, c2 không thành, c3 thành, c4 stopped, c5 in progress
    assert [tuple(r[6:8]) for r in body] == [("x", None), (None, "x"), ("x", None),
                                             (None, None), (None, None)]
    assert all(r[8] is None for r in body)  # signatures are written by hand
    assert [r[9] for r in body] == [None] * 5  # c5 is late, which the book never says
    assert not any("Quá 3 ngày" in t or "Đang hòa giải" in t for t in texts)
    assert "Vụ việc sinh hoạt hằng ngày nhận ngày 20/12/2025" not in texts  # a 2025 case
    assert len(rows) == n + 6  # the table ends the sheet: no total, no signature block
    assert not any(t.startswith("TỔ TRƯỞNG") for t in texts)


def test_book_part_two_cell_by_cell(db, ward, records, tmp_path):  # noqa: F811
    ws = _book(db, tmp_path, ward[0])["Phần II"]
    rows = _rows(ws)
    texts = _texts(rows)
    assert rows[0][0] == "PHẦN II"
    assert rows[1][0] == "THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"
    assert f"{TEAM_1} — năm 2026: vụ, việc số 2 đến số 6" in texts
    # the model's columns: STT | mediator | cases by scope | result | notes
    n = _numbered(rows, 11)
    upper, lower = rows[n - 2], rows[n - 1]
    assert upper[:3] == ["STT", "Hòa giải viên tiến hành hòa giải",
                         "Vụ, việc hòa giải chia theo phạm vi hòa giải"]
    assert upper[8] == "Kết quả hòa giải" and upper[10] == "Ghi chú"
    assert lower[2:10] == ["Sinh hoạt hằng ngày", "Dân sự", "Đất đai", "Hôn nhân, gia đình",
                           "Vi phạm nhỏ", "Việc khác", *RESULT_HEADERS]
    # STT, name, six types, thành, không thành, note — hand counts of the records
    assert rows[n + 1] == [1, "Nguyễn Văn Hòa", 1, 0, 0, 0, 0, 0, 1, 0, "Tổ trưởng"]
    assert rows[n + 2] == [2, "Trần Thị Bích", 1, 0, 0, 1, 0, 0, 2, 0, None]
    assert rows[n + 3] == [3, "Lê Quang Minh", 0, 0, 1, 0, 0, 0, 0, 1, None]
    assert rows[n + 4] == [None, "Chưa ghi hòa giải viên", 1, 1, 0, 0, 0, 0, 0, 0, None]
    assert rows[n + 5] == ["Cộng", None, 2, 1, 1, 1, 0, 0, 2, 1, None]
    assert any(t.startswith("Một vụ, việc do nhiều hòa giải viên") for t in texts)
    assert not any(t.startswith("TỔ TRƯỞNG") or "CÔNG AN" in t for t in texts)


def test_book_for_the_whole_ward(db, records, tmp_path):  # noqa: F811
    wb = _book(db, tmp_path)
    areas = ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]  # 3: retired, with a case
    assert wb.sheetnames == [f"{a} - {part}" for a in areas for part in ("Bìa", "Phần I",
                                                                         "Phần II")]
    rows = _rows(wb["Tổ dân phố số 2 - Phần I"])
    n = _numbered(rows, 10)
    assert [r[0] for r in rows[n + 1:]] == [1, 2] and [r[6] for r in rows[n + 1:]] == [None, "x"]
    part_two = _texts(_rows(wb["Tổ dân phố số 3 - Phần II"]))
    assert "Chưa ghi hòa giải viên" in part_two
    quiet = _texts(_rows(_book(db, tmp_path, year=2024)["Tổ dân phố số 1 - Phần I"]))
    assert "(Năm 2024 chưa có vụ, việc hòa giải nào.)" in quiet


def test_book_of_an_area_without_a_team(db, records, unit_service, tmp_path):  # noqa: F811
    area = unit_service.add_area("Thôn Mới")
    with pytest.raises(ReportError, match="Khu dân cư Thôn Mới chưa có tổ hòa giải"):
        _book(db, tmp_path, area)


def test_stats_cell_by_cell(db, records, tmp_path, pin_today):  # noqa: F811
    pin_today(date(2026, 11, 20))  # the records' today: this year's figures up to then
    path = tmp_path / "stats.xlsx"
    try:
        main(["--db", db.url, "export", "mediation-stats", "--year", "2026", "-o", str(path)])
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    ws = load_workbook(path).active
    rows = _rows(ws)
    texts = _texts(rows)
    assert rows[0][0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and NATIONAL_TITLE in rows[0]
    assert rows[1][0] == "CÔNG AN PHƯỜNG HOÀN KIẾM" and MOTTO in rows[1]
    assert any(t.startswith("Số:") for t in texts)
    assert "BÁO CÁO" in texts and "Kết quả hoạt động hòa giải ở cơ sở" in texts
    assert "Năm 2026" in texts
    assert "(Số liệu tính đến ngày 20/11/2026)" in texts
    n = _numbered(rows, 14)
    upper, lower = rows[n - 2], rows[n - 1]
    assert upper[3] == "Chia theo loại vụ, việc" and upper[9] == "Chia theo kết quả hòa giải"
    assert lower[9:14] == ["Hòa giải thành", "Hòa giải không thành", "Chấm dứt theo yêu cầu",
                           "Chuyển cơ quan có thẩm quyền", "Đang hòa giải"]
    assert rows[n + 1][0] == "I. THEO TỔ HÒA GIẢI"
    # STT, team, received, by type (6), by outcome (5)
    assert rows[n + 2] == [1, TEAM_1, 5, 2, 1, 1, 1, 0, 0, 2, 1, 1, 0, 1]
    assert rows[n + 3] == [2, "Tổ hòa giải Tổ dân phố số 2", 2, 0, 0, 0, 1, 1, 0,
                           1, 0, 0, 1, 0]
    assert rows[n + 4] == [3, "Tổ hòa giải Tổ dân phố số 3", 1, 0, 0, 0, 0, 0, 1,
                           0, 0, 0, 0, 1]
    assert rows[n + 5] == ["Cộng", None, 8, 2, 1, 1, 2, 1, 1, 3, 1, 1, 1, 2]
    assert rows[n + 6][0] == "II. THEO LOẠI VỤ, VIỆC"
    by_type = rows[n + 7:n + 13]
    assert [r[1] for r in by_type] == ["Mâu thuẫn, tranh chấp trong sinh hoạt hằng ngày",
                                       "Tranh chấp dân sự", "Tranh chấp đất đai",
                                       "Hôn nhân và gia đình",
                                       "Vi phạm pháp luật nhỏ chưa đến mức xử lý", "Việc khác"]
    assert [r[2] for r in by_type] == [2, 1, 1, 2, 1, 1]
    assert all(r[3:9] == [None] * 6 for r in by_type)
    assert by_type[3][9:] == [2, 0, 0, 0, 0]  # both family cases succeeded
    assert by_type[4][9:] == [0, 0, 0, 1, 0]  # the minor violation went to the authorities
    assert rows[n + 13] == ["Cộng", None, 8, *[None] * 6, 3, 1, 1, 1, 2]
    summary = next(t for t in texts if t.startswith("Năm 2026, toàn phường"))
    assert summary == ("Năm 2026, toàn phường có 2 tổ hòa giải với 5 hòa giải viên (1 nữ); "
                       "tiếp nhận 8 vụ, việc: hòa giải thành 3 (đạt 37,5% số vụ, việc tiếp "
                       "nhận), không thành 1, chấm dứt theo yêu cầu 1, chuyển cơ quan có thẩm "
                       "quyền 1, đang hòa giải 2.")
    assert "TRƯỞNG CÔNG AN PHƯỜNG" in texts and "Nguyễn Văn Hùng" in texts


def test_book_from_the_command_line_by_area_name(db, records, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "cli.xlsx"
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "export", "mediation-book", "--year", "2026", "--area",
              "to dan pho so 2", "-o", str(path)])
    assert exit_.value.code == 0
    assert load_workbook(path).sheetnames == ["Bìa", "Phần I", "Phần II"]
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "export", "mediation-stats", "--year", "2026", "--area", "1",
              "-o", str(tmp_path / "x.xlsx")])
    assert exit_.value.code != 0
    assert "không lập riêng cho từng khu dân cư" in capsys.readouterr().err


def test_stats_note_the_cases_closed_after_the_year(db, records, tmp_path, pin_today):  # noqa: F811
    """The case received in December 2025 and closed in January 2026 is "đang hòa giải" in the
    2025 report, and the report says why."""
    pin_today(date(2026, 11, 20))
    path = tmp_path / "stats-2025.xlsx"
    try:
        main(["--db", db.url, "export", "mediation-stats", "--year", "2025", "-o", str(path)])
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    texts = _texts(_rows(load_workbook(path).active))
    assert ("Ghi chú: 1 vụ, việc tiếp nhận trong năm 2025 kết thúc sau ngày 31/12/2025 được "
            "tính là đang hòa giải tại thời điểm báo cáo.") in texts
    path = tmp_path / "stats-2026.xlsx"
    try:
        main(["--db", db.url, "export", "mediation-stats", "--year", "2026", "-o", str(path)])
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    assert not any(t.startswith("Ghi chú:") for t in _texts(_rows(load_workbook(path).active)))
