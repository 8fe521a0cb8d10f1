"""The state-format layout, checked cell by cell in the saved and reloaded workbook."""

import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from antq_desktop.reports.layout import (
    FONT_NAME,
    MARGINS_MM,
    Column,
    Heading,
    Letterhead,
    Sheet,
    Subtotal,
    place_date,
)
from antq_desktop.services.unit import UnitInfo

from .conftest import LETTERHEAD

COLUMNS = [
    Column("STT", 6, "center"), Column("Họ và tên", 20), Column("Ngày sinh", 12, "center"),
    Column("Giới tính", 6, "center"), Column("Nơi cư trú", 22), Column("Tổ dân phố", 10),
    Column("Quyết định số, ngày", 14), Column("Tiếp nhận", 7, "center", group="Kết quả"),
    Column("Thành", 7, "center", "#,##0", group="Kết quả"),
    Column("Không thành", 7, "center", group="Kết quả"),
    Column("Người giúp đỡ", 16), Column("Ghi chú", 8),
]
RECIPIENTS = ["Công an thành phố (PV05);", "Lưu: VT."]


@pytest.mark.parametrize("day, expected", [
    (date(2026, 1, 5), "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026"),
    (date(2025, 11, 15), "Phường Hoàn Kiếm, ngày 15 tháng 11 năm 2025"),
    (date(2026, 2, 1), "Phường Hoàn Kiếm, ngày 01 tháng 02 năm 2026"),
    (date(2025, 3, 9), "Phường Hoàn Kiếm, ngày 09 tháng 3 năm 2025"),
    (date(2025, 12, 31), "Phường Hoàn Kiếm, ngày 31 tháng 12 năm 2025"),
])
def test_place_date(day, expected):
    assert place_date("Phường Hoàn Kiếm", day) == expected


def _rows(n):
    rows = [Heading("I. Tổ dân phố số 1")]
    for i in range(1, n + 1):
        rows.append([i, f"Nguyễn Văn {i}", date(1980, 1 + i % 12, 1 + i % 28), "Nam",
                     f"Số {i} phố Hàng Bạc, phường Hoàn Kiếm", "Tổ 1", f"{i}/QĐ-UBND", 2, 1, 1,
                     "Trần Thị Lan", ""])
    rows.append(Subtotal(["Cộng", None, None, None, None, None, None, 2 * n, n, n]))
    return rows


def _build(n=60, landscape=True, columns=COLUMNS, recipients=RECIPIENTS):
    wb = Workbook()
    sheet = Sheet(wb.active, LETTERHEAD, columns, landscape=landscape)
    sheet.header(number="12/DS-CAP", on=date(2026, 1, 5))
    sheet.title("Danh sách", ["Người được giáo dục tại địa phương năm 2025"])
    sheet.table(_rows(n), total=["Tổng cộng", None, None, None, None, None, None, 2 * n, n, n])
    sheet.signature(recipients=recipients)
    return wb, sheet


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    wb, sheet = _build()
    path = tmp_path_factory.mktemp("layout") / "sheet.xlsx"
    wb.save(path)
    return load_workbook(path), sheet, path


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in the sheet")


def _merge_of(ws, cell):
    return next((str(r) for r in ws.merged_cells.ranges if cell.coordinate in r), None)


def test_page_setup(saved):
    ws = saved[0].active
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    m = ws.page_margins
    assert (m.top, m.bottom, m.left, m.right) == pytest.approx(
        [MARGINS_MM[k] / 25.4 for k in ("top", "bottom", "left", "right")])
    assert m.header < m.top
    assert ws.print_options.horizontalCentered
    # Page numbers top centre from page 2: a different (empty) first-page header.
    assert ws.HeaderFooter.differentFirst
    assert ws.oddHeader.center.text == "&P"
    assert not ws.firstHeader.center.text
    assert ws.oddHeader.center.font.startswith(FONT_NAME)


