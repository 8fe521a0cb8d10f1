"""Printing and PDF: a TableDocument as HTML, laid out on A4 pages and written as a PDF whose
text is read back with pypdf (the header lines, the title, every row, page numbers from page 2,
the column headers on every page, the signature block on one page)."""

import os
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from antq_desktop.reports import printing
from antq_desktop.reports.document import (
    TableDocument,
    carry_start,
    display,
    to_html,
    to_workbook,
)
from antq_desktop.reports.export import ExportError
from antq_desktop.reports.layout import MOTTO, NATIONAL_TITLE, Column, Heading, Subtotal
from antq_desktop.reports.registry import Params
from tests.reports.test_cert_forms import YEAR, certified_ward

# A QApplication first: the printing edge would otherwise create a bare QGuiApplication, which
# the GUI tests running later in this process could not use.
pytestmark = pytest.mark.usefixtures("qapp")

COLUMNS = [Column("STT", 5, "center"), Column("Tên đơn vị", 30), Column("Địa chỉ", 24),
           Column("Ngày đăng ký", 12, "center"), Column("Kết quả", 9, "center")]
ON = date(2026, 1, 5)


def _doc(letterhead, n=3, *, landscape=False, headings=False, **kw):
    rows = []
    for i in range(1, n + 1):
        if headings and i in (1, n // 2 + 1):
            rows.append(Heading(f"{'I' if i == 1 else 'II'}. Nhóm {i}"))
        rows.append([i, f"Đơn vị số {i}", f"{i} Hàng Bạc", date(2025, 2, i % 28 + 1), "Đạt"])
    doc = TableDocument(letterhead=letterhead, number="", on=ON, title="Danh sách",
                        subject_lines=["Đơn vị được công nhận năm 2025"], columns=COLUMNS,
                        rows=rows, total=(f"Tổng cộng: {n} đơn vị",),
                        recipients=["UBND phường;", "Lưu: VT."], landscape=landscape)
    return replace(doc, **kw)


def _pages(path):
    """The text of each page, laid out in lines as on paper (tabs are word spaces)."""
    return [page.extract_text(extraction_mode="layout").replace("\t", " ")
            for page in PdfReader(path).pages]


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pdf(doc, tmp_path, name="ds.pdf"):
    path = printing.export_pdf(doc, tmp_path / name)
    return _pages(path)


# -- HTML ------------------------------------------------------------------------------------------
def test_html_has_every_part_of_the_state_format(letterhead):
    html = to_html(_doc(letterhead, headings=True))
    for text in ["CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN PHƯỜNG HOÀN KIẾM", NATIONAL_TITLE, MOTTO,
                 "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026", "Số: ", "DANH SÁCH",
                 "Đơn vị được công nhận năm 2025", "Tên đơn vị", "(5)", "I. Nhóm 1",
                 "Đơn vị số 3", "02/02/2025", "Tổng cộng: 3 đơn vị", "Nơi nhận:",
                 "- UBND phường;", "KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG",
                 "Nguyễn Văn Hùng"]:
        assert text in html, text
    assert html.count("<thead>") == 1 and "page-break-before" not in html
    # the rules under the issuer, under the motto and under the subject line
    assert html.count("<hr") == 3
    assert "font-family:'Times New Roman'" in html


def test_html_escapes_text_and_keeps_line_breaks(letterhead):
    doc = _doc(letterhead, 1, rows=[[1, "Công ty <A&B>", "Số 1\nHàng Bạc", None, "Đạt"]])
    html = to_html(doc)
    assert "Công ty &lt;A&amp;B&gt;" in html and "Số 1<br/>Hàng Bạc" in html


def test_html_cuts_the_table_into_pieces_at_the_breaks(letterhead):
    doc = _doc(letterhead, 6)
    html = to_html(doc, breaks=[2, 4])
    assert html.count("<thead>") == 3 and html.count("page-break-before:always") == 2
    assert html.index("Đơn vị số 2") < html.index("page-break-before") < html.index("Đơn vị số 3")
    assert html.count("Tổng cộng: 6 đơn vị") == 1
    assert html.rindex("<thead>") < html.index("Tổng cộng")
    whole = to_html(doc, breaks=[0])  # the whole table on a new page
    assert whole.count("<thead>") == 1 and whole.count("page-break-before:always") == 1


def test_an_empty_table_says_so(letterhead):
    html = to_html(_doc(letterhead, 0, total=None, empty="Không có đơn vị nào."))
    assert "Không có đơn vị nào." in html and "<thead>" in html


def test_display_of_values():
    assert display(date(2025, 3, 9)) == "09/03/2025"
    assert display(1234567, "#,##0") == "1.234.567" and display(1234) == "1234"
    assert display(2.5, "0.0") == "2,5" and display(1234.5) == "1.234,50"
    assert display(None) == "" and display("x") == "x"


def test_subtotal_label_spans_the_empty_cells(letterhead):
    doc = _doc(letterhead, 1, rows=[Subtotal(["Cộng", None, None, None, 4])], total=None)
    html = to_html(doc)
    assert 'colspan="4"' in html and ">Cộng</td>" in html


def test_carry_start_takes_the_heading_along(letterhead):
    doc = _doc(letterhead, 4, rows=[Heading("I"), [1], [2], Heading("II"), [3], [4]])
    assert carry_start(doc, 2) == 3  # rows 3 and 4 with their heading
    assert carry_start(doc, 1) == 5
    assert carry_start(doc, 4) == 0 and carry_start(_doc(letterhead, 2), 2) == 0


def test_same_document_as_a_workbook(letterhead):
    ws = to_workbook(_doc(letterhead, 2), "Danh sách").active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert ws.title == "Danh sách"
    assert values[0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and "Đơn vị số 2" in values
    assert "Tổng cộng: 2 đơn vị" in values and values[-1] == "Nguyễn Văn Hùng"


# -- PDF -------------------------------------------------------------------------------------------
def test_pdf_of_a_short_list(letterhead, tmp_path):
    pages = _pdf(_doc(letterhead, 3), tmp_path)
    assert len(pages) == 1
    text = pages[0]
    lines = _lines(text)
    # The header: two blocks side by side, then the place and date.
    assert lines[0].startswith("CÔNG AN THÀNH PHỐ HÀ NỘI") and lines[0].endswith(NATIONAL_TITLE)
    assert lines[1].startswith("CÔNG AN PHƯỜNG HOÀN KIẾM") and lines[1].endswith(MOTTO)
    assert lines[2].startswith("Số:") and lines[2].endswith(
        "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026")
    assert lines[3] == "DANH SÁCH" and lines[4] == "Đơn vị được công nhận năm 2025"
    for i in (1, 2, 3):
        assert f"Đơn vị số {i}" in text
    assert "Tổng cộng: 3 đơn vị" in text
    assert "KT. TRƯỞNG CÔNG AN PHƯỜNG" in text and lines[-1] == "Nguyễn Văn Hùng"
    reader = PdfReader(tmp_path / "ds.pdf")
    assert reader.metadata.title == "Danh sách" and reader.metadata.creator == "ANTQ Desktop"
    box = reader.pages[0].mediabox  # A4 portrait, in points
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_landscape_page(letterhead, tmp_path):
    _pdf(_doc(letterhead, 2, landscape=True), tmp_path)
    box = PdfReader(tmp_path / "ds.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_long_list_headers_and_page_numbers(letterhead, tmp_path):
    doc = _doc(letterhead, 70, headings=True)
    pages = _pdf(doc, tmp_path)
    assert len(pages) == printing.page_count(doc) >= 3
    first = _lines(pages[0])
    assert first[0].startswith("CÔNG AN THÀNH PHỐ HÀ NỘI")  # no number on page 1
    assert "1" not in first[:3]
    for number, text in enumerate(pages[1:], start=2):
        lines = _lines(text)
        assert lines[0] == str(number)  # top centre, above everything else
        assert lines[1].startswith("STT") and "Tên đơn vị" in lines[1]  # the header again
        assert [f"({i})" for i in range(1, 6)] in [line.split() for line in lines[2:4]]
    everything = "\n".join(pages)
    for i in range(1, 71):
        assert everything.count(f"Đơn vị số {i} ") + everything.count(f"Đơn vị số {i}\n") == 1


def _grouped(letterhead, n, every=4):
    rows = []
    for i in range(1, n + 1):
        if i % every == 1:
            rows.append(Heading(f"Nhóm {i // every + 1}"))
        rows.append([i, f"Đơn vị số {i}", f"{i} Hàng Bạc", None, "Đạt"])
    return _doc(letterhead, n, rows=rows, landscape=True)


def _plain_pages(doc) -> tuple[list[tuple[int, int]], bool]:
    """The pages (first and last row) that filling each page as far as the rows go, with no
    other rule, would give, and whether the signature block would fit under the last rows."""
    m = printing.measure(doc, printing.pdf_printer(doc, os.devnull))
    pages, start, used = [], 0, m.first
    for i, h in enumerate(m.rows):
        if used + h > m.page and i > start:
            pages.append((start, i))
            start, used = i, m.middle
        used += h
    pages.append((start, len(m.rows)))
    fits = used + m.total + (m.single if start == 0 else m.last) - (
        m.first if start == 0 else m.middle) <= m.page
    return pages, fits


def _heading_ends_a_page(doc) -> bool:
    """Whether filling the pages as far as the rows go would end a page with a group heading."""
    pages, _ = _plain_pages(doc)
    return any(isinstance(doc.rows[b - 1], Heading) for _, b in pages[:-1])


def test_no_page_is_left_empty_and_a_heading_never_ends_a_page(letterhead, tmp_path):
    n = 40
    every = next((k for k in range(2, 9) if _heading_ends_a_page(_grouped(letterhead, n, k))),
                 None)
    assert every, "no list ends a page with a heading: the test proves nothing"
    pages = _pdf(_grouped(letterhead, n, every), tmp_path)
    for text in pages:
        lines = _lines(text)
        body = [line for line in lines if line.startswith("Nhóm") or "Đơn vị số" in line]
        assert body and "Đơn vị số" in body[-1]  # rows on every page, the last not a heading
    everything = "\n".join(pages)
    assert all(f"Đơn vị số {i} " in everything for i in range(1, n + 1))


def _straddling_row_counts(letterhead, counts):
    """Row counts whose last page, filled as far as the rows go, has no room for the
    signature block."""
    return [n for n in counts if not _plain_pages(_doc(letterhead, n))[1]]


def test_the_signature_block_stays_on_one_page(letterhead, tmp_path):
    found = _straddling_row_counts(letterhead, range(10, 40))
    assert found, "no row count splits the signature block: the test proves nothing"
    n = found[len(found) // 2]
    pages = _pdf(_doc(letterhead, n), tmp_path)
    with_title = [i for i, text in enumerate(pages) if "PHÓ TRƯỞNG CÔNG AN PHƯỜNG" in text]
    with_name = [i for i, text in enumerate(pages) if "Nguyễn Văn Hùng" in text]
    assert with_title == with_name == [len(pages) - 1]
    last = pages[-1]
    # The last two rows and the total went over with it, under the column headers.
    assert f"Đơn vị số {n - 1}" in last and f"Đơn vị số {n}" in last
    assert "Tổng cộng" in last and "Tên đơn vị" in last
    assert f"Đơn vị số {n - 2} " in pages[-2]


def test_pdf_of_the_recognised_list(db, ward, tmp_path):
    from antq_desktop.reports import registry

    certified_ward(db, ward)
    doc = registry.get("cert-recognised").document(db, Params(YEAR))
    pages = _pdf(doc, tmp_path, "cn.pdf")
    text = " ".join("\n".join(pages).split())
    # an annex of the People's Committee's decision (ND30, Phụ lục III mẫu 2.1): it opens with
    # its title and the "(Kèm theo …)" line; no police header, number, date or signature
    assert pages[0].lstrip().startswith("DANH SÁCH")
    for line in ["DANH SÁCH", f"năm {YEAR}", "(Kèm theo Quyết định số 15/QĐ-UBND ngày 12 "
                 f"tháng 11 năm {YEAR} của Chủ tịch UBND phường)", "I. Khu dân cư",
                 "II. Cơ quan", "III. Doanh nghiệp", "Tổng cộng: 3 đơn vị"]:
        assert line in text, line
    for line in ["CÔNG AN", NATIONAL_TITLE, MOTTO, "Số:", "Phường Hoàn Kiếm, ngày",
                 "TRƯỞNG CÔNG AN PHƯỜNG", "Nguyễn Văn Hùng", "Nơi nhận"]:
        assert line not in text, line
    for name in ["Tổ dân phố số 1", "Ngân hàng Sao Mai", "Công ty Ánh Dương"]:
        assert name in text, name
    for name in ["Tổ dân phố số 2", "Bưu điện Hàng Bạc", "Trường THCS Trưng Vương"]:
        assert name not in text, name


# -- files and the application ---------------------------------------------------------------------
def test_failed_pdf_leaves_the_old_file(letterhead, tmp_path, monkeypatch):
    target = tmp_path / "ds.pdf"
    target.write_bytes(b"old")

    def broken(doc, printer):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(printing, "print_document", broken)
    with pytest.raises(ExportError, match="Ổ đĩa đã đầy: không ghi được tệp ds.pdf vào thư mục"):
        printing.export_pdf(_doc(letterhead), target)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["ds.pdf"]


def test_pdf_into_a_missing_folder(letterhead, tmp_path):
    with pytest.raises(ExportError, match="không tồn tại"):
        printing.export_pdf(_doc(letterhead), tmp_path / "khong" / "ds.pdf")


def test_the_running_application_is_reused(qapp):
    assert printing.ensure_gui_app() is qapp


def test_the_shipped_serif_is_used():
    assert printing.font_family() == "Liberation Serif"


def test_page_count_follows_the_orientation(letterhead):
    doc = _doc(letterhead, 40)
    assert printing.page_count(replace(doc, landscape=True)) > printing.page_count(doc)
