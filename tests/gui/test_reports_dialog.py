from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton

from antq_desktop.enums import CertCategory, Regime
from antq_desktop.reports.registry import Params
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.ui.reports.dialog import ReportsDialog
from antq_desktop.ui.widgets import printing
from tests.reports.test_cert_forms import YEAR, certified_ward


@pytest.mark.parametrize("today", [date(2026, 6, 15), date(2027, 1, 1)], ids=str)
def test_export_a_form_from_the_dialog(qtbot, db, ward, tmp_path, monkeypatch, pin_today,
                                       today):
    pin_today(today)  # the dialog's year, the case's "not after today"
    RehabilitationService(db).save(CaseData("Lê Văn Tư", Regime.REINTEGRATION,
                                            min(date(today.year, 1, 5), today)))
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    target = tmp_path / "danh-sach"
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(target))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    dialog.form.setCurrentIndex(dialog.form.findData("rehab-list"))
    assert dialog.quarter.isEnabled() and not dialog.area.isEnabled()
    dialog.quarter.setCurrentIndex(dialog.quarter.findData(1))
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported), timeout=10_000)
    path = exported[0]
    assert path.name == "danh-sach.xlsx"
    texts = [c.value for row in load_workbook(path).active.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "DANH SÁCH" in texts and "Lê Văn Tư" in texts
    assert f"Quý I năm {today.year} (xếp loại gần nhất đến hết kỳ)" in texts


def test_unit_not_set_up_is_a_message(qtbot, db, tmp_path, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(tmp_path / "x.xlsx"))
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert "Chưa nhập thông tin đơn vị" in dialog.error.text()
    assert not (tmp_path / "x.xlsx").exists()


# -- categories, PDF, print preview and printing ----------------------------------------------------
def _pdf_text(path):
    return "\n".join(p.extract_text(extraction_mode="layout").replace("\t", " ")
                     for p in PdfReader(path).pages)


@pytest.fixture
def certified(db, ward):
    return certified_ward(db, ward)


def _choose(dialog, form_id, category=None, fmt=None):
    dialog.form.setCurrentIndex(dialog.form.findData(form_id))
    dialog.year.setValue(YEAR)
    if category is not None:
        dialog.category.setCurrentIndex(dialog.category.findData(category.value))
    if fmt is not None:
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))


def test_category_and_format_follow_the_form(qtbot, db, ward):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    category = dialog.findChild(QComboBox, "reportsCategory")
    assert category is dialog.category
    assert [category.itemText(i) for i in range(category.count())] == [
        "Tất cả các loại đơn vị", *[c.label for c in CertCategory]]
    _choose(dialog, "cert-recognised", CertCategory.AGENCY, ".pdf")
    assert category.isEnabled() and dialog.format.isEnabled()
    assert dialog.preview_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.params() == Params(YEAR, category=CertCategory.AGENCY, on=dialog.params().on)
    assert dialog.suffix() == ".pdf"
    _choose(dialog, "mediation-book")  # printable too, by team and without categories
    assert not category.isEnabled() and dialog.format.isEnabled()
    assert dialog.preview_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.params().category is None and dialog.suffix() == ".pdf"


