"""Every form's .xlsx as LibreOffice prints it on a machine with only the DejaVu fonts (no Times
New Roman, no Liberation): the demo ward's files for 2025 and 2026 converted to PDF in one
``soffice`` call, each page read back with ``pdftotext -f N -l N``.

The sheets carry a manual break wherever a page ends (``layout.Sheet.finish``: the decision of
``document.paginate`` on the row heights written), so LibreOffice must print exactly those
pages: as many as planned (one automatic break more would add a page) and, on each page, the
rows planned for it. Then, page by page: the signature block is whole on the sheet's last
page, no page is left without table rows while rows follow, and no heading (a group heading,
a section row) ends a page.

Slow (LibreOffice starts once: about 10 s for 20 files) and needs LibreOffice and poppler-utils:
skipped without them. Run it alone with ``pytest -m libreoffice``.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from antq_desktop.db.engine import open_database
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params
from antq_desktop.services.demo import generate

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
MISSING = [name for name in ("soffice", "pdftotext") if shutil.which(name) is None]
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(bool(MISSING), reason=f"needs {' and '.join(MISSING)} (LibreOffice, "
                                             "poppler-utils) to convert and read the .xlsx"),
    pytest.mark.skipif(not DEJAVU.is_dir(), reason=f"no DejaVu fonts in {DEJAVU}"),
]

TODAY = date(2026, 11, 20)  # the demo ward's day: 2026 is the current year, 2025 a whole one
HOUSEHOLDS = 250
LEFT_OUT: set[str] = set()  # every form is checked, the mediation book (one sheet per part) too
SUBTOTAL = re.compile(r"^(Cộng|Tổng cộng)\b")


@dataclass
class Page:
    """What one printed page of a sheet should hold, from the workbook itself."""

    sheet: str
    number: int  # within the sheet
    rows: list[int]  # table body rows
    headings: set[int]
    data: list[int]  # body rows of plain values
    tail: list[str]  # texts under the table (closing lines, signature block): the last page
    last: bool = True  # the sheet's last page


def _shown(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool) or isinstance(value, float):
        return ""  # LibreOffice writes its own decimals
    return str(value)


def _words(text: str) -> set[str]:
    return set(text.split())


def _row_words(ws, row: int) -> set[str]:
    """The words of a row's cells: texts, dates, and whole numbers in the General format
    (LibreOffice writes other formats in its own locale)."""
    words = set()
    for c in range(1, ws.max_column + 1):
        cell = ws.cell(row, c)
        if cell.value is None or (isinstance(cell.value, int)
                                  and cell.number_format != "General"):
            continue
        words |= _words(_shown(cell.value))
    return words


def _plan(ws) -> list[Page]:
    """The pages of one sheet as its manual breaks cut them (a sheet without a table: one)."""
    if not ws.print_title_rows:
        return [Page(ws.title, 1, [], set(), [], [])]  # a cover
    title_rows = ws.print_title_rows.split("!")[-1].replace("$", "")
    last_title = int(title_rows.split(":")[1])
    bordered = [r for r in range(last_title + 1, ws.max_row + 1)
                if ws.cell(r, 1).border.left.style]
    body_first, body_last = bordered[0], bordered[-1]
    assert bordered == list(range(body_first, body_last + 1)), ws.title  # one table
    headings, data = set(), []
    for r in range(body_first, body_last + 1):
        first = ws.cell(r, 1)
        label = next((str(ws.cell(r, c).value) for c in range(1, ws.max_column + 1)
                      if ws.cell(r, c).value is not None), "")
        if first.font.b and not SUBTOTAL.match(label):
            headings.add(r)
        elif not first.font.b:
            data.append(r)
    tail = [str(c.value) for row in ws.iter_rows(min_row=body_last + 1) for c in row
            if c.value is not None and str(c.value).strip("\u00a0 ")]
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert all(body_first <= b <= body_last for b in breaks), ws.title  # inside the table
    pages, start = [], body_first
    for number, end in enumerate([*breaks, body_last], start=1):
        rows = list(range(start, end + 1))
        pages.append(Page(ws.title, number, rows, headings & set(rows),
                          [r for r in data if start <= r <= end], [], last=False))
        start = end + 1
    pages[-1].tail, pages[-1].last = tail, True
    return pages


@pytest.fixture(scope="module")
def converted(migrated_sqlite, tmp_path_factory):
    """{file stem: (workbook path, PDF path)} for every form and both years, converted in
    one LibreOffice call with a fontconfig that knows only DejaVu."""
    folder = tmp_path_factory.mktemp("libreoffice")
    path = folder / "demo.db"
    shutil.copyfile(migrated_sqlite, path)
    db = open_database(f"sqlite:///{path}")
    try:
        generate(db, households=HOUSEHOLDS, seed=2026, today=TODAY)
        files = []
        for form in registry.all_forms():
            if form.id in LEFT_OUT:
                continue
            for year in (2025, 2026):
                kw = {}
                if form.needs_area:
                    kw["area_id"] = 1
                if form.needs_quarter:
                    kw["quarter"] = 4 if year < TODAY.year else 3
                if form.dated:  # the mediation book carries no document date
                    kw["on"] = TODAY
                files.append(export_xlsx(db, form.id, Params(year, **kw),
                                         folder / f"{form.id}-{year}.xlsx"))
    finally:
        db.dispose()
    conf = folder / "dejavu-only.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{folder / 'fc'}</cachedir>"
                    "</fontconfig>", encoding="utf-8")
    out = folder / "pdf"
    profile = (folder / "lo-profile").as_uri()  # its own profile: runs beside another office
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        check=False, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    return {f.stem: (f, out / f"{f.stem}.pdf") for f in files}


def _page_text(pdf: Path, number: int) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                             str(pdf), "-"], check=True, capture_output=True, text=True)
    return result.stdout


def _page_count(pdf: Path) -> int:
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.count("\f")


def _stems():
    return [f"{f.id}-{y}" for f in registry.all_forms() if f.id not in LEFT_OUT
            for y in (2025, 2026)]


def test_the_demo_forms_run_to_several_pages(converted):
    counts = {stem: _page_count(pdf) for stem, (_, pdf) in converted.items()}
    assert set(counts) == set(_stems())
    assert sum(1 for n in counts.values() if n >= 2) >= len(counts) // 2, counts


@pytest.mark.parametrize("stem", _stems())
def test_libreoffice_prints_the_planned_pages(converted, stem):
    path, pdf = converted[stem]
    wb = load_workbook(path)
    plan = [(ws, page) for ws in wb.worksheets for page in _plan(ws)]
    assert _page_count(pdf) == len(plan), f"{stem}: LibreOffice broke the pages elsewhere"
    for number, (ws, page) in enumerate(plan, start=1):
        where = f"{stem}, {ws.title} page {page.number} (PDF page {number})"
        text = _page_text(pdf, number)
        words = _words(text)
        # every row planned for the page is printed on it, and no word breaks in its cell
        for row in page.rows:
            missing = _row_words(ws, row) - words
            assert not missing, (where, row, sorted(missing))
        if page.rows and not page.last:
            # rows follow: this page holds table rows, and it does not end on a heading
            assert page.data, f"{where}: no table row"
            assert page.rows[-1] not in page.headings, f"{where} ends with a heading"
        for row in page.headings:  # a heading is printed with the row after it
            assert row + 1 in page.rows, f"{where}: heading on row {row} ends the page"
        flat = " ".join(text.split())
        for line in page.tail:  # the closing lines and the signature block, whole, here
            assert _words(line) <= words, (where, line)
            if len(line) < 40:
                assert " ".join(line.split()) in flat, (where, line)
        # and on no other page: "Nơi nhận:" and the signer's title lines
        signer = [t for t in page.tail if t == "Nơi nhận:" or t.isupper()]
        for other, (other_ws, _) in enumerate(plan, start=1):
            if signer and other != number and other_ws is ws:
                others = " ".join(_page_text(pdf, other).split())
                assert not [t for t in signer if t in others], (where, other)
