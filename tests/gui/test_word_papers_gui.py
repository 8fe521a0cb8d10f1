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


def test_print_papers_for_several_selected_units_in_one_go(qtbot, db, ward, tmp_path,
                                                           monkeypatch, pin_today):
    from PySide6.QtCore import QItemSelectionModel

    pin_today(date(2026, 1, 20))
    ids = certified_ward(db, ward)
    tab = CertificationTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(YEAR))
    chosen = ["Ngân hàng Sao Mai", "Công ty Ánh Dương", "Tổ dân phố số 2"]  # the last: no decision
    flags = (QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    tab.table.clearSelection()
    for name in chosen:  # as Ctrl+click does
        tab.table.selectionModel().select(tab.model.index(tab.model.row_of(ids[name]), 0), flags)
    assert sorted(tab.selected_ids()) == sorted(ids[n] for n in chosen)
    assert tab.selected_id() is None and not tab.record_button.isEnabled()
    assert tab.papers_button.text() == "In giấy tờ (3 đơn vị)…"
    dialog = tab.papers_dialog()
    qtbot.addWidget(dialog)
    assert set(dialog.units) == {ids[n] for n in chosen}
    assert "3 đơn vị" in dialog.windowTitle()
    # the certificates of all of them in one file: one page each for the two recognised
    path = _export(qtbot, dialog, tmp_path, monkeypatch)
    texts = [p.text for p in Document(path).paragraphs]
    assert texts.count("CÔNG NHẬN") == 2
    assert "NGÂN HÀNG SAO MAI" in texts and "CÔNG TY ÁNH DƯƠNG" in texts
    assert "TỔ DÂN PHỐ SỐ 2" not in texts
    # the minutes of all three in one file, each its own paper
    dialog.form.setCurrentIndex(dialog.form.findData("cert-minutes"))
    (tmp_path / "giay.docx").unlink()
    path = _export(qtbot, dialog, tmp_path, monkeypatch)
    minutes = Document(path)
    assert [p.text for p in minutes.paragraphs].count("BIÊN BẢN") == 3
    assert len(minutes.sections) == 3


def test_one_selected_unit_still_opens_its_record(qtbot, db, ward, pin_today):
    pin_today(date(2026, 1, 20))
    ids = certified_ward(db, ward)
    tab = CertificationTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.year.setCurrentIndex(tab.year.findData(YEAR))
    tab.table.selectRow(tab.model.row_of(ids["Ngân hàng Sao Mai"]))
    assert tab.selected_id() == ids["Ngân hàng Sao Mai"] and tab.record_button.isEnabled()
    assert tab.papers_button.text() == "In giấy tờ…"
    dialog = tab.papers_dialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "In giấy tờ của Ngân hàng Sao Mai"
