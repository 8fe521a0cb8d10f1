"""An account that may not write (Chỉ xem, a province account) reads every record: each list's
open button says "Xem" and Enter opens the record read-only (ui/widgets/dialogs.py view_only);
a clerk still edits (issue 15)."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
)
from sqlalchemy import text

from antq_desktop.access import SYSTEM, Role
from antq_desktop.db.models import Base
from antq_desktop.services import demo
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.households.dialog import BAD_ROW
from antq_desktop.ui.main_window import MainWindow
from antq_desktop.ui.widgets import dialogs as dialog_module
from antq_desktop.ui.widgets.dialogs import VIEW_ONLY_NOTE, GuardedDialog

from .dialog_checks import press_ctrl_enter, press_ctrl_s

TODAY = date(2026, 11, 20)
PASSWORD = "mật-khẩu-1"
WHY = "không được nhập hoặc sửa dữ liệu"


@pytest.fixture
def demo_ward(db, pin_today):
    """The demo ward (a small one), its accounts: the first a Quản trị, then a clerk, a viewer
    and a province account."""
    pin_today(TODAY)
    demo.generate(db, households=60, today=TODAY)
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("nhaplieu", PASSWORD, Role.CLERK)
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    users.add("tinh", PASSWORD, Role.ADMIN, province=True)
    return db


@pytest.fixture
def no_questions(monkeypatch):
    """Every "close without saving?" a dialog asks, answered "no" and recorded."""
    asked = []

    def confirm(_parent, question, *_args, **_kw):
        asked.append(question)
        return False

    monkeypatch.setattr(dialog_module, "confirm", confirm)
    return asked


def fingerprint(db) -> dict:
    """Each versioned table's rows and versions, and the trail's entries but logins: what any
    save, of anything, would change."""
    found = {}
    with db.session() as s:
        for table in Base.metadata.sorted_tables:
            if "version" in table.c:
                found[table.name] = s.execute(text(
                    f"SELECT count(*), coalesce(sum(version), 0) FROM {table.name}")).one()
        found["audit"] = s.execute(text(
            "SELECT count(*) FROM audit_entry WHERE action NOT IN ('login', 'logout')")).scalar()
    return found


def _window(qtbot, db, name):
    login(db, name, PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.idle_lock.stop()
    window.activateWindow()  # shortcuts (Enter on a list) go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def _select(tab, record_id=None):
    row = 0 if record_id is None else tab.model.row_of(record_id)
    assert row >= 0 and tab.model.rowCount() > 0
    tab.table.selectRow(row)
    tab.table.setFocus()


def _opened(qtbot, when_modal, tab, check) -> None:
    """Open the selected record as Enter does (run modally, destroyed when it closes, as the
    program does) and run ``check(dialog)`` on it before it is closed."""
    seen = {}

    def run(dialog):
        try:
            check(dialog)
        finally:
            seen["done"] = True
            dialog.done(0)

    when_modal(run)
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "done" in seen, timeout=10000)


def _error_texts(dialog) -> list[str]:
    return [w.text() for w in dialog.findChildren(QLabel)
            if w.objectName().endswith("Error") and w.text()]


def _save_buttons(dialog) -> list[QAbstractButton]:
    """The buttons that would save (any "Lưu", "Đồng ý", "Theo đề xuất"…) still offered."""
    return [b for b in dialog.findChildren(QPushButton)
            if b.isVisible() and b.isEnabled() and b.objectName() != "historyButton"
            and b.text().replace("&", "") not in ("Đóng",)]


def look_read_only(dialog, no_questions, seen: dict) -> None:
    """The checks every record dialog opened by a viewer passes; Esc closes it at the end."""
    assert isinstance(dialog, GuardedDialog)
    seen["name"] = dialog.objectName()
    note = dialog.findChild(QLabel, "readOnlyNote")
    assert note is not None and note.isVisible() and note.text() == VIEW_ONLY_NOTE
    assert WHY in note.toolTip()
    assert "<img" not in note.text()  # no padlock: nothing is locked, the account only reads
    fields = [w for w in dialog.findChildren(QLineEdit) if w.isVisible()
              and not isinstance(w.parentWidget(), QComboBox)]
    assert fields and all(w.isReadOnly() for w in fields), seen["name"]
    assert not any(c.isEnabled() for c in dialog.findChildren(QComboBox) if c.isVisible())
    assert _save_buttons(dialog) == [], [b.text() for b in _save_buttons(dialog)]
    history = dialog.findChild(QPushButton, "historyButton")
    assert history is not None and history.isEnabled()  # looking back is no change
    assert _error_texts(dialog) == [], _error_texts(dialog)
    seen["title"] = dialog.windowTitle()
    press_ctrl_s(dialog)
    press_ctrl_enter(dialog)
    assert dialog.isVisible()  # nothing to save, from the keyboard either
    fields[0].setFocus()
    QTest.keyClick(fields[0], Qt.Key.Key_A)  # a key typed into a read-only field changes nothing
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and no_questions == []  # closed, nothing asked
    seen["closed"] = True


TABS = [  # the tab, its open button, the dialog it opens
    ("households", "householdsEdit", "householdDialog"),
    ("rehabilitation", "rehabilitationEdit", "rehabCaseDialog"),
    ("mediation", "mediationEdit", "mediationCaseDialog"),
    ("certification", "certificationRecord", "certRecordDialog"),
    ("activities", "activitiesEdit", None),
]


@pytest.mark.parametrize("area,button_name,dialog_name", TABS, ids=[t[0] for t in TABS])
def test_a_viewer_opens_every_record_read_only(qtbot, demo_ward, when_modal, no_questions,
                                               area, button_name, dialog_name):
    db = demo_ward
    window = _window(qtbot, db, "chixem")
    tab = window.area_tabs[area]
    window.show_tab(tab)
    button = tab.findChild(QPushButton, button_name)
    tab.table.clearSelection()
    assert button.text().replace("&", "") == "Xem"
    assert WHY in button.toolTip() and "Chỉ xem" in button.toolTip()
    assert not button.isEnabled()  # nothing chosen yet
    _select(tab)
    assert button.isEnabled()
    before = fingerprint(db)
    seen = {}
    when_modal(lambda d: look_read_only(d, no_questions, seen))
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "closed" in seen, timeout=10000)
    if dialog_name:
        assert seen["name"] == dialog_name
    assert "Sửa" not in seen["title"]
    # the button opens it too, the same way
    seen.clear()
    when_modal(lambda d: look_read_only(d, no_questions, seen))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "closed" in seen, timeout=10000)
    assert fingerprint(db) == before  # nothing was written


def test_the_household_shows_masked_numbers_unchecked(qtbot, demo_ward, when_modal, no_questions):
    db = demo_ward
    window = _window(qtbot, db, "chixem")
    tab = window.households_tab
    window.show_tab(tab)
    _select(tab)

    def check(dialog):
        assert dialog.windowTitle().startswith("Xem hộ ")
        numbers = [m.id_number for m in dialog.data.members if m.id_number]
        assert numbers and all(n.startswith("••••") for n in numbers)  # masked for a viewer
        for row, m in enumerate(dialog.data.members):
            dialog.members.selectRow(row)
            shown = dialog.form.id_number
            assert shown.text() == m.id_number and shown.isReadOnly()
            for col in range(dialog.members.columnCount()):
                assert dialog.members.item(row, col).foreground().color() != BAD_ROW
                assert "12 chữ số" not in dialog.members.item(row, col).toolTip()
        qtbot.wait(50)  # the live check's turn, were it on
        assert _error_texts(dialog) == []
        assert not dialog.findChild(QPushButton, "householdAddMember").isEnabled()
        remove = dialog.findChild(QPushButton, "householdRemoveMember")
        dialog.members.selectRow(0)  # choosing a member enables it for a clerk
        assert not remove.isEnabled()
        QTest.keyClick(dialog.members, Qt.Key.Key_Delete)  # no "chuyển đi" asked
        QTest.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # no member added
        assert QApplication.activeModalWidget() is dialog  # nothing asked on top of it
        assert dialog.members.rowCount() == len(dialog.data.members)
        assert dialog.signup.isReadOnly()
        dialog.grab().save("/tmp/viewer-household.png")

    _opened(qtbot, when_modal, tab, check)


def test_the_rehabilitation_case_shows_a_masked_regime_as_hidden(qtbot, demo_ward, when_modal):
    db = demo_ward
    window = _window(qtbot, db, "chixem")
    tab = window.rehabilitation_tab
    window.show_tab(tab)
    _select(tab)

    def check(dialog):
        assert dialog.regime.currentText() == "(ẩn)" and not dialog.regime.isEnabled()
        assert dialog.regime.value() is None
        assert dialog.notes.isReadOnly()
        assert dialog.findChild(QLabel, "readOnlyNote").text() == VIEW_ONLY_NOTE
        dialog.pages.setCurrentIndex(1)
        for name in ("rehabAddEvaluation", "rehabAddSupport", "rehabEditEvaluation",
                     "rehabVoidEvaluation"):
            assert not dialog.findChild(QPushButton, name).isEnabled(), name
        if dialog.evaluations.rowCount():
            dialog.evaluations.selectRow(0)  # a clerk's selection enables Sửa and Hủy
            assert not dialog.edit_evaluation_button.isEnabled()
            assert not dialog.void_evaluation_button.isEnabled()
        dialog.pages.setCurrentIndex(0)
        qtbot.wait(50)
        assert _error_texts(dialog) == []
        dialog.grab().save("/tmp/viewer-rehab.png")

    _opened(qtbot, when_modal, tab, check)


def test_a_viewer_reads_a_mediation_team(qtbot, demo_ward, when_modal, no_questions):
    db = demo_ward
    window = _window(qtbot, db, "chixem")
    tab = window.mediation_tab
    window.show_tab(tab)
    before = fingerprint(db)
    seen = {}

    def in_teams(teams):
        edit = teams.findChild(QPushButton, "mediationTeamEdit")
        seen["text"], seen["tip"] = edit.text(), edit.toolTip()
        teams.findChild(QTableWidget, "mediationTeams").selectRow(0)
        when_modal(lambda d: look_read_only(d, no_questions, seen))
        edit.click()
        teams.done(0)

    when_modal(in_teams)
    tab.findChild(QPushButton, "mediationTeams").click()
    assert seen["name"] == "mediationTeamDialog" and seen["closed"]
    assert seen["text"].startswith("Xem") and WHY in seen["tip"]
    assert fingerprint(db) == before


def test_a_province_account_reads_only(qtbot, demo_ward, when_modal, no_questions):
    db = demo_ward
    window = _window(qtbot, db, "tinh")
    tab = window.households_tab
    window.show_tab(tab)
    button = tab.findChild(QPushButton, "householdsEdit")
    assert button.text().replace("&", "") == "Xem" and "cấp tỉnh" in button.toolTip()
    _select(tab)

    def check(dialog):
        note = dialog.findChild(QLabel, "readOnlyNote")
        assert note.text() == VIEW_ONLY_NOTE and "cấp tỉnh" in note.toolTip()
        assert dialog.code.isReadOnly()
        assert not dialog.findChild(QPushButton, "householdSave").isVisible()

    _opened(qtbot, when_modal, tab, check)


@pytest.mark.parametrize("area,button_name,dialog_name", TABS, ids=[t[0] for t in TABS])
def test_a_clerk_still_edits(qtbot, demo_ward, when_modal, area, button_name, dialog_name):
    db = demo_ward
    window = _window(qtbot, db, "nhaplieu")
    tab = window.area_tabs[area]
    window.show_tab(tab)
    button = tab.findChild(QPushButton, button_name)
    assert "Xem" != button.text().replace("&", "") and WHY not in button.toolTip()
    _select(tab)
    assert button.isEnabled()
    seen = {}

    def look(dialog):
        seen["note"] = dialog.findChild(QLabel, "readOnlyNote")
        seen["read_only"] = dialog.read_only
        fields = [w for w in dialog.findChildren(QLineEdit) if w.isVisible()
                  and not isinstance(w.parentWidget(), QComboBox)]
        seen["editable"] = any(not w.isReadOnly() for w in fields)
        seen["save"] = [b.text() for b in _save_buttons(dialog)]
        dialog.done(0)

    when_modal(look)
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "save" in seen, timeout=10000)
    assert seen["note"] is None and seen["read_only"] is None
    assert seen["editable"] and seen["save"], seen


def test_a_clerk_gets_an_editable_household(qtbot, demo_ward, when_modal):
    db = demo_ward
    window = _window(qtbot, db, "nhaplieu")
    tab = window.households_tab
    window.show_tab(tab)
    _select(tab)

    def check(dialog):
        assert dialog.windowTitle().startswith("Sửa hộ ")
        assert not dialog.address.isReadOnly() and dialog.area.isEnabled()
        assert dialog.findChild(QPushButton, "householdSave").isVisible()
        assert dialog.findChild(QPushButton, "householdAddMember").isEnabled()
        assert any(m.id_number and m.id_number[0].isdigit() for m in dialog.data.members)

    _opened(qtbot, when_modal, tab, check)


def test_the_system_user_is_no_viewer(db):
    from antq_desktop.ui.permissions import cannot_write

    assert db.user is SYSTEM and cannot_write(db) is None


def test_a_viewer_cannot_use_the_other_actions_of_the_lists(qtbot, demo_ward):
    window = _window(qtbot, demo_ward, "chixem")
    for name in ("householdsMove", "householdsSignup", "rehabilitationEvaluate",
                 "rehabilitationClose", "activitiesDelete", "activitiesEndModel",
                 "certificationEditUnit", "certificationRetire", "certificationSettings",
                 "certificationPapers"):
        button = window.findChild(QPushButton, name)
        assert not button.isEnabled() and "Chỉ xem" in button.toolTip(), name
    assert window.findChild(QPushButton, "mediationTeams").isEnabled()  # to read the teams


def test_a_viewers_household_menu_offers_only_to_look(qtbot, demo_ward):
    from PySide6.QtCore import QPoint, QTimer

    window = _window(qtbot, demo_ward, "chixem")
    tab = window.households_tab
    window.show_tab(tab)
    _select(tab)
    offered = []

    def read_menu(left=500):
        menu = QApplication.activePopupWidget()
        if menu is None:
            if left:
                QTimer.singleShot(20, lambda: read_menu(left - 1))
            return
        offered.extend((a.text(), a.isEnabled()) for a in menu.actions() if a.text())
        menu.close()

    QTimer.singleShot(0, read_menu)
    tab._context_menu(QPoint(5, 5))  # exec(): returns when the menu closes
    assert offered[0] == ("Xem…", True)
    assert all(not enabled for _text, enabled in offered[1:]), offered
