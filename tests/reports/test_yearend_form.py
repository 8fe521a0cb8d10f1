"""The year-end summary form, opened as a file and checked cell by cell against the records of
tests/services/test_indicators.py (whose figures are counted by hand there)."""

from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.layout import MOTTO, NATIONAL_TITLE
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.services.indicators import PACKAGED_PATH, Indicator, Ratio, load_definitions
from tests.conftest import sqlite_only
from tests.services.test_indicators import A1, A2, EXPECTED, RATIOS, W, records  # noqa: F401

# Each figure column holds one kind of figure: a count's change (in its unit, in %) under
# "So với năm 2024", an x/y indicator's share and its change in points under "Tỷ lệ x/y (%)".
HEADERS = ["STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2024", "Năm 2025", "So với năm 2024", None,
           "Tỷ lệ x/y (%)", None, "Ghi chú"]
SUB_HEADERS = [None] * 5 + ["Tăng (+), giảm (−)", "Tăng, giảm (%)", "Năm 2025",
                            "Tăng, giảm (điểm)", None]
NCOLS = len(HEADERS)
WARD = "TOÀN PHƯỜNG HOÀN KIẾM"
WARD_LEVEL = "CÁC HOẠT ĐỘNG, ĐƠN VỊ KHÔNG THUỘC KHU DÂN CƯ NÀO"
AREA_1, AREA_2, AREA_3 = (f"KHU DÂN CƯ: TỔ DÂN PHỐ SỐ {i}" for i in (1, 2, 3))
ITEMS = load_definitions(PACKAGED_PATH).items
SECTIONS = [i.title for i in ITEMS if not isinstance(i, Indicator)]
WARD_ONLY = {"cert_agencies", "cert_enterprises", "cert_schools"}  # "scope": "ward"


def _export(db, tmp_path, year=2025, area_id=None):
    path = tmp_path / "tong-ket.xlsx"
    export_xlsx(db, "yearend-summary", Params(year, area_id=area_id), path)
    return load_workbook(path)


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _body(rows):
    """The table body: after the "(1) … (10)" row, up to the note under the table."""
    start = rows.index([f"({i})" for i in range(1, NCOLS + 1)]) + 1
    end = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Chỉ tiêu dạng x/y"))
    return start, rows[start:end]


def _blocks(body):
    """{block heading: {indicator label: row}} for the big headings of the body."""
    out, current = {}, None
    for row in body:
        if row[0] in (WARD, WARD_LEVEL, AREA_1, AREA_2, AREA_3):
            current = out.setdefault(row[0], {})
        elif isinstance(row[0], int):
            current[row[1]] = row
    return out


def _shown(value):
    return str(value) if isinstance(value, Ratio) else value


def test_the_form_is_registered():
    form = registry.get("yearend-summary")
    assert form.takes_area and not form.takes_quarter
    assert form.title.startswith("Báo cáo tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc")


