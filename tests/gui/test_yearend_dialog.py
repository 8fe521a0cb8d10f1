"""The year-end summary exported from the Báo cáo dialog, driven as a user would: choose the
form, the year and an area, press export, then open the file."""

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox

from antq_desktop.ui.reports.dialog import ReportsDialog
from tests.conftest import sqlite_only
from tests.services.test_indicators import records  # noqa: F401  (fixture)

FORM = "yearend-summary"


def _dialog(qtbot, db, monkeypatch, target):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda *_args, **_kw: str(target))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    return dialog, exported


def _choose(qtbot, dialog, year, area_name=None):
    form = dialog.findChild(QComboBox, "reportsForm")
    form.setCurrentIndex(form.findData(FORM))
    area = dialog.findChild(QComboBox, "reportsArea")
    assert area.isEnabled()  # the form takes an area
    if area_name is not None:
        area.setCurrentIndex(area.findText(area_name))
    dialog.findChild(QSpinBox, "reportsYear").setValue(year)
    qtbot.mouseClick(dialog.findChild(QPushButton, "reportsExport"), Qt.MouseButton.LeftButton)


def _cells(path):
    ws = load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_export_the_year_end_summary_of_one_area(qtbot, db, records, tmp_path,  # noqa: F811
                                                 monkeypatch):
    dialog, exported = _dialog(qtbot, db, monkeypatch, tmp_path / "tong-ket")
    _choose(qtbot, dialog, 2025, "Tổ dân phố số 2")
    qtbot.waitUntil(lambda: bool(exported), timeout=15_000)
    path = exported[0]
    assert path.name == "tong-ket.xlsx" and path.is_file()
    rows = _cells(path)
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert "Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025" in texts
    assert "Khu dân cư: Tổ dân phố số 2" in texts
    assert "Năm 2024" in texts and "Năm 2025" in texts
    headings = [r[0] for r in rows if isinstance(r[0], str) and r[0].isupper()
                and r[1] is None and len(r[0]) > 10]
    assert "TOÀN PHƯỜNG HOÀN KIẾM" in headings and "KHU DÂN CƯ: TỔ DÂN PHỐ SỐ 2" in headings
    assert "KHU DÂN CƯ: TỔ DÂN PHỐ SỐ 1" not in headings
    knives = [r for r in rows if r[1] == "Dao, kiếm, vũ khí thô sơ"]
    assert [r[3:7] for r in knives] == [[0, 4, 4, None], [1, 4, 3, 300.0]]  # area, then ward
    assert headings.index("KHU DÂN CƯ: TỔ DÂN PHỐ SỐ 2") < headings.index("TOÀN PHƯỜNG HOÀN KIẾM")
    assert dialog.findChild(QLabel, "reportsError").text() == ""


def test_export_the_whole_ward(qtbot, db, records, tmp_path, monkeypatch):  # noqa: F811
    dialog, exported = _dialog(qtbot, db, monkeypatch, tmp_path / "toan-phuong.xlsx")
    _choose(qtbot, dialog, 2025)
    qtbot.waitUntil(lambda: bool(exported), timeout=15_000)
    rows = _cells(exported[0])
    tips = [r for r in rows if r[1] == "Tin báo, tố giác của quần chúng"]
    # the ward, its records of no area, areas 1 and 2, and area 3 (retired, with a 2024 patrol)
    assert [r[3:5] for r in tips] == [[2, 6], [0, 1], [1, 3], [1, 2], [0, 0]]


@sqlite_only
def test_a_broken_indicator_list_shows_its_message(qtbot, db, records, tmp_path,  # noqa: F811
                                                   monkeypatch):
    (tmp_path / "indicators.json").write_text('{"indicators": [', encoding="utf-8")
    dialog, exported = _dialog(qtbot, db, monkeypatch, tmp_path / "x.xlsx")
    _choose(qtbot, dialog, 2025)
    error = dialog.findChild(QLabel, "reportsError")
    qtbot.waitUntil(lambda: error.text() != "", timeout=15_000)
    assert "sai cú pháp JSON" in error.text() and "indicators.json" in error.text()
    assert not exported and not (tmp_path / "x.xlsx").exists()
