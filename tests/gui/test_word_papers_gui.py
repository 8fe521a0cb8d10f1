"""The Word documents from the GUI: the Báo cáo dialog exports a Word form as .docx, and the
certification tab's "In giấy tờ…" opens it on the papers of the selected unit."""

from datetime import date

from docx import Document
from PySide6.QtCore import Qt

from antq_desktop.ui.app import Services
from antq_desktop.ui.certification.tab import CertificationTab
from antq_desktop.ui.reports.dialog import DOCX, XLSX, ReportsDialog
from tests.reports.test_cert_forms import YEAR, certified_ward


def _export(qtbot, dialog, tmp_path, monkeypatch):
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(tmp_path / "giay"))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported) or bool(dialog.error.text()), timeout=10_000)
    assert not dialog.error.text()
    return exported[0]


def test_the_dialog_exports_a_word_form_as_docx(qtbot, db, ward, tmp_path, monkeypatch,
                                                pin_today):
    pin_today(date(2026, 1, 20))
    certified_ward(db, ward)
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    dialog.year.setValue(YEAR)
    dialog.form.setCurrentIndex(dialog.form.findData("cert-decision"))
    assert dialog.suffix() == DOCX
    assert not dialog.format.model().item(dialog.format.findData(XLSX)).isEnabled()
    path = _export(qtbot, dialog, tmp_path, monkeypatch)
    assert path.name == "giay.docx"
    assert "QUYẾT ĐỊNH" in [p.text for p in Document(path).paragraphs]
    dialog.form.setCurrentIndex(dialog.form.findData("yearend-summary"))
    assert dialog.suffix() == XLSX  # a table form goes back to its own file type


def test_print_papers_for_the_selected_unit(qtbot, db, ward, tmp_path, monkeypatch, pin_today):
    pin_today(date(2026, 1, 20))
    ids = certified_ward(db, ward)
    tab = CertificationTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(YEAR))
    row = next(r for r in range(tab.model.rowCount())
               if tab.model.id_at(r) == ids["Ngân hàng Sao Mai"])
    tab.table.selectRow(row)
    assert tab.papers_button.text() == "In giấy tờ…"
    dialog = tab.papers_dialog()
    qtbot.addWidget(dialog)
    assert dialog.form.itemData(0) == "cert-certificate"
    assert dialog.units == (ids["Ngân hàng Sao Mai"],)
    path = _export(qtbot, dialog, tmp_path, monkeypatch)
    texts = [p.text for p in Document(path).paragraphs]
    assert texts.count("CÔNG NHẬN") == 1 and "NGÂN HÀNG SAO MAI" in texts
