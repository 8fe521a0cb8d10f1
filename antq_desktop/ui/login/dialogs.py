"""The first administrator, the login and the password change (services.users does the work).

No SQLAlchemy at module level: the login dialog may be on screen before it is imported
(ui/opening.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...access import CurrentUser, Role
from ...config import APP_NAME
from ...validation import FieldError
from ..widgets.dialogs import FieldForm

if TYPE_CHECKING:
    from ...services.users import UserService
    from ..opening import DeferredOpen


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class _Form(QDialog):
    """A small form: a heading, fields, an error line, OK/Cancel."""

    def __init__(self, title: str, heading: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(heading, wordWrap=True, objectName="loginHeading")
        layout.addWidget(intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel(objectName="loginError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setObjectName("loginOk")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # each field's error under it, as typed (ui/widgets/dialogs.py); the rest on the line
        self.field_form = FieldForm(self.live_errors, general=self.error)

    def row(self, label: str, key: str, widget: QWidget, *aliases: str) -> QWidget:
        self.form.addRow(label, self.field_form.add(key, widget, *aliases))
        return widget

    def live_errors(self) -> list[FieldError]:
        """The form's pure rule, re-run on each edit (none: only the service's refusals)."""
        return []

    def show_error(self, exc: FieldError | str) -> None:
        if isinstance(exc, FieldError) and self.field_form.key_of(exc) is not None:
            self.error.setText("")
            self.field_form.show([exc])
        else:
            self.field_form.display([])
            self.error.setText(exc.message if isinstance(exc, FieldError) else str(exc))

    def submit(self) -> None:  # pragma: no cover - each form has its own
        raise NotImplementedError


class FirstAdminDialog(_Form):
    """The first start (or an older file without accounts): make the administrator."""

    def __init__(self, users: UserService, parent: QWidget | None = None):
        super().__init__("Tạo tài khoản quản trị",
                         "<b>Chưa có tài khoản nào.</b> Hãy tạo tài khoản Quản trị đầu tiên: "
                         "người này thêm tài khoản cho các cán bộ khác (Tệp → Tài khoản). "
                         "Từ nay phải đăng nhập mới mở được dữ liệu.", "Tạo tài khoản", parent)
        self.setObjectName("firstAdminDialog")
        self.users = users
        self.user: CurrentUser | None = None
        self.name = QLineEdit(objectName="firstAdminName")
        self.display = QLineEdit(objectName="firstAdminDisplay")
        self.password = _password_field("firstAdminPassword")
        self.again = _password_field("firstAdminAgain")
        self.row("Tên đăng nhập:", "name", self.name, "Tên đăng nhập")
        self.row("Họ và tên:", "display_name", self.display, "Họ và tên")
        self.row("Mật khẩu:", "password", self.password, "Mật khẩu")
        self.row("Nhập lại mật khẩu:", "again", self.again, "Nhập lại mật khẩu")

    def live_errors(self) -> list[FieldError]:
        from ...services.users import account_errors

        return account_errors(self.name.text(), self.display.text(), self.password.text(),
                              self.again.text())

    def submit(self) -> None:
        errors = self.live_errors()
        try:
            if errors:
                raise errors[0]
            self.users.add(self.name.text(), self.password.text(), Role.ADMIN,
                           self.display.text())
            self.user = self.users.authenticate(self.name.text(), self.password.text())
        except FieldError as exc:
            self.show_error(exc)
            return
        self.accept()


class LoginDialog(_Form):
    """Name and password before the main window (``loginDialog``).

    ``users`` None: the database is still being opened behind the dialog (``opening``, the
    login-first start, ui/opening.py); a submit before that is done finishes it first, and
    when it fails the opening closes the dialog (the start then says why)."""

    def __init__(self, users: UserService | None, unit_name: str = "",
                 parent: QWidget | None = None, name: str = "", *,
                 opening: DeferredOpen | None = None):
        where = f" — {unit_name}" if unit_name else ""
        super().__init__("Đăng nhập", f"<b>{APP_NAME}</b>{where}<br>Nhập tên đăng nhập và mật "
                         "khẩu của anh/chị.", "Đăng nhập", parent)
        self.setObjectName("loginDialog")
        self.users = users
        self.opening = opening
        self.user: CurrentUser | None = None
        self.name = QLineEdit(name, objectName="loginName")
        self.password = _password_field("loginPassword")
        self.form.addRow("Tên đăng nhập:", self.name)
        self.form.addRow("Mật khẩu:", self.password)
        (self.password if name else self.name).setFocus()

    def submit(self) -> None:
        if self.users is None:
            self.users = self._finish_opening()
            if self.users is None:
                return  # the database could not be opened: the dialog is closed
        try:
            user = self.users.authenticate(self.name.text(), self.password.text())
        except FieldError as exc:
            self.show_error(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        if self.users.must_change(user.name):
            change = ChangePasswordDialog(self.users, user.name, self, forced=True,
                                          old=self.password.text())
            if not change.exec():
                self.show_error("Cần đặt mật khẩu mới trước khi làm việc.")
                return
        self.user = user
        self.accept()


    def _finish_opening(self) -> UserService | None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.opening.finish()
        finally:
            QGuiApplication.restoreOverrideCursor()


class ChangePasswordDialog(_Form):
    """The user's own password change; ``forced`` after an administrator's reset."""

    def __init__(self, users: UserService, name: str, parent: QWidget | None = None, *,
                 forced: bool = False, old: str = ""):
        heading = ("Mật khẩu hiện tại là mật khẩu tạm do người quản trị đặt: hãy chọn mật khẩu "
                   "mới." if forced else f"Đổi mật khẩu của tài khoản {name}.")
        super().__init__("Đổi mật khẩu", heading, "Đổi mật khẩu", parent)
        self.setObjectName("changePasswordDialog")
        self.users, self.user_name = users, name
        self.old = _password_field("passwordOld")
        self.old.setText(old)
        self.new = _password_field("passwordNew")
        self.again = _password_field("passwordAgain")
        if not old:
            self.row("Mật khẩu hiện tại:", "old", self.old)
        self.row("Mật khẩu mới:", "new", self.new, "Mật khẩu", "Mật khẩu mới")
        self.row("Nhập lại mật khẩu mới:", "again", self.again, "Nhập lại mật khẩu")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    def live_errors(self) -> list[FieldError]:
        from ...services.users import password_errors

        return password_errors(self.new.text(), self.again.text())

    def submit(self) -> None:
        try:
            self.users.change_password(self.user_name, self.old.text(), self.new.text(),
                                       self.again.text())
        except FieldError as exc:
            self.show_error(exc)
            return
        self.accept()
