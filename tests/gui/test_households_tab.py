from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton
from sqlalchemy import func, select

from antq_desktop.db.models import Household, Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member
from tests.gui.conftest import type_text


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _window(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.show_tab(window.households_tab)  # Tổng quan comes first; a tab reads when opened
    return window


def _type(qtbot, dialog, name, text):
    field = dialog.findChild(QLineEdit, name)
    field.clear()
    type_text(field, text)


def _fill_head(qtbot, dialog, name="Đặng Đức Thắng", born="07/03/1985",
               id_number="001085009876"):
    _type(qtbot, dialog, "householdAddress", "18 ngõ Hàng Hành")
    _type(qtbot, dialog, "memberName", name)
    _type(qtbot, dialog, "memberBirthDate", born)
    dialog.findChild(type(dialog.form.sex), "memberSex").set_value(Sex.MALE)
    _type(qtbot, dialog, "memberIdNumber", id_number)


def test_main_window_shows_tabs_and_status(qtbot, db, ward):
    window = _window(qtbot, db)
    assert window.objectName() == "mainWindow"
    assert window.tabs.objectName() == "mainTabs"
    # one tab per work area that exists, nothing more
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Tổng quan", "Hộ gia đình", "Quản lý, giáo dục, giúp đỡ", "Hòa giải ở cơ sở", "An toàn về ANTT",
        "Phong trào"]
    assert window.findChild(QLabel, "statusUnit").text() == "Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert window.households_tab.search.hasFocus() or not window.isActiveWindow()
    # the counts follow the first paint of the window
    qtbot.waitUntil(lambda: "0 hộ" in window.findChild(QLabel, "statusCounts").text(),
                    timeout=10000)


def test_add_household_through_dialog_then_find_without_diacritics(qtbot, db, ward, when_modal):
    window = _window(qtbot, db)
    tab = window.households_tab

    def fill(dialog):
        assert dialog.objectName() == "householdDialog"
        assert dialog.code.text() == "HK000001"
        dialog.area.setCurrentIndex(dialog.area.findData(ward[1]))
        _fill_head(qtbot, dialog)
        assert all(line.text() == "" for line in dialog.form.fields.lines.values())
        qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
        _type(qtbot, dialog, "memberName", "nguyễn thị mai")
        _type(qtbot, dialog, "memberBirthDate", "1/2/1988")
        dialog.form.sex.set_value(Sex.FEMALE)
        dialog.form.relation.set_value(Relationship.WIFE)
        qtbot.mouseClick(dialog.findChild(QPushButton, "householdSave"), Qt.MouseButton.LeftButton)

    when_modal(fill)
    qtbot.mouseClick(tab.findChild(QPushButton, "householdsAdd"), Qt.MouseButton.LeftButton)

    assert _count(db, Household) == 1 and _count(db, Resident) == 2
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 1).data() == "Đặng Đức Thắng"
    assert tab.model.index(0, 4).data() == "2"
    assert "1 hộ · 2 nhân khẩu" in window.count_label.text()

    # another household, so the search has something to leave out
    window.households.save(household(ward[0], "HK000002", [member("Trần Văn Bình")]))
    tab.reload()
    assert tab.model.rowCount() == 2

    search = tab.findChild(QLineEdit, "householdsSearch")
    type_text(search, "dang duc")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert tab.model.index(0, 1).data() == "Đặng Đức Thắng"
    search.clear()
    type_text(search, "nguyen thi mai")  # any member, not only the head
    qtbot.waitUntil(lambda: tab.model.index(0, 0).data() == "HK000001"
                    and tab.model.rowCount() == 1, timeout=2000)


def test_invalid_id_number_refused_and_nothing_saved(qtbot, db, ward, when_modal):
    window = _window(qtbot, db)
    tab = window.households_tab
    seen = {}

    def fill(dialog):
        dialog.area.setCurrentIndex(1)
        _fill_head(qtbot, dialog, id_number="001185009876")  # digit 4 = female, but male chosen
        seen["live"] = dialog.findChild(QLabel, "memberIdNumberError").text()
        qtbot.mouseClick(dialog.findChild(QPushButton, "householdSave"), Qt.MouseButton.LeftButton)
        seen["visible"] = dialog.isVisible()
        seen["error"] = dialog.findChild(QLabel, "householdError").text()
        dialog.done(QDialog.DialogCode.Rejected)

    when_modal(fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "giới tính" in seen["live"]  # under the ID number field, as it was typed
    assert seen["visible"] is True
    assert "Chưa lưu" in seen["error"] and "Số định danh cá nhân" in seen["error"]
    assert _count(db, Household) == 0 and _count(db, Resident) == 0
    assert tab.model.rowCount() == 0


def test_impossible_date_named_in_message(qtbot, db, households, ward):
    window = _window(qtbot, db)
    dialog = window.households_tab.open_dialog()
    _fill_head(qtbot, dialog, born="31/02/1985", id_number="")
    line = dialog.findChild(QLabel, "memberBirthDateError")
    assert line.text() == "ngày 31/02/1985 không tồn tại."
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Ngày sinh" in dialog.error.text()
    assert _count(db, Household) == 0


def test_edit_household_and_move_member(qtbot, db, households, ward):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Thu Hà", date(2001, 1, 1), Sex.FEMALE, Relationship.CHILD,
                         "001301000001")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    tab.table.selectRow(0)
    dialog = tab.open_dialog(hid)
    dialog.members.selectRow(1)
    _type(qtbot, dialog, "memberMovedOn", "01/09/2025")
    _type(qtbot, dialog, "memberMovedReason", "Đi học đại học ở Huế")
    assert "Chuyển đi 01/09/2025" in dialog.members.item(1, 6).text()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert households.rows([hid])[hid].member_count == 1
    assert _count(db, Resident) == 2


