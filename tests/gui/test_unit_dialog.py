from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit

from antq_desktop.ui.main_window import MainWindow
from antq_desktop.ui.unit_dialog import UnitDialog
from tests.gui.conftest import type_text


def test_first_start_setup(qtbot, db, unit_service, when_modal):
    dialog = UnitDialog(unit_service, first_start=True)
    qtbot.addWidget(dialog)
    dialog.province.setCurrentIndex(dialog.province.findData(79))  # TP Hồ Chí Minh
    assert dialog.ward.count() > 100
    dialog.ward.setCurrentIndex(dialog.ward.findText("Phường Sài Gòn"))
    assert dialog.header_superior.text() == "CÔNG AN THÀNH PHỐ HỒ CHÍ MINH"
    assert dialog.header_issuer.text() == "CÔNG AN PHƯỜNG SÀI GÒN"
    assert dialog.place_name.text() == "Phường Sài Gòn"
    type_text(dialog.findChild(QLineEdit, "unitCommanderName"), "Lê Minh Tuấn")

    def name_area(box):
        assert isinstance(box, QInputDialog)
        box.setTextValue("Khu phố 1")
        box.accept()

    when_modal(name_area)
    qtbot.mouseClick(dialog.area_add, Qt.MouseButton.LeftButton)
    assert dialog.area_list.count() == 1
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    info = unit_service.get()
    assert (info.province_code, info.ward_name, info.commander_name) == (
        79, "Phường Sài Gòn", "Lê Minh Tuấn")
    assert [a.name for a in unit_service.areas()] == ["Khu phố 1"]


def test_headers_typed_by_hand_are_kept(qtbot, db, unit_service, ward):
    dialog = UnitDialog(unit_service)
    qtbot.addWidget(dialog)
    assert dialog.ward.currentText() == "Phường Hoàn Kiếm"
    issuer = dialog.findChild(QLineEdit, "unitHeaderIssuer")
    issuer.clear()
    type_text(issuer, "CÔNG AN PHƯỜNG HOÀN KIẾM - TỔ 2")
    dialog.ward.setCurrentIndex(dialog.ward.findText("Phường Ba Đình"))
    assert issuer.text() == "CÔNG AN PHƯỜNG HOÀN KIẾM - TỔ 2"
    dialog.save()
    assert unit_service.get().ward_name == "Phường Ba Đình"


def test_retire_area_with_households_is_refused(qtbot, db, unit_service, households, ward,
                                                when_modal):
    from tests.conftest import household
    households.save(household(ward[0]))
    window = MainWindow(db)
    qtbot.addWidget(window)
    dialog = UnitDialog(unit_service, parent=window)
    dialog.area_list.setCurrentRow(0)
    seen = {}

    def read_message(box):
        seen["text"] = box.text()
        box.accept()

    def confirm(box):
        seen["question"] = box.text()
        when_modal(read_message)
        box.buttons()[0].click()  # "Đồng ý"

    when_modal(confirm)
    qtbot.mouseClick(dialog.area_retire, Qt.MouseButton.LeftButton)
    assert "Thôi sử dụng “Tổ dân phố số 1”" in seen["question"]
    assert "còn 1 hộ" in seen["text"]
    assert len(unit_service.areas()) == 2


def test_recipients_follow_the_ward_until_edited_then_are_saved(qtbot, db, unit_service):
    from PySide6.QtWidgets import QPlainTextEdit

    dialog = UnitDialog(unit_service, first_start=True)
    qtbot.addWidget(dialog)
    box = dialog.findChild(QPlainTextEdit, "unitRecipients")
    dialog.province.setCurrentIndex(dialog.province.findData(79))
    dialog.ward.setCurrentIndex(dialog.ward.findText("Phường Sài Gòn"))
    assert box.toPlainText().splitlines() == [
        "Công an thành phố Hồ Chí Minh (để báo cáo);", "Đảng ủy, UBND phường Sài Gòn;",
        "Lưu: VT, hồ sơ phong trào."]
    box.setFocus()
    box.selectAll()
    type_text(box, "UBND phường Sài Gòn;")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    type_text(box, "Lưu: VT.")
    dialog.ward.setCurrentIndex(dialog.ward.findText("Phường Bến Thành"))  # kept as typed
    assert box.toPlainText() == "UBND phường Sài Gòn;\nLưu: VT."
    dialog.save()
    assert unit_service.get().recipients == ("UBND phường Sài Gòn;", "Lưu: VT.")
    again = UnitDialog(unit_service)
    qtbot.addWidget(again)
    assert again.recipients.toPlainText() == "UBND phường Sài Gòn;\nLưu: VT."
