"""Lists learn what another session saved (issue 18, services/changes.py): the main window's
timer polls the change counter; the shown list reads again keeping its selection and scroll,
hidden ones when shown, never under an open dialog, never twice for this program's own save;
a row another account changed a moment ago names who."""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from antq_desktop.access import CurrentUser, Role
from antq_desktop.db.engine import open_database
from antq_desktop.db.models import User
from antq_desktop.services.households import HouseholdService
from antq_desktop.ui.main_window import CHANGE_POLL_SECONDS, MainWindow
from tests.conftest import household, member

OFFICER = CurrentUser(id=None, name="canbo2", display_name="Trần Thị Bình", role=Role.CLERK)


@pytest.fixture
def other(db, ward):
    """The same database opened by another officer, as on another computer."""
    second = open_database(db.url)
    with second.session.begin() as s:
        s.add(User(name="canbo2", name_folded="canbo2", display_name="Trần Thị Bình",
                   role=Role.CLERK.value, password_hash="x"))
    second.user = OFFICER
    yield HouseholdService(second)
    second.dispose()


@pytest.fixture
def window(qtbot, db, ward, other):
    w = MainWindow(db)  # after the other officer's account was made (that is a change too)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def _codes(tab) -> list[str]:
    return [tab.model.index(i, 0).data() for i in range(tab.model.rowCount())]


def _reads(monkeypatch, tab) -> list[int]:
    """Count the list's reads (its ids query)."""
    reads = []
    original = tab.load_ids

    def counted():
        reads.append(1)
        return original()
    monkeypatch.setattr(tab, "load_ids", counted)
    return reads


SYLLABLES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nam"]


def _head(code: str, n: int):
    name = f"Nguyễn {SYLLABLES[n // 10 % 10]} {SYLLABLES[n % 10]}"
    return household(None, code=code, members=[member(name, id_number=f"0010800{n:05d}")])


def _tick(window) -> None:
    window.changes_timer.timeout.emit()  # the timer, driven directly: no waiting


