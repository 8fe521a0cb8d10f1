"""Print preview and printing of a printable document (reports.document.TableDocument).

    preview_document(self, doc)        # the preview, with its own print button
    print_document_dialog(self, doc)   # the system print dialog, then print

Both build an A4 printer set up for the document (orientation, ND30 margins) and paint with
:func:`antq_desktop.reports.printing.print_document`. The modal dialogs run through
:func:`run_modal`, which tests replace.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ...reports import printing
from ...reports.document import TableDocument
from . import messages

PRINT_FAILED = "Không in được: {reason}. Hãy kiểm tra máy in rồi thử lại."


def run_modal(dialog: QDialog) -> int:
    """Show ``dialog`` modally and return its result (a seam for tests)."""
    return dialog.exec()


def new_printer(doc: TableDocument) -> QPrinter:
    """The default printer, set to A4 in the document's orientation with the ND30 margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printing.configure_printer(printer, doc)
    return printer


def caption(doc: TableDocument) -> str:
    """"Danh sách cơ quan được công nhận …": the title and the first subject line."""
    text = doc.title.capitalize()
    if doc.subject_lines:
        first = doc.subject_lines[0]
        text += " " + first[:1].lower() + first[1:]
    return text if len(text) <= 110 else text[:109] + "…"


def _paint(parent: QWidget | None, doc: TableDocument, printer: QPrinter) -> bool:
    """Lay out and paint ``doc`` (a long year-end summary takes seconds: a busy cursor)."""
    failed = None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        printing.print_document(doc, printer)
    except OSError as exc:
        failed = exc
    finally:
        QApplication.restoreOverrideCursor()
    if failed is not None:
        messages.error(parent, PRINT_FAILED.format(reason=failed.strerror or "máy in không nhận"),
                       "Không in được")
        return False
    return True


def preview_dialog(parent: QWidget | None, doc: TableDocument,
                   printer: QPrinter | None = None) -> QPrintPreviewDialog:
    """The print preview of ``doc`` (not shown yet); printing from it prints ``doc``."""
    printer = printer or new_printer(doc)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreview")
    dialog.setWindowTitle(f"Xem trước khi in — {caption(doc)}")
    dialog.paintRequested.connect(lambda target: _paint(dialog, doc, target))
    dialog.printer_ = printer  # the dialog does not own the printer: keep it alive with it
    dialog.resize(1000, 760)
    return dialog


def preview_document(parent: QWidget | None, doc: TableDocument) -> int:
    """Show the print preview of ``doc``; returns the dialog's result."""
    dialog = preview_dialog(parent, doc)
    try:
        return run_modal(dialog)
    finally:
        dialog.deleteLater()


def print_document_dialog(parent: QWidget | None, doc: TableDocument,
                          printer: QPrinter | None = None) -> bool:
    """Ask for the printer and copies, then print ``doc``. True when it was printed."""
    printer = printer or new_printer(doc)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(f"In — {caption(doc)}")
    try:
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return False
    finally:
        dialog.deleteLater()
    return _paint(parent, doc, printer)
