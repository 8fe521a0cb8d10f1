"""The page breaks of the program's own PDFs, decided in one pass (document.paginate) from
measured heights: on made-up heights (many rows, headings near the end of a page, a long
signature block, a table that exactly fills a page, random documents), and on real documents,
whose pages as drawn must be exactly as high as the decision assumed."""

import os
import random
from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest

from antq_desktop.reports import printing
from antq_desktop.reports.document import (
    HEADING,
    ROW,
    SECTION,
    SUBTOTAL,
    Formatted,
    Measures,
    PageSpan,
    Paragraph,
    TableDocument,
    column_percents,
    content_width_pt,
    display,
    format_number,
    html_parts,
    paginate,
    to_workbook,
)
from antq_desktop.reports.layout import Column, Heading, SectionRow, Subtotal
from antq_desktop.reports.textfit import text_width

PAGE = 1000.0


def _measures(kinds, *, row=10.0, rows=None, first=200.0, middle=50.0, tail=150.0,
              total=0.0, page=PAGE):
    """Made-up heights: the fixed parts of a page and one height per row."""
    return Measures(page=page, first=first, middle=middle, last=middle + tail,
                    single=first + tail, alone=tail,
                    rows=rows if rows is not None else [row] * len(kinds), kinds=kinds,
                    total=total)


def _height(m, span):
    if span.end == span.start:
        fixed = m.alone if span.last else 0.0
    elif span.start == 0:
        fixed = m.single if span.last else m.first
    else:
        fixed = m.last if span.last else m.middle
    return fixed + sum(m.rows[span.start:span.end]) + (m.total if span.total else 0.0)


def _check_rules(m, spans, keep_with=2):
    """What must hold on every page of every document."""
    n = len(m.rows)
    assert spans[0].start == 0 and spans[0].first and not any(s.first for s in spans[1:])
    assert all(a.end == b.start for a, b in pairwise(spans))  # each row once, in order
    assert spans[-1].end == n and spans[-1].last and not any(s.last for s in spans[:-1])
    if m.total:
        assert [s.total for s in spans].count(True) == 1
        assert next(s for s in spans if s.total).end == n  # with the last row
    for span in spans:
        assert _height(m, span) <= m.page, span  # everything on the page fits
    for span in spans[:-1]:
        kinds = m.kinds[span.start:span.end]
        assert ROW in kinds, f"a page without a table row: {span}"
        assert kinds[-1] not in (HEADING, SECTION), f"a heading ends the page: {span}"
    for span in spans[1:]:
        if span.start < n:
            assert m.kinds[span.start] != SUBTOTAL, f"a subtotal starts the page: {span}"


# -- made-up heights -------------------------------------------------------------------------
def test_a_short_table_is_one_page():
    m = _measures([ROW] * 5)
    assert paginate(m) == [PageSpan(0, 5, first=True, last=True)]


def test_many_rows_fill_every_page():
    m = _measures([ROW] * 500)
    spans = paginate(m)
    _check_rules(m, spans)
    assert [s.end - s.start for s in spans[:3]] == [80, 95, 95]  # (1000 − 200) / 10, 950 / 10
    assert spans[-1].end - spans[-1].start <= 80  # 95 rows less the signature block's room


def test_a_table_that_exactly_fills_the_first_page_carries_two_rows():
    m = _measures([ROW] * 80)  # 200 + 80 × 10 = 1000: full, no room for the signature block
    spans = paginate(m)
    assert spans == [PageSpan(0, 78, first=True), PageSpan(78, 80, last=True)]
    # exactly filled with the signature block too: one page
    assert paginate(_measures([ROW] * 65)) == [PageSpan(0, 65, first=True, last=True)]
    assert len(paginate(_measures([ROW] * 66))) == 2


def test_the_total_goes_with_the_last_rows():
    m = _measures([ROW] * 80, total=10.0)  # the rows fill page 1 but the total does not fit
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans[-1] == PageSpan(78, 80, total=True, last=True)
    m = _measures([ROW] * 64, total=10.0)  # rows, total and signature block fill page 1
    assert paginate(m) == [PageSpan(0, 64, first=True, total=True, last=True)]


@pytest.mark.parametrize("at", range(75, 85))
def test_a_heading_near_the_end_of_a_page_goes_with_its_rows(at):
    kinds = [ROW] * 200
    kinds[at] = HEADING
    m = _measures(kinds)
    spans = paginate(m)
    _check_rules(m, spans)
    page_of_heading = next(s for s in spans if s.start <= at < s.end)
    assert page_of_heading.end - at > 2 or page_of_heading.end == len(kinds)  # ≥ 2 rows under it


def test_a_chain_of_headings_moves_whole():
    kinds = [ROW] * 77 + [HEADING, SECTION] + [ROW] * 100
    m = _measures(kinds)
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans[0].end == 77  # the block heading and its section row open page 2
    assert spans[1].start == 77