def test_another_officers_save_shows_after_the_timer_fires(qtbot, window, other, ward):
    assert window.changes_timer.isActive()
    assert window.changes_timer.interval() == CHANGE_POLL_SECONDS * 1000
    tab = window.households_tab
    window.show_tab(tab)
    assert _codes(tab) == []
    hid = other.save(replace(_head("HK000777", 1), area_id=ward[0]))
    _tick(window)
    assert _codes(tab) == ["HK000777"]
    assert tab.count_label.text() == "1 hộ"
    # who changed it, a moment ago: in the tooltip, and the row in italics
    row = tab.model.row_of(hid)
    tip = tab.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("✎ Trần Thị Bình vừa sửa lúc ")
    assert tab.model.index(row, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert "1 hộ" in window.count_label.text()  # the status bar's counts follow


def test_selection_and_scroll_are_kept(qtbot, window, other, ward, db):
    mine = HouseholdService(db)
    ids = [mine.save(replace(_head(f"HK{n:06d}", n), area_id=ward[0])) for n in range(1, 81)]
    tab = window.households_tab
    window.show_tab(tab)
    tab.table.selectRow(60)
    tab.table.scrollTo(tab.model.index(60, 0))
    bar = tab.table.verticalScrollBar()
    kept = bar.value()
    assert kept > 0
    data = other.get(ids[60])
    other.save(replace(data, address="99 Hàng Đào"))
    other.save(replace(_head("HK000000", 99), area_id=ward[1]))  # a row above the selection
    reads = []
    original = tab.load_ids
    tab.load_ids = lambda: reads.append(1) or original()
    _tick(window)
    assert reads == [1]
    assert tab.model.rowCount() == 81 and _codes(tab)[0] == "HK000000"
    assert tab.selected_id() == ids[60]
    assert bar.value() == kept
    tip = tab.model.index(tab.model.row_of(ids[60]), 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Trần Thị Bình" in tip
    assert tab.model.index(tab.model.row_of(ids[59]), 2).data(
        Qt.ItemDataRole.ToolTipRole) is None  # rows nobody else touched: no mark


def test_own_saves_do_not_read_the_list_twice(qtbot, window, db, ward, monkeypatch):
    tab = window.households_tab
    window.show_tab(tab)
    reads = _reads(monkeypatch, tab)
    hid = HouseholdService(db).save(replace(_head("HK000001", 1), area_id=ward[0]))
    tab._saved(hid)  # what the household dialog's save does
    assert reads == [1] and _codes(tab) == ["HK000001"]
    assert window.poll_changes() is False
    assert reads == [1]
    assert tab.model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None  # not "another"


def test_a_hidden_tab_reads_again_when_shown(qtbot, window, other, ward, monkeypatch):
    households, rehab = window.households_tab, window.rehabilitation_tab
    window.show_tab(households)
    window.show_tab(rehab)  # households read, then hidden
    reads = _reads(monkeypatch, households)
    rehab_reads = []
    original = rehab.query
    monkeypatch.setattr(rehab, "query", lambda: rehab_reads.append(1) or original())
    other.save(replace(_head("HK000555", 5), area_id=ward[0]))
    _tick(window)
    assert households.stale and reads == [] and _codes(households) == []
    assert rehab_reads == []  # a household's save does not concern the cases list
    window.show_tab(households)
    assert reads == [1] and not households.stale
    assert _codes(households) == ["HK000555"]


def test_never_under_an_open_dialog(qtbot, window, other, ward):
    tab = window.households_tab
    window.show_tab(tab)
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    other.save(replace(_head("HK000321", 3), area_id=ward[0]))
    _tick(window)
    assert _codes(tab) == [] and tab.stale  # the officer's edit is left alone
    dialog.close()
    _tick(window)  # the next tick, the dialog closed: now
    assert _codes(tab) == ["HK000321"] and not tab.stale


def test_a_tab_never_shown_reads_only_when_shown(qtbot, window, other, ward):
    tab = window.mediation_tab
    assert tab.unread
    other.save(replace(_head("HK000009", 9), area_id=ward[0]))
    _tick(window)
    assert tab.unread and not tab.stale  # its first read will be fresh anyway


def test_a_new_area_elsewhere_reaches_the_filters(qtbot, window, other, monkeypatch):
    from antq_desktop.services.unit import UnitService

    tab = window.households_tab
    window.show_tab(tab)
    summaries = []
    original = tab.reload_summary
    monkeypatch.setattr(tab, "reload_summary", lambda: summaries.append(1) or original())
    other.save(replace(_head("HK000042", 42), area_id=tab.area.itemData(1)))
    _tick(window)  # a household: its rows and the sign-up summary beside them (issue 18)
    assert _codes(tab) == ["HK000042"] and summaries == [1]
    other.db.user = replace(OFFICER, role=Role.ADMIN)  # areas are the administrator's
    UnitService(other.db).add_area("Tổ dân phố số 3")
    _tick(window)  # an area: everything the tab offers, read again
    assert tab.area.findText("Tổ dân phố số 3") > 0 and summaries == [1, 1]  # once, not twice


def test_the_interval_is_a_setting_and_the_timer_itself_reads(qtbot, db, ward, other):
    from PySide6.QtCore import QSettings

    QSettings().setValue("lists/changePollSeconds", 0)  # off
    off = MainWindow(db)
    qtbot.addWidget(off)
    assert not off.changes_timer.isActive()
    off.close()
    QSettings().setValue("lists/changePollSeconds", 1)
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.show()
    w.show_tab(w.households_tab)
    assert w.changes_timer.isActive() and w.changes_timer.interval() == 1000
    other.save(replace(_head("HK000123", 23), area_id=ward[0]))
    qtbot.waitUntil(lambda: _codes(w.households_tab) == ["HK000123"], timeout=3000)


def test_a_read_of_the_list_meanwhile_makes_it_fresh(qtbot, window, other, ward, db,
                                                     monkeypatch):
    tab = window.households_tab
    window.show_tab(tab)
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    other.save(replace(_head("HK000401", 41), area_id=ward[0]))
    _tick(window)
    assert tab.stale
    reads = _reads(monkeypatch, tab)
    hid = HouseholdService(db).save(replace(_head("HK000402", 42), area_id=ward[0]))
    tab._saved(hid)  # the dialog's own save reads the list: the other's row comes with it
    dialog.close()
    assert reads == [1] and not tab.stale and _codes(tab) == ["HK000401", "HK000402"]
    _tick(window)
    assert reads == [1]  # not read a second time
