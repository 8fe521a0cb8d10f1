from datetime import date

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from antq_desktop.enums import Regime
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.ui.reports.dialog import ReportsDialog


def test_export_a_form_from_the_dialog(qtbot, db, ward, tmp_path, monkeypatch):
    RehabilitationService(db).save(CaseData("Lê Văn Tư", Regime.REINTEGRATION,
                                            date(date.today().year, 1, 5)))
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
    assert f"Quý I năm {date.today().year} (xếp loại gần nhất đến hết kỳ)" in texts


def test_unit_not_set_up_is_a_message(qtbot, db, tmp_path, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(tmp_path / "x.xlsx"))
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert "Chưa nhập thông tin đơn vị" in dialog.error.text()
    assert not (tmp_path / "x.xlsx").exists()
