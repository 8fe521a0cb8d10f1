"""The ward chooser (issue 18): a province account looks at one ward at a time through the
status bar's ``wardChooser`` (Tệp → Chọn phường, xã…); every tab reads the chosen ward, the
window's title names it; a ward account has no chooser. And the households tab's sign-up
summary follows another session's saves (the change poll)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox

from antq_desktop.access import Permission, Role
from antq_desktop.config import APP_NAME
from antq_desktop.db.engine import open_database
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.unit import UnitService
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.main_window import ALL_WARDS, MainWindow
from tests.conftest import household, member
from tests.services.test_multi_ward import CUA_NAM, HOAN_KIEM

PASSWORD = "mật-khẩu-1"
TODAY = date(2025, 11, 20)
YEAR = TODAY.year


NAMES = {"HK000001": "An", "HK000002": "Bình", "HK000009": "Cường"}


def _codes(tab) -> list[str]:
    return [tab.model.index(i, 0).data() for i in range(tab.model.rowCount())]


@pytest.fixture
def two_wards(db):
    """Hoàn Kiếm (unit 1): HK000001 and HK000002; Cửa Nam: HK000009, signed up this year. An
    administrator of Hoàn Kiếm and a province account."""
    UnitService(db).save(HOAN_KIEM)
    other = UnitService(db).add_ward(CUA_NAM)
    ids = {}
    for unit, codes in ((1, ("HK000001", "HK000002")), (other, ("HK000009",))):
        handle = open_database(db.url)
        handle.unit_id = unit
        try:
            area = UnitService(handle).add_area(f"Tổ dân phố {unit}")
            homes = HouseholdService(handle)
            for n, code in enumerate(codes):
                ids[code] = homes.save(household(area, code, [member(
                    f"Hoàng Văn {NAMES[code]}", id_number=f"00108001{unit}{n:03d}")]),
                    today=TODAY)
            if unit == other:
                homes.sign_up(ids["HK000009"], YEAR, date(YEAR, 2, 1), today=TODAY)
        finally:
            handle.dispose()
    UserService(db).add("quantri", PASSWORD, Role.ADMIN)
    UserService(db).add("tinh", PASSWORD, Role.LEADER, province=True)
    return other, ids


def _window(qtbot, db, name: str) -> MainWindow:
    login(db, name, PASSWORD)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.idle_lock.stop()  # no password prompt in the middle of a test
    return window


def test_a_province_account_switches_the_ward_it_looks_at(qtbot, db, two_wards, tmp_path,
                                                          pin_today):
    pin_today(TODAY)
    other, ids = two_wards
    window = _window(qtbot, db, "tinh")
    chooser = window.findChild(QComboBox, "wardChooser")
    assert chooser is not None and chooser.isVisible() and chooser.isEnabled()
    assert [chooser.itemText(i) for i in range(chooser.count())] == [
        ALL_WARDS, "Phường Cửa Nam", "Phường Hoàn Kiếm"]
    assert chooser.currentText() == ALL_WARDS
    assert window.windowTitle() == f"{APP_NAME} — {ALL_WARDS}"
    assert window.unit_label.text() == "Thành phố Hà Nội · 2 phường, xã"
    tab = window.households_tab
    window.show_tab(tab)
    assert sorted(_codes(tab)) == ["HK000001", "HK000002", "HK000009"]  # every ward

    # typed without diacritics, picked from the pop-up (the chooser is a PlacePicker)
    assert chooser.matches("hoan kiem") == ["Phường Hoàn Kiếm"]
    chooser.setCurrentIndex(chooser.findData(1))
    assert window.db.user.unit_id == 1
    assert _codes(tab) == ["HK000001", "HK000002"]
    assert window.windowTitle() == f"{APP_NAME} — Phường Hoàn Kiếm"
    assert window.unit_label.text() == "Thành phố Hà Nội"  # the chooser names the ward
    assert "Tổ dân phố 1" in [tab.area.itemText(i) for i in range(tab.area.count())]
    window.grab().save(str(tmp_path / "hoan-kiem.png"))

    chooser.setCurrentIndex(chooser.findData(other))
    assert _codes(tab) == ["HK000009"]
    assert window.windowTitle() == f"{APP_NAME} — Phường Cửa Nam"
    areas = [tab.area.itemText(i) for i in range(tab.area.count())]
    assert f"Tổ dân phố {other}" in areas and "Tổ dân phố 1" not in areas
    assert "1/1 hộ" in tab.summary_title.text()  # the sign-up summary is Cửa Nam's
    assert tab.status_text().startswith("1 hộ")
    assert window.db.user.province and not window.db.user.can(Permission.WRITE)

    # a tab first shown after the switch reads the chosen ward too
    window.show_tab(window.certification_tab)
    cert = window.certification_tab.model
    cells = " | ".join(str(cert.index(r, c).data()) for r in range(cert.rowCount())
                       for c in range(cert.columnCount()))
    assert f"Tổ dân phố {other}" in cells and "Tổ dân phố 1 " not in cells + " "

    # Tệp → Chọn phường, xã… opens the chooser's list
    action = window.findChild(QAction, "actionChooseWard")
    assert action is not None and action.shortcut().toString() == "Ctrl+K"
    action.trigger()
    assert chooser.view().isVisible()
    chooser.hidePopup()
    chooser.setCurrentIndex(0)
    assert sorted(_codes(tab)) == ["HK000001", "HK000002", "HK000009"]


def test_the_overview_and_reports_read_the_chosen_ward(qtbot, db, two_wards, tmp_path,
                                                       pin_today):
    from openpyxl import load_workbook

    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.ui.reports.dialog import ReportsDialog

    pin_today(TODAY)
    other, _ids = two_wards
    window = _window(qtbot, db, "tinh")
    overview = window.overview_tab
    with qtbot.waitSignal(overview.loaded, timeout=10000):
        window.set_ward(other)
    assert window.ward_chooser.currentText() == "Phường Cửa Nam"
    assert overview.data.year == YEAR
    assert overview.cards["households_signed"].value.text() == "100 %"  # 1 of Cửa Nam's 1
    assert [b.label for b in overview.panels["signup"].chart.data.bars] == [
        f"Tổ dân phố {other}"]
    assert [overview.area.itemText(i) for i in range(overview.area.count())] == [
        "Toàn phường", f"Tổ dân phố {other}"]
    with qtbot.waitSignal(overview.loaded, timeout=10000):
        window.set_ward(1)
    assert overview.cards["households_signed"].value.text() == "—"  # none signed up
    overview.wait_idle()

    window.set_ward(other)
    dialog = ReportsDialog(window.db, window)
    qtbot.addWidget(dialog)
    assert [dialog.area.itemText(i) for i in range(dialog.area.count())] == [
        "Toàn phường", f"Tổ dân phố {other}"]
    dialog.form.setCurrentIndex(dialog.form.findData("yearend-summary"))
    dialog.year.setValue(YEAR)
    path = export_xlsx(window.db, "yearend-summary", dialog.params(), tmp_path / "cn.xlsx")
    found = "\n".join(str(v) for ws in load_workbook(path, read_only=True).worksheets
                      for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "CỬA NAM" in found and "HOÀN KIẾM" not in found
    overview.wait_idle()


def test_a_ward_account_has_no_chooser(qtbot, db, two_wards):
    window = _window(qtbot, db, "quantri")
    assert window.findChild(QComboBox, "wardChooser") is None
    assert window.findChild(QAction, "actionChooseWard") is None
    assert window.windowTitle() == f"{APP_NAME} — Phường Hoàn Kiếm"
    assert window.unit_label.text() == "Phường Hoàn Kiếm, Thành phố Hà Nội"
    tab = window.households_tab
    window.show_tab(tab)
    assert _codes(tab) == ["HK000001", "HK000002"]


def test_the_signup_summary_follows_another_sessions_save(qtbot, db, ward, pin_today):
    """Two handles on one file: a sign-up saved through the other shows in this window's
    summary after the poll, without the officer doing anything."""
    pin_today(TODAY)
    homes = HouseholdService(db)
    hid = homes.save(household(ward[0], "HK000001", [member(id_number="")]), today=TODAY)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    tab = window.households_tab
    window.show_tab(tab)
    tab.year.setValue(YEAR)
    assert "0/1 hộ" in tab.summary_title.text()
    assert tab.summary.item(0, 1).text() == "0/1"
    other = open_database(db.url)
    try:
        HouseholdService(other).sign_up(hid, YEAR, date(YEAR, 3, 2), today=TODAY)
    finally:
        other.dispose()
    window.changes_timer.timeout.emit()  # the poll, driven directly
    assert "1/1 hộ" in tab.summary_title.text()
    assert tab.summary.item(0, 1).text() == "1/1"
    # a hidden households tab catches up when shown again
    window.show_tab(window.rehabilitation_tab)
    second = homes.save(household(ward[1], "HK000002", [member("Lê Thị Hoa", id_number="")]),
                        today=TODAY)
    other = open_database(db.url)
    try:
        HouseholdService(other).sign_up(second, YEAR, date(YEAR, 3, 3), today=TODAY)
    finally:
        other.dispose()
    window.changes_timer.timeout.emit()
    window.show_tab(tab)
    assert "2/2 hộ" in tab.summary_title.text()


def test_the_chosen_ward_survives_signing_out_and_in_again(qtbot, db, two_wards):
    """Tệp → Đăng xuất, then the same province officer back: the same window goes on with
    the ward the chooser shows, not every ward behind a chooser naming one."""
    from antq_desktop.ui.app import sign_out

    other, _ids = two_wards
    window = _window(qtbot, db, "tinh")
    window.set_ward(other)
    sign_out(window, login=lambda handle: login(handle, "tinh", PASSWORD) is not None)
    assert not window.signed_out
    window.idle_lock.stop()
    assert window.db.user.unit_id == other
    assert window.ward_chooser.currentData() == other
    tab = window.households_tab
    window.show_tab(tab)
    assert _codes(tab) == ["HK000009"]


def test_a_province_officer_starts_in_the_ward_looked_at_last(qtbot, db, two_wards):
    """The ward chosen is remembered on this PC per account (its national code): the next
    window opens on it, before any tab reads; "every ward" is remembered too, and a ward
    no longer in the store falls back to every ward. A ward account is never moved."""
    from PySide6.QtCore import QSettings

    other, _ids = two_wards
    window = _window(qtbot, db, "tinh")
    window.set_ward(other)
    window.close()
    again = _window(qtbot, db, "tinh")
    assert again.db.user.unit_id == other
    assert again.ward_chooser.currentData() == other
    tab = again.households_tab
    again.show_tab(tab)
    assert _codes(tab) == ["HK000009"]
    again.set_ward(None)  # every ward
    again.close()
    third = _window(qtbot, db, "tinh")
    assert third.db.user.unit_id is None and third.ward_chooser.currentText() == ALL_WARDS
    third.close()
    QSettings().setValue("ward/tinh", 99999)  # a ward this store does not hold
    fourth = _window(qtbot, db, "tinh")
    assert fourth.db.user.unit_id is None
    fourth.close()
    QSettings().setValue("ward/quantri", CUA_NAM.ward_code)
    own = _window(qtbot, db, "quantri")
    assert own.db.user.unit_id in (None, 1) and own.ward_chooser is None
    own.show_tab(own.households_tab)
    assert sorted(_codes(own.households_tab)) == ["HK000001", "HK000002"]


def test_the_windowed_program_opens_on_the_ward_named_by_unit(db, two_wards, monkeypatch,
                                                              capsys):
    """``antq-desktop --unit CODE`` (no command): the window opens on that ward; a ward not
    in the store, or another ward for a ward account, stops with the message."""
    from antq_desktop.ui.app import QUIT_AFTER_ENV, start_in_ward

    other, _ids = two_wards
    monkeypatch.setenv(QUIT_AFTER_ENV, "1")  # the message on stderr, not in a box
    login(db, "tinh", PASSWORD)
    assert start_in_ward(db, f"{CUA_NAM.ward_code:05d}") and db.user.unit_id == other
    assert start_in_ward(db, "phuong hoan kiem") and db.user.unit_id == 1
    assert not start_in_ward(db, "Phường Không Có")
    assert "Không có phường, xã “Phường Không Có”" in capsys.readouterr().err
    login(db, "quantri", PASSWORD)
    assert not start_in_ward(db, str(CUA_NAM.ward_code))
    assert "chỉ tài khoản cấp tỉnh" in capsys.readouterr().err
