"""Tệp → Tài khoản người dùng: the administrator's accounts screen, driven as a user would
(docs/USERS.md). Every change goes through services/users.py and leaves an audit entry."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from antq_desktop.access import Role
from antq_desktop.services import audit
from antq_desktop.services.users import LoginError, UserService, login
from antq_desktop.ui.main_window import MainWindow
from antq_desktop.ui.users.dialog import UsersDialog
from tests.gui.conftest import type_text

PASSWORD = "mật-khẩu-1"
NEW = "tạm-thời-99"


@pytest.fixture
def accounts(db, ward):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    users.add("lanhdao", PASSWORD, Role.LEADER, "Lê Văn Tám")
    return users


def _row(dialog, name):
    for r, info in enumerate(dialog.accounts):
        if info.name == name:
            return [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
    raise AssertionError(f"no row for {name}")


def _open(qtbot, db):
    dialog = UsersDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_menu_opens_the_screen_for_an_admin_only(qtbot, db, accounts, when_modal):
    login(db, "chixem", PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    action = window.findChild(object, "actionUsers")
    assert action.text() == "Tài khoản người dùng…"
    assert not action.isEnabled()
    assert "không được quản lý tài khoản người dùng" in action.toolTip()
    window.idle_lock.stop()

    login(db, "quantri", PASSWORD)
    admin = MainWindow(db)
    qtbot.addWidget(admin)
    action = admin.findChild(object, "actionUsers")
    assert action.isEnabled()
    seen = []
    when_modal(lambda d: (seen.append((d.objectName(), d.accounts[0].name)), d.accept()))
    action.trigger()
    assert seen == [("usersDialog", "chixem")]  # sorted by name
    admin.idle_lock.stop()


def test_the_list_shows_each_account(qtbot, db, accounts, ward):
    accounts.set_role("chixem", Role.VIEWER, (ward[1],))
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    assert [a.name for a in dialog.accounts] == ["chixem", "lanhdao", "quantri"]
    assert _row(dialog, "chixem")[:5] == ["chixem", "Trần Thị Mai", "Chỉ xem", "Tổ dân phố số 2",
                                          "Đang dùng"]
    assert _row(dialog, "quantri")[2:4] == ["Quản trị", "Mọi khu dân cư"]
    for _ in range(5):
        with pytest.raises(LoginError):
            accounts.authenticate("lanhdao", "sai-mật-khẩu")
    dialog.reload()
    locked = _row(dialog, "lanhdao")
    assert locked[5] != "" and "/" in locked[5]  # locked out until …
    assert dialog.status.text() == "3 tài khoản"


def test_add_an_account_that_must_change_its_password(qtbot, db, accounts, ward, when_modal):
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)

    def fill(d):
        assert d.objectName() == "accountDialog"
        type_text(d.name, "nhaplieu")
        type_text(d.display, "Phạm Thị Hoa")
        d.role.setCurrentIndex(d.role.findData(Role.CLERK.value))
        d.areas.item(0).setCheckState(Qt.CheckState.Checked)
        type_text(d.password, NEW)
        type_text(d.again, "khác-hẳn-99")
        d.findChild(object, "accountOk").click()
        assert "không khớp" in d.error.text() and d.isVisible()
        d.again.setText(NEW)
        d.findChild(object, "accountOk").click()

    when_modal(fill)
    dialog.add_button.click()
    assert _row(dialog, "nhaplieu")[:7] == ["nhaplieu", "Phạm Thị Hoa", "Cán bộ nhập liệu",
                                            "Tổ dân phố số 1", "Đang dùng", "", "Có"]
    assert dialog.selected().name == "nhaplieu"
    info = accounts.get("nhaplieu")
    assert info.must_change and info.area_ids == (ward[0],)
    entry = next(e for e in audit.entries(db) if e.kind == "app_user" and e.action == "create")
    assert entry.actor == "quantri" and entry.kind_label == "Tài khoản người dùng"
    fields = {c.field: c.new for c in entry.changes}
    assert fields["Vai trò"] == "clerk" and "password_hash" not in fields
    assert not any("argon2" in c.new for e in audit.entries(db) for c in e.changes)


def test_a_refused_name_keeps_the_form_open(qtbot, db, accounts, when_modal):
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)

    def fill(d):
        type_text(d.name, "chixem")
        d.password.setText(NEW)
        d.again.setText(NEW)
        d.submit()
        assert d.error.text() == "Tên đăng nhập: đã có tài khoản “chixem”."
        d.done(0)  # reject() would ask: the typed account is unsaved

    when_modal(fill)
    dialog.add_button.click()
    assert len(dialog.accounts) == 3


def test_change_the_role_and_areas(qtbot, db, accounts, ward, when_modal):
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    dialog.select("chixem")

    def edit(d):
        assert d.name.isReadOnly() and d.name.text() == "chixem"
        assert d.display.text() == "Trần Thị Mai"
        assert d.role.currentText() == "Chỉ xem"
        assert not d.password.isVisible()
        d.role.setCurrentIndex(d.role.findData(Role.CLERK.value))
        d.areas.item(1).setCheckState(Qt.CheckState.Checked)
        d.submit()

    when_modal(edit)
    dialog.edit_button.click()
    assert _row(dialog, "chixem")[2:4] == ["Cán bộ nhập liệu", "Tổ dân phố số 2"]
    entry = next(e for e in audit.entries(db) if e.kind == "app_user" and e.action == "update")
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("Vai trò", "viewer", "clerk")]


def test_the_last_admin_stays_an_admin(qtbot, db, accounts, when_modal):
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    dialog.select("quantri")

    def edit(d):
        d.role.setCurrentIndex(d.role.findData(Role.VIEWER.value))
        d.submit()
        assert "ít nhất một Quản trị" in d.error.text()
        d.done(0)  # reject() would ask: the role was changed, unsaved

    when_modal(edit)
    dialog.edit_button.click()
    assert accounts.get("quantri").role is Role.ADMIN


def test_disable_and_enable_an_account(qtbot, db, accounts):
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    dialog.select("quantri")
    assert not dialog.disable_button.isEnabled()  # not one's own
    dialog.select("lanhdao")
    assert dialog.disable_button.text() == "&Khóa tài khoản"
    dialog.disable_button.click()
    assert _row(dialog, "lanhdao")[4] == "Đã khóa"
    assert dialog.table.item(dialog.table.currentRow(), 0).foreground().color().name() == "#888888"
    with pytest.raises(LoginError, match="đã bị khóa"):
        accounts.authenticate("lanhdao", PASSWORD)
    assert dialog.disable_button.text() == "Mở &lại tài khoản"
    dialog.disable_button.click()
    assert _row(dialog, "lanhdao")[4] == "Đang dùng"
    assert accounts.authenticate("lanhdao", PASSWORD).role is Role.LEADER


def test_reset_a_password_then_the_login_asks_for_a_new_one(qtbot, db, accounts, when_modal):
    for _ in range(5):
        with pytest.raises(LoginError):
            accounts.authenticate("chixem", "sai-mật-khẩu")
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    dialog.select("chixem")

    def reset(d):
        assert d.objectName() == "resetPasswordDialog"
        d.password.setText("ngắn")
        d.again.setText("ngắn")
        d.findChild(object, "resetOk").click()
        assert "ít nhất 8" in d.error.text()
        d.password.setText(NEW)
        d.again.setText(NEW)
        d.findChild(object, "resetOk").click()

    when_modal(reset)
    dialog.reset_button.click()
    row = _row(dialog, "chixem")
    assert row[5] == "" and row[6] == "Có"  # the lock-out lifted; must change
    entry = audit.entries(db, audit.Filter(action="password_reset"))[0]
    assert entry.actor == "quantri" and entry.record_id == accounts.get("chixem").id

    from antq_desktop.ui.login import LoginDialog

    login_dialog = LoginDialog(accounts)
    qtbot.addWidget(login_dialog)
    login_dialog.name.setText("chixem")
    login_dialog.password.setText(NEW)
    asked = []

    def change(d):
        asked.append(d.objectName())
        d.new.setText("mới-hẳn-123")
        d.again.setText("mới-hẳn-123")
        d.submit()

    when_modal(change)
    login_dialog.submit()
    assert asked == ["changePasswordDialog"] and login_dialog.user.name == "chixem"
    assert not accounts.get("chixem").must_change


def test_a_non_admin_gets_the_services_refusal(qtbot, db, accounts):
    login(db, "lanhdao", PASSWORD)
    dialog = _open(qtbot, db)  # the menu is off; the screen itself still cannot do anything
    assert dialog.accounts == [] and "không được quản lý tài khoản" in dialog.error.text()


def test_screenshot(qtbot, db, accounts, ward):
    accounts.set_role("chixem", Role.VIEWER, (ward[0], ward[1]))
    accounts.disable("lanhdao")
    login(db, "quantri", PASSWORD)
    dialog = _open(qtbot, db)
    dialog.select("chixem")
    QApplication.processEvents()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    dialog.grab().save("/tmp/users-gui-accounts.png")
