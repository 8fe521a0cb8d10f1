"""Print preview, printing and PDF: the Qt edge of reports/ (QtGui and QtPrintSupport only).

A :class:`~.document.TableDocument` becomes pieces of HTML (:func:`~.document.html_parts`) and is
paginated in one place, in one pass (:func:`plan`):

1. measure — ``QTextDocument`` lays out every table row once (in tables of
   :data:`MEASURE_ROWS` rows) as wide as the printable area of an A4 page between the ND30
   margins (docs/DOMAIN.md §6), and each fixed part of a page once (the letterhead and title, the
   column headers, the closing paragraphs and the signature block);
2. decide — :func:`~.document.paginate` chooses the page breaks from those heights (a heading
   goes with the rows after it, the signature block is whole on the last page with the last
   rows, no page is left without a row);
3. draw — each page is its own ``QTextDocument`` (the letterhead on the first, the column
   headers repeated on every page, the signature block on the last) painted on a ``QPrinter``
   (a printer, the print preview or a PDF file), with the page number at the top centre from
   page 2.

A :class:`~.document.SectionedDocument` (a mediation team's book) is printed section after
section, each planned as above on pages of its own and numbering its own pages; a
:class:`~.document.TextPage` (a cover) is one page without a number.

Everything here needs a QGuiApplication: the GUI has one; the command line calls
:func:`ensure_gui_app` first.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
    QTextTable,
)
from PySide6.QtPrintSupport import QPrinter

from .document import (
    KEEP_WITH,
    MIN_ROWS,
    HtmlParts,
    Measures,
    PageSpan,
    Printable,
    SectionedDocument,
    TableDocument,
    TextPage,
    html_parts,
    paginate,
    text_page_html,
)
from .fonts import register_fonts
from .layout import MARGINS_MM, MM_PER_INCH

PAGE_NUMBER_SIZE = 13
TOLERANCE_PT = 1.0  # left free at the bottom of every page, for rounding
MEASURE_ROWS = 200  # table rows measured in one go

_app: QGuiApplication | None = None


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication (a QApplication in the GUI), or a new off-screen one when
    there is none (the command line). Never creates a second one."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        _app = QGuiApplication(["antq-desktop", "-platform", "offscreen"])
        app = _app
    register_fonts()
    return app


def font_family() -> str:
    """The family every printed page uses: the serif shipped with the program (registered with
    Qt on first use), the same on every machine."""
    ensure_gui_app()
    return register_fonts()


def configure_printer(printer: QPrinter, doc: Printable) -> None:
    """A4 in the document's orientation with the ND30 margins; the painter's origin at the
    corner of the paper, so the page number can go in the top margin."""
    orientation = (QPageLayout.Orientation.Landscape if doc.landscape
                   else QPageLayout.Orientation.Portrait)
    margins = QMarginsF(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"],
                        MARGINS_MM["bottom"])
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, margins,
                                      QPageLayout.Unit.Millimeter))
    printer.setFullPage(True)
    printer.setDocName(doc.title)
    printer.setCreator("ANTQ Desktop")


@dataclass(frozen=True)
class _Geometry:
    """Where things go on the printer's page, in its device pixels."""

    content: QRectF  # the printable area between the margins, from the paper's corner
    paper: QRectF
    dots_per_mm: float


def _geometry(printer: QPrinter) -> _Geometry:
    dots = printer.resolution() / MM_PER_INCH
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    m = printer.pageLayout().margins(QPageLayout.Unit.Millimeter)
    if not printer.fullPage():  # the painter starts at the margin already
        paper = QRectF(-m.left() * dots, -m.top() * dots, paper.width(), paper.height())
    content = QRectF(paper.left() + m.left() * dots, paper.top() + m.top() * dots,
                     paper.width() - (m.left() + m.right()) * dots,
                     paper.height() - (m.top() + m.bottom()) * dots)
    return _Geometry(content, paper, dots)


def _text_document(html: str, doc: TableDocument | TextPage, printer: QPrinter,
                   page: QSizeF | None = None, width: float | None = None) -> QTextDocument:
    """``html`` laid out for ``printer``: in pages of ``page``'s size, or in one column
    ``width`` wide (set before the HTML, so that it is laid out once)."""
    text = QTextDocument()
    text.documentLayout().setPaintDevice(printer)
    text.setDocumentMargin(0)
    font = QFont(font_family())
    font.setPointSizeF(doc.font_size)
    text.setDefaultFont(font)
    if page is not None:
        text.setPageSize(page)
    else:
        text.setTextWidth(width)
    text.setHtml(html)
    return text