def test_columns_fill_the_printable_width(saved):
    ws, sheet = saved[0].active, saved[1]
    total_pt = sum(ws.column_dimensions[c].width * 6 for c in "ABCDEFGHIJKL")
    assert total_pt == pytest.approx(sheet.printable_width * 0.97, rel=0.01)
    # All columns on one page width, also where the spreadsheet program lacks Times New Roman
    # and measures the columns in a wider font's digits; as many pages tall as it takes.
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_header_block(saved):
    ws, sheet = saved[0].active, saved[1]
    k = sheet._header_left
    superior, national = ws["A1"], ws.cell(1, k + 1)
    assert superior.value == "CÔNG AN THÀNH PHỐ HÀ NỘI" and not superior.font.b
    assert national.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and national.font.b
    issuer, motto = ws["A2"], ws.cell(2, k + 1)
    assert issuer.value == "CÔNG AN PHƯỜNG HOÀN KIẾM" and issuer.font.b
    assert motto.value == "Độc lập - Tự do - Hạnh phúc" and motto.font.b and motto.font.sz >= 13
    # Both rules: underlined no-break spaces in the row under the bodies, centred.
    for cell in (ws["A3"], ws.cell(3, k + 1)):
        assert set(cell.value) == {"\u00a0"} and cell.font.u == "single"
        assert cell.alignment.horizontal == "center"
    assert len(ws["A3"].value) < len(ws.cell(3, k + 1).value)  # the issuer's rule is shorter
    number = _find(ws, "Số: 12/DS-CAP")
    when = _find(ws, "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026")
    assert number.row == when.row and number.column == 1 and when.column == k + 1
    assert when.font.i and not when.font.b
    for cell in (superior, national, issuer, motto, number, when):
        assert _merge_of(ws, cell) is not None
    assert _merge_of(ws, superior) == f"A1:{get_column_letter(k)}1"
    assert _merge_of(ws, national) == f"{national.coordinate}:L1"


def test_title(saved):
    ws = saved[0].active
    title = _find(ws, "DANH SÁCH")
    subject = ws.cell(title.row + 1, 1)
    assert title.font.b and title.font.sz == 14
    assert subject.value == "Người được giáo dục tại địa phương năm 2025" and subject.font.b
    assert _merge_of(ws, title) == f"A{title.row}:L{title.row}"


def test_every_written_cell_is_times_new_roman(saved):
    ws, path = saved[0].active, saved[2]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert cell.font.name == FONT_NAME, cell.coordinate
                assert not str(cell.value).startswith("="), "totals are values, not formulas"
    # The workbook's default font too: column widths count its digits.
    styles = zipfile.ZipFile(path).read("xl/styles.xml").decode()
    first_font = re.search(r"<font>.*?</font>", styles, re.DOTALL).group(0)
    assert 'val="Times New Roman"' in first_font and 'val="12"' in first_font


def test_table_header_rows(saved):
    ws = saved[0].active
    stt = _find(ws, "STT")
    top = stt.row
    # A plain column spans both header rows; the group sits over its three columns.
    assert _merge_of(ws, stt) == f"A{top}:A{top + 1}"
    group = _find(ws, "Kết quả")
    assert group.row == top and _merge_of(ws, group) == f"H{top}:J{top}"
    assert [ws.cell(top + 1, c).value for c in (8, 9, 10)] == ["Tiếp nhận", "Thành", "Không thành"]
    assert ws.cell(top, 11).value == "Người giúp đỡ"
    assert _merge_of(ws, ws.cell(top, 11)) == f"K{top}:K{top + 1}"
    assert all(ws.cell(top, c).font.b for c in (1, 2, 8))
    # The column-number row, then the header rows repeat on every page.
    assert [ws.cell(top + 2, c).value for c in range(1, 13)] == [f"({i})" for i in range(1, 13)]
    assert ws.print_title_rows == f"${top}:${top + 2}"
    for r in (top, top + 1, top + 2):
        assert ws.cell(r, 5).border.left.style == "thin"
        assert ws.cell(r, 5).border.bottom.style == "thin"


