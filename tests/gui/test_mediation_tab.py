from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidgetItem

from antq_desktop.enums import CaseOrigin, MediationStatus, MediationType, Sex
from antq_desktop.services.mediation import MediatorData, PartyData
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member
from tests.gui.conftest import type_text

# The app's today in these tests (pin_today): New Year's Day, the case received last year.
TODAY = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


def _window(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.mediation_tab)
    return window, window.mediation_tab


def _staff_team(service, area_id):
    team_id = service.team_for_area(area_id)
    data = service.get_team(team_id)
    data.mediators = [MediatorData("Lê Văn Cường", Sex.MALE, 1960, is_leader=True),
                      MediatorData("Phạm Thị Dung", Sex.FEMALE, 1970),
                      MediatorData("Vũ Văn Tâm", Sex.MALE, 1975)]
    service.save_team(data)
    return team_id


def test_teams_warnings_shown(qtbot, db, ward):
    window, tab = _window(qtbot, db)
    assert tab.warnings.isVisible()
    assert "cần ít nhất 3" in tab.warnings.text() or "chưa có" in tab.warnings.text()
    assert tab.team.count() == 3  # "Mọi tổ" + one team per area


def test_record_case_with_two_parties_and_close_successful(qtbot, db, households, ward,
                                                           when_modal):
    households.save(household(ward[0], members=[member("Nguyễn Văn Bình", id_number="")]))
    window, tab = _window(qtbot, db)
    team_id = _staff_team(window.mediation, ward[0])
    tab.reload_teams()
    seen = {}
    received = TODAY - timedelta(days=2)

    def fill(dialog):
        dialog.team.setCurrentIndex(dialog.team.findData(team_id))
        dialog.received.set_date(received)
        dialog.origin.set_value(CaseOrigin.PARTY_REQUEST)
        dialog.case_type.set_value(MediationType.EVERYDAY)
        type_text(dialog.content, "Tranh chấp lối đi chung giữa hai nhà")
        type_text(dialog.party_search, "nguyen van binh")
        qtbot.waitUntil(lambda: dialog.party_results.count() == 1, timeout=2000)
        dialog._add_resident(dialog.party_results.item(0))
        qtbot.mouseClick(dialog.add_typed, Qt.MouseButton.LeftButton)
        row = dialog.parties.rowCount() - 1
        dialog.parties.setItem(row, 0, QTableWidgetItem("Trần Thị Cúc"))
        dialog.parties.item(row, 0).setData(Qt.ItemDataRole.UserRole, (None, None))
        dialog.parties.setItem(row, 2, QTableWidgetItem("52"))
        dialog.parties.setItem(row, 3, QTableWidgetItem("số 8, ngõ 3, phố Hàng Bạc"))
        assert dialog.mediators.count() == 3
        for i in range(2):
            dialog.mediators.item(i).setCheckState(Qt.CheckState.Checked)
        dialog.status.set_value(MediationStatus.SUCCEEDED)
        dialog.closed.set_date(TODAY)
        dialog.started.set_date(received)
        type_text(dialog.agreement, "Hai bên thống nhất giữ lối đi rộng 1,2 m")
        qtbot.mouseClick(dialog.findChild(QPushButton, "caseSave"), Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error.text()

    when_modal(fill)
    qtbot.mouseClick(tab.findChild(QPushButton, "mediationAdd"), Qt.MouseButton.LeftButton)
    assert seen["error"] == ""
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 3).data() == "Nguyễn Văn Bình – Trần Thị Cúc"
    assert tab.model.index(0, 5).data().startswith("Hòa giải thành")
    case = window.mediation.get(tab.model.id_at(0))
    assert case.parties[0].resident_id is not None and case.parties[1].age == 52
    assert len(case.mediator_ids) == 2

    type_text(tab.search, "tran thi cuc")
    tab.search.flush()
    assert tab.model.rowCount() == 1


def test_success_without_agreement_is_refused(qtbot, db, ward, when_modal):
    window, tab = _window(qtbot, db)
    team_id = _staff_team(window.mediation, ward[1])
    tab.reload_teams()
    seen = {}

    def fill(dialog):
        dialog.team.setCurrentIndex(dialog.team.findData(team_id))
        dialog.origin.set_value(CaseOrigin.WITNESSED)
        dialog.case_type.set_value(MediationType.FAMILY)
        type_text(dialog.content, "Mâu thuẫn vợ chồng")
        dialog._append_party(PartyData("Hà Văn Nam"))
        dialog.status.set_value(MediationStatus.SUCCEEDED)
        dialog.closed.set_date(TODAY)
        qtbot.mouseClick(dialog.findChild(QPushButton, "caseSave"), Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error.text()
        dialog.done(0)

    when_modal(fill)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert seen["error"].startswith("Chưa lưu.") and "Thỏa thuận" in seen["error"]
    assert tab.model.rowCount() == 0
