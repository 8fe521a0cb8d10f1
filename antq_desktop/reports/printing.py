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
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
    QTextTable,
)
from PySide6.QtPrintSupport import QPrinter

from .document import TableDocument, carry_start, to_html, with_heading
from .layout import FONT_NAME, MARGINS_MM, MM_PER_INCH

# Times New Roman, else a serif with the same metrics (Liberation Serif, Tinos, Nimbus Roman).
SERIF_FAMILIES = (FONT_NAME, "Liberation Serif", "Tinos", "Nimbus Roman", "TeX Gyre Termes",
                  "Times", "DejaVu Serif")
PAGE_NUMBER_SIZE = 13
KEEP_WITH = 2  # table rows that go to the next page with the signature block
MAX_PASSES = 12  # layouts tried before printing what there is

_app: QGuiApplication | None = None


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication (a QApplication in the GUI), or a new off-screen one when
    there is none (the command line). Never creates a second one."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        _app = QGuiApplication(["antq-desktop", "-platform", "offscreen"])
        app = _app
    return app


@lru_cache(maxsize=1)
def font_family() -> str:
    """Times New Roman when installed, else the first metric-compatible serif found."""
    families = set(QFontDatabase.families())
    return next((name for name in SERIF_FAMILIES if name in families), FONT_NAME)


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


def _row_breaks(doc: TableDocument, text: QTextDocument, breaks: set[int],
                page_height: float) -> set[int]:
    """The rows (indices in ``doc.rows``; the total counts as ``len(doc.rows)``) where
    QTextDocument itself started a new page inside a piece of the table."""
    if not doc.rows:
        return set()
    layout = text.documentLayout()
    starts = sorted(breaks | {0})
    found: set[int] = set()
    for table, start in zip(_tables(text)[1:-1], starts):
        heads = table.format().headerRowCount()
        previous = None
        for r in range(heads, table.rows()):
            block = table.cellAt(r, 0).firstCursorPosition().block()
            page = _page_of(layout.blockBoundingRect(block).top(), page_height)
            if previous is not None and page > previous:
                found.add(start + r - heads)
            previous = page
    return found


def layout_document(doc: TableDocument, printer: QPrinter) -> QTextDocument:
    """The document laid out in pages for ``printer``'s page layout.

    QTextDocument moves a table row that does not fit to the next page but stretches the row
    above it to the bottom of the page, without its bottom border. So the table is laid out,
    cut into pieces where the pages turned (a group heading goes with its rows) and laid out
    again until stable; then, if the signature block straddles two pages, the last rows are
    cut off to go with it.
    """
    ensure_gui_app()
    page = _geometry(printer).content.size()
    breaks: set[int] = set()
    carried = False
    for _ in range(MAX_PASSES):
        text = _laid_out(doc, printer, page, breaks)
        turned = {with_heading(doc, k) if k < len(doc.rows) else k
                  for k in _row_breaks(doc, text, breaks, page.height())} - breaks
        if turned:
            breaks |= turned
            continue
        first, last = _signature_pages(text, page.height())
        if first == last or carried:
            break
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