def test_data_group_and_total_rows(saved):
    ws = saved[0].active
    heading = _find(ws, "I. Tổ dân phố số 1")
    assert heading.font.b and _merge_of(ws, heading) == f"A{heading.row}:L{heading.row}"
    first = heading.row + 1
    assert [ws.cell(first, c).value for c in (1, 2, 8, 9, 10)] == [1, "Nguyễn Văn 1", 2, 1, 1]
    assert ws.cell(first, 3).number_format == "dd/mm/yyyy"
    assert ws.cell(first, 3).value.date() == date(1980, 2, 2)
    assert ws.cell(first, 9).number_format == "#,##0"
    assert ws.cell(first, 2).alignment.wrap_text
    assert ws.cell(first, 8).alignment.shrink_to_fit  # numbers shrink instead of "###"
    for c in range(1, 13):
        border = ws.cell(first, c).border
        assert {border.left.style, border.right.style, border.top.style,
                border.bottom.style} == {"thin"}
    sub = _find(ws, "Cộng")
    assert sub.font.b and _merge_of(ws, sub) == f"A{sub.row}:G{sub.row}"
    assert [ws.cell(sub.row, c).value for c in (8, 9, 10)] == [120, 60, 60]
    total = _find(ws, "Tổng cộng")
    assert total.row == sub.row + 1 and total.font.b
    assert [ws.cell(total.row, c).value for c in (8, 9, 10)] == [120, 60, 60]
    assert all(ws.cell(total.row, c).font.b for c in (8, 9, 10))
    assert ws.cell(total.row, 12).border.right.style == "thin"
    # Every row has its height set (merged cells never grow by themselves).
    assert all(ws.row_dimensions[r].height for r in range(1, ws.max_row + 1))


def test_signature_block(saved):
    ws, sheet = saved[0].active, saved[1]
    kt = _find(ws, "KT. TRƯỞNG CÔNG AN PHƯỜNG")
    deputy = ws.cell(kt.row + 1, kt.column)
    name = _find(ws, "Nguyễn Văn Hùng")
    assert deputy.value == "PHÓ TRƯỞNG CÔNG AN PHƯỜNG"
    assert kt.font.b and deputy.font.b and name.font.b
    assert name.column == kt.column and name.row > deputy.row + 3  # room to sign
    assert kt.column == sheet._signature_left + 1
    received = _find(ws, "Nơi nhận:")
    assert received.row == kt.row and received.column == 1
    assert received.font.b and received.font.i and received.font.sz == 12
    lines = [ws.cell(received.row + i, 1) for i in (1, 2)]
    assert [c.value for c in lines] == ["- Công an thành phố (PV05);", "- Lưu: VT."]
    assert all(c.font.sz == 11 and not c.font.b for c in lines)
    assert ws.print_area == f"'{ws.title}'!$A$1:$L${name.row}"


def _page_heights(sheet) -> dict[int, float]:
    """The height of each page as the manual breaks cut it, the repeated header rows counted
    on every page after the first."""
    pages, (a, b) = sheet.pages(), sheet._title_rows
    titles = sum(sheet._row_height(r) for r in range(a, b + 1))
    heights: dict[int, float] = {}
    for row, page in pages.items():
        heights[page] = heights.get(page, titles if page > 1 else 0.0) + sheet._row_height(row)
    return heights


def test_signature_stays_on_one_page():
    """Whatever the table length, every page fits as the manual breaks cut it (so no program
    adds a break of its own), the signature block never straddles a page break and the last
    page carries at least the last two data rows with it."""
    moved = 0
    for n in range(8, 60):
        wb, sheet = _build(n)
        pages = sheet.pages()
        ws = wb.active
        assert max(_page_heights(sheet).values()) <= sheet.printable_height, n
        kt = _find(ws, "KT. TRƯỞNG CÔNG AN PHƯỜNG").row
        assert pages[kt] == pages[sheet.row - 1] == max(pages.values()), n
        on_last = [r for r in sheet._data_rows if pages[r] == pages[kt]]
        assert len(on_last) >= 2, n
        breaks = [b.id for b in ws.row_breaks.brk]
        assert len(breaks) == max(pages.values()) - 1
        if breaks and len(on_last) == 2:
            moved += 1
    assert moved, "no table length made the block carry rows (test covers nothing)"


