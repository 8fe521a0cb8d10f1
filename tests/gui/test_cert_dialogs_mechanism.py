"""Issue 14 and 15 in the certification dialogs (ui/certification/dialogs.py): CertUnitDialog,
CertRecordDialog and CertSettingsDialog fit the office screen, ask on Esc only after an edit,
save with Ctrl+Enter (and the record dialog in place with Ctrl+S), show a wrong value's message
under its own field as it is typed and clear it when fixed; stored units and records have
"Lịch sử"; a record of a signed-off year opens read-only with a padlock."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton

from antq_desktop.enums import CertCategory, CertResult
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, RecordData
from antq_desktop.services.periods import CERTIFICATION, PeriodService
from antq_desktop.services.settings import SettingsService
from antq_desktop.ui.certification.dialogs import (
    CertRecordDialog,
    CertSettingsDialog,
    CertUnitDialog,
)
from antq_desktop.ui.permissions import PADLOCK

from .conftest import type_text
from .test_activity_dialogs_mechanism import assert_placeholders_show
from .dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@pytest.fixture
def svc(db):
    return CertificationService(db)


@pytest.fixture
def uid(svc):
    return svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))


def _retype(field, text: str) -> None:
    field.clear() if isinstance(field, QLineEdit) else field.setPlainText("")
    type_text(field, text)


def _line(dialog, name: str) -> QLabel:
    line = dialog.findChild(QLabel, f"{name}Error")
    assert line is not None, name
    return line


def _shown(dialog, qtbot):
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _history_opens(qtbot, when_modal, dialog) -> int:
    button = dialog.findChild(QPushButton, "historyButton")
    assert button is not None and button.isVisible() and button.isEnabled()
    seen = []

    def look(history):
        seen.append(history.table.rowCount())
        history.done(0)

    when_modal(look)
    button.click()
    qtbot.waitUntil(lambda: bool(seen))
    return seen[0]


def _assert_error_under(qtbot, dialog, field, line_name, wrong, right, part):
    line = _line(dialog, line_name)
    assert line.text() == ""
    others = [w for w in dialog.findChildren(QLabel)
              if w.objectName().endswith("Error") and w is not line]
    tops = [o.mapTo(dialog, o.rect().topLeft()).y() for o in others]
    _retype(field, wrong)
    qtbot.waitUntil(lambda: line.text() != "")
    assert part in line.text(), line.text()
    assert "b00020" in field.styleSheet()
    below = field.mapTo(dialog, field.rect().bottomLeft()).y()
    assert 0 <= line.mapTo(dialog, line.rect().topLeft()).y() - below <= 4  # right under it
    _retype(field, right)
    qtbot.waitUntil(lambda: line.text() == "")
    assert field.styleSheet() == ""
    assert [o.mapTo(dialog, o.rect().topLeft()).y() for o in others] == tops  # nothing jumped


# -- the unit ------------------------------------------------------------------------------------
def test_unit_dialog_fits_and_asks_on_esc_only_after_an_edit(qtbot, when_modal, svc, uid):
    for dialog in (CertUnitDialog(svc, None, category=CertCategory.SCHOOL),
                   CertUnitDialog(svc, svc.unit(uid))):
        qtbot.addWidget(dialog)
        assert_fits(dialog)
        assert_placeholders_show(dialog)
    assert_esc_asks_only_after_an_edit(qtbot, when_modal,
                                       lambda: CertUnitDialog(svc, svc.unit(uid)),
                                       lambda d: type_text(d.address, "12 Hàng Bạc"))


def test_unit_dialog_ctrl_enter_saves(qtbot, svc):
    dialog = _shown(CertUnitDialog(svc, None, category=CertCategory.SCHOOL), qtbot)
    qtbot.addWidget(dialog)
    type_text(dialog.name, "Trường Tiểu học Hàng Bạc")
    press_ctrl_enter(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert svc.unit(dialog.saved_id).name == "Trường Tiểu học Hàng Bạc"


def test_unit_dialog_error_under_the_phone_as_you_type(qtbot, svc, uid):
    dialog = _shown(CertUnitDialog(svc, svc.unit(uid)), qtbot)
    qtbot.addWidget(dialog)
    _assert_error_under(qtbot, dialog, dialog.phone, "certUnitPhone", "09x", "0912345678",
                        "")
    press_ctrl_enter(dialog)
    assert svc.unit(uid).phone == "0912345678"


def test_unit_dialog_history(qtbot, when_modal, svc, uid):
    new = CertUnitDialog(svc, None, category=CertCategory.SCHOOL)
    qtbot.addWidget(new)
    assert new.findChild(QPushButton, "historyButton") is None
    dialog = _shown(CertUnitDialog(svc, svc.unit(uid)), qtbot)
    qtbot.addWidget(dialog)
    assert _history_opens(qtbot, when_modal, dialog) >= 1


# -- a unit's year -------------------------------------------------------------------------------
def _record(svc, uid, year=2026):
    return CertRecordDialog(svc, svc.record(uid, year))


def test_record_dialog_fits_and_asks_on_esc_only_after_an_edit(qtbot, when_modal, svc, uid):
    dialog = _record(svc, uid)
    qtbot.addWidget(dialog)
    assert_fits(dialog)
    assert_placeholders_show(dialog)
    header = dialog.checklist.horizontalHeader()
    for col in range(dialog.checklist.columnCount()):  # no column header cut off
        text = dialog.checklist.horizontalHeaderItem(col).text()
        assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), text
    assert_esc_asks_only_after_an_edit(qtbot, when_modal, lambda: _record(svc, uid),
                                       lambda d: type_text(d.registered, "01/02/2026"))
    # a tick is an edit too
    assert_esc_asks_only_after_an_edit(
        qtbot, when_modal, lambda: _record(svc, uid),
        lambda d: d.checklist.item(0, 0).setCheckState(Qt.CheckState.Checked))


def test_record_dialog_ctrl_enter_saves_and_closes(qtbot, svc, uid):
    dialog = _shown(_record(svc, uid), qtbot)
    qtbot.addWidget(dialog)
    type_text(dialog.registered, "01/02/2026")
    dialog.checklist.item(1, 0).setCheckState(Qt.CheckState.Checked)
    press_ctrl_enter(dialog)
    assert not dialog.isVisible() and dialog.saved, dialog.error.text()
    stored = svc.record(uid, 2026)
    assert stored.registered_on == date(2026, 2, 1)
    assert [s.met for s in stored.checklist][:2] == [False, True]


def test_record_dialog_ctrl_s_saves_in_place(qtbot, when_modal, svc, uid):
    dialog = _shown(_record(svc, uid), qtbot)
    qtbot.addWidget(dialog)
    history = dialog.findChild(QPushButton, "historyButton")
    assert not history.isEnabled()  # nothing stored for the year yet
    type_text(dialog.registered, "01/02/2026")
    press_ctrl_s(dialog)
    assert dialog.isVisible() and dialog.saved
    assert svc.record(uid, 2026).registered_on == date(2026, 2, 1)
    assert "Đã lưu" in dialog.findChild(QLabel, "certSavedNote").text()
    assert not dialog.is_dirty()  # saved: Esc would not ask
    # the dialog holds the new version: a second save in place goes through
    _retype(dialog.notes, "Đã nộp bản đăng ký")
    press_ctrl_s(dialog)
    assert svc.record(uid, 2026).notes == "Đã nộp bản đăng ký", dialog.error.text()
    assert history.isEnabled()
    assert _history_opens(qtbot, when_modal, dialog) >= 2
    press_ctrl_enter(dialog)
    assert not dialog.isVisible()


def test_record_dialog_errors_under_their_fields(qtbot, svc, uid):
    dialog = _shown(_record(svc, uid), qtbot)
    qtbot.addWidget(dialog)
    _assert_error_under(qtbot, dialog, dialog.registered, "certRegistered", "01/02/2025",
                        "01/02/2026", "phải từ 01/01/2026")
    _assert_error_under(qtbot, dialog, dialog.evaluated, "certEvaluated", "31/02/2026",
                        "01/03/2026", "không tồn tại")
    # "Đạt" without every criterion: the message is under the result
    dialog.result.set_value(CertResult.MET)
    line = _line(dialog, "certResult")
    qtbot.waitUntil(lambda: line.text() != "")
    assert "chưa có ngày họp đánh giá" in line.text() or "chưa đạt tiêu chuẩn" in line.text()
    dialog.result.set_value(None)
    qtbot.waitUntil(lambda: line.text() == "")
    # a refused save shows the service's message under its field and keeps the dialog
    _retype(dialog.certificate, "GCN-01")
    press_ctrl_enter(dialog)
    assert dialog.isVisible()
    assert "chỉ ghi khi kết quả là “Đạt”" in _line(dialog, "certCertificate").text()
    assert dialog.error.text().startswith("Chưa lưu.")
    assert not svc.record(uid, 2026).exists


def test_a_record_of_a_signed_off_year_opens_read_only_with_a_padlock(qtbot, when_modal, svc,
                                                                      uid):
    svc.save_record(uid, 2025, RecordData(registered_on=date(2025, 2, 1), notes="cũ"),
                    today=TODAY)
    PeriodService(svc.db).lock(CERTIFICATION, 2025, today=TODAY)
    dialog = _shown(_record(svc, uid, 2025), qtbot)
    qtbot.addWidget(dialog)
    mark = dialog.findChild(QLabel, "lockedNote")
    assert mark is not None and mark.isVisible() and mark.text().startswith(PADLOCK)
    assert "Năm 2025 đã khóa sổ ngày" in mark.toolTip() and " bởi " in mark.toolTip()
    save = dialog.findChild(QPushButton, "certSave")
    assert not save.isVisible() and not save.isEnabled()
    assert not dialog.findChild(QPushButton, "certClear").isEnabled()
    assert dialog.findChild(QPlainTextEdit, "certNotes").isReadOnly()
    assert not dialog.result.isEnabled()
    item = dialog.checklist.item(0, 0)
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    press_ctrl_s(dialog)
    press_ctrl_enter(dialog)
    assert dialog.isVisible() and not dialog.saved
    assert svc.record(uid, 2025).notes == "cũ"
    assert _history_opens(qtbot, when_modal, dialog) >= 1
    assert_fits(dialog)
    # another year of the same unit is not locked
    open_year = _shown(_record(svc, uid, 2026), qtbot)
    qtbot.addWidget(open_year)
    assert open_year.findChild(QLabel, "lockedNote") is None
    assert open_year.findChild(QPushButton, "certSave").isVisible()


# -- the settings --------------------------------------------------------------------------------
def test_settings_dialog(qtbot, when_modal, db):
    settings = SettingsService(db)
    dialog = _shown(CertSettingsDialog(settings), qtbot)
    qtbot.addWidget(dialog)
    assert_fits(dialog)
    assert_placeholders_show(dialog)
    line = _line(dialog, "nearDays")
    dialog.window_days.setValue(0)
    qtbot.waitUntil(lambda: line.text() != "")
    assert "phải từ 1" in line.text()
    dialog.window_days.setValue(9)
    qtbot.waitUntil(lambda: line.text() == "")
    deadline = _line(dialog, "registrationDeadline")
    day, month = dialog.fields["registration"]
    month.setValue(2)  # 31/2
    qtbot.waitUntil(lambda: deadline.text() != "")
    month.setValue(3)
    qtbot.waitUntil(lambda: deadline.text() == "")
    _assert_error_under(qtbot, dialog, dialog.decider, "deciderTitle", " ", "Chủ tịch UBND xã",
                        "chưa nhập")
    press_ctrl_enter(dialog)
    assert not dialog.isVisible()
    stored = settings.cert_settings()
    assert (stored.near_days, stored.decider_title) == (9, "Chủ tịch UBND xã")
    assert_esc_asks_only_after_an_edit(qtbot, when_modal, lambda: CertSettingsDialog(settings),
                                       lambda d: type_text(d.decider, " mới"))


def test_the_tab_cuts_off_no_button_text_or_column_header(qtbot, db, ward):
    """The issue's examples: "Tiêu chuẩn đạt", "Ngày họp đánh giá", "Số Giấy công nhận" and the
    "In danh sách" menu button, whose arrow drew over its last letter."""
    from antq_desktop.ui.app import Services
    from antq_desktop.ui.certification.tab import CertificationTab

    tab = CertificationTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    tab.read_if_unread()
    qtbot.waitExposed(tab)
    for button in tab.findChildren(QPushButton):
        if not button.isVisible():
            continue
        wanted = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
        if button.menu() is not None:
            wanted += 12  # the arrow
        assert button.width() >= wanted, button.text()
    header = tab.table.horizontalHeader()
    model = tab.table.model()
    for col in range(model.columnCount()):
        text = model.headerData(col, Qt.Orientation.Horizontal)
        assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), text