def _tables(text: QTextDocument) -> list[QTextTable]:
    """The tables of the document's body, in order."""
    return [f for f in text.rootFrame().childFrames() if isinstance(f, QTextTable)]


def _row_bottoms(text: QTextDocument, table: QTextTable, cells: list[int]) -> list[float]:
    """The bottom of the lowest text line of each row of ``table``, whose rows hold ``cells``
    cells (cells are centred in their row and the tallest one fills it, so the row's bottom
    is this plus the same padding for all). Each cell is one block: they are read in order."""
    layout = text.documentLayout()
    block = text.findBlock(table.firstPosition())
    bottoms = []
    for count in cells:
        bottom = None
        for _ in range(count):
            y = layout.blockBoundingRect(block).bottom()
            bottom = y if bottom is None else max(bottom, y)
            block = block.next()
        bottoms.append(bottoms[-1] if bottom is None else bottom)
    if block.isValid() and block.position() <= table.lastPosition():
        raise AssertionError("a table cell holds more than one block")
    return bottoms


def _cell_counts(html: str) -> list[int]:
    """The cells of each row of a piece of table HTML (text in it is escaped)."""
    return [row.count("<td") for row in html.split("<tr>")[1:]]


def measure(doc: TableDocument, printer: QPrinter, parts: HtmlParts | None = None) -> Measures:
    """The heights that decide the pages, in the printer's device pixels: each table row as
    it adds to the table (every row laid out once, in tables of :data:`MEASURE_ROWS` rows as
    wide as the page: Qt lays out a long table in more than linear time), and the pages'
    fixed parts, each laid out once without rows."""
    ensure_gui_app()
    page = _geometry(printer).content.size()
    parts = parts or html_parts(doc, font_family=font_family())

    def height(*pieces: str) -> float:
        html = parts.opening + "".join(pieces) + parts.ending
        return _text_document(html, doc, printer, width=page.width()).size().height()

    head = _cell_counts(parts.head)
    n = len(parts.rows)
    steps: list[float] = []
    for a in range(0, n, MEASURE_ROWS):
        b = min(a + MEASURE_ROWS, n)
        total = b == n and bool(parts.total)
        text = _text_document(parts.opening + parts.table(a, b, total) + parts.ending, doc,
                              printer, width=page.width())
        cells = head + [row.count("<td") for row in parts.rows[a:b]]
        if total:
            cells.append(parts.total.count("<td"))
        bottoms = _row_bottoms(text, _tables(text)[0], cells)[len(head) - 1:]
        steps += [y - x for x, y in itertools.pairwise(bottoms)]
    rows, total = (steps[:-1], steps[-1]) if parts.total else (steps, 0.0)
    empty = parts.table(0, 0, total=False)
    return Measures(page=page.height(), first=height(parts.top, empty), middle=height(empty),
                    last=height(empty, parts.tail), single=height(parts.top, empty, parts.tail),
                    alone=height(parts.tail), rows=rows, kinds=parts.kinds, total=total)


def plan(doc: TableDocument, printer: QPrinter) -> tuple[HtmlParts, list[PageSpan]]:
    """The document's parts and the pages they go on, decided once from their heights."""
    ensure_gui_app()
    parts = html_parts(doc, font_family=font_family())
    measures = measure(doc, printer, parts)
    tolerance = TOLERANCE_PT / 72 * printer.resolution()
    # Rows go with the signature block so that it never stands alone; with no block (a part of
    # the mediation book) one row keeps the closing lines company, and no row moves for nothing.
    keep_with = KEEP_WITH if doc.signed else 1
    return parts, paginate(measures, keep_with=keep_with, min_rows=MIN_ROWS,
                           tolerance=tolerance)


