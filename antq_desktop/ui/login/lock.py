"""The idle lock: after N minutes without keyboard or mouse input every window of the program
is covered and a password is asked; what was typed in open dialogs stays as it was."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ...services.users import UserService
from .dialogs import _Form, _password_field

_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                       QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class LockDialog(_Form):
    """Asks the signed-in user's password again; it cannot be dismissed otherwise."""

    def __init__(self, users: UserService, parent: QWidget | None = None):
        user = users.db.user
        super().__init__("Đã khóa", f"<b>Chương trình đã tự khóa</b> vì lâu không thao tác. "
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


class IdleLock(QObject):
    """Watches the application's input; ``minutes`` without any locks it. ``locked`` and
    ``unlocked`` are emitted around the lock."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, users: UserService, minutes: int, parent: QObject | None = None, *,
                 interval_ms: int | None = None):
        super().__init__(parent)
        self.users = users
        self.timer = QTimer(self, objectName="idleLockTimer", singleShot=True)
        self.timer.setInterval(interval_ms if interval_ms is not None else minutes * 60_000)
        self.timer.timeout.connect(self.lock)
        self.is_locked = False
        self.dialog: LockDialog | None = None
        self._covers: list[_Cover] = []
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        if not self.is_locked and event.type() in _ACTIVITY:
            self.timer.start()  # restarts the countdown
        return False

    def lock(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LockDialog) and window.isWindow():
                self._covers.append(_Cover(window))
        self.dialog = LockDialog(self.users)
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
