"""Tệp → Tài khoản người dùng (``usersDialog``): the administrator's screen for the accounts.

Everything goes through services/users.py, which holds the rules (names, passwords, the last
Quản trị) and refuses every call of an account without the USERS right; the main window only
offers the menu entry to those who have it (ui/permissions.py). The trail records each change
through the ORM's audit listener (services/audit.py); the password's hash never is."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...access import Role, user_of
from ...db.engine import Database
from ...services.unit import AreaInfo, UnitService
from ...services.users import (
    MIN_PASSWORD,
    UserInfo,
    UserService,
    account_errors,
    password_errors,
)
from ...validation import FieldError
from ..widgets.dialogs import FieldForm, GuardedDialog, button_row, error_label

COLUMNS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Khu dân cư", "Trạng thái",
           "Tạm khóa đến", "Phải đổi mật khẩu", "Đăng nhập lần cuối")
EVERY_AREA = "Mọi khu dân cư"
GREY = QColor("#888888")


def _local(moment: datetime | None) -> str:
    """A UTC time of the accounts' table as the officer's clock shows it."""
    if moment is None:
        return ""
    return f"{moment.replace(tzinfo=timezone.utc).astimezone():%d/%m/%Y %H:%M}"


def locked_out(info: UserInfo, now: datetime | None = None) -> bool:
    """Whether failed logins hold the account locked at ``now`` (UTC)."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    return info.locked_until is not None and info.locked_until > now


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class AccountDialog(GuardedDialog):
    """A new account (name, full name, role, areas, an initial password twice, which the user
    must change at the first login) or an existing one's role, areas and full name.

    Each field's error shows under it as you type (services/users.account_errors); Esc asks
    before typed input is lost; Ctrl+S and Ctrl+Enter save and close."""

    def __init__(self, users: UserService, areas: list[AreaInfo],
                 info: UserInfo | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.users, self.info = users, info
        self.setWindowTitle("Thêm tài khoản" if info is None else f"Sửa tài khoản {info.name}")
        self.setMinimumWidth(460)
        self.name = QLineEdit(objectName="accountName")
        self.name.setPlaceholderText("không dấu cách, ví dụ: nguyenvana")
        self.display = QLineEdit(objectName="accountDisplay")
        self.display.setMaxLength(100)
        self.role = QComboBox(objectName="accountRole")
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.areas = QListWidget(objectName="accountAreas")
        for area in areas:
            text = area.name + ("" if area.active else " (thôi sử dụng)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, area.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.areas.addItem(item)
        self.areas.setMaximumHeight(150)
        self.password = _password_field("accountPassword")
        self.again = _password_field("accountAgain")
        self.error = error_label("accountError")
        self.field_form = ff = FieldForm(self.live_errors, self.error)
        self.buttons = button_row("Thêm tài khoản" if info is None else "Lưu", self.submit,
                                  self.reject, "accountOk")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Tên đăng nhập:", ff.add("name", self.name, "Tên đăng nhập"))
        form.addRow("Họ và tên:", ff.add("display_name", self.display, "Họ và tên"))
        form.addRow("Vai trò:", ff.add("role", self.role, "Vai trò"))
        form.addRow("Khu dân cư:", self.areas)
        form.addRow("", QLabel("Không đánh dấu khu nào: làm việc với mọi khu dân cư.",
                               wordWrap=True, styleSheet="color: #555;"))
        if info is None:
            form.addRow("Mật khẩu ban đầu:", ff.add("password", self.password, "Mật khẩu"))
            form.addRow("Nhập lại mật khẩu:", ff.add("again", self.again, "Nhập lại mật khẩu"))
            form.addRow("", QLabel(f"Ít nhất {MIN_PASSWORD} ký tự. Người dùng phải đổi mật "
                                   "khẩu này ở lần đăng nhập đầu tiên.", wordWrap=True,
                                   styleSheet="color: #555;"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if info is not None:
            self.name.setText(info.name)
            self.name.setReadOnly(True)
            self.display.setText(info.display_name)
            self.role.setCurrentIndex(self.role.findData(info.role.value))
            for i in range(self.areas.count()):
                item = self.areas.item(i)
                if item.data(Qt.ItemDataRole.UserRole) in info.area_ids:
                    item.setCheckState(Qt.CheckState.Checked)
            self.display.setFocus()

    def state(self) -> object:
        """What Esc would lose: the typed fields and the areas ticked."""
        return super().state(), self.area_ids()

    def area_ids(self) -> tuple[int, ...]:
        return tuple(self.areas.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.areas.count())
                     if self.areas.item(i).checkState() == Qt.CheckState.Checked)

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def live_errors(self) -> list[FieldError]:
        """services/users.account_errors on what is typed now."""
        new = self.info is None
        return account_errors(self.name.text(), self.display.text(),
                              self.password.text() if new else None,
                              self.again.text() if new else None)

    def submit(self) -> None:
        try:
            if self.info is None:
                self.users.add(self.name.text(), self.password.text(), self.chosen_role(),
                               self.display.text(), self.area_ids(), must_change=True,
                               again=self.again.text())
            else:
                self.users.set_role(self.info.name, self.chosen_role(), self.area_ids(),
                                    self.display.text())
        except FieldError as exc:
            self.field_form.show([exc])
            self.error.setText(str(exc))
            return
        self.accept()

    save = submit  # Ctrl+S and Ctrl+Enter (GuardedDialog)


class ResetPasswordDialog(GuardedDialog):
    """A temporary password, twice: the user must choose a new one at the next login. Each
    field's error shows under it as you type (services/users.password_errors)."""

    def __init__(self, users: UserService, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(f"Đặt lại mật khẩu — {name}")
        self.setMinimumWidth(420)
        self.users, self.user_name = users, name
        self.password = _password_field("resetPassword")
        self.again = _password_field("resetAgain")
        self.error = error_label("resetError")
        self.field_form = ff = FieldForm(self.live_errors, self.error)
        self.buttons = button_row("Đặt lại mật khẩu", self.submit, self.reject, "resetOk")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Đặt mật khẩu tạm cho tài khoản <b>{name}</b>. Khi đăng nhập "
                                "bằng mật khẩu này, người dùng phải chọn mật khẩu mới. Tài "
                                "khoản đang bị tạm khóa vì nhập sai cũng được mở.",
                                wordWrap=True))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Mật khẩu tạm:", ff.add("password", self.password, "Mật khẩu"))
        form.addRow("Nhập lại:", ff.add("again", self.again, "Nhập lại mật khẩu"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def live_errors(self) -> list[FieldError]:
        return password_errors(self.password.text(), self.again.text())

    def submit(self) -> None:
        try:
            self.users.reset_password(self.user_name, self.password.text(), self.again.text())
        except FieldError as exc:
            self.field_form.show([exc])
            self.error.setText(str(exc))
            return
        self.accept()

    save = submit  # Ctrl+S and Ctrl+Enter (GuardedDialog)


class UsersDialog(QDialog):
    """The accounts: list, add, change role and areas, disable or enable, reset a password."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle("Tài khoản người dùng")
        self.db = db
        self.users = UserService(db)
        self.area_list = UnitService(db).areas(include_retired=True)
        self.area_names = {a.id: a.name for a in self.area_list}
        self.accounts: list[UserInfo] = []

        self.table = QTableWidget(0, len(COLUMNS), objectName="usersTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, width in enumerate((110, 165, 125, 185, 85, 115, 140, 130)):
            self.table.setColumnWidth(i, width)
        self.table.itemSelectionChanged.connect(self.update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        self.add_button = QPushButton("&Thêm tài khoản…", objectName="usersAdd")
        self.edit_button = QPushButton("&Sửa vai trò, khu dân cư…", objectName="usersEdit")
        self.disable_button = QPushButton("&Khóa tài khoản", objectName="usersDisable")
        self.reset_button = QPushButton("Đặt lại &mật khẩu…", objectName="usersReset")
        self.close_button = QPushButton("Đóng", objectName="usersClose")
        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_selected)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.reset_button.clicked.connect(self.reset_selected)
        self.close_button.clicked.connect(self.accept)
        self.error = error_label("usersError")
        self.status = QLabel(objectName="usersStatus")

        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.disable_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        legend = QLabel("Quản trị: tài khoản, cài đặt, khôi phục dữ liệu và mọi việc khác · "
                        "Cán bộ nhập liệu: nhập, sửa, in, xuất · Lãnh đạo: xem, in, khóa sổ, phê "
                        "duyệt · Chỉ xem: chỉ xem, số định danh và thông tin nhạy cảm bị che.",
                        wordWrap=True, objectName="usersLegend")
        legend.setStyleSheet("color: #555;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)
        layout.addLayout(bottom)
        self.resize(1100, 460)
        self.reload()

    # -- the list ---------------------------------------------------------------------------
    def areas_text(self, info: UserInfo) -> str:
        if not info.area_ids:
            return EVERY_AREA
        return ", ".join(self.area_names.get(a, f"mã {a}") for a in info.area_ids)

    def row_texts(self, info: UserInfo) -> list[str]:
        return [info.name, info.display_name, info.role.label, self.areas_text(info),
                "Đã khóa" if info.disabled else "Đang dùng",
                _local(info.locked_until) if locked_out(info) else "",
                "Có" if info.must_change else "", _local(info.last_login_at)]

    def reload(self, select: str | None = None) -> None:
        select = select or self.selected_name()
        try:
            self.accounts = self.users.list()
        except FieldError as exc:  # no USERS right: the menu is off, but say it anyway
            self.accounts = []
            self.error.setText(str(exc))
        self.table.setRowCount(len(self.accounts))
        for r, info in enumerate(self.accounts):
            for c, text in enumerate(self.row_texts(info)):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setToolTip(text)  # several areas do not fit the column
                if info.disabled:
                    item.setForeground(QBrush(GREY))
                self.table.setItem(r, c, item)
            if select is not None and info.name == select:
                self.table.selectRow(r)
        self.status.setText(f"{len(self.accounts)} tài khoản")
        self.update_buttons()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def selected_name(self) -> str | None:
        info = self.selected() if self.accounts else None
        return info.name if info else None

    def select(self, name: str) -> None:
        for r, info in enumerate(self.accounts):
            if info.name == name:
                self.table.selectRow(r)

    def update_buttons(self) -> None:
        info = self.selected()
        for b in (self.edit_button, self.disable_button, self.reset_button):
            b.setEnabled(info is not None)
        self.disable_button.setText("Mở &lại tài khoản" if info is not None and info.disabled
                                    else "&Khóa tài khoản")
        me = user_of(self.db)
        if info is not None and not info.disabled and info.id == me.id:
            self.disable_button.setEnabled(False)
            self.disable_button.setToolTip("Không tự khóa tài khoản đang dùng.")
        else:
            self.disable_button.setToolTip("Tài khoản bị khóa không đăng nhập được; mọi dữ "
                                           "liệu và nhật ký của người đó vẫn giữ nguyên.")

    # -- actions ----------------------------------------------------------------------------
    def add_account(self) -> None:
        dialog = AccountDialog(self.users, self.area_list, parent=self)
        if dialog.exec():
            self.error.setText("")
            self.reload(dialog.name.text().strip())

    def edit_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        if AccountDialog(self.users, self.area_list, info, self).exec():
            self.error.setText("")
            self.reload(info.name)

    def toggle_disabled(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self.users.disable(info.name, not info.disabled)
        except FieldError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.reload(info.name)

    def reset_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        if ResetPasswordDialog(self.users, info.name, self).exec():
            self.error.setText("")
            self.reload(info.name)
