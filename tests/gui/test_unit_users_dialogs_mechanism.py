"""Issue 14 in the unit setup and the accounts dialogs (ui/unit_dialog.py, ui/users/dialog.py):
UnitDialog, AccountDialog and ResetPasswordDialog fit the office screen, ask on Esc only after
an edit, save with Ctrl+Enter (the record is stored afterwards) and show a wrong value's message
under its own field as it is typed, cleared when fixed. (None of them is a dated record, so
there is no period to lock; the unit is not a record with a "Lịch sử" of its own.)"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from antq_desktop.access import Role
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.unit_dialog import UnitDialog
from antq_desktop.ui.users.dialog import AccountDialog, ResetPasswordDialog

from .conftest import type_text
from .test_activity_dialogs_mechanism import assert_placeholders_show
from .dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)

PASSWORD = "mật-khẩu-1"
TEMPORARY = "tạm-thời-99"


@pytest.fixture
def accounts(db, ward):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    users.add("chixem", PASSWORD, Role.VIEWER, "Trần Thị Mai")
    login(db, "quantri", PASSWORD)
    return users


def _retype(field, text: str) -> None:
    field.clear() if isinstance(field, QLineEdit) else field.setPlainText("")
    type_text(field, text)


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def assert_error_under(qtbot, dialog, field, line_name, wrong, right, part):
    line = dialog.findChild(QLabel, f"{line_name}Error")
    assert line is not None and line.text() == ""
    others = [w for w in dialog.findChildren(QLabel)
              if w.objectName().endswith("Error") and w is not line]
    tops = [o.mapTo(dialog, o.rect().topLeft()).y() for o in others]
    _retype(field, wrong)
    qtbot.waitUntil(lambda: line.text() != "")
    assert part in line.text(), line.text()
    assert "b00020" in field.styleSheet()
    below = field.mapTo(dialog, field.rect().bottomLeft()).y()
    assert 0 <= line.mapTo(dialog, line.rect().topLeft()).y() - below <= 4
    assert all(o.text() == "" for o in others if o.objectName() != "unitErrorError")
    _retype(field, right)
    qtbot.waitUntil(lambda: line.text() == "")
    assert field.styleSheet() == ""
    assert [o.mapTo(dialog, o.rect().topLeft()).y() for o in others] == tops  # nothing jumped


# -- the unit ------------------------------------------------------------------------------------
def test_unit_dialog_fits(qtbot, db, unit_service, ward):
    for first in (True, False):
        dialog = UnitDialog(unit_service, first_start=first)
        qtbot.addWidget(dialog)
        assert_fits(dialog)
        assert_placeholders_show(dialog)


def test_unit_dialog_esc_asks_only_after_an_edit(qtbot, db, unit_service, ward, when_modal):
    assert_esc_asks_only_after_an_edit(
        qtbot, when_modal, lambda: UnitDialog(unit_service),
        lambda d: type_text(d.commander_name, "Lê Minh Tuấn"))


@pytest.mark.parametrize("press", [press_ctrl_enter, press_ctrl_s], ids=["ctrl_enter", "ctrl_s"])
def test_unit_dialog_keyboard_saves(qtbot, db, unit_service, ward, press):
    dialog = _shown(qtbot, UnitDialog(unit_service))
    _retype(dialog.commander_name, "Lê Minh Tuấn")
    press(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert unit_service.get().commander_name == "Lê Minh Tuấn"


def test_unit_dialog_errors_under_their_fields(qtbot, db, unit_service, ward):
    dialog = _shown(qtbot, UnitDialog(unit_service))
    assert_error_under(qtbot, dialog, dialog.commander_name, "unitCommanderName", "Lê 3",
                       "Lê Minh Tuấn", "chữ số")
    assert_error_under(qtbot, dialog, dialog.place_name, "unitPlaceName", " ", "Phường Hoàn Kiếm",
                       "chưa nhập")
    recipients = dialog.findChild(QPlainTextEdit, "unitRecipients")
    line = dialog.findChild(QLabel, "unitRecipientsError")
    recipients.setPlainText("\n".join(f"Nơi nhận {i}" for i in range(12)))
    qtbot.waitUntil(lambda: line.text() != "")
    assert "tối đa 10" in line.text()
    recipients.setPlainText("Lưu: VT.")
    qtbot.waitUntil(lambda: line.text() == "")
    # a ward typed, not picked from the list: said under the ward, nothing saved
    ward_line = dialog.findChild(QLabel, "unitWardError")
    _retype(dialog.ward.lineEdit(), "Phường không có")
    qtbot.waitUntil(lambda: ward_line.text() != "")
    assert "chọn một đơn vị trong danh sách" in ward_line.text()
    press_ctrl_enter(dialog)
    assert dialog.isVisible() and unit_service.get().ward_name == "Phường Hoàn Kiếm"
    dialog.ward.setCurrentIndex(dialog.ward.findText("Phường Ba Đình"))
    qtbot.waitUntil(lambda: ward_line.text() == "")
    press_ctrl_enter(dialog)
    assert not dialog.isVisible()
    assert unit_service.get().ward_name == "Phường Ba Đình"


# -- the accounts --------------------------------------------------------------------------------
def _new_account(db):
    from antq_desktop.services.unit import UnitService

    return AccountDialog(UserService(db), UnitService(db).areas())


def test_account_dialogs_fit(qtbot, db, accounts):
    from antq_desktop.services.unit import UnitService

    for dialog in (_new_account(db),
                   AccountDialog(accounts, UnitService(db).areas(), accounts.get("chixem")),
                   ResetPasswordDialog(accounts, "chixem")):
        qtbot.addWidget(dialog)
        assert_fits(dialog)
        assert_placeholders_show(dialog)


def test_account_dialog_esc_asks_only_after_an_edit(qtbot, db, accounts, when_modal):
    from antq_desktop.services.unit import UnitService

    assert_esc_asks_only_after_an_edit(qtbot, when_modal, lambda: _new_account(db),
                                       lambda d: type_text(d.name, "nguyenvana"))
    # ticking an area of an existing account is an edit too
    assert_esc_asks_only_after_an_edit(
        qtbot, when_modal,
        lambda: AccountDialog(accounts, UnitService(db).areas(), accounts.get("chixem")),
        lambda d: d.areas.item(0).setCheckState(d.areas.item(0).checkState().Checked))


def test_account_dialog_ctrl_enter_adds_the_account(qtbot, db, accounts):
    dialog = _shown(qtbot, _new_account(db))
    type_text(dialog.name, "nguyenvana")
    type_text(dialog.display, "Nguyễn Văn A")
    type_text(dialog.password, TEMPORARY)
    type_text(dialog.again, TEMPORARY)
    press_ctrl_enter(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert accounts.get("nguyenvana").display_name == "Nguyễn Văn A"
    assert accounts.must_change("nguyenvana")


def test_account_dialog_errors_under_their_fields(qtbot, db, accounts):
    dialog = _shown(qtbot, _new_account(db))
    assert_error_under(qtbot, dialog, dialog.name, "accountName", "nguyen van a", "nguyenvana",
                       "không có dấu cách")
    assert_error_under(qtbot, dialog, dialog.password, "accountPassword", "ngắn", TEMPORARY,
                       "ít nhất")
    assert_error_under(qtbot, dialog, dialog.again, "accountAgain", "khác", TEMPORARY,
                       "không khớp")
    # a name taken: the service's refusal goes under the name
    _retype(dialog.name, "chixem")
    press_ctrl_enter(dialog)
    assert dialog.isVisible()
    assert "đã có tài khoản" in dialog.findChild(QLabel, "accountNameError").text()


def test_reset_password_dialog(qtbot, db, accounts, when_modal):
    dialog = _shown(qtbot, ResetPasswordDialog(accounts, "chixem"))
    assert_error_under(qtbot, dialog, dialog.password, "resetPassword", "ngắn", TEMPORARY,
                       "ít nhất")
    assert_error_under(qtbot, dialog, dialog.again, "resetAgain", "khác", TEMPORARY,
                       "không khớp")
    press_ctrl_enter(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert accounts.must_change("chixem")
    assert_esc_asks_only_after_an_edit(qtbot, when_modal,
                                       lambda: ResetPasswordDialog(accounts, "chixem"),
                                       lambda d: type_text(d.password, "abc"))