def test_a_subtotal_never_opens_a_page():
    kinds = [ROW] * 80 + [SUBTOTAL] + [ROW] * 40
    m = _measures(kinds)
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans[0].end == 79  # the last row of the group goes over with its subtotal


def test_a_long_signature_block_carries_fewer_rows():
    rows = [10.0] * 40 + [300.0, 300.0]  # the last two rows are tall
    kinds = [ROW] * 42
    m = _measures(kinds, rows=rows, tail=500.0)
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans[-1].end - spans[-1].start == 1  # two would not fit with the block: one goes
    m = _measures(kinds, rows=rows, tail=900.0)  # not even one fits: the block alone
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans[-1] == PageSpan(42, 42, last=True)


def test_the_first_page_keeps_its_rows():
    """The table is never pushed off the first page whole to keep rows with the signature."""
    m = _measures([ROW] * 2, rows=[300.0, 300.0], tail=450.0)  # 200 + 600 + 450 > 1000
    spans = paginate(m)
    _check_rules(m, spans)
    assert spans == [PageSpan(0, 1, first=True), PageSpan(1, 2, last=True)]
    m = _measures([ROW], rows=[700.0], tail=450.0)
    assert paginate(m) == [PageSpan(0, 1, first=True), PageSpan(1, 1, last=True)]


def test_the_signature_block_keeps_two_rows_with_it():
    # 80 rows on page 1, 95 on page 2: the last row would be alone with the signature block
    m = _measures([ROW] * 176)
    spans = paginate(m)
    _check_rules(m, spans)
    assert [s.end - s.start for s in spans] == [80, 94, 2]


def test_when_the_signature_block_needs_a_page_of_its_own():
    # 80 rows fill page 1 and 16 are left for page 2, where the block has room for 15 only:
    # it takes the last 2 to page 3
    m = _measures([ROW] * 80 + [ROW] * 96)
    spans = paginate(m)
    _check_rules(m, spans)
    assert [s.end - s.start for s in spans] == [80, 94, 2]
    m = _measures([ROW] * 80 + [ROW] * 81)  # 81 rows and the block do not fit on page 2
    assert [s.end - s.start for s in paginate(m)] == [80, 79, 2]


def test_random_documents_keep_every_rule():
    rng = random.Random(11)
    for _ in range(400):
        n = rng.randint(1, 150)
        kinds = []
        for i in range(n):
            r = rng.random()
            kinds.append(HEADING if r < 0.1 else SECTION if r < 0.15 else
                         SUBTOTAL if r < 0.2 and i and kinds[-1] == ROW else ROW)
        kinds[-1] = ROW  # a table ends with a row, not a heading
        rows = [rng.choice([18.0, 18.0, 18.0, 33.0, 48.0]) for _ in kinds]
        m = _measures(kinds, rows=rows, first=rng.uniform(150, 300), middle=rng.uniform(30, 80),
                      tail=rng.uniform(100, 400), total=rng.choice([0.0, 18.0]), page=482.0)
        spans = paginate(m)
        _check_rules(m, spans)


# -- values as the page shows them -----------------------------------------------------------
def test_number_formats_as_excel_shows_them_in_vietnamese():
    assert format_number(4, "+#,##0;-#,##0;0") == "+4"
    assert format_number(-1, "+#,##0;-#,##0;0") == "-1" and format_number(0, "+#,##0;-#,##0;0") == "0"
    assert format_number(4680, "+#,##0;-#,##0;0") == "+4.680"
    assert format_number(-33.333, "+0.0;-0.0;0.0") == "-33,3"
    assert format_number(0.0, "+0.0;-0.0;0.0") == "0,0"
    assert format_number(200, "+0.0;-0.0;0.0") == "+200,0"
    assert format_number(12.5, "#,##0.0#") == "12,5" and format_number(1.75, "#,##0.0#") == "1,75"
    assert format_number(1234.0, "#,##0.0#") == "1.234,0"
    assert format_number(20_000_000, "#,##0") == "20.000.000"
    assert format_number(81.25, "0.0") == "81,3"  # half up
    assert display(Formatted(96.25, "0.0")) == "96,3" and display(Formatted(None, "0.0")) == ""


def _wide_doc(letterhead, rows, **kw):
    columns = [Column("STT", 3, "center"), Column("Họ và tên", 40), Column("Ngày sinh", 5,
                                                                              "center"),
               Column("Số tiền", 4, "right", "#,##0"), Column("Ghi chú", 30)]
    return TableDocument(letterhead=letterhead, number="", on=date(2026, 1, 5),
                         title="Danh sách", subject_lines=["Thử cột hẹp"], columns=columns,
                         rows=rows, landscape=False, **kw)