def page_documents(doc: TableDocument,
                   printer: QPrinter) -> Iterator[tuple[QTextDocument, int]]:
    """Each planned page laid out on its own, one after the other, with the number of printer
    pages it takes: one, unless one of its rows is taller than a page (then Qt splits it)."""
    parts, spans = plan(doc, printer)
    page = _geometry(printer).content.size()
    for span in spans:
        text = _text_document(parts.page(span), doc, printer, width=page.width())
        if text.size().height() <= page.height():
            yield text, 1
            continue
        text.setPageSize(page)
        # Qt may move the empty line it keeps after the last table to a page of its own.
        layout, bottom, block = text.documentLayout(), 0.0, text.begin()
        while block.isValid() and block != text.lastBlock():
            bottom = max(bottom, layout.blockBoundingRect(block).bottom())
            block = block.next()
        yield text, min(text.pageCount(), int(max(bottom - 1, 0) // page.height()) + 1)


def _text_page(page: TextPage, printer: QPrinter) -> tuple[QTextDocument, int]:
    """A page of lines laid out for ``printer``, with the printer pages it takes (one, unless
    its lines are longer than a page)."""
    size = _geometry(printer).content.size()
    html = text_page_html(page, font_family=font_family(),
                          dots_per_pt=printer.resolution() / 72)
    text = _text_document(html, page, printer, width=size.width())
    if text.size().height() <= size.height():
        return text, 1
    text.setPageSize(size)
    return text, text.pageCount()


def numbered_pages(doc: Printable,
                   printer: QPrinter) -> Iterator[tuple[QTextDocument, int, int]]:
    """Each planned page laid out, the printer pages it takes and the number its first one
    carries: from 1 through a document, from 1 again in each section of a sectioned one
    (0: no number, a cover)."""
    if isinstance(doc, SectionedDocument):
        for section in doc.sections:
            if isinstance(section.body, TextPage):
                text, count = _text_page(section.body, printer)
                yield text, count, 1 if section.body.numbered_page else 0
            else:
                yield from numbered_pages(section.body, printer)
        return
    number = 1
    for text, count in page_documents(doc, printer):
        yield text, count, number
        number += count


def layout_pages(doc: Printable, printer: QPrinter) -> list[QTextDocument]:
    """The document laid out page by page for ``printer``'s page layout."""
    return [text for text, _, _ in numbered_pages(doc, printer)]


def print_document(doc: Printable, printer: QPrinter) -> int:
    """Paint ``doc`` on ``printer`` (already set up by :func:`configure_printer`, then perhaps
    changed by the user in a print dialog) and return the number of pages.

    Raises OSError when the printer (or the PDF file) cannot be opened.
    """
    geo = _geometry(printer)
    w, h = geo.content.width(), geo.content.height()
    painter = QPainter()
    pages = 0
    documents = numbered_pages(doc, printer)
    first = next(documents)  # measured and planned before the printer is opened
    if not painter.begin(printer):
        raise OSError("cannot start painting on the printer")
    try:
        for text, count, number in itertools.chain([first], documents):
            for index in range(count):
                if pages and not printer.newPage():
                    raise OSError("cannot start a new page")
                painter.save()
                painter.translate(geo.content.left(), geo.content.top() - index * h)
                text.drawContents(painter, QRectF(0, index * h, w, h))
                painter.restore()
                pages += 1
                if number and number + index > 1:
                    _page_number(painter, geo, number + index)
    finally:
        painter.end()
    return pages


def _page_number(painter: QPainter, geo: _Geometry, number: int) -> None:
    """The page number at the top centre, in the top margin (ND30: from page 2 on)."""
    font = QFont(font_family())
    font.setPointSizeF(PAGE_NUMBER_SIZE)
    painter.save()
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    top = geo.paper.top() + MARGINS_MM["header"] * geo.dots_per_mm
    band = QRectF(geo.content.left(), top, geo.content.width(),
                  geo.content.top() - top)
    painter.drawText(band, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                     str(number))
    painter.restore()


def pdf_printer(doc: Printable, path: str | os.PathLike) -> QPrinter:
    """A high-resolution printer writing ``doc``'s PDF to ``path``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    configure_printer(printer, doc)
    return printer


def measuring_printer(doc: Printable) -> QPrinter:
    """A PDF printer set up for ``doc``, writing nothing: to measure and plan its pages."""
    ensure_gui_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    configure_printer(printer, doc)
    return printer


def page_count(doc: Printable) -> int:
    """How many A4 pages ``doc`` prints on."""
    return sum(count for _, count, _ in numbered_pages(doc, measuring_printer(doc)))


def section_page_counts(doc: SectionedDocument) -> list[int]:
    """How many A4 pages each section of ``doc`` prints on."""
    printer = measuring_printer(doc)
    return [sum(count for _, count, _ in numbered_pages(SectionedDocument(doc.title, [s]),
                                                         printer))
            for s in doc.sections]


def export_pdf(doc: Printable, path: str | os.PathLike) -> Path:
    """Write ``doc`` as a PDF to ``path``, atomically (a failed export leaves an existing file
    untouched). Raises ExportError with a Vietnamese message."""
    from .export import write_atomically

    ensure_gui_app()
    path = Path(path)
    write_atomically(path, lambda tmp: print_document(doc, pdf_printer(doc, tmp)))
    return path
