"""The idle lock: after N minutes without keyboard or mouse input every window of the program
is covered and a password is asked; what was typed in open dialogs stays as it was. It also
locks when the operating system's session locks, where the system can tell (SessionLock)."""

from __future__ import annotations

import ctypes
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    SLOT,
    QAbstractNativeEventFilter,
    QEvent,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
import shiboken6
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from .dialogs import _Form, _password_field

if TYPE_CHECKING:  # the login dialog is shown before SQLAlchemy is imported (ui/app.py)
    from ...services.users import UserService

_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                       QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class LockDialog(_Form):
    """Asks the signed-in user's password again; it cannot be dismissed otherwise."""

    def __init__(self, users: UserService, parent: QWidget | None = None, *,
                 why: str = "vì lâu không thao tác"):
        user = users.db.user
        super().__init__("Đã khóa", f"<b>Chương trình đã tự khóa</b> {why}. "
                         f"Nhập mật khẩu của {user.display_name} ({user.name}) để làm tiếp; "
                         "những gì đang nhập dở vẫn còn nguyên.", "Mở khóa", parent)
        self.setObjectName("lockDialog")
        self.users = users
        self.password = _password_field("lockPassword")
        self.form.addRow("Mật khẩu:", self.password)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

    def submit(self) -> None:
        if self.users.verify_current(self.password.text()):
            self.accept()
            return
        self.password.clear()
        self.show_error("Mật khẩu không đúng (nhập sai nhiều lần sẽ khóa tài khoản).")

    def reject(self) -> None:  # Esc and the close button do not unlock
        pass


class _Cover(QWidget):
    """An opaque sheet over one window while the program is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window, objectName="lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # opaque: nothing shows
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockCover { background: #2b3a4a; }")
        layout = QVBoxLayout(self)
        label = QLabel("Đã khóa — nhập mật khẩu để làm tiếp", alignment=Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: white; font-size: 16pt;")
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False


class _Activity(QObject):
    """The application's one input watcher, made once and owned by the application: it tells
    each live IdleLock of a key or a click. An IdleLock installed on the application itself
    outlived its window's Python side now and then (its eventFilter ran on a half-destroyed
    wrapper: "'IdleLock' object has no attribute 'is_locked'", and once a crash in the next
    window's constructor); this filter never goes away and the locks only register."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.setObjectName("idleLockActivity")
        self.locks: list[IdleLock] = []
        app.installEventFilter(self)

    @classmethod
    def of(cls, app: QApplication) -> _Activity:
        found = app.findChild(cls, "idleLockActivity")
        return found if found is not None else cls(app)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _ACTIVITY:
            for lock in list(self.locks):
                if shiboken6.isValid(lock):
                    lock.activity()
                else:
                    self.locks.remove(lock)
        return False


