"""The program locks when the operating system's session locks (docs/USERS.md): the Windows
message is fed to the native event filter as Windows would pass it; the D-Bus signals of
logind and the screen saver are sent on a private bus started for the test."""

import ctypes
import shutil
import subprocess

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from antq_desktop.access import Role
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.login import lock as lock_module
from antq_desktop.ui.login.lock import (
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    DBusSessionWatcher,
    IdleLock,
    SessionLock,
    WindowsSessionFilter,
    is_session_lock_message,
)
from antq_desktop.ui.main_window import MainWindow

PASSWORD = "mật-khẩu-1"
WTS_SESSION_UNLOCK = 0x8
WM_ACTIVATE = 0x0006


def _msg(message: int, wparam: int):
    msg = lock_module._MSG()
    msg.message, msg.wParam = message, wparam
    return msg


def test_the_windows_lock_message_is_recognised():
    locked = _msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    address = ctypes.addressof(locked)
    assert is_session_lock_message(b"windows_generic_MSG", address)
    assert is_session_lock_message(b"windows_dispatcher_MSG", address)
    assert not is_session_lock_message(b"xcb_generic_event_t", address)
    unlocked = _msg(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    assert not is_session_lock_message(b"windows_generic_MSG", ctypes.addressof(unlocked))
    other = _msg(WM_ACTIVATE, WTS_SESSION_LOCK)
    assert not is_session_lock_message(b"windows_generic_MSG", ctypes.addressof(other))
    assert not is_session_lock_message(b"windows_generic_MSG", 0)


def test_the_native_filter_locks_later_and_lets_the_message_through(qtbot):
    seen = []
    native = WindowsSessionFilter(lambda: seen.append("lock"))
    locked = _msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert native.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(locked)) == (False, 0)
    assert seen == []  # never inside the native dispatch
    qtbot.waitUntil(lambda: seen == ["lock"], timeout=2000)
    unlocked = _msg(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    native.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(unlocked))
    qtbot.wait(50)
    assert seen == ["lock"]


def test_on_windows_the_filter_is_installed_even_where_registration_fails(qtbot):
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    seen = []
    watcher = SessionLock(window, lambda: seen.append("lock"), platform="win32")
    assert watcher._filter is not None
    if not hasattr(ctypes, "WinDLL"):  # not on Windows: nothing registered, nothing claimed
        assert watcher.sources == []
    locked = _msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    watcher._filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(locked))
    qtbot.waitUntil(lambda: seen == ["lock"], timeout=2000)
    watcher.stop()
    assert watcher._filter is None


# -- D-Bus ---------------------------------------------------------------------------------------
@pytest.fixture
def bus_address():
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("no dbus-daemon on this machine: the D-Bus path cannot be exercised")
    try:
        from PySide6.QtDBus import QDBusConnection  # noqa: F401
    except ImportError:
        pytest.skip("this PySide6 has no QtDBus")
    proc = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = proc.stdout.readline().strip()
    if not address:
        proc.kill()
        pytest.skip("dbus-daemon did not start a bus")
    yield address
    proc.terminate()
    proc.wait(5)


def _connect(address, name):
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.connectToBus(address, name)
    assert bus.isConnected()
    return bus


def _signal(bus, path, interface, name, *args):
    from PySide6.QtDBus import QDBusMessage

    message = QDBusMessage.createSignal(path, interface, name)
    if args:
        message.setArguments(list(args))
    assert bus.send(message)


SESSION = "/org/freedesktop/login1/session/_32"


def test_the_screensaver_and_logind_signals_lock(qtbot, bus_address):
    watched = _connect(bus_address, "antq-watched")
    sender = _connect(bus_address, "antq-sender")
    assert sender.registerService("org.freedesktop.login1")  # stands in for logind
    watcher = DBusSessionWatcher()
    seen = []
    watcher.sessionLocked.connect(lambda: seen.append("locked"))
    assert watcher.watch_screensaver(watched)
    assert watcher.watch_logind(watched, SESSION)
    assert watcher.sources == ["screensaver", "logind"]

    _signal(sender, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
            "ActiveChanged", False)  # the screen saver ends: nothing
    _signal(sender, "/org/freedesktop/login1/session/_99", "org.freedesktop.login1.Session",
            "Lock")  # another login session: nothing
    qtbot.wait(200)
    assert seen == []
    _signal(sender, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", True)
    qtbot.waitUntil(lambda: seen == ["locked"], timeout=3000)
    _signal(sender, SESSION, "org.freedesktop.login1.Session", "Lock")  # loginctl lock-session
    qtbot.waitUntil(lambda: seen == ["locked", "locked"], timeout=3000)


def test_no_logind_no_session_path(qtbot, bus_address):
    watcher = DBusSessionWatcher()
    assert not watcher.watch_logind(_connect(bus_address, "antq-nologind"))
    assert watcher.sources == []


def test_the_os_lock_covers_the_window_and_asks_the_password(qtbot, db, ward, bus_address):
    UserService(db).add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    login(db, "quantri", PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.idle_lock.stop()
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    dialog.show()
    field.setText("đang nhập dở")
    idle = IdleLock(UserService(db), 10, window, follow_session=False)
    watcher = SessionLock(window, idle.lock_for_session,
                          session_bus=_connect(bus_address, "antq-app"), platform="linux")
    assert watcher.sources == ["screensaver"]
    seen = {}

    def unlock_when_shown():
        modal = QApplication.activeModalWidget()
        seen["dialog"] = modal.objectName()
        seen["text"] = modal.findChild(object, "loginHeading").text()
        seen["covered"] = bool(window.findChildren(object, "lockCover"))
        modal.password.setText(PASSWORD)
        modal.submit()

    idle.locked.connect(lambda: QTimer.singleShot(0, unlock_when_shown))
    _signal(_connect(bus_address, "antq-desktop"), "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver", "ActiveChanged", True)
    with qtbot.waitSignal(idle.unlocked, timeout=5000):
        pass
    assert seen["dialog"] == "lockDialog" and seen["covered"]
    assert "máy tính đã bị khóa" in seen["text"]
    assert field.text() == "đang nhập dở"
    watcher.stop()
    idle.stop()
    dialog.close()
