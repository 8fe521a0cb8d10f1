"""Print preview, printing and PDF: the Qt edge of reports/ (QtGui and QtPrintSupport only).

A :class:`~.document.TableDocument` becomes HTML (:func:`~.document.to_html`), which a
``QTextDocument`` lays out at the size of the printable area of an A4 page between the ND30
margins (DOMAIN.md §6); the pages are then painted one by one on a ``QPrinter`` (a printer, the
print preview or a PDF file), with the page number at the top centre from page 2. The table's
column headers are a ``<thead>``, which QTextDocument repeats at the top of every page. When the
signature block would straddle two pages, the document is laid out again with the last table
rows moved to the next page together with it.

Everything here needs a QGuiApplication: the GUI has one; the command line calls
:func:`ensure_gui_app` first.
"""

from __future__ import annotations

import os
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

from .document import TableDocument, carry_start, to_html, with_heading
from .fonts import register_fonts
from .layout import MARGINS_MM, MM_PER_INCH

PAGE_NUMBER_SIZE = 13
KEEP_WITH = 2  # table rows that go to the next page with the signature block
MAX_PASSES = 40  # layouts tried before printing what there is

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


def configure_printer(printer: QPrinter, doc: TableDocument) -> None:
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


def _laid_out(doc: TableDocument, printer: QPrinter, page: QSizeF,
              breaks: set[int]) -> QTextDocument:
    family = font_family()
    text = QTextDocument()
    text.documentLayout().setPaintDevice(printer)
    text.setDocumentMargin(0)
    font = QFont(family)
    font.setPointSizeF(doc.font_size)
    text.setDefaultFont(font)
    text.setHtml(to_html(doc, font_family=family, breaks=sorted(breaks)))
    text.setPageSize(page)
    return text


def _tables(text: QTextDocument) -> list[QTextTable]:
    """The header block, the table's pieces and the signature block, in order."""
    return [f for f in text.rootFrame().childFrames() if isinstance(f, QTextTable)]


def _page_of(y: float, page_height: float) -> int:
    return int(y // page_height)


def _signature_pages(text: QTextDocument, page_height: float) -> tuple[int, int]:
    """First and last page (from 0) the signature block (the last table) falls on."""
    rect = text.documentLayout().frameBoundingRect(_tables(text)[-1])
    return (_page_of(rect.top(), page_height),
            _page_of(max(rect.top(), rect.bottom() - 1), page_height))


def _table_end_page(text: QTextDocument, page_height: float) -> int:
    """The page the table's last row ends on."""
    table = _tables(text)[-2]
    _, bottom = _row_extent(table, table.rows() - 1, text.documentLayout())
    return _page_of(bottom, page_height)


def _row_extent(table: QTextTable, row: int, layout) -> tuple[float, float]:
    """Top of the first and bottom of the last text line of a table row."""
    tops, bottoms = [], []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if cell.row() != row or cell.column() != column:
            continue  # covered by a spanning cell
        tops.append(layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
        bottoms.append(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
    return min(tops), max(bottoms)


def _repaginated(doc: TableDocument, text: QTextDocument, breaks: set[int],
                 page_height: float, cell_bottom: float) -> set[int]:
    """The cuts that make every piece of the table end on the page it starts on.

    A row belongs to the page its last line ends on (plus ``cell_bottom``, its padding and
    border). Where that page turns inside a piece of the table, cut there; when a piece's
    bottom edge still runs onto the next page, move its last row to the next piece. A cut
    never falls right under a group heading, and the total goes with the last row.
    """
    if not doc.rows:
        return set(breaks)
    last_row = len(doc.rows) - 1

    def cut(index: int) -> int:
        return with_heading(doc, min(index, last_row))

    layout = text.documentLayout()
    result = set(breaks)
    starts = sorted(breaks | {0})
    pieces = _tables(text)[1:-1]
    for n, (table, start) in enumerate(zip(pieces, starts)):
        heads = table.format().headerRowCount()
        landing: int | None = None
        turns = []
        for r in range(heads, table.rows()):
            _, bottom = _row_extent(table, r, layout)
            page = _page_of(bottom + cell_bottom, page_height)
            if landing is not None and page > landing:
                turns.append(start + r - heads)
            landing = page
        items = table.rows() - heads
        frame = layout.frameBoundingRect(table)
        if (not turns and landing is not None and items > 1
                and _page_of(frame.bottom(), page_height) > landing):
            turns.append(start + items - 1)
        if turns:
            # The rows past the turn join the next piece, which starts a page anyway.
            result |= {cut(k) for k in turns}
            if n + 1 < len(starts):
                result.discard(starts[n + 1])
    return result


def layout_document(doc: TableDocument, printer: QPrinter) -> QTextDocument:
    """The document laid out in pages for ``printer``'s page layout.

    QTextDocument moves a table row that does not fit to the next page but stretches the row
    above it to the bottom of the page, without its bottom border, and it splits a row whose
    first line fits. So the table is laid out, cut into pieces where the pages turn (each
    piece a table of its own after a page break, under the repeated column headers) and laid
    out again until every piece ends on its page; then, if the signature block straddles two
    pages or would stand alone on the last one, the last rows are cut off to go with it.
    """
    ensure_gui_app()
    page = _geometry(printer).content.size()
    cell_bottom = 6 * printer.logicalDpiY() / 96  # padding and border under a cell's text
    breaks: set[int] = set()
    carried = False
    for _ in range(MAX_PASSES):
        text = _laid_out(doc, printer, page, breaks)
        cuts = _repaginated(doc, text, breaks, page.height(), cell_bottom)
        if cuts != breaks:
            breaks = cuts
            continue
        first, last = _signature_pages(text, page.height())
        if (first == last and first <= _table_end_page(text, page.height())) or carried:
            break  # on one page, and not alone on it
        start = carry_start(doc, KEEP_WITH)
        breaks = {b for b in breaks if b < start} | {start}
        carried = True
    return text


def print_document(doc: TableDocument, printer: QPrinter) -> int:
    """Paint ``doc`` on ``printer`` (already set up by :func:`configure_printer`, then perhaps
    changed by the user in a print dialog) and return the number of pages.

    Raises OSError when the printer (or the PDF file) cannot be opened.
    """
    text = layout_document(doc, printer)
    geo = _geometry(printer)
    w, h = geo.content.width(), geo.content.height()
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("cannot start painting on the printer")
    try:
        pages = text.pageCount()
        for index in range(pages):
            if index and not printer.newPage():
                raise OSError("cannot start a new page")
            painter.save()
            painter.translate(geo.content.left(), geo.content.top() - index * h)
            text.drawContents(painter, QRectF(0, index * h, w, h))
            painter.restore()
            if index:
                _page_number(painter, geo, index + 1)
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


def pdf_printer(doc: TableDocument, path: str | os.PathLike) -> QPrinter:
    """A high-resolution printer writing ``doc``'s PDF to ``path``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    configure_printer(printer, doc)
    return printer


def page_count(doc: TableDocument) -> int:
    """How many A4 pages ``doc`` prints on."""
    ensure_gui_app()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    configure_printer(printer, doc)
    return layout_document(doc, printer).pageCount()


def export_pdf(doc: TableDocument, path: str | os.PathLike) -> Path:
    """Write ``doc`` as a PDF to ``path``, atomically (a failed export leaves an existing file
    untouched). Raises ExportError with a Vietnamese message."""
    from .export import write_atomically

    ensure_gui_app()
    path = Path(path)
    write_atomically(path, lambda tmp: print_document(doc, pdf_printer(doc, tmp)))
    return path