@pytest.mark.parametrize("today", [date(2026, 6, 15), date(2027, 1, 1)], ids=str)
def test_signup_selected_and_summary(qtbot, db, households, ward, when_modal, pin_today, today):
    pin_today(today)  # the tab's year and the sign-up's date are today's
    households.save(household(ward[0]))
    households.save(household(ward[0], "HK000002", [member("Lê Văn Tám", id_number="")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    assert tab.summary.item(0, 1).text() == "0/2"
    tab.table.selectRow(0)

    def confirm(dialog):
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_modal(confirm)
    qtbot.mouseClick(tab.signup_button, Qt.MouseButton.LeftButton)
    assert tab.summary.item(0, 1).text() == "1/2"
    assert tab.model.index(0, 6).data() == today.strftime("%d/%m/%Y")
    assert tab.model.index(1, 6).data() == "Chưa"

    # recorded by mistake: undone after a question
    tab.table.selectRow(0)
    when_modal(lambda box: next(b for b in box.buttons() if b.text() == "Đồng ý").click())
    tab.cancel_signup_selected()
    assert tab.summary.item(0, 1).text() == "0/2"
    assert tab.model.index(0, 6).data() == "Chưa"


def test_sorting_by_header_click(qtbot, db, households, ward):
    households.save(household(ward[0], "HK000001", [member("Vũ Văn An", id_number="")]))
    households.save(household(ward[1], "HK000002", [member("Lê Thị Yến", sex=Sex.FEMALE,
                                                            id_number="")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    header = tab.table.horizontalHeader()
    header.sectionClicked.emit(1)  # "Chủ hộ": by given name
    assert [tab.model.index(i, 1).data() for i in range(2)] == ["Vũ Văn An", "Lê Thị Yến"]
    header.sectionClicked.emit(1)
    assert [tab.model.index(i, 1).data() for i in range(2)] == ["Lê Thị Yến", "Vũ Văn An"]


def test_cancel_asks_before_losing_typed_work(qtbot, db, ward, when_modal):
    window = _window(qtbot, db)
    dialog = window.households_tab.open_dialog()
    dialog.show()
    dialog.reject()  # nothing typed: closes at once
    assert not dialog.isVisible()

    dialog = window.households_tab.open_dialog()
    dialog.show()
    _type(qtbot, dialog, "memberName", "Hà Văn Sơn")
    seen = {}

    def keep_editing(box):
        seen["question"] = box.text()
        next(b for b in box.buttons() if b.text() == "Hủy").click()  # stay in the dialog

    when_modal(keep_editing)
    dialog.reject()
    assert "Bỏ các thay đổi" in seen["question"]
    assert dialog.isVisible()
    assert dialog.form.full_name.text() == "Hà Văn Sơn"


def test_arrival_date_impossible_then_kept(qtbot, db, ward, when_modal):
    window = _window(qtbot, db)
    tab = window.households_tab
    seen = {}

    def fill(dialog):
        dialog.area.setCurrentIndex(dialog.area.findData(ward[0]))
        _fill_head(qtbot, dialog)
        _type(qtbot, dialog, "householdSince", "31/02/2024")
        save = dialog.findChild(QPushButton, "householdSave")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error.text()
        assert dialog.isVisible() and dialog.since.hasFocus() or not dialog.isActiveWindow()
        _type(qtbot, dialog, "householdSince", "15/08/2024")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    when_modal(fill)
    qtbot.mouseClick(tab.findChild(QPushButton, "householdsAdd"), Qt.MouseButton.LeftButton)
    assert "Ngày đến cư trú" in seen["error"] and "không tồn tại" in seen["error"]
    (hid,) = window.households.query_ids()
    assert window.households.get(hid).since == date(2024, 8, 15)


def test_a_future_year_cannot_be_signed_yet_and_says_so(qtbot, db, households, ward,
                                                        monkeypatch, pin_today):
    from PySide6.QtWidgets import QMessageBox

    pin_today(date(2026, 12, 1))
    households.save(household(ward[0]))
    window = _window(qtbot, db)
    tab = window.households_tab
    tab.year.setValue(2027)
    tab.table.selectRow(0)
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    tab.signup_selected()
    tab.signup_area()
    assert len(said) == 2 and said[0].startswith("Chưa đến năm 2027")
    assert households.signup_summary(2027, today=date(2026, 12, 1))[0].signed == 0
