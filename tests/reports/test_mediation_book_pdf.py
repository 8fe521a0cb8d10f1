"""The mediation team's book printed (issue 11): the PDF drawn from the same sectioned document
as the .xlsx, read back page by page. Each team's book starts on a page of its own with its
cover (number and opening day), then Part I and Part II each on new pages under their repeated
column headers, numbering their own pages; no police letterhead, place and date, number or
signature anywhere; the PDF shows the very cases and figures of the .xlsx."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from antq_desktop.enums import CaseOrigin, MediationStatus, MediationType, Sex
from antq_desktop.reports import printing, registry
from antq_desktop.reports.document import (
    Room,
    SectionedDocument,
    TableDocument,
    TextPage,
    content_width_pt,
    display,
    html_parts,
)
from antq_desktop.reports.export import export_file
from antq_desktop.reports.forms.mediation_book import BOOK_TITLE, SIGNING_HEIGHT
from antq_desktop.reports.layout import MARGINS_MM, PT_PER_MM
from antq_desktop.reports.registry import Params
from antq_desktop.services.mediation import CaseData, MediationService, MediatorData, PartyData
from tests.reports.test_printable_forms import _runs

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
S, T = MediationStatus, MediationType
TEAM_1, TEAM_2 = "Tổ hòa giải Tổ dân phố số 1", "Tổ hòa giải Tổ dân phố số 2"
CASES_1 = 11  # team 1's cases in 2026: Part I runs to three pages or more
POLICE = ("CÔNG AN", "Nơi nhận", "Số:", "Nguyễn Văn Hùng", "Phường Hoàn Kiếm, ngày")
SIGNER = ("TRƯỞNG", "KT.", "TỔ TRƯỞNG")  # a signature block's title line


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@pytest.fixture
def books(db, ward):
    """Team 1 (book 02, opened 02/01/2025): a case in 2025 and eleven long ones in 2026;
    team 2 (no book data): one case in 2026."""
    med = MediationService(db)
    med.ensure_teams()
    teams = [med.team_for_area(a) for a in ward]
    for team_id, names in zip(teams, (("Nguyễn Văn Hòa", "Trần Thị Bích", "Lê Quang Minh"),
                                      ("Phạm Văn Tư", "Đỗ Thị Năm", "Lý Văn Sáu"))):
        data = med.get_team(team_id)
        data.mediators = [MediatorData(names[0], Sex.MALE, 1958, is_leader=True),
                          MediatorData(names[1], Sex.FEMALE, 1965),
                          MediatorData(names[2], Sex.MALE, 1970)]
        if team_id == teams[0]:
            data.book_number, data.book_opened_on = "02", date(2025, 1, 2)
        med.save_team(data, today=TODAY)
    people = {t: [m.id for m in med.get_team(t).mediators] for t in teams}

    def case(team_id, received, case_type, status, closed, content, who=(0,)):
        agreement = "Hai bên thống nhất tự tháo dỡ phần lấn chiếm trong một tuần." \
            if status is S.SUCCEEDED else ""
        med.save(CaseData(
            team_id=team_id, received_on=received, origin=CaseOrigin.PARTY_REQUEST,
            case_type=case_type, content=content,
            parties=[PartyData("Hoàng Văn Khải", birth_year=1971, address="số 12 ngõ 5"),
                     PartyData("Vũ Thị Lan", birth_year=1980, address="số 14 ngõ 5")],
            mediator_ids=[people[team_id][i] for i in who], status=status, closed_on=closed,
            agreement=agreement), today=TODAY)

    case(teams[0], date(2025, 6, 2), T.LAND, S.FAILED, date(2025, 6, 9), "Tranh chấp ranh đất")
    for i in range(CASES_1):
        day = date(2026, 1 + i, 3) if i < 10 else date(2026, 11, 2)
        status = S.SUCCEEDED if i % 3 else S.FAILED
        case(teams[0], day, T.EVERYDAY if i % 2 else T.CIVIL, status, day.replace(day=9),
             f"Vụ việc thứ {i + 1}: hai hộ liền kề tranh chấp lối đi chung và rãnh thoát nước "
             "sau nhà, kéo dài từ nhiều năm trước", who=(i % 3, (i + 1) % 3))
    case(teams[1], date(2026, 3, 4), T.FAMILY, S.SUCCEEDED, date(2026, 3, 6),
         "Mâu thuẫn vợ chồng về chi tiêu")
    return teams


def _pdf(db, tmp_path, year, area_id=None):
    params = Params(year, area_id=area_id)
    doc = registry.get("mediation-book").document(db, params)
    path = export_file(db, "mediation-book", params, tmp_path / f"book-{year}-{area_id}.pdf")
    pages = [_runs(p) for p in PdfReader(path).pages]
    counts = printing.section_page_counts(doc)
    assert sum(counts) == len(pages) == printing.page_count(doc)
    return doc, pages, counts


def _text(runs) -> list[str]:
    return [r.text for r in sorted(runs, key=lambda r: (-r.y, r.x))]


def _sections(doc, pages, counts):
    """(section, its pages) in order."""
    out, start = [], 0
    for section, count in zip(doc.sections, counts):
        out.append((section, pages[start:start + count]))
        start += count
    return out


def _column_texts(doc: TableDocument, pages) -> list[str]:
    """What each column of the table shows under its headers, over all the pages, its lines
    read top to bottom and joined by spaces (the cells' lines as drawn, in order)."""
    width = content_width_pt(doc.landscape)
    left = MARGINS_MM["left"] * PT_PER_MM
    edges, x = [], left
    for share in html_parts(doc).percents:
        edges.append(x)
        x += share / 100 * width
    edges.append(x)
    columns = [[] for _ in doc.columns]
    for runs in pages:
        numbers = next(r.y for r in runs if r.italic and r.text == "(1)")
        lowest = min((r.y for r in runs if r.text == "Cộng"), default=-1)  # Part II's total
        for r in sorted((r for r in runs if lowest + 1 < r.y < numbers - 1),
                        key=lambda r: (-r.y, r.x)):
            column = next(i for i in range(len(columns)) if edges[i] <= r.x < edges[i + 1])
            columns[column].append(r.text)
    return [" ".join(" ".join(c).split()) for c in columns]


def _cell_texts(doc: TableDocument, rows) -> list[str]:
    """The same, from the rows of the .xlsx sheet (values shown as the document shows them)."""
    out = []
    for i, column in enumerate(doc.columns):
        shown = [display(row[i], column.number_format) for row in rows]
        out.append(" ".join(" ".join(s for s in shown if s).split()))
    return out


def test_the_book_is_printable_from_one_document(db, books):
    form = registry.get("mediation-book")
    assert form.printable and not form.dated
    doc = form.document(db, Params(2026))
    assert isinstance(doc, SectionedDocument) and doc.landscape
    assert [type(s.body) for s in doc.sections] == [TextPage, TableDocument, TableDocument] * 2
    for section in doc.sections[1::3] + doc.sections[2::3]:
        assert not section.body.state_header and not section.body.signed
    rows = doc.sections[1].body.rows
    assert all(row[8] == Room(SIGNING_HEIGHT) for row in rows)  # room to sign, case by case


def test_each_team_starts_on_its_own_page(db, books, tmp_path):
    doc, pages, counts = _pdf(db, tmp_path, 2026)
    parts = _sections(doc, pages, counts)
    assert [s.name for s, _ in parts] == [
        "Tổ dân phố số 1 - Bìa", "Tổ dân phố số 1 - Phần I", "Tổ dân phố số 1 - Phần II",
        "Tổ dân phố số 2 - Bìa", "Tổ dân phố số 2 - Phần I", "Tổ dân phố số 2 - Phần II"]
    assert counts[0] == counts[3] == 1 and counts[1] >= 3 and counts[4] == 1
    for (section, own), team in zip(parts, [TEAM_1] * 3 + [TEAM_2] * 3):
        first = _text(own[0])
        if isinstance(section.body, TextPage):  # the cover alone on its page
            assert first[2] == BOOK_TITLE and f"Tổ hòa giải: {team}" in first
            assert not any(t.startswith("PHẦN") for t in first), section.name
        else:  # each part opens its own page with its title and which part of whose book
            assert first[0] == section.body.title, section.name
            assert first[2].startswith(f"{team} — năm 2026"), section.name
            for runs in own[1:]:  # later pages: no title, the headers again
                assert not any(t.startswith("PHẦN") for t in _text(runs)), section.name
    whole = [t for runs in pages for t in _text(runs)]
    assert whole.count(BOOK_TITLE) == 2


def test_the_cover_carries_the_number_and_opening_day(db, books, tmp_path):
    doc, pages, counts = _pdf(db, tmp_path, 2026, area_id=1)
    cover = _text(pages[0])
    assert cover == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     BOOK_TITLE, "Tỉnh, thành phố: Thành phố Hà Nội",
                     "Xã, phường: Phường Hoàn Kiếm", "Thôn, tổ dân phố: Tổ dân phố số 1",
                     f"Tổ hòa giải: {TEAM_1}", "Quyển số: 02", "Mở ngày 02 tháng 01 năm 2025",
                     "Khóa ngày …… tháng …… năm ……"]
    wb = load_workbook(export_file(db, "mediation-book", Params(2026, area_id=1),
                                   tmp_path / "book.xlsx"))
    assert [c.value for row in wb["Bìa"].iter_rows() for c in row if c.value] == cover
    # the other team's book keeps dots to fill by hand
    doc, pages, counts = _pdf(db, tmp_path, 2026, area_id=2)
    assert "Quyển số: ……" in _text(pages[0])