class IdleLock(QObject):
    """Watches the application's input; ``minutes`` without any locks it. ``locked`` and
    ``unlocked`` are emitted around the lock."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, users: UserService, minutes: int, parent: QObject | None = None, *,
                 interval_ms: int | None = None, follow_session: bool = True):
        """``follow_session``: lock also when the OS session locks (SessionLock, on the
        ``parent`` window)."""
        super().__init__(parent)
        self.users = users
        self.timer = QTimer(self, objectName="idleLockTimer", singleShot=True)
        self.timer.setInterval(interval_ms if interval_ms is not None else minutes * 60_000)
        self.timer.timeout.connect(self.lock)
        self.is_locked = False
        self.dialog: LockDialog | None = None
        self._covers: list[_Cover] = []
        self._watcher = _Activity.of(QApplication.instance())
        self._watcher.locks.append(self)
        self.timer.start()
        self.session = (SessionLock(parent, self.lock_for_session)
                        if follow_session and isinstance(parent, QWidget) else None)

    def stop(self) -> None:
        self.timer.stop()
        if self.session is not None:
            self.session.stop()
        if shiboken6.isValid(self._watcher) and self in self._watcher.locks:
            self._watcher.locks.remove(self)

    def activity(self) -> None:
        """A key or a click anywhere in the program (_Activity)."""
        if not self.is_locked:
            self.timer.start()  # restarts the countdown

    def lock_for_session(self) -> None:
        """The OS session was locked: lock now, saying why."""
        self.lock(why="vì máy tính đã bị khóa")

    def lock(self, why: str = "vì lâu không thao tác") -> None:
        if self.is_locked:
            return
        window = self.parent()
        if isinstance(window, QWidget) and not window.isVisible():
            return  # a closed (or signing-out) window: nothing on screen to cover
        self.is_locked = True
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LockDialog) and window.isWindow():
                self._covers.append(_Cover(window))
        self.dialog = LockDialog(self.users, why=why)
        self.locked.emit()
        self.dialog.exec()
        for cover in self._covers:
            cover.parentWidget().removeEventFilter(cover)
            cover.deleteLater()
        self._covers.clear()
        self.dialog.deleteLater()
        self.dialog = None
        self.is_locked = False
        self.unlocked.emit()
        self.timer.start()


# -- the operating system's session lock ---------------------------------------------------------
# When the officer locks the PC (Windows+L, the screen saver with a password, a fast user
# switch), the program locks too, so that unlocking the PC is not enough to reach the data.
# Qt has no portable signal for it; what each system offers (docs/USERS.md):
# - Windows: WTSRegisterSessionNotification on the main window, then WM_WTSSESSION_CHANGE with
#   WTS_SESSION_LOCK in the window's native messages (a QAbstractNativeEventFilter);
# - Linux: the session's logind object (system bus, org.freedesktop.login1.Session "Lock"),
#   and the desktop's screen saver (session bus, org.freedesktop.ScreenSaver or
#   org.gnome.ScreenSaver "ActiveChanged" true), through QtDBus;
# - macOS: nothing here (the idle lock still applies).

WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0
WINDOWS_EVENT_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")
SCREENSAVER_INTERFACES = ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver",
                          "org.mate.ScreenSaver", "org.cinnamon.ScreenSaver")
LOGIND = "org.freedesktop.login1"
LOGIND_SESSION = "org.freedesktop.login1.Session"


class _POINT(ctypes.Structure):
    _fields_ = [("x", ctypes.c_long), ("y", ctypes.c_long)]


class _MSG(ctypes.Structure):
    """Win32 MSG, the structure a "windows_generic_MSG" native event points to."""

    _fields_ = [("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint),
                ("wParam", ctypes.c_size_t), ("lParam", ctypes.c_ssize_t),
                ("time", ctypes.c_uint32), ("pt", _POINT), ("lPrivate", ctypes.c_uint32)]


def is_session_lock_message(event_type, message) -> bool:
    """Whether a native event is Windows telling that this session was locked."""
    if bytes(event_type) not in WINDOWS_EVENT_TYPES or not message:
        return False
    msg = _MSG.from_address(int(message))
    return msg.message == WM_WTSSESSION_CHANGE and msg.wParam == WTS_SESSION_LOCK


class WindowsSessionFilter(QAbstractNativeEventFilter):
    """Calls ``on_lock`` (later, from the event loop: never inside the native dispatch) when
    Windows reports the session locked. The window must be registered for the notification
    (:func:`register_windows_session`)."""

    def __init__(self, on_lock):
        super().__init__()
        self.on_lock = on_lock

    def nativeEventFilter(self, event_type, message):
        if is_session_lock_message(event_type, message):
            QTimer.singleShot(0, self.on_lock)
        return False, 0


def register_windows_session(window: QWidget) -> bool:
    """Ask Windows to send ``window`` the session's lock and unlock (True when it agreed)."""
    try:
        wtsapi = ctypes.WinDLL("wtsapi32")
        return bool(wtsapi.WTSRegisterSessionNotification(ctypes.c_void_p(int(window.winId())),
                                                          NOTIFY_FOR_THIS_SESSION))
    except (AttributeError, OSError):
        return False


def unregister_windows_session(window: QWidget) -> None:
    try:
        ctypes.WinDLL("wtsapi32").WTSUnRegisterSessionNotification(
            ctypes.c_void_p(int(window.winId())))
    except (AttributeError, OSError, RuntimeError):
        pass