def test_a_heading_never_ends_a_sheets_page():
    rows = []
    for group in range(1, 30):
        rows.append(Heading(f"{_roman(group)}. Nhóm {group}"))
        rows += _rows(3)
    for extra in range(0, 8):
        wb = Workbook()
        sheet = Sheet(wb.active, LETTERHEAD, COLUMNS, landscape=True)
        sheet.header(number="", on=date(2026, 1, 5))
        sheet.skip(8 * extra)  # shifts where the pages end
        sheet.title("Danh sách", ["Năm 2025"])
        sheet.table(rows)
        sheet.signature(recipients=RECIPIENTS)
        pages = sheet.pages()
        assert max(_page_heights(sheet).values()) <= sheet.printable_height
        for row in sheet._heading_rows:
            assert pages[row] == pages[row + 1], (extra, row)  # it goes with its rows
        assert {pages[r] for r in sheet._data_rows} == set(pages.values())  # rows on every page
        assert len(set(pages.values())) > 2


def _roman(n):
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][(n - 1) % 10]


def test_short_portrait_sheet_has_no_break():
    wb = Workbook()
    sheet = Sheet(wb.active, LETTERHEAD, [Column("STT", 6, "center"), Column("Khu dân cư", 40),
                                          Column("Số hộ", 10, "right")])
    sheet.header(on=date(2026, 1, 5))
    sheet.title("Danh sách", ["Năm 2025"])
    sheet.table([[i, f"Tổ dân phố số {i}", 10 * i] for i in (1, 2, 3)], total=("Cộng", None, 60))
    sheet.signature(recipients=RECIPIENTS)
    ws = wb.active
    assert ws.page_setup.orientation == "portrait"
    assert not ws.row_breaks.brk
    assert set(sheet.pages().values()) == {1}
    stt = _find(ws, "STT").row
    assert ws.print_title_rows == f"${stt}:${stt + 1}"
    total = _find(ws, "Cộng")
    assert _merge_of(ws, total) == f"A{total.row}:B{total.row}"
    assert ws.cell(total.row, 3).value == 60


def test_single_header_row_and_empty_table():
    wb = Workbook()
    sheet = Sheet(wb.active, LETTERHEAD, [Column("STT", 6), Column("Tên", 30)])
    sheet.header(number=None, on=date(2026, 1, 5))
    sheet.table([], numbered=False)
    sheet.signature()
    ws = wb.active
    stt = _find(ws, "STT")
    assert _merge_of(ws, stt) is None  # one header row, nothing to merge
    assert ws.print_title_rows == f"${stt.row}:${stt.row}"
    empty = ws.cell(stt.row + 1, 1)
    assert empty.value == "(Không có số liệu)" and empty.font.i
    assert not any(str(c.value).startswith("Số:") for row in ws.iter_rows() for c in row)
    with pytest.raises(AssertionError):
        _find(ws, "Nơi nhận:")


def test_blank_number_left_for_handwriting():
    wb = Workbook()
    sheet = Sheet(wb.active, LETTERHEAD, COLUMNS)
    sheet.header(on=date(2026, 3, 5))
    assert wb.active["A5"].value == "Số: " + "\u00a0" * 8 + "/"
    assert _find(wb.active, place_date("Phường Hoàn Kiếm", date(2026, 3, 5)))


def test_row_longer_than_the_columns_is_refused():
    sheet = Sheet(Workbook().active, LETTERHEAD, [Column("A"), Column("B")])
    with pytest.raises(ValueError):
        sheet.table([[1, 2, 3]])


def test_letterhead_from_unit():
    info = UnitInfo(province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
                    ward_name="Phường Hoàn Kiếm", header_superior="Công an thành phố Hà Nội",
                    header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm",
                    commander_name="Lê Văn Nam",
                    commander_title="KT. Trưởng Công an phường / Phó Trưởng Công an phường")
    lh = Letterhead.from_unit(info)
    assert lh.superior == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert lh.signer_title == ("KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG")
    assert lh.signer_name == "Lê Văn Nam" and lh.place == "Phường Hoàn Kiếm"
    info.commander_title = ""
    assert Letterhead.from_unit(info).signer_title == ("TRƯỞNG CÔNG AN PHƯỜNG",)