def test_export_a_list_of_one_category_as_pdf(qtbot, db, certified, tmp_path, monkeypatch,
                                             layout_threads):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    suggested = []

    def choose(name):
        suggested.append(name)
        return str(tmp_path / "cong-nhan")

    monkeypatch.setattr(dialog, "choose_path", choose)
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    _choose(dialog, "cert-recognised", CertCategory.AGENCY, ".pdf")
    qtbot.mouseClick(dialog.findChild(QPushButton, "reportsExport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported) or bool(dialog.error.text()), timeout=15_000)
    assert dialog.error.text() == ""
    assert suggested == [f"cong-nhan-an-toan-antt-{YEAR}-co-quan.pdf"]
    path = exported[0]
    assert path.name == "cong-nhan.pdf" and path.read_bytes()[:4] == b"%PDF"
    assert layout_threads == [True]  # the pages were laid out on the GUI thread
    text = _pdf_text(path)
    # an annex of the People's Committee's decision: its title and "(Kèm theo …)", no police
    # header or signature
    assert "CÔNG AN PHƯỜNG HOÀN KIẾM" not in text and "Ngân hàng Sao Mai" in text
    assert "(Kèm theo Quyết định số" in text and "Nguyễn Văn Hùng" not in text
    assert "Cơ quan được công nhận đạt tiêu chuẩn" in text
    assert "Tổ dân phố số 1" not in text and "Công ty Ánh Dương" not in text


def test_export_the_same_list_as_excel_with_every_category(qtbot, db, certified, tmp_path,
                                                           monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(tmp_path / "ds"))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    _choose(dialog, "cert-proposed", fmt=".xlsx")
    qtbot.mouseClick(dialog.findChild(QPushButton, "reportsExport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported), timeout=15_000)
    texts = [c.value for row in load_workbook(exported[0]).active.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert exported[0].name == "ds.xlsx"
    assert {"I. Khu dân cư", "II. Cơ quan", "Tổ dân phố số 2", "Ngân hàng Sao Mai"} <= set(texts)


def test_print_preview_shows_the_pages(qtbot, db, certified, monkeypatch):
    from antq_desktop.reports import printing as engine

    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    _choose(dialog, "cert-recognised")
    shown = []

    def run(preview):
        widget = preview.findChild(QPrintPreviewWidget)
        widget.updatePreview()  # what showing it does: paint the pages
        shown.append((preview.windowTitle(), widget.pageCount()))
        return 0

    monkeypatch.setattr(printing, "run_modal", run)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    doc = dialog.document()
    assert shown == [(f"Xem trước khi in — {printing.caption(doc)}", engine.page_count(doc))]
    assert shown[0][1] >= 1 and "được công nhận" in shown[0][0]


def test_print_goes_to_the_chosen_printer(qtbot, db, certified, tmp_path, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    _choose(dialog, "cert-proposed", CertCategory.AREA)
    target = tmp_path / "printed.pdf"
    made = printing.new_printer

    def to_file(doc):  # the "printer" is a PDF file
        printer = made(doc)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    asked = []
    monkeypatch.setattr(printing, "new_printer", to_file)
    monkeypatch.setattr(printing, "run_modal",
                        lambda box: asked.append(box.windowTitle()) or QDialog.DialogCode.Accepted)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and asked[0].startswith("In — Danh sách khu dân cư đề nghị")
    text = _pdf_text(target)
    assert "Tổ dân phố số 1" in text and "Tổ dân phố số 2" in text
    assert "Ngân hàng Sao Mai" not in text


def test_print_cancelled_prints_nothing(qtbot, db, certified, tmp_path, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    _choose(dialog, "cert-proposed")
    painted = []
    monkeypatch.setattr(printing.printing, "print_document", lambda *a: painted.append(a))
    monkeypatch.setattr(printing, "run_modal", lambda box: QDialog.DialogCode.Rejected)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert painted == []


def test_preview_before_the_unit_is_set_up_is_a_message(qtbot, db, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    _choose(dialog, "cert-recognised")
    monkeypatch.setattr(printing, "run_modal", lambda box: pytest.fail("no preview expected"))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert "Chưa nhập thông tin đơn vị" in dialog.error.text()


def test_the_export_done_message_says_a_report_is_not_a_backup(qtbot, db, ward, tmp_path,
                                                               monkeypatch):
    """Issue 12: an officer may take an exported workbook for a copy of the data."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    dialog.finished_export(tmp_path / "bao-cao.xlsx")
    (text,) = shown
    assert "bao-cao.xlsx" in text
    assert "không phải bản sao lưu" in text and "Tệp → Sao lưu ngay" in text