class DBusSessionWatcher(QObject):
    """Emits ``sessionLocked`` when logind locks this login session or the desktop's screen
    saver becomes active. Buses that cannot be reached are skipped quietly; ``sources`` says
    what is watched."""

    sessionLocked = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.sources: list[str] = []

    def watch_screensaver(self, bus) -> bool:
        """On the session bus: any sender's ActiveChanged(bool) on the known interfaces."""
        if not bus.isConnected():
            return False
        found = False
        for interface in SCREENSAVER_INTERFACES:
            if bus.connect("", "", interface, "ActiveChanged", self,
                           SLOT("_screensaver_changed(bool)")):
                found = True
        if found:
            self.sources.append("screensaver")
        return found

    def watch_logind(self, bus, session_path: str | None = None) -> bool:
        """On the system bus: Lock on this login session's logind object (its path found
        from the program's process id, else from $XDG_SESSION_ID)."""
        if not bus.isConnected():
            return False
        path = session_path or self._session_path(bus)
        if not path:
            return False
        if not bus.connect(LOGIND, path, LOGIND_SESSION, "Lock", self, SLOT("_logind_lock()")):
            return False
        self.sources.append("logind")
        return True

    @staticmethod
    def _session_path(bus) -> str | None:
        from PySide6.QtDBus import QDBusInterface

        manager = QDBusInterface(LOGIND, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", bus)
        if not manager.isValid():
            return None
        reply = manager.call("GetSessionByPID", os.getpid())
        if not reply.arguments() and os.environ.get("XDG_SESSION_ID"):
            reply = manager.call("GetSession", os.environ["XDG_SESSION_ID"])
        args = reply.arguments()
        if not args:
            return None
        value = args[0]
        path = value.path() if hasattr(value, "path") else str(value)
        return path if path.startswith("/org/freedesktop/login1/session/") else None

    @Slot(bool)
    def _screensaver_changed(self, active: bool) -> None:
        if active:
            self.sessionLocked.emit()

    @Slot()
    def _logind_lock(self) -> None:
        self.sessionLocked.emit()


def _bus_present(which: str) -> bool:
    """Whether a D-Bus bus is there to be reached, checked without connecting (connecting to
    a missing session bus may try to start one)."""
    if which == "system":
        return bool(os.environ.get("DBUS_SYSTEM_BUS_ADDRESS")) or any(
            os.path.exists(p) for p in ("/run/dbus/system_bus_socket",
                                        "/var/run/dbus/system_bus_socket"))
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")) or bool(
        runtime and os.path.exists(os.path.join(runtime, "bus")))


class SessionLock(QObject):
    """Locks the program (``lock``, e.g. IdleLock.lock) when the OS session locks, where the
    system can tell (see above); ``sources`` names what is watched ("windows", "logind",
    "screensaver"), empty when nothing could be."""

    def __init__(self, window: QWidget, lock, *, session_bus=None, system_bus=None,
                 platform: str | None = None):
        super().__init__(window)
        self.window, self.lock = window, lock
        self.sources: list[str] = []
        self._filter: WindowsSessionFilter | None = None
        self.dbus: DBusSessionWatcher | None = None
        platform = platform or sys.platform
        if platform.startswith("win"):
            self._filter = WindowsSessionFilter(self._locked)
            QApplication.instance().installNativeEventFilter(self._filter)
            if register_windows_session(window):
                self.sources.append("windows")
        elif platform.startswith("linux") or session_bus is not None or system_bus is not None:
            self._watch_dbus(session_bus, system_bus)

    def _watch_dbus(self, session_bus, system_bus) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # a Qt without D-Bus
            return
        self.dbus = DBusSessionWatcher(self)
        self.dbus.sessionLocked.connect(self._locked)
        if system_bus is None and _bus_present("system"):
            system_bus = QDBusConnection.systemBus()
        if session_bus is None and _bus_present("session"):
            session_bus = QDBusConnection.sessionBus()
        if system_bus is not None:
            self.dbus.watch_logind(system_bus)
        if session_bus is not None:
            self.dbus.watch_screensaver(session_bus)
        self.sources += self.dbus.sources

    def _locked(self) -> None:
        QTimer.singleShot(0, self.lock)  # the lock's exec() must not run inside a signal's

    def stop(self) -> None:
        if self._filter is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self._filter)
            if "windows" in self.sources:
                unregister_windows_session(self.window)
            self._filter = None
        if self.dbus is not None:
            self.dbus.sessionLocked.disconnect(self._locked)
            self.dbus.deleteLater()  # QtDBus drops the receiver's signal hooks with it
            self.dbus = None
