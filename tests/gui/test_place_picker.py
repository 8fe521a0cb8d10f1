"""The province and ward pickers of the unit set-up find names typed without diacritics."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from antq_desktop.ui.unit_dialog import UnitDialog
from antq_desktop.ui.widgets.place_picker import PlacePicker
from tests.gui.conftest import type_text


def _pick_first(qtbot, picker: PlacePicker, typed: str) -> list[str]:
    """Type like a person, then Down and Enter in the pop-up; the names it listed."""
    picker.lineEdit().selectAll()
    type_text(picker.lineEdit(), typed)
    popup = picker.completer().popup()
    assert popup.isVisible(), f"no pop-up for {typed!r}"
    model = popup.model()
    listed = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    QApplication.processEvents()
    return listed


def test_first_start_finds_province_and_ward_without_diacritics(qtbot, unit_service):
    dialog = UnitDialog(unit_service, first_start=True)
    qtbot.addWidget(dialog)
    dialog.show()
    listed = _pick_first(qtbot, dialog.province, "da nang")
    assert listed == ["Thành phố Đà Nẵng"]
    assert dialog.province.currentText() == "Thành phố Đà Nẵng"
    assert dialog.province.currentData() == 48
    assert dialog.ward.count() > 10  # the wards of Đà Nẵng
    listed = _pick_first(qtbot, dialog.ward, "HAI chau")
    assert listed == ["Phường Hải Châu"]
    assert dialog.ward.currentText() == "Phường Hải Châu"
    assert dialog.place_name.text() == "Phường Hải Châu"  # the header follows the pick


def test_matching_is_by_folded_words_in_any_order(qtbot):
    picker = PlacePicker()
    qtbot.addWidget(picker)
    for name in ("Phường Hoàn Kiếm", "Phường Ba Đình", "Xã Đông Anh", "Phường Kiến Hưng"):
        picker.addItem(name)
    assert picker.matches("kiem hoan") == ["Phường Hoàn Kiếm"]
    assert picker.matches("đình") == ["Phường Ba Đình"]
    assert picker.matches("dong") == ["Xã Đông Anh"]
    assert picker.matches("kie") == ["Phường Hoàn Kiếm", "Phường Kiến Hưng"]
    assert picker.matches("") == [picker.itemText(i) for i in range(4)]
    assert picker.matches("sai gon") == []