@pytest.mark.parametrize("year", [2025, 2026])
def test_no_police_letterhead_place_date_number_or_signature(db, books, tmp_path, year):
    _, pages, _ = _pdf(db, tmp_path, year)
    for number, runs in enumerate(pages, start=1):
        for text in _text(runs):
            assert not any(word in text for word in POLICE), (number, text)
            assert not text.startswith(SIGNER), (number, text)
            assert not re.search(r"ngày \d\d tháng \d+ năm \d{4}", text) or text.startswith(
                "Mở ngày"), (number, text)


def test_the_pages_of_each_part(db, books, tmp_path):
    """Each part numbers its pages from 2 on (its first page and the covers carry none), every
    page holds table rows under the repeated column headers, each case is on one page whole
    with its number and date, and Part II's note stays with its total."""
    doc, pages, counts = _pdf(db, tmp_path, 2026, area_id=1)
    assert counts[1] >= 3
    cover, part_one, part_two = (own for _, own in _sections(doc, pages, counts))
    numbered = [f"({i})" for i in range(1, 11)]
    seen = []
    for number, runs in enumerate(part_one, start=1):
        texts = _text(runs)
        top = texts[0]
        assert (top == str(number)) == (number > 1), (number, top)  # restarts at each part
        heads = next(r.y for r in runs if r.text == "(1)")
        assert sorted(r.text for r in runs if abs(r.y - heads) < 1) == sorted(numbered)
        below = [r for r in runs if r.y < heads - 1]
        stt = [int(r.text) for r in below if r.text.isdigit() and r.x < 120]
        assert stt, f"page {number} of Part I has no case"
        assert len(stt) <= 5 or number == 1
        seen += stt
        days = [r.text for r in below if re.fullmatch(r"\d\d/\d\d/\d{4}", r.text)]
        assert len(days) == len(stt), number  # each case's date whole, beside its number
    assert seen == list(range(2, 2 + CASES_1))  # case 1 is 2025's: the book runs on
    assert not any(t.isdigit() for t in _text(cover[0]))
    second = _text(part_two[0])
    assert second[0] == "PHẦN II" and len(part_two) == 1
    assert second[-1].startswith("Một vụ, việc do nhiều hòa giải viên")
    assert second[-2] == "Cộng" or "Cộng" in second


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_pdf_and_the_xlsx_show_the_same_cases(db, books, tmp_path, year):
    doc, pages, counts = _pdf(db, tmp_path, year)
    wb = load_workbook(export_file(db, "mediation-book", Params(year), tmp_path / "b.xlsx"))
    assert wb.sheetnames == [s.name for s in doc.sections]
    compared = 0
    for section, own in _sections(doc, pages, counts):
        body = section.body
        if isinstance(body, TextPage):
            continue
        rows = [[c.value for c in row] for row in wb[section.name].iter_rows()]
        first = rows.index([f"({i})" for i in range(1, len(body.columns) + 1)]) + 1
        table = rows[first:first + max(len(body.rows), 1)]
        if not body.rows:  # the part says so, the same way in both
            assert table[0][0] == body.empty and body.empty in _text(own[0])
            continue
        assert _column_texts(body, own) == _cell_texts(body, table), section.name
        compared += len(body.rows)
    assert compared >= (CASES_1 + 1 if year == 2026 else 1)


