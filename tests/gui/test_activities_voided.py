"""The "Đã hủy" view of the Phong trào tab: voided records listed with when and why, grey and
struck through, read-only (issue 15, docs/AUDIT.md)."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from antq_desktop.enums import WeaponKind
from antq_desktop.services.activities import ActivityService, Kind, PatrolData, TipData, WeaponData
from antq_desktop.ui.activities.tab import ActivitiesTab
from antq_desktop.ui.app import Services

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@pytest.fixture
def records(db, ward):
    acts = ActivityService(db)
    kept = acts.save(Kind.TIP, TipData(date(2026, 3, 2), ward[0], "Trộm cắp xe máy ở chợ"))
    twice = acts.save(Kind.TIP, TipData(date(2026, 3, 2), ward[0], "Trộm cắp xe máy ở chợ"))
    wrong = acts.save(Kind.TIP, TipData(date(2026, 4, 9), ward[1], "Đánh bạc ở ngõ 12"))
    acts.void(Kind.TIP, twice, "Nhập trùng với tin báo ngày 02/03")
    acts.void(Kind.TIP, wrong, "Ghi nhầm khu dân cư", today=TODAY)
    acts.save(Kind.PATROL, PatrolData(date(2026, 5, 1), ward[0], 6))
    return {"kept": kept, "twice": twice, "wrong": wrong}


def _tab(qtbot, db) -> ActivitiesTab:
    tab = ActivitiesTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.resize(1300, 600)
    tab.show()
    tab.activateWindow()  # keyboard shortcuts go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    return tab


def _cells(tab, row):
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def test_the_voided_view_lists_voided_records_with_their_reason(qtbot, db, records):
    tab = _tab(qtbot, db)
    assert tab.model.rowCount() == 1 and tab.kinds.item(0).text() == "Tin báo (1)"
    box = tab.findChild(object, "activitiesVoided")
    assert box.text() == "Đã hủy" and box.isEnabled()
    box.click()
    titles = [c.title for c in tab.model.columns]
    assert titles[-2:] == ["Ngày hủy", "Lý do hủy"]
    assert tab.model.rowCount() == 2
    reasons = sorted(_cells(tab, r)[-1] for r in range(2))
    assert reasons == ["Ghi nhầm khu dân cư", "Nhập trùng với tin báo ngày 02/03"]
    assert tab.count_label.text() == "2 bản ghi đã hủy (chỉ xem)"
    index = tab.model.index(0, 2)
    assert index.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#888888"
    assert "Lý do:" in index.data(Qt.ItemDataRole.ToolTipRole)
    last = tab.model.columnCount() - 1  # the reason itself is drawn plain, readable
    assert type(tab.table.itemDelegateForColumn(last)).__name__ == "_PlainText"
    assert tab.table.itemDelegateForColumn(2) is None
    assert not tab.delete_button.isVisibleTo(tab)  # read-only
    assert tab.kinds.item(0).text() == "Tin báo (1)"  # the counts stay those of live records

    tab.area.setCurrentIndex(tab.area.findData(records and tab.areas[1].id))  # a filter applies
    assert tab.model.rowCount() == 1 and _cells(tab, 0)[-1] == "Ghi nhầm khu dân cư"

    box.click()  # back to the live records and their own columns
    tab.area.setCurrentIndex(0)
    assert [c.title for c in tab.model.columns][-1] == "Ghi chú"
    assert tab.table.itemDelegateForColumn(tab.model.columnCount() - 1) is None
    assert tab.model.rowCount() == 1 and tab.delete_button.isVisibleTo(tab)


def test_a_voided_record_opens_read_only(qtbot, db, records, when_modal, monkeypatch):
    opened = []
    monkeypatch.setattr(ActivitiesTab, "open_dialog", lambda self, *a: opened.append(a))
    tab = _tab(qtbot, db)
    tab.voided_box.setChecked(True)
    tab.table.selectRow(0)
    tab.table.setFocus()
    seen = []
    when_modal(lambda box: (seen.append(box.text()), box.accept()))
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == []  # no edit dialog
    assert "đã hủy lúc" in seen[0] and "Lý do hủy: Ghi nhầm khu dân cư" in seen[0]
    tab.delete_selected()  # the Delete key: nothing to void again
    assert len(ActivityService(db).voided(Kind.TIP)) == 2


def test_models_have_no_voided_view(qtbot, db, records):
    tab = _tab(qtbot, db)
    tab.voided_box.setChecked(True)
    tab.kinds.setCurrentRow(list(Kind).index(Kind.MODEL))
    assert not tab.voided_box.isEnabled() and not tab.voided_box.isChecked()
    assert "ngày kết thúc" in tab.voided_box.toolTip()
    tab.kinds.setCurrentRow(list(Kind).index(Kind.WEAPON))
    assert tab.voided_box.isEnabled() and tab.model.rowCount() == 0


def test_screenshot(qtbot, db, records, ward):
    acts = ActivityService(db)
    rid = acts.save(Kind.WEAPON, WeaponData(date(2026, 2, 1), ward[0], WeaponKind.KNIFE, 2,
                                            description="Mã tấu"))
    acts.void(Kind.WEAPON, rid, "Người dân giao nộp ở phường khác, nhập nhầm")
    from antq_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.tabs.setCurrentWidget(window.activities_tab)
    window.activities_tab.voided_box.setChecked(True)
    QApplication.processEvents()
    assert window.activities_tab.model.rowCount() == 2
    window.grab().save("/tmp/users-gui-voided.png")
