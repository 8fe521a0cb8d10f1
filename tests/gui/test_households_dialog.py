"""The household dialog and the households tab's small dialogs, driven through their widgets:
a birth year alone, errors under their fields as you type, member rows removed (button, Delete
key, context menu; a stored member moved out, never deleted), the screen, Esc, Ctrl+S and
Ctrl+Enter, "Lịch sử" and a signed-off sign-up year."""

from datetime import date

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMenu, QPushButton, QTableWidget
from sqlalchemy import func, select

from antq_desktop.db.models import HouseholdSignup, Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.services.periods import SIGNUPS, PeriodService
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.households.actions import MoveAwayDialog, SignupDialog
from antq_desktop.ui.households.dialog import HouseholdDialog
from antq_desktop.ui.permissions import PADLOCK
from tests.conftest import household, member
from tests.gui.conftest import type_text
from tests.gui.dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)

TODAY = date(2026, 6, 15)


def _dialog(qtbot, db, households, hid=None, year=2026):
    data = households.get(hid) if hid is not None else None
    dialog = HouseholdDialog(households, UnitService(db).areas(), data, year=year, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(dialog, name, text):
    field = dialog.findChild(QLineEdit, name)
    field.clear()
    type_text(field, text)


def _line(dialog, name) -> str:
    return dialog.findChild(QLabel, f"{name}Error").text()


def _fill_head(dialog, ward, born="07/03/1985", id_number=""):
    dialog.area.setCurrentIndex(dialog.area.findData(ward[0]))
    _type(dialog, "householdAddress", "18 ngõ Hàng Hành")
    _type(dialog, "memberName", "Đặng Đức Thắng")
    _type(dialog, "memberBirthDate", born)
    dialog.form.sex.set_value(Sex.MALE)
    if id_number:
        _type(dialog, "memberIdNumber", id_number)


def _residents(db):
    with db.session() as s:
        return {r.full_name: r for r in s.scalars(select(Resident))}


def _six(households, ward):
    return households.save(household(ward[0], members=[
        member(),
        member("Nguyễn Thị Hoa", date(1982, 2, 3), Sex.FEMALE, Relationship.WIFE, "001182000001"),
        member("Đặng Thu Hà", date(2005, 1, 1), Sex.FEMALE, Relationship.CHILD, "001305000001"),
        member("Đặng Minh Quân", date(2010, 4, 9), Sex.MALE, Relationship.CHILD, ""),
        member("Đặng Văn Cả", date(1950, 1, 1), Sex.MALE, Relationship.FATHER, "",
               birth_year_only=True),
        member("Lê Thị Tư", date(1952, 1, 1), Sex.FEMALE, Relationship.MOTHER, "",
               moved_out_on=date(2024, 3, 1), moved_out_reason="Về quê"),
    ]), today=TODAY)


# -- a birth year alone ------------------------------------------------------------------------
def test_a_birth_year_alone_is_shown_typed_and_saved_as_a_year(qtbot, db, households, ward):
    hid = _six(households, ward)
    dialog = _dialog(qtbot, db, households, hid)
    assert dialog.members.item(4, 1).text() == "1950"  # the list shows the year only
    assert dialog.members.item(0, 1).text() == "01/05/1980"
    dialog.members.selectRow(4)
    assert dialog.form.birth_date.text() == "1950"

    # a new member whose list gave only "1985"
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    _type(dialog, "memberName", "Đặng Văn Tư")
    _type(dialog, "memberBirthDate", "1985")
    dialog.form.sex.set_value(Sex.MALE)
    dialog.form.relation.set_value(Relationship.YOUNGER_SIBLING)
    assert _line(dialog, "memberBirthDate") == ""
    assert dialog.members.item(6, 1).text() == "1985"
    # and the father's full date found at last: the flag goes
    dialog.members.selectRow(4)
    _type(dialog, "memberBirthDate", "09/07/1950")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    people = _residents(db)
    assert (people["Đặng Văn Tư"].birth_date, people["Đặng Văn Tư"].birth_year_only) == (
        date(1985, 1, 1), True)
    assert (people["Đặng Văn Cả"].birth_date, people["Đặng Văn Cả"].birth_year_only) == (
        date(1950, 7, 9), False)


def test_a_year_only_member_saved_unchanged_keeps_its_flag(qtbot, db, households, ward):
    hid = _six(households, ward)
    dialog = _dialog(qtbot, db, households, hid)
    dialog.members.selectRow(4)
    _type(dialog, "memberOccupation", "Hưu trí")
    dialog.save()
    person = _residents(db)["Đặng Văn Cả"]
    assert (person.birth_date, person.birth_year_only, person.occupation) == (
        date(1950, 1, 1), True, "Hưu trí")


# -- errors under their fields ------------------------------------------------------------------
def test_every_error_shows_under_its_field_as_you_type(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    # not nagged before typing
    assert all(line.text() == "" for line in dialog.form.fields.lines.values())
    below = dialog.form.sex.mapTo(dialog, QPoint(0, 0)).y()
    _type(dialog, "memberName", "Lan3")
    assert "chữ số" in _line(dialog, "memberName")
    assert "b00020" in dialog.form.full_name.styleSheet()
    _type(dialog, "memberName", "Lan")
    assert _line(dialog, "memberName") == ""
    assert dialog.form.full_name.styleSheet() == ""
    assert dialog.form.sex.mapTo(dialog, QPoint(0, 0)).y() == below  # nothing jumped

    dialog.form.sex.set_value(Sex.MALE)
    _type(dialog, "memberBirthDate", "07/03/1985")
    _type(dialog, "memberIdNumber", "001185009876")  # digit 4: a woman born 1985
    assert "giới tính" in _line(dialog, "memberIdNumber")
    _type(dialog, "memberBirthDate", "31/02/1985")
    assert _line(dialog, "memberBirthDate") == "ngày 31/02/1985 không tồn tại."
    _type(dialog, "memberPhone", "12ab")
    assert _line(dialog, "memberPhone") != ""
    _type(dialog, "memberMovedOn", "01/01/2030")
    assert _line(dialog, "memberMovedOn") != ""

    # the household's own fields too
    _type(dialog, "householdAddress", "x")
    dialog.address.clear()
    type_text(dialog.address, " ")
    assert _line(dialog, "householdAddress") != ""
    _type(dialog, "householdSince", "32/01/2020")
    assert "không tồn tại" in _line(dialog, "householdSince")
    _type(dialog, "householdSignup", "01/01/2025")
    assert "năm 2026" in _line(dialog, "householdSignup")


def test_a_refused_save_marks_the_field_of_the_member_it_is_about(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    _type(dialog, "memberName", "Nguyễn Thị Mai")
    dialog.form.relation.set_value(Relationship.WIFE)
    dialog.members.selectRow(0)
    dialog.save()
    assert dialog.isVisible()
    assert "Chưa lưu" in dialog.error.text() and "Nguyễn Thị Mai" in dialog.error.text()
    assert dialog.current_member_row() == 1  # the member it is about is shown
    assert _line(dialog, "memberBirthDate") == "chưa nhập."
    assert _line(dialog, "memberSex") == "chưa chọn."
    assert dialog.members.item(1, 0).foreground().color().name() == "#b00020"


# -- removing a member row ----------------------------------------------------------------------
def test_a_blank_row_added_by_mistake_is_removed_with_the_button(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    assert dialog.members.rowCount() == 2
    dialog.save()  # the blank row blocks the save
    assert dialog.isVisible() and "Họ và tên" in dialog.error.text()
    dialog.members.selectRow(1)
    qtbot.mouseClick(dialog.remove_member_button, Qt.MouseButton.LeftButton)
    assert dialog.members.rowCount() == 1 and len(dialog.data.members) == 1
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert list(_residents(db)) == ["Đặng Đức Thắng"]


def test_a_blank_row_is_removed_with_the_delete_key(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    _type(dialog, "memberName", "Nhầm")
    dialog.members.setFocus()
    dialog.activateWindow()
    QTest.keyClick(dialog.members, Qt.Key.Key_Delete)
    assert dialog.members.rowCount() == 1
    assert dialog.form.full_name.text() == "Đặng Đức Thắng"  # the row left is shown
    # Delete inside a text field deletes text, not the member
    _type(dialog, "memberName", "Đặng Đức Thắngx")
    dialog.form.full_name.setCursorPosition(len("Đặng Đức Thắng"))
    QTest.keyClick(dialog.form.full_name, Qt.Key.Key_Delete)
    assert dialog.form.full_name.text() == "Đặng Đức Thắng" and dialog.members.rowCount() == 1


def _popup_action(qtbot, dialog, row: int, text: str):
    """Open the member list's context menu on ``row`` and click ``text`` in it."""
    seen = []

    def pick():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, pick)
            return
        seen.append([a.text() for a in menu.actions()])
        action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
        menu.close()
        action.trigger()

    QTimer.singleShot(0, pick)
    rect = dialog.members.visualRect(dialog.members.model().index(row, 0))
    dialog.members.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    return seen[0]


def test_a_blank_row_is_removed_from_the_context_menu(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    dialog.members.selectRow(0)
    texts = _popup_action(qtbot, dialog, 1, "Bỏ dòng nhập nhầm")
    assert "Thêm nhân khẩu" in [t.replace("&", "") for t in texts]
    assert dialog.members.rowCount() == 1
    assert dialog.data.members[0].full_name == "Đặng Đức Thắng"


def _move_out(day: str, reason: str, seen: list):
    def fill(box):
        assert isinstance(box, MoveAwayDialog)
        seen.append(box.windowTitle())
        box.on.clear()
        type_text(box.on, day)
        type_text(box.reason, reason)
        press_ctrl_enter(box)
    return fill


def test_a_stored_member_removed_is_moved_out_never_deleted(qtbot, db, households, ward,
                                                             when_modal):
    hid = _six(households, ward)
    dialog = _dialog(qtbot, db, households, hid)
    dialog.members.selectRow(2)
    seen = []
    when_modal(_move_out("01/09/2025", "Đi học đại học ở Huế", seen))
    qtbot.mouseClick(dialog.remove_member_button, Qt.MouseButton.LeftButton)
    assert seen == ["Nhân khẩu chuyển đi"]
    assert dialog.members.rowCount() == 6
    assert dialog.members.item(2, 6).text() == "Chuyển đi 01/09/2025"
    assert not dialog.remove_member_button.isEnabled()  # moved out: nothing more to remove
    # a wrong day is refused in the small dialog, under its field, and nothing changes
    dialog.members.selectRow(3)
    said = []

    def wrong(box):
        box.on.clear()
        type_text(box.on, "01/01/2001")  # before Quân was born
        press_ctrl_enter(box)
        said.append(box.findChild(QLabel, "moveAwayDateError").text())
        box.done(0)

    when_modal(wrong)
    QTest.keyClick(dialog.members, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert said[0] != "" and dialog.data.members[3].moved_out_on is None

    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    person = _residents(db)["Đặng Thu Hà"]
    assert (person.moved_out_on, person.moved_out_reason) == (date(2025, 9, 1),
                                                                "Đi học đại học ở Huế")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 6
    assert households.rows([hid])[hid].member_count == 4


def test_a_stored_member_is_moved_out_from_the_context_menu(qtbot, db, households, ward,
                                                            when_modal):
    hid = _six(households, ward)
    dialog = _dialog(qtbot, db, households, hid)
    seen = []
    when_modal(_move_out("10/05/2026", "Chuyển về ở với con", seen))
    _popup_action(qtbot, dialog, 4, "Ghi chuyển khỏi hộ…")
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert dialog.members.item(4, 6).text() == "Chuyển đi 10/05/2026"


# -- the screen, Esc, Ctrl+S, Ctrl+Enter --------------------------------------------------------
def _title_fits(dialog):
    room = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 100
    assert dialog.width() >= room, (dialog.windowTitle(), dialog.width(), room)


def test_the_dialogs_fit_the_office_screen_with_their_whole_title(qtbot, db, households, ward):
    hid = _six(households, ward)
    for hh in (None, hid):
        dialog = _dialog(qtbot, db, households, hh)
        assert_fits(dialog)
        assert dialog.members.rowCount() == (6 if hh else 1)
        # the six members are in view without scrolling the list
        table: QTableWidget = dialog.members
        last = table.visualRect(table.model().index(table.rowCount() - 1, 0))
        assert last.bottom() <= table.viewport().height()
    areas = UnitService(db).areas()
    for dialog in (SignupDialog(2026, "Ghi đăng ký cho 3 hộ đang chọn.", lambda *a: None,
                                today=TODAY),
                   SignupDialog(2026, "Ghi đăng ký cho mọi hộ đang cư trú trong khu chưa đăng "
                                "ký năm 2026. Hộ đã đăng ký giữ nguyên ngày cũ.",
                                lambda *a: None, areas, today=TODAY),
                   MoveAwayDialog("hộ HK000001 (chủ hộ Đặng Đức Anh)", lambda *a: None,
                                  on=TODAY)):
        qtbot.addWidget(dialog)
        assert_fits(dialog)
        _title_fits(dialog)
        for button in dialog.buttons.buttons():
            assert button.width() >= button.fontMetrics().horizontalAdvance(
                button.text().replace("&", ""))


def test_esc_asks_only_after_an_edit(qtbot, db, households, ward, when_modal):
    hid = _six(households, ward)
    areas = UnitService(db).areas()
    for make, edit in (
            (lambda: HouseholdDialog(households, areas, households.get(hid), today=TODAY),
             lambda d: type_text(d.form.occupation, "Kỹ sư")),
            (lambda: HouseholdDialog(households, areas, today=TODAY),
             lambda d: type_text(d.address, "5 Hàng Đào")),
            (lambda: SignupDialog(2026, "Ghi đăng ký.", lambda *a: None, today=TODAY),
             lambda d: (d.on.clear(), type_text(d.on, "01/03/2026"))),
            (lambda: MoveAwayDialog("hộ HK000001", lambda *a: None, on=TODAY),
             lambda d: type_text(d.reason, "Về quê"))):
        assert_esc_asks_only_after_an_edit(qtbot, when_modal, make, edit)


def test_ctrl_s_saves_and_keeps_the_household_dialog_open_and_clean(qtbot, db, households,
                                                                     ward, when_modal):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    press_ctrl_s(dialog)
    assert dialog.isVisible() and dialog.saved_id is not None
    assert not dialog.is_dirty()
    assert dialog.windowTitle() == "Sửa hộ HK000001"
    assert dialog.data.members[0].id is not None  # as stored: the next save updates it
    assert "Đã lưu hộ HK000001" in dialog.findChild(QLabel, "householdNotice").text()
    assert dialog.findChild(QPushButton, "historyButton").isVisible()
    # edit again, Ctrl+S again: the same household, no second copy of the member
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    _type(dialog, "memberName", "Nguyễn Thị Mai")
    _type(dialog, "memberBirthDate", "01/02/1988")
    dialog.form.sex.set_value(Sex.FEMALE)
    dialog.form.relation.set_value(Relationship.WIFE)
    assert dialog.is_dirty()
    press_ctrl_s(dialog)
    assert dialog.isVisible() and not dialog.is_dirty()
    assert sorted(_residents(db)) == ["Nguyễn Thị Mai", "Đặng Đức Thắng"]
    assert dialog.current_member_row() == 1
    # clean: Esc closes without a question
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_ctrl_enter_saves_and_closes_the_household_dialog(qtbot, db, households, ward):
    dialog = _dialog(qtbot, db, households)
    _fill_head(dialog, ward)
    press_ctrl_enter(dialog)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    assert list(_residents(db)) == ["Đặng Đức Thắng"]


def test_the_keyboard_saves_the_signup_and_move_away_dialogs(qtbot, db, households, ward):
    for press in (press_ctrl_enter, press_ctrl_s):
        saved = []
        signup = SignupDialog(2026, "Ghi đăng ký.", lambda on, area: saved.append(on),
                              today=TODAY)
        move = MoveAwayDialog("hộ HK000001", lambda on, reason: saved.append((on, reason)),
                              on=TODAY)
        for dialog in (signup, move):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            press(dialog)
            assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
        assert saved == [TODAY, (TODAY, "")]


def test_the_tab_shows_a_household_saved_with_ctrl_s_then_closed(qtbot, db, households, ward,
                                                                  when_modal):
    from antq_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.show_tab(window.households_tab)
    tab = window.households_tab

    def fill(dialog):
        _fill_head(dialog, ward)
        press_ctrl_s(dialog)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)  # clean after the save: closes at once

    when_modal(fill)
    tab.add_household()
    assert tab.model.rowCount() == 1 and tab.model.index(0, 1).data() == "Đặng Đức Thắng"


# -- history and a signed-off year -----------------------------------------------------------
def test_history_shows_the_households_changes(qtbot, db, households, ward, when_modal):
    hid = _six(households, ward)
    data = households.get(hid)
    data.members[2].occupation = "Sinh viên"
    households.save(data, today=TODAY)
    new = _dialog(qtbot, db, households)
    assert not new.findChild(QPushButton, "historyButton").isVisible()  # nothing stored yet
    dialog = _dialog(qtbot, db, households, hid)
    button = dialog.findChild(QPushButton, "historyButton")
    assert button.isVisible() and button.isEnabled()
    seen = []

    def read(box):
        assert box.objectName() == "historyDialog"
        table = box.findChild(QTableWidget, "historyTable")
        seen.extend(tuple(table.item(r, c).text() for c in range(table.columnCount()))
                    for r in range(table.rowCount()))
        box.done(0)

    when_modal(read)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert any(r[3] == "Nhân khẩu" and r[4] == "Nghề nghiệp" and r[6] == "Sinh viên"
               for r in seen)
    assert any(r[3] == "Hộ gia đình" for r in seen)


def test_a_signed_off_signup_year_is_read_only_with_a_padlock(qtbot, db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    households.sign_up([hid], 2025, date(2025, 3, 1), today=TODAY)
    PeriodService(db).lock(SIGNUPS, 2025, today=TODAY)
    dialog = _dialog(qtbot, db, households, hid, year=2025)
    field = dialog.findChild(QLineEdit, "householdSignup")
    assert field.text() == "01/03/2025" and field.isReadOnly()
    assert not field.calendar_action.isEnabled()
    lock = dialog.findChild(QLabel, "householdSignupLock")
    assert lock.text().startswith(PADLOCK) and "Năm 2025 đã khóa sổ" in lock.toolTip()
    type_text(field, "x")
    assert field.text() == "01/03/2025"
    _type(dialog, "householdAddress", "30 Hàng Bạc")  # the household itself is not locked
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert households.get(hid).address == "30 Hàng Bạc"

    # an open year: the sign-up is typed in the dialog and saved with the household
    dialog = _dialog(qtbot, db, households, hid, year=2026)
    field = dialog.findChild(QLineEdit, "householdSignup")
    assert not field.isReadOnly() and dialog.findChild(QLabel, "householdSignupLock").text() == ""
    type_text(field, "02/03/2026")
    dialog.save()
    with db.session() as s:
        assert dict(s.execute(select(HouseholdSignup.year, HouseholdSignup.signed_on)).all()) == {
            2025: date(2025, 3, 1), 2026: date(2026, 3, 2)}