def test_narrow_columns_are_widened_for_their_dates_numbers_and_headers(letterhead):
    rows = [[i, f"Người số {i}", date(2025, 12, 31), 12_345_678, "x"] for i in range(1, 120)]
    doc = _wide_doc(letterhead, rows)
    width = content_width_pt(doc.landscape)
    widths = [p / 100 * width for p in html_parts(doc).percents]
    assert list(html_parts(doc).percents) == column_percents(doc)
    room = 8 - 0.01  # padding and slack, less the rounding of the shares
    assert widths[0] >= text_width("STT", 12, True) + room  # the header word, bold
    assert widths[0] >= text_width("119", 12) + room
    assert widths[2] >= text_width("31/12/2025", 12) + room
    assert widths[3] >= text_width("12.345.678", 12) + room
    assert widths[1] > widths[4] > widths[2]  # the room came from the wide text columns
    assert sum(widths) == pytest.approx(width)


# -- real documents: the pages are as high as the decision assumed ----------------------------
def _doc(letterhead, n, *, headings=0, landscape=False, recipients=2, closing=False):
    rows = []
    for i in range(1, n + 1):
        if headings and i % headings == 1:
            rows.append(Heading(f"Nhóm {i // headings + 1}: những đơn vị có tên dài"))
            rows.append(SectionRow([str(i // headings + 1), "Phần mở đầu"]))
        rows.append([i, f"Đơn vị số {i}" + (" có tên rất dài cần hai dòng" if i % 7 == 0 else ""),
                     f"{i} Hàng Bạc", date(2025, 2, i % 28 + 1), Formatted(i / 4, "0.0")])
        if headings and i % headings == 0:
            rows.append(Subtotal(["Cộng", None, None, None, headings]))
    return TableDocument(
        letterhead=letterhead, number="", on=date(2026, 1, 5), title="Danh sách",
        subject_lines=["Đơn vị được công nhận năm 2025"],
        columns=[Column("STT", 5, "center"), Column("Tên đơn vị", 30), Column("Địa chỉ", 24),
                 Column("Ngày đăng ký", 12, "center"), Column("Tỷ lệ", 9, "center")],
        rows=rows, total=(f"Tổng cộng: {n} đơn vị",), landscape=landscape,
        recipients=[f"Nơi thứ {k};" for k in range(recipients)],
        closing=[Paragraph("Danh sách này có nhiều đơn vị. " * 6, italic=True)] if closing
        else ())


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("n, headings, landscape, recipients, closing", [
    (3, 0, False, 2, False), (45, 0, False, 2, True), (70, 5, True, 2, False),
    (120, 7, True, 12, True), (30, 3, False, 25, False), (0, 0, True, 2, True)])
def test_the_drawn_pages_are_as_high_as_measured(letterhead, monkeypatch, n, headings,
                                                  landscape, recipients, closing):
    monkeypatch.setattr(printing, "MEASURE_ROWS", 7)  # rows measured in several tables
    doc = _doc(letterhead, n, headings=headings, landscape=landscape, recipients=recipients,
               closing=closing)
    if not n:
        doc = replace(doc, total=None)
    printer = printing.pdf_printer(doc, os.devnull)
    parts, spans = printing.plan(doc, printer)
    m = printing.measure(doc, printer, parts)
    _check_rules(m, spans)
    width = printing._geometry(printer).content.width()
    for span, (text, pages) in zip(spans, printing.page_documents(doc, printer), strict=True):
        assert pages == 1
        assert text.size().height() == pytest.approx(_height(m, span), abs=1.0), span
        laid = printing._text_document(parts.page(span), doc, printer, width=width)
        assert laid.size().height() <= m.page


@pytest.mark.usefixtures("qapp")
def test_a_row_taller_than_a_page_is_split_by_qt(letterhead, tmp_path):
    tall = "\n".join(f"dòng {k}" for k in range(80))
    doc = _doc(letterhead, 3)
    doc = replace(doc, rows=[doc.rows[0], [2, tall, "", None, None], doc.rows[2]])
    pages = printing.print_document(doc, printing.pdf_printer(doc, tmp_path / "cao.pdf"))
    assert pages >= 3
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "cao.pdf").pages).replace("\t", " ")
    assert "dòng 0" in text and "dòng 79" in text and "Nguyễn Văn Hùng" in text


def test_the_workbook_keeps_formatted_values_and_section_rows(letterhead):
    doc = _doc(letterhead, 6, headings=3)
    ws = to_workbook(doc).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells[1.5].number_format == "0.0" and cells[1.5].data_type == "n"
    section = next(c for row in ws.iter_rows() for c in row if c.value == "Phần mở đầu")
    assert section.font.b and ws.cell(section.row, 1).font.b
    assert ws.cell(section.row, 1).value == "1"
    assert not any(r.min_row == section.row for r in ws.merged_cells.ranges)  # not merged
