"""Tệp → Đăng xuất on a shared office PC: the trail records who left, nothing of the records
stays on screen while the next officer signs in, and the next officer gets their own rights
(issue 15; docs/USERS.md)."""

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from antq_desktop.access import Role
from antq_desktop.db.models import AuditEntry
from antq_desktop.services.users import UserService, login
from antq_desktop.ui import app as app_module
from antq_desktop.ui.login import LoginDialog

PASSWORD = "mật-khẩu-1"


@pytest.fixture
def accounts(db, ward):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    return users


def trail(db):
    with db.session() as s:
        return [(e.action, e.actor) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(("login", "logout")))
            .order_by(AuditEntry.id))]


def signing_in_as(name, seen):
    """A LoginDialog.exec that types ``name`` (None: Hủy) and notes what was on screen."""

    def fake_exec(self):
        covers = [w for w in QApplication.topLevelWidgets()
                  for w in w.findChildren(QWidget, "lockCover") if w.isVisible()]
        seen.append(("covered", bool(covers)))
        if name is None:
            return 0
        self.name.setText(name)
        self.password.setText(PASSWORD)
        self.submit()
        return self.result()

    return fake_exec


def open_window(qtbot, db):
    window = app_module.open_main_window(db, auto_backup=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_service_records_a_logout_and_nothing_in_single_user_mode(db, accounts):
    assert UserService(db).sign_out() is False  # no account signed in: nothing to record
    login(db, "chixem", PASSWORD)
    assert UserService(db).sign_out() is True
    assert trail(db) == [("login", "chixem"), ("logout", "chixem")]


def test_signing_out_covers_the_window_and_the_next_officer_gets_their_own(
        qtbot, db, accounts, monkeypatch):
    login(db, "quantri", PASSWORD)
    window = open_window(qtbot, db)
    assert window.findChild(object, "householdsAdd").isEnabled()
    seen = []
    monkeypatch.setattr(LoginDialog, "exec", signing_in_as("chixem", seen))
    window.findChild(object, "actionSignOut").trigger()
    assert seen == [("covered", True)]
    assert not window.isVisible()
    successor = app_module._windows[-1]
    qtbot.addWidget(successor)
    assert successor is not window and successor.isVisible()
    assert successor.findChild(object, "statusUser").text() == "Trần Thị Mai (Chỉ xem)"
    assert not successor.findChild(object, "householdsAdd").isEnabled()
    assert trail(db) == [("login", "quantri"), ("logout", "quantri"), ("login", "chixem")]
    successor.idle_lock.stop()
    successor.close_without_backup()


def test_the_same_officer_goes_on_in_the_same_window(qtbot, db, accounts, monkeypatch):
    login(db, "quantri", PASSWORD)
    window = open_window(qtbot, db)
    seen = []
    monkeypatch.setattr(LoginDialog, "exec", signing_in_as("quantri", seen))
    window.findChild(object, "actionSignOut").trigger()
    QApplication.processEvents()
    assert window.isVisible() and app_module._windows[-1] is window
    assert not [c for c in window.findChildren(QWidget, "lockCover") if c.isVisible()]
    assert window.idle_lock is not None and window.idle_lock.timer.isActive()
    assert db.user.name == "quantri"
    window.idle_lock.stop()
    window.close_without_backup()


def test_cancelling_the_next_login_closes_the_program(qtbot, db, accounts, monkeypatch):
    login(db, "quantri", PASSWORD)
    window = open_window(qtbot, db)
    monkeypatch.setattr(LoginDialog, "exec", signing_in_as(None, []))
    window.findChild(object, "actionSignOut").trigger()
    assert not window.isVisible()
    assert db.user.name == "quantri"  # the exit's own work still runs as the last officer
    assert trail(db)[-1] == ("logout", "quantri")
