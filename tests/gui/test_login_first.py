"""The login-first start (ui/opening.py, db/peek.py; docs/ARCHITECTURE.md, start-up): on a
SQLite store with accounts and a ward the login dialog is painted before SQLAlchemy is imported
and the database is opened behind it; anything else starts in the ordinary order."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from antq_desktop.access import Role
from antq_desktop.db import engine
from antq_desktop.services.users import UserService
from antq_desktop.ui import app as app_module
from antq_desktop.ui.login import LoginDialog
from tests.conftest import PG_URL

from .conftest import type_text

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-1"

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="the login-first start is SQLite's")


@pytest.fixture(autouse=True)
def keep_excepthook(monkeypatch):
    """run_gui installs the app's error handler; put the test runner's back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


@pytest.fixture
def store(db, ward):
    """A file with a ward and two accounts, closed (as a start finds it): its URL."""
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    db.dispose()
    return db.url


@pytest.fixture
def windows(monkeypatch):
    """The main windows run_gui opens, closed at once (the event loop not run)."""
    opened = []
    original = app_module.open_main_window

    def spy(db, **kwargs):
        window = original(db, **kwargs)
        opened.append((window, db.user.name))
        return window

    monkeypatch.setattr(app_module, "open_main_window", spy)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    yield opened
    for window, _ in opened:
        if window.idle_lock is not None:
            window.idle_lock.stop()
        window.close_without_backup()


# The program's own start in a fresh process: at the login dialog's first paint, what is loaded;
# then the name and password typed in and submitted; the main window's user.
START = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from antq_desktop.ui.login import dialogs

original_exec = dialogs.LoginDialog.exec

def exec_(dialog):
    class Paint(QObject):
        seen = False
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, painted)
            return False

    def painted():
        heavy = [m for m in ("sqlalchemy", "antq_desktop.db.engine", "antq_desktop.db.models",
                             "antq_desktop.services.users", "antq_desktop.ui.main_window")
                 if m in sys.modules]
        print("loaded at the dialog:" + ",".join(heavy))
        print("heading:" + dialog.findChild(QObject, "loginHeading").text())
        print("opened:" + str(dialog.users is not None))
        dialog.name.setText("chixem")
        dialog.password.setText({password!r})
        dialog.ok.click()

    dialog._paint = Paint(dialog)
    dialog.installEventFilter(dialog._paint)
    return original_exec(dialog)

dialogs.LoginDialog.exec = exec_
from antq_desktop import cli
from antq_desktop.ui import app as app_module

original = app_module.open_main_window

def open_main_window(db, **kwargs):
    window = original(db, **kwargs)
    print("window for:" + db.user.name)
    QTimer.singleShot(0, window.close)
    return window

