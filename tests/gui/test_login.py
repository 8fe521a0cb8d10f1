"""Signing in, the first administrator, greyed-out buttons and the idle lock (docs/USERS.md)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMessageBox

from antq_desktop.access import Role
from antq_desktop.services.users import UserService, login
from antq_desktop.ui import app as app_module
from antq_desktop.ui.login import FirstAdminDialog, IdleLock, LoginDialog
from antq_desktop.ui.main_window import MainWindow, shown_url

from .conftest import type_text

PASSWORD = "mật-khẩu-1"


@pytest.fixture
def accounts(db, ward):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    return users


def test_first_start_makes_the_administrator(qtbot, db):
    users = UserService(db)
    dialog = FirstAdminDialog(users)
    qtbot.addWidget(dialog)
    dialog.name.setText("quantri")
    dialog.password.setText(PASSWORD)
    dialog.again.setText("khác hẳn-1")
    dialog.ok.click()
    again_line = dialog.findChild(QLabel, "firstAdminAgainError")
    assert "không khớp" in again_line.text() and not users.has_users()  # under its field
    assert dialog.focusWidget() is dialog.again or not dialog.isVisible()
    dialog.again.clear()
    type_text(dialog.again, PASSWORD)  # typed: the line clears as it is fixed
    qtbot.waitUntil(lambda: again_line.text() == "")
    dialog.ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user.role is Role.ADMIN and users.has_users()


def test_the_password_change_shows_each_error_under_its_field_as_typed(qtbot, accounts):
    from antq_desktop.ui.login import ChangePasswordDialog

    dialog = ChangePasswordDialog(accounts, "chixem")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.old.setText(PASSWORD)
    type_text(dialog.new, "ngắn")
    new_line = dialog.findChild(QLabel, "passwordNewError")
    qtbot.waitUntil(lambda: "ít nhất" in new_line.text())
    dialog.new.clear()
    type_text(dialog.new, PASSWORD)  # the same as the old one: the service refuses it
    type_text(dialog.again, PASSWORD)
    qtbot.waitUntil(lambda: new_line.text() == "")
    dialog.ok.click()
    assert "khác mật khẩu cũ" in new_line.text() and dialog.isVisible()


def test_login_dialog_refuses_a_wrong_password_then_signs_in(qtbot, accounts):
    dialog = LoginDialog(accounts, "Phường Hoàn Kiếm")
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "loginDialog"
    dialog.name.setText("chixem")
    dialog.password.setText("sai-mật-khẩu")
    dialog.ok.click()
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert dialog.password.text() == ""
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    assert dialog.user.name == "chixem" and dialog.result() == QDialog.DialogCode.Accepted


def test_run_gui_asks_to_log_in_before_the_main_window(qapp, db, accounts, monkeypatch):
    seen = []

    def fake_exec(self):
        seen.append(self.objectName())
        self.name.setText("chixem")
        self.password.setText(PASSWORD)
        self.submit()
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    monkeypatch.setenv(app_module.QUIT_AFTER_ENV, "200")
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: seen.append(a))
    assert app_module.run_gui(db.url) == 0
    assert seen == ["loginDialog"]


def test_a_cancelled_login_quits(qapp, db, accounts, monkeypatch):
    monkeypatch.setattr(LoginDialog, "exec", lambda self: 0)
    monkeypatch.setattr(MainWindow, "show", lambda self: pytest.fail("no window"))
    assert app_module.run_gui(db.url) == 0


def test_a_read_only_window_greys_out_what_it_cannot_do(qtbot, db, accounts):
    login(db, "chixem", PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    add = window.findChild(object, "householdsAdd")
    assert not add.isEnabled()
    assert "không được nhập hoặc sửa dữ liệu" in add.toolTip()
    add.setEnabled(True)  # the tab enabling it on a selection change
    assert not add.isEnabled()
    for name in ("actionImport", "actionRestore", "actionUnit", "actionReports"):
        action = window.findChild(object, name)
        assert not action.isEnabled() and "Chỉ xem" in action.toolTip(), name
    assert window.findChild(object, "statusUser").text() == "Trần Thị Mai (Chỉ xem)"
    window.idle_lock.stop()


def test_an_admin_window_has_everything(qtbot, db, accounts):
    login(db, "quantri", PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.findChild(object, "householdsAdd").isEnabled()
    assert window.findChild(object, "actionImport").isEnabled()
    window.idle_lock.stop()


def test_the_idle_lock_covers_an_open_dialog_and_keeps_its_text(qtbot, db, accounts):
    login(db, "chixem", PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.idle_lock.stop()
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    dialog.show()
    field.setText("Nguyễn Văn An, 12 Hàng Bạc")  # typed, not saved
    lock = IdleLock(UserService(db), 10, window, interval_ms=50)
    seen = {}

    def unlock_when_shown():
        modal = QApplication.activeModalWidget()
        assert modal is lock.dialog and modal.objectName() == "lockDialog"
        seen["covers"] = [w.parentWidget() for w in window.findChildren(object, "lockCover")] \
            + [w.parentWidget() for w in dialog.findChildren(object, "lockCover")]
        modal.password.setText("sai-mật-khẩu")
        modal.submit()
        seen["wrong"] = modal.isVisible() and "không đúng" in modal.error.text()
        modal.reject()  # Esc does not unlock
        seen["after_esc"] = modal.isVisible()
        modal.password.setText(PASSWORD)
        modal.submit()

    lock.locked.connect(lambda: qtbot.wait(0) or __import__("PySide6.QtCore", fromlist=[
        "QTimer"]).QTimer.singleShot(0, unlock_when_shown))
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        pass
    assert window in seen["covers"] and dialog in seen["covers"]
    assert seen["wrong"] and seen["after_esc"]
    assert dialog.isVisible() and field.text() == "Nguyễn Văn An, 12 Hàng Bạc"
    qtbot.waitUntil(lambda: not window.findChildren(object, "lockCover"))
    lock.stop()
    dialog.close()


def test_the_about_box_never_shows_a_password():
    url = "postgresql+psycopg2://antq:bí-mật-123@db.local/antq"
    assert "bí-mật" not in shown_url(url) and "db.local/antq" in shown_url(url)
    assert shown_url("sqlite:////tmp/antq.db") == "sqlite:////tmp/antq.db"


def test_a_key_anywhere_restarts_the_countdown_and_a_gone_lock_is_dropped(qtbot, db, accounts):
    """The program's one input watcher tells every live idle lock of a key; a lock whose
    window is gone is dropped, never called."""
    import shiboken6
    from PySide6.QtWidgets import QWidget

    from antq_desktop.ui.login.lock import _Activity

    login(db, "quantri", PASSWORD)
    window = QWidget()
    qtbot.addWidget(window)
    field = QLineEdit(window)
    window.show()
    lock = IdleLock(UserService(db), 10, window, interval_ms=60_000, follow_session=False)
    watcher = _Activity.of(QApplication.instance())
    assert lock in watcher.locks and _Activity.of(QApplication.instance()) is watcher
    # a minute's countdown (it never runs out here, however loaded the machine): each key
    # starts it again from the full minute. Precise: a coarse timer of a minute is rounded to
    # whole seconds, so a restart 300 ms later may land on the same second (CI saw that)
    lock.timer.setTimerType(Qt.TimerType.PreciseTimer)
    lock.timer.start(60_000)
    qtbot.wait(300)
    before = lock.timer.remainingTime()
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert lock.timer.isActive() and lock.timer.remainingTime() > before + 200
    assert not lock.is_locked
    lock.stop()
    assert lock not in watcher.locks
    gone = IdleLock(UserService(db), 10, window, interval_ms=60_000, follow_session=False)
    shiboken6.delete(gone)
    qtbot.keyClick(field, Qt.Key.Key_B)  # no call into the deleted lock
    assert all(shiboken6.isValid(x) for x in watcher.locks)
