"""The mediation team's book from the Báo cáo dialog (issue 11): print preview, printing and PDF
as for every other form, without a document date or number (the book carries neither)."""

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog

from antq_desktop.reports import printing as engine
from antq_desktop.reports.forms.mediation_book import BOOK_TITLE
from antq_desktop.reports.registry import Params
from antq_desktop.ui.reports.dialog import ReportsDialog
from antq_desktop.ui.widgets import printing
from tests.reports.test_mediation_book_pdf import TEAM_1, TODAY, books  # noqa: F401

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


def _book_dialog(qtbot, db, area_id=None):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    dialog.form.setCurrentIndex(dialog.form.findData("mediation-book"))
    dialog.year.setValue(2026)
    dialog.area.setCurrentIndex(dialog.area.findData(area_id))
    return dialog


def test_the_book_can_be_previewed_and_printed(qtbot, db, books, monkeypatch):  # noqa: F811
    dialog = _book_dialog(qtbot, db)
    assert dialog.preview_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.format.isEnabled() and dialog.area.isEnabled()
    assert not dialog.on.isEnabled() and not dialog.number.isEnabled()  # neither is printed
    dialog.number.setText("12/BC-CAP")
    assert dialog.params() == Params(2026)
    shown = []

    def run(preview):
        widget = preview.findChild(QPrintPreviewWidget)
        widget.updatePreview()  # what showing it does: paint the pages
        shown.append((preview.windowTitle(), widget.pageCount(),
                      widget.orientation() == QPageLayout.Orientation.Landscape))
        return 0

    monkeypatch.setattr(printing, "run_modal", run)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    doc = dialog.document()
    assert dialog.error.text() == ""
    assert shown == [(f"Xem trước khi in — {printing.caption(doc)}", engine.page_count(doc),
                      True)]
    assert shown[0][1] >= 8 and "hòa giải" in shown[0][0]  # two teams: cover, Part I, Part II


def test_print_the_book_of_one_team(qtbot, db, books, tmp_path, monkeypatch):  # noqa: F811
    dialog = _book_dialog(qtbot, db, area_id=1)
    target = tmp_path / "printed.pdf"
    made = printing.new_printer

    def to_file(doc):  # the "printer" is a PDF file
        printer = made(doc)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(printing, "new_printer", to_file)
    monkeypatch.setattr(printing, "run_modal", lambda box: QDialog.DialogCode.Accepted)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    pages = [p.extract_text().replace("\t", " ") for p in PdfReader(target).pages]
    assert BOOK_TITLE in pages[0] and f"Tổ hòa giải: {TEAM_1}" in pages[0]
    assert pages[1].lstrip().startswith("PHẦN I") and "PHẦN II" in pages[-1]
    assert not any("CÔNG AN" in p for p in pages)


def test_export_the_book_as_pdf(qtbot, db, books, tmp_path, monkeypatch):  # noqa: F811
    dialog = _book_dialog(qtbot, db, area_id=1)
    dialog.format.setCurrentIndex(dialog.format.findData(".pdf"))
    suggested = []
    monkeypatch.setattr(dialog, "choose_path",
                        lambda name: suggested.append(name) or str(tmp_path / "so"))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported) or bool(dialog.error.text()), timeout=15_000)
    assert dialog.error.text() == "" and suggested == ["so-theo-doi-hoa-giai-2026.pdf"]
    cover, first = (p.extract_text().replace("\t", " ") for p in PdfReader(exported[0]).pages[:2])
    assert "Quyển số: 02" in cover and "Mở ngày 02 tháng 01 năm 2025" in cover
    assert date(2026, 1, 3).strftime("%d/%m/%Y") in first