app_module.open_main_window = open_main_window
cli.main(["--db", {url!r}])
"""


def _start(url: str, tmp_path: Path) -> dict[str, str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", START.format(url=url, password=PASSWORD)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)


def test_the_login_dialog_is_painted_before_sqlalchemy_is_imported(store, tmp_path):
    lines = _start(store, tmp_path)
    assert lines["loaded at the dialog"] == ""  # no SQLAlchemy, models, services, main window
    assert "Phường Hoàn Kiếm" in lines["heading"]  # the ward, read by the peek
    assert lines["opened"] == "False"  # submitted before the opening was done: finished first
    assert lines["window for"] == "chixem"


def test_the_command_line_reaches_the_dialog_without_sqlalchemy():
    code = ("import sys; from antq_desktop import cli; cli.build_parser(); "
            "from antq_desktop.ui import app, opening; from antq_desktop.ui.login import "
            "LoginDialog, IdleLock; from antq_desktop.db import peek; "
            "print('sqlalchemy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_a_submit_before_the_database_is_open_still_signs_in(qapp, store, windows, monkeypatch):
    seen = []

    def fake_exec(dialog):  # no event loop turn: nothing of the opening has run yet
        seen.append((dialog.users, dialog.opening.done, "sqlalchemy.orm" in sys.modules))
        dialog.name.setText("chixem")
        dialog.password.setText("sai-mật-khẩu")
        dialog.submit()  # opens the database now, then refuses the password
        seen.append(dialog.error.text())
        dialog.password.setText(PASSWORD)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(f"stopped: {a}"))
    assert app_module.run_gui(store) == 0
    (users, done, _), refused = seen
    assert users is None and done is False
    assert refused == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert [name for _, name in windows] == ["chixem"]
    window, _ = windows[0]
    assert window.db.user.role is Role.VIEWER
    from antq_desktop.db.models import LoginFailure

    with window.db.session() as s:  # the failed attempt was counted as always
        assert s.query(LoginFailure).count() == 1


def test_keys_typed_while_the_database_opens_are_kept(qapp, store, windows, monkeypatch):
    """The opening runs one step per turn of the event loop after the dialog's first paint;
    the keys typed between the steps reach the fields."""
    original = LoginDialog.exec
    typed = []

    def exec_(dialog):
        keys = list("quantri")

        def type_next():
            if keys:
                typed.append((dialog.opening._started, len(dialog.opening._steps)))
                type_text(dialog.name, keys.pop(0))
                QTimer.singleShot(0, type_next)
            elif not dialog.opening.done:
                QTimer.singleShot(10, type_next)
            else:
                dialog.password.setText(PASSWORD)
                dialog.ok.click()

        QTimer.singleShot(0, type_next)
        return original(dialog)

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    assert app_module.run_gui(store) == 0
    assert [name for _, name in windows] == ["quantri"]
    # keys went in between the opening's steps (it had started, and steps were left)
    assert any(started and left for started, left in typed), typed


def test_a_failed_opening_behind_the_dialog_says_why_and_closes_it(qapp, store, monkeypatch):
    def refuse(url, **kwargs):
        raise engine.DatabaseOpenError("Tệp cơ sở dữ liệu đang bị một chương trình khác khóa.")

    monkeypatch.setattr(engine, "open_database", refuse)
    shown, dialogs = [], []

    def critical(parent, title, text):
        shown.append((text, [d.isVisible() for d in dialogs]))

    original = LoginDialog.exec
    monkeypatch.setattr(LoginDialog, "exec", lambda d: dialogs.append(d) or original(d))
    monkeypatch.setattr(QMessageBox, "critical", critical)
    hooks = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: hooks.append(a))
    assert app_module.run_gui(store) == 1
    assert shown == [("Tệp cơ sở dữ liệu đang bị một chương trình khác khóa.", [False])]
    assert dialogs and dialogs[0].result() == QDialog.DialogCode.Rejected
    assert not hooks  # a message, not a traceback


def test_a_cancelled_login_opens_nothing_later(qapp, qtbot, store, monkeypatch):
    opened = []
    monkeypatch.setattr(engine, "open_database", lambda url, **kw: opened.append(url))
    monkeypatch.setattr(LoginDialog, "exec", lambda self: 0)
    assert app_module.run_gui(store) == 0
    qtbot.wait(1200)  # past the opening's start without a paint
    assert opened == []


def test_env_sign_in_and_a_store_without_accounts_open_first(qapp, db, ward, monkeypatch):
    from antq_desktop.db.peek import peek_sign_in

    assert peek_sign_in(db.url) is None  # a ward, no accounts: single-user or first admin
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    assert peek_sign_in(db.url).ward_name == "Phường Hoàn Kiếm"
    db.dispose()
    monkeypatch.setattr(app_module, "_peek", lambda url: pytest.fail("peeked"))
    monkeypatch.setenv(app_module.USER_ENV, "quantri")
    monkeypatch.setenv(app_module.PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(app_module.QUIT_AFTER_ENV, "100")
    monkeypatch.setattr(LoginDialog, "exec", lambda self: pytest.fail("a dialog"))
    assert app_module.run_gui(db.url) == 0