def test_the_pdf_from_the_command_line(db, books, tmp_path, capsys):
    from antq_desktop.cli import main

    target = tmp_path / "so.pdf"
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "export", "mediation-book", "--year", "2026", "--area",
              "to dan pho so 1", "-o", str(target)])
    assert exit_.value.code == 0, capsys.readouterr().err
    pages = [_runs(p) for p in PdfReader(target).pages]
    assert _text(pages[0])[2] == BOOK_TITLE and "Quyển số: 02" in _text(pages[0])
    assert _text(pages[1])[:2] == ["PHẦN I", "GHI CHÉP CỦA HÒA GIẢI VIÊN"]
    assert _text(pages[-1])[:2] == ["PHẦN II", "THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"]


def test_a_part_without_a_signature_block_moves_no_row_for_nothing(letterhead):
    """A signature block takes the last two rows with it (never alone on a page); a part of
    the book has none, so a page keeps every row that fits; its closing line still keeps one
    row company. Each Room row is as tall as asked, in print as in the sheet."""
    from openpyxl import Workbook

    from antq_desktop.reports.document import Paragraph, draw
    from antq_desktop.reports.layout import Column

    columns = [Column("STT", 5, "center"), Column("Nội dung", 40), Column("Chữ ký", 20)]
    rows = [[i, f"Vụ việc {i}", Room(150)] for i in range(1, 4)]

    def doc(**kw):
        return TableDocument(letterhead=letterhead, number=None, on=TODAY, title="PHẦN I",
                             subject_lines=["Ghi chép"], columns=columns, rows=rows,
                             landscape=True, **kw)

    printer = printing.measuring_printer(doc())
    spans = printing.plan(doc(state_header=False, signed=False), printer)[1]
    assert [(s.start, s.end) for s in spans] == [(0, 2), (2, 3)]  # two fit on the first page
    signed = printing.plan(doc(state_header=False), printer)[1]  # the block takes two along
    assert [(s.start, s.end) for s in signed] == [(0, 1), (1, 3)]
    m = printing.measure(doc(state_header=False, signed=False), printer)
    assert all(h >= 150 / 72 * printer.resolution() for h in m.rows)
    closing = [Paragraph("Ghi chú cuối bảng. " * 40, italic=True)]
    spans = printing.plan(doc(state_header=False, signed=False, closing=closing), printer)[1]
    assert spans[-1].end - spans[-1].start >= 1  # the closing line never alone
    ws = Workbook().active
    draw(ws, doc(state_header=False, signed=False))
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "CÔNG AN PHƯỜNG HOÀN KIẾM" not in texts and letterhead.signer_name not in texts
    body = [r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert [ws.cell(r, 3).value for r in body] == [None] * 3
    assert all(ws.row_dimensions[r].height >= 150 for r in body)
    assert ws.print_title_rows and str(ws.print_area).endswith(f"${body[-1]}")


def test_a_date_or_number_for_the_book_is_refused_not_ignored(db, books, tmp_path, capsys):
    """The team's book has no document date or number: asking for one is a mistake to say,
    not a flag to drop silently."""
    from antq_desktop.cli import main

    for extra in (["--date", "20/11/2026"], ["--number", "12/BC-CAP"]):
        target = tmp_path / "so.xlsx"
        with pytest.raises(SystemExit) as exit_:
            main(["--db", db.url, "export", "mediation-book", "--year", "2026", *extra,
                  "-o", str(target)])
        assert exit_.value.code != 0 and not target.exists()
        assert "không ghi ngày và số văn bản" in capsys.readouterr().err
