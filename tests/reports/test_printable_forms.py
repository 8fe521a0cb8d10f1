"""Every printable form as the officer files it: the PDF of a demo ward, for a past year (2025)
and the current one (2026, up to the demo's day), read back page by page (each line of each
cell with its position and font) and checked as a person would look at the pages:

- the signature block (recipients, signer's title and name) whole on the last page only;
- every page after the first starts with its number and the repeated column headers;
- a document made of sections (the mediation book: each team's cover, Part I and Part II)
  starts each on a new page and numbers its pages from 1 again, each checked as above;
- no page ends with a heading (a group, a block or a section row), and every page but the
  last has table rows;
- no word, date, number or STT breaks inside its cell; dates read dd/mm/yyyy.
"""

import re
import shutil
from dataclasses import dataclass
from datetime import date

import pytest
from pypdf import PdfReader

from antq_desktop.db.engine import open_database
from antq_desktop.reports import printing, registry
from antq_desktop.reports.document import Formatted, SectionedDocument, TextPage, display
from antq_desktop.reports.export import export_file
from antq_desktop.reports.layout import Heading, SectionRow, Subtotal
from antq_desktop.reports.registry import Params
from antq_desktop.services.demo import generate

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)  # the demo ward's day: 2026 is the current year, 2025 a whole one
HOUSEHOLDS = 250  # six areas all the same: the forms run to two or more pages
PRINTABLE = ["cert-proposed", "cert-recognised", "rehab-list", "rehab-summary",
             "mediation-stats", "mediation-book", "yearend-summary"]
TRUNCATED_DATE = re.compile(r"(?<![\d/.])\d{2}/\d{2}/(?!\d{4}(?!\d))")
DATE = re.compile(r"\d{2}/\d{2}/\d{4}")