def test_header_title_and_columns(db, records, tmp_path, pin_today):  # noqa: F811
    pin_today(date(2026, 1, 5))  # the document's date, by default today
    ws = _export(db, tmp_path).active
    rows = _rows(ws)
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert rows[0][0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and NATIONAL_TITLE in rows[0]
    assert rows[1][0] == "CÔNG AN PHƯỜNG HOÀN KIẾM" and MOTTO in rows[1]
    assert any(t.startswith("Số:") for t in texts)
    assert "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026" in texts
    assert "BÁO CÁO" in texts
    assert "Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025" in texts
    assert not any(t.startswith("(Số liệu tính đến") for t in texts)  # a past year: whole
    start, _ = _body(rows)
    assert rows[start - 3] == HEADERS and rows[start - 2] == SUB_HEADERS
    assert ws.print_title_rows == f"${start - 2}:${start}"
    note = next(t for t in texts if t.startswith("Chỉ tiêu dạng x/y"))
    assert "cột (8) là tỷ lệ x/y năm 2025, cột (9) là mức tăng (+), giảm (−)" in note
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert "TRƯỞNG CÔNG AN PHƯỜNG" in texts and "Nguyễn Văn Hùng" in texts
    # the unit's own recipients, named after its province and ward
    assert ["- Công an thành phố Hà Nội (để báo cáo);", "- Đảng ủy, UBND phường Hoàn Kiếm;",
            "- Lưu: VT, hồ sơ phong trào."] == [t for t in texts if t.startswith("- ")]
    assert not any(t.startswith("=") for t in texts)  # totals are values, not formulas


def test_ward_block_cell_by_cell(db, records, tmp_path):  # noqa: F811
    ws = _export(db, tmp_path).active
    start, body = _body(_rows(ws))
    # the ward block first: its heading, then every section and indicator in the list's order
    assert body[0][0] == WARD and body[0][1:] == [None] * (NCOLS - 1)
    assert ws.cell(start + 1, 1).alignment.horizontal == "center"
    expected_order = []
    number = 0
    for item in ITEMS:
        if isinstance(item, Indicator):
            number += 1
            expected_order.append([number, item.label, item.unit])
        else:
            number = 0
            expected_order.append([*item.title.split(". ", 1), None])
    block = body[1:1 + len(ITEMS)]
    assert [r[:3] for r in block] == expected_order
    # a section row: its numeral under STT, its title in bold, nothing merged
    assert body[1] == ["I", "Phát hiện, cung cấp thông tin, tố giác tội phạm",
                       *[None] * (NCOLS - 2)]
    assert ws.cell(start + 2, 2).font.b and ws.cell(start + 2, 1).font.b
    assert not ws.cell(start + 3, 2).font.b
    merged = sorted(r.min_row for r in ws.merged_cells.ranges
                    if start < r.min_row <= start + len(body))
    assert [body[r - start - 1][0] for r in merged] == [  # the blocks' headings only
        WARD, WARD_LEVEL, AREA_1, AREA_2, AREA_3]
    # whole rows, counted by hand: STT, label, unit, 2024, 2025, change, change %, share,
    # change of the share in points, note
    rows = {r[1]: r for r in block if isinstance(r[0], int)}
    assert rows["Tin báo, tố giác của quần chúng"] == [
        1, "Tin báo, tố giác của quần chúng", "tin", 2, 6, 4, 200.0, None, None, None]
    assert rows["Đối tượng bị bắt giữ nhờ tin báo"] == [
        4, "Đối tượng bị bắt giữ nhờ tin báo", "đối tượng", 1, 5, 4, 400.0, None, None, None]
    assert rows["Mô hình, tổ tự quản đang hoạt động"] == [
        1, "Mô hình, tổ tự quản đang hoạt động", "mô hình", 3, 2, -1, -33.3, None, None,
        "Đang hoạt động cuối kỳ"]
    assert rows["Pháo các loại"] == [4, "Pháo các loại", "kg", 2, 12.5, 10.5, 525.0, None, None,
                                     None]
    assert rows["Đạn các loại"] == [2, "Đạn các loại", "viên", 0, 30, 30, None, None, None, None]
    assert rows["Hòa giải không thành"] == [3, "Hòa giải không thành", "vụ, việc", 1, 1, 0,
                                            0.0, None, None, None]
    signed = rows["Hộ gia đình đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, "
                  "trật tự”"]
    # an x/y figure: its share this year and the change in points, never a "%" of change
    assert signed[2:] == ["hộ", "3/5", "3/4", None, None, 75.0, 15.0,
                          "Hộ đăng ký/hộ đang cư trú"]
    assert rows["Cơ sở giáo dục được công nhận"][2:] == ["cơ sở", "0/1", "1/1", None, None,
                                                        100.0, 100.0, "Công nhận/tổng số"]
    assert rows["Doanh nghiệp được công nhận"][3:9] == ["0/1", "0/1", None, None, 0.0, 0.0]
    # no column mixes the two kinds: counts fill (6) and (7) only, x/y figures (8) and (9)
    for row in rows.values():
        ratio = "/" in str(row[4])
        assert (row[5:7] == [None, None]) if ratio else (row[7:9] == [None, None]), row
    # every indicator's two years, against the hand counts
    labels = {i.code: i.label for i in ITEMS if isinstance(i, Indicator)}
    for code, places in EXPECTED.items():
        zero = Ratio(0, 0) if code in RATIOS else 0
        last = sum((p[0] for p in places.values()), zero)
        this = sum((p[1] for p in places.values()), zero)
        assert rows[labels[code]][3:5] == [_shown(last), _shown(this)], code


def test_number_formats(db, records, tmp_path):  # noqa: F811
    ws = _export(db, tmp_path).active
    start, body = _body(_rows(ws))
    fire = min(start + 1 + i for i, row in enumerate(body) if row[1] == "Pháo các loại")
    assert ws.cell(fire, 5).number_format == "#,##0.0#"  # 12.5 kg
    assert ws.cell(fire, 4).number_format == "#,##0"  # 2 kg, whole
    assert ws.cell(fire, 6).number_format == "+#,##0.0#;-#,##0.0#;0"
    tips = min(start + 1 + i for i, row in enumerate(body) if row[0] == 1)
    assert ws.cell(tips, 6).number_format == "+#,##0;-#,##0;0"
    assert ws.cell(tips, 7).number_format == "+0.0;-0.0;0.0"
    signed = min(start + 1 + i for i, row in enumerate(body) if row[2] == "hộ")
    assert ws.cell(signed, 8).number_format == "0.0"  # the share, in its own column
    assert ws.cell(signed, 9).number_format == "+0.0;-0.0;0.0"  # its change, in points
    assert all(c.font.name == "Times New Roman" for row in ws.iter_rows() for c in row
               if c.value is not None)


def test_a_section_per_area_and_the_ward_level(db, records, tmp_path):  # noqa: F811
    _, body = _body(_rows(_export(db, tmp_path).active))
    blocks = _blocks(body)
    assert list(blocks) == [WARD, WARD_LEVEL, AREA_1, AREA_2, AREA_3]
    assert [r[1] for r in body].count(SECTIONS[0].split(". ", 1)[1]) == 5
    labels = {i.code: i.label for i in ITEMS if isinstance(i, Indicator)}
    for heading, place in ((WARD_LEVEL, W), (AREA_1, A1), (AREA_2, A2), (AREA_3, "A3")):
        for code, places in EXPECTED.items():
            if code in WARD_ONLY and place != W:  # not printed in the areas' sections
                assert labels[code] not in blocks[heading], (heading, code)
                continue
            zero = Ratio(0, 0) if code in RATIOS else 0
            last, this = places.get(place, (zero, zero))
            assert blocks[heading][labels[code]][3:5] == [_shown(last), _shown(this)], (
                heading, code)
    area = list(blocks[AREA_1])
    assert area.index("Tập thể được khen thưởng") == len(area) - 2  # numbering goes on
    assert blocks[AREA_1]["Khu dân cư được công nhận “An toàn về an ninh, trật tự”"][0] == 2
    area_1 = blocks[AREA_1]
    assert area_1["Mô hình, tổ tự quản đang hoạt động"][3:9] == [1, 2, 1, 100.0, None, None]
    assert area_1["Hộ gia đình đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, "
                  "trật tự”"][3:9] == ["1/3", "2/2", None, None, 100.0, 66.7]
    assert blocks[AREA_2]["Khu dân cư được công nhận “An toàn về an ninh, trật tự”"][3:9] == [
        "1/1", "0/1", None, None, 0.0, -100.0]


def test_one_area(db, records, tmp_path):  # noqa: F811
    ws = _export(db, tmp_path, area_id=records[A2]).active
    rows = _rows(ws)
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert "Khu dân cư: Tổ dân phố số 2" in texts
    _, body = _body(rows)
    blocks = _blocks(body)
    assert list(blocks) == [AREA_2, WARD]  # the area first, the whole ward to compare
    assert blocks[AREA_2]["Dao, kiếm, vũ khí thô sơ"][3:7] == [0, 4, 4, None]
    assert blocks[WARD]["Dao, kiếm, vũ khí thô sơ"][3:7] == [1, 4, 3, 300.0]


@pytest.mark.parametrize("today", [date(2026, 11, 20), date(2026, 12, 31)], ids=str)
def test_the_current_year_says_up_to_when(db, records, tmp_path, pin_today,  # noqa: F811
                                          today):
    pin_today(today)
    texts = [v for row in _rows(_export(db, tmp_path, year=2026).active) for v in row
             if isinstance(v, str)]
    assert "Năm 2025" in texts and "Năm 2026" in texts
    notes = [t for t in texts if t.startswith("(Số liệu tính đến")]
    assert notes == ([] if today == date(2026, 12, 31) else
                     [f"(Số liệu tính đến ngày {today:%d/%m/%Y})"])


@sqlite_only
def test_a_broken_indicator_list_is_a_report_error(db, records, tmp_path):  # noqa: F811
    (tmp_path / "indicators.json").write_text(
        '{"indicators": [{"code": "x", "label": "X", "unit": "", "source": "nowhere"}]}',
        encoding="utf-8")
    with pytest.raises(ReportError, match="nguồn số liệu “nowhere” không có"):
        _export(db, tmp_path)
    assert not (tmp_path / "tong-ket.xlsx").exists()


def _look(cell):
    return (cell.value, cell.number_format, repr(cell.font), repr(cell.alignment),
            repr(cell.border))


def test_the_faster_sheet_draws_exactly_what_sheet_draws(letterhead):
    """YearEndSheet copies the finished styles of the first row of each kind; every cell, row
    height and page break must be what layout.Sheet itself would have written."""
    from datetime import date as day

    from openpyxl import Workbook

    from antq_desktop.reports.forms.yearend import YearEndSheet, columns
    from antq_desktop.reports.layout import Heading, Sheet, Subtotal

    rows = [Heading("TOÀN PHƯỜNG HOÀN KIẾM"), ["I", "Phát hiện, cung cấp thông tin, tố giác"]]
    for i in range(1, 120):
        rows.append([i, "Tin báo, tố giác của quần chúng" * (1 + i % 3), "tin", i, 2 * i,
                     i if i % 4 else -i, round(100 / i, 1) if i % 5 else None, None, None,
                     "Đang hoạt động cuối kỳ" if i % 7 == 0 else None])
        if i % 10 == 0:
            rows += [["II", "Mô hình, tổ tự quản"], [i, "Pháo các loại", "kg", 2.5, 12,
                                                     9.5, 380.0, None, None, None],
                     [i, "Hộ đăng ký", "hộ", "1/3", "2/2", None, None, 100.0, 66.7,
                      "Hộ đăng ký/hộ"],
                     [i, "Ngày", "", day(2025, 1, 2), None, None, None, None, None, None]]
    rows.append(Subtotal(["Cộng", None, None, 1, 2, 3, 4.0]))
    sheets = []
    for kind in (Sheet, YearEndSheet):
        ws = Workbook().active
        sheet = kind(ws, letterhead, columns(2025), landscape=True)
        sheet.header(number="", on=day(2026, 1, 5))
        sheet.table(rows)
        sheet.signature(recipients=["Lưu: VT."])
        sheets.append(ws)
    plain, fast = sheets
    assert fast.max_row == plain.max_row > 150
    for r in range(1, plain.max_row + 1):
        assert fast.row_dimensions[r].height == plain.row_dimensions[r].height, r
        for c in range(1, len(columns(2025)) + 1):
            assert _look(fast.cell(r, c)) == _look(plain.cell(r, c)), (r, c)
    assert [x.id for x in fast.row_breaks.brk] == [x.id for x in plain.row_breaks.brk]
    assert fast.print_title_rows == plain.print_title_rows