@pytest.fixture(scope="module")
def demo(migrated_sqlite, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(migrated_sqlite, path)
    db = open_database(f"sqlite:///{path}")
    generate(db, households=HOUSEHOLDS, seed=2026, today=TODAY)
    yield db
    db.dispose()


@dataclass(frozen=True)
class Run:
    """One line of text as drawn: in a table, one line of one cell."""

    y: float  # from the bottom of the page, in points
    x: float
    text: str
    bold: bool
    italic: bool


def _runs(page) -> list[Run]:
    runs = []

    def visit(text, cm, tm, font, size):
        text = text.replace("\t", " ").strip()
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str(font.get("/BaseFont", "")) if font else ""
        runs.append(Run(round(y, 1), round(x, 1), text, "Bold" in name, "Italic" in name))

    page.extract_text(visitor_text=visit)
    return runs


def _plain(value):
    return value.value if isinstance(value, Formatted) else value


def _cells(doc):
    """(text as shown, is it a date or number) of every cell of the table."""
    for item in doc.rows:
        if isinstance(item, Heading):
            yield item.text, False
            continue
        values = item.values if isinstance(item, (SectionRow, Subtotal)) else item
        for value, column in zip(values, doc.columns):
            shown = display(value, column.number_format)
            if shown:
                yield shown, not isinstance(_plain(value), str)


def _signature(doc) -> list[str]:
    """The police signature block's lines; an annex and the mediation book have none (the
    decision is signed; the book's signatures are per case)."""
    if doc.annex or not doc.signed:
        return []
    lines = list(doc.letterhead.signer_title) + [doc.letterhead.signer_name]
    if doc.recipients:
        lines += ["Nơi nhận:"] + [t if t.lstrip().startswith("-") else f"- {t}"
                                  for t in doc.recipients]
    return lines


def _params(form, year, **kw):
    """What the form needs: one area, one quarter (the last one of the demo's data)."""
    if form.needs_area:
        kw.setdefault("area_id", 1)
    if form.needs_quarter:
        kw.setdefault("quarter", 4 if year < TODAY.year else 3)
    return Params(year, on=TODAY, **kw)


def _variants():
    """Every printable form (those of other areas too) for both years, and the forms of
    this file with an area or a quarter."""
    out = [pytest.param(f.id, _params(f, y), id=f"{f.id}-{y}")
           for f in registry.all_forms() if f.printable for y in (2025, 2026)]
    out.append(pytest.param("rehab-list", Params(2026, quarter=3, on=TODAY),
                            id="rehab-list-2026-q3"))
    out.append(pytest.param("yearend-summary", Params(2026, area_id=1, on=TODAY),
                            id="yearend-summary-2026-area"))
    return out


def test_the_forms_of_this_issue_are_printable():
    printable = {f.id for f in registry.all_forms() if f.printable}
    assert set(PRINTABLE) <= printable


@pytest.mark.parametrize("form_id, params", _variants())
def test_the_printed_pages(demo, tmp_path, pin_today, form_id, params):
    pin_today(TODAY)
    doc = registry.get(form_id).document(demo, params)
    path = export_file(demo, form_id, params, tmp_path / f"{form_id}.pdf")
    pages = [_runs(page) for page in PdfReader(path).pages]
    assert len(pages) == printing.page_count(doc)
    where = f"{form_id} {params.year}"
    if not isinstance(doc, SectionedDocument):
        _check_pages(doc, pages, where)
        return
    counts = printing.section_page_counts(doc)
    assert sum(counts) == len(pages)
    start = 0
    for section, count in zip(doc.sections, counts):
        part = pages[start:start + count]
        start += count
        if isinstance(section.body, TextPage):  # a cover: its lines on one page, no number
            assert count == 1, (where, section.name)
            shown = [r.text for r in part[0]]
            assert shown == [line.text for line in section.body.lines], (where, section.name)
        else:
            _check_pages(section.body, part, f"{where} / {section.name}")


def _check_pages(doc, pages, name):
    """The pages of one table document (or one section), numbered from 1."""
    header_words = sorted(
        [w for c in doc.columns for w in c.header.split()]
        + [w for g in dict.fromkeys(c.group for c in doc.columns if c.group) for w in g.split()])
    numbered = [f"({i})" for i in range(1, len(doc.columns) + 1)]
    signature = _signature(doc)
    closing = [p.text for p in doc.closing]
    texts = ["\n".join(r.text for r in runs) for runs in pages]
    for number, runs in enumerate(pages, start=1):
        where = f"{name}, page {number} of {len(pages)}"
        first_numbered = [r for r in runs if r.italic and r.text == "(1)"]
        assert len(first_numbered) == 1, where  # one table on the page, under its headers
        y_numbers = first_numbered[0].y
        assert sorted(r.text for r in runs if abs(r.y - y_numbers) < 1) == sorted(numbered), where
        above = [r for r in runs if r.y > y_numbers + 1]
        if number > 1:
            top = max(above, key=lambda r: r.y)
            assert top.text == str(number), where  # the page number, top centre
            heads = [r for r in above if r is not top]
            assert all(r.bold for r in heads), where
            assert sorted(w for r in heads for w in r.text.split()) == header_words, where
        body = [r for r in runs if r.y < y_numbers - 1]
        if number == len(pages):  # the table ends above the closing lines and the signature
            ends = [r.y for r in body if r.text in signature
                    or any(r.text and p.startswith(r.text) for p in closing)]
            body = [r for r in body if r.y > max(ends, default=-1e9) + 1]
        rows = [r for r in body if not r.bold]  # table rows (headings and subtotals are bold)
        assert rows, f"{where}: no table row"
        if number < len(pages):
            lowest = min(r.y for r in rows)
            after = [r for r in body if r.bold and r.y < lowest - 1]
            if after:  # only a subtotal may follow the last row on the page
                bottom = min(r.y for r in after)
                last_line = [r.text for r in after if abs(r.y - bottom) < 1]
                assert any(t.startswith(("Cộng", "Tổng cộng")) for t in last_line), (
                    f"{where} ends with a heading: {last_line}")
        for line in signature:
            assert (line in texts[number - 1]) == (number == len(pages)), (where, line)
        if doc.annex:  # no police letterhead, number, place and date, signature or recipients
            page = texts[number - 1]
            assert not any(t in page for t in ["CÔNG AN", "Số:", "Nơi nhận",
                                               doc.letterhead.signer_name]), where
    words = {w for runs in pages for r in runs for w in r.text.split()}
    everything = "\n".join(texts)
    for shown, is_value in _cells(doc):
        if is_value:  # numbers, dates and STT whole, on one line of their cell
            assert shown in words, (name, shown)
        for word in shown.split():
            assert word in words, (name, shown, word)  # no word breaks inside its cell
        for day in DATE.findall(shown):
            assert day in words or any(day in w for w in words), (name, day)
    assert not TRUNCATED_DATE.search(everything)


@pytest.mark.parametrize("form_id", [f for f in PRINTABLE if f != "mediation-book"])
def test_the_pdf_from_the_command_line(demo, tmp_path, pin_today, capsys, form_id):
    from antq_desktop.cli import main

    pin_today(TODAY)
    target = tmp_path / f"{form_id}.pdf"
    with pytest.raises(SystemExit) as exit_:
        main(["--db", demo.url, "export", form_id, "--year", "2025", "--date", "20/11/2026",
              "-o", str(target)])
    assert exit_.value.code == 0, capsys.readouterr().err
    reader = PdfReader(target)
    assert target.read_bytes()[:4] == b"%PDF" and len(reader.pages) >= 2
    text = " ".join(reader.pages[0].extract_text().replace("\t", " ").split())
    if form_id == "cert-recognised":  # an annex: the date is the decision's
        assert "(Kèm theo Quyết định số ………/QĐ-……… ngày 20 tháng 11 năm 2026 của " in text
        assert "Phường Hoàn Kiếm, ngày" not in text
    else:
        assert "Phường Hoàn Kiếm, ngày 20 tháng 11 năm 2026" in text
    # the mediation book has no place and date line: tests/reports/test_mediation_book_pdf.py
