"""Every mediation dialog uses the one form mechanism (issue 14) and the trust marks of issue
15: it fits 1366×768, Esc asks only after an edit, Ctrl+Enter saves and Ctrl+S saves in place, a
field's error shows under it as you type and clears when fixed, the case and the team have
their "Lịch sử", and a case of a signed-off year opens read-only with a padlock."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QTableWidgetItem

from antq_desktop.enums import CaseOrigin, MediationType, Sex
from antq_desktop.services.mediation import CaseData, MediationService, MediatorData, PartyData
from antq_desktop.services.periods import MEDIATION, PeriodService
from antq_desktop.ui.mediation.case_dialog import MediationCaseDialog
from antq_desktop.ui.mediation.teams import TeamDialog, TeamsDialog
from antq_desktop.ui.permissions import PADLOCK

from .conftest import type_text
from .dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)
from .test_rehab_dialogs_mechanism import _line, _shown, _y, assert_headers_fit

TODAY = date(2026, 6, 15)


def _service(db):
    service = MediationService(db)
    service.ensure_teams()
    return service, service.list_teams()[0].id


def _stored_case(service, team_id, received=date(2026, 3, 2)):
    return service.save(CaseData(team_id, received, CaseOrigin.PARTY_REQUEST,
                                 MediationType.EVERYDAY, "Tranh chấp lối đi chung",
                                 parties=[PartyData("Hoàng Văn Khải", birth_year=1971)]),
                        today=TODAY)


def _fill_new(d, team_id):
    d.team.setCurrentIndex(d.team.findData(team_id))
    d.origin.set_value(CaseOrigin.PARTY_REQUEST)
    d.case_type.set_value(MediationType.EVERYDAY)
    type_text(d.content, "Tranh chấp lối đi chung")
    d._append_party(PartyData("Hà Văn Nam", birth_year=1970))


# -- fits the office screen -----------------------------------------------------------------------
def test_every_dialog_fits_the_office_screen(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    cid = _stored_case(service, team_id)
    for d in (MediationCaseDialog(service, service.list_teams()),
              MediationCaseDialog(service, service.list_teams(), service.get(cid)),
              TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"),
              TeamsDialog(service)):
        qtbot.addWidget(d)
        assert_fits(d)
        assert_headers_fit(d)
        d.done(0)


def test_the_case_dialog_opened_at_its_old_size_fits_too(qtbot, db, ward):
    """It used to open at 860×900 with its Save button under the task bar."""
    service, _team = _service(db)
    d = MediationCaseDialog(service, service.list_teams())
    qtbot.addWidget(d)
    d.resize(860, 900)
    assert_fits(d)
    assert d.findChild(QPushButton, "caseSave").isVisible()


# -- Esc asks only after an edit --------------------------------------------------------------------
def test_esc_asks_only_after_an_edit_in_every_dialog(qtbot, db, ward, when_modal, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    cid = _stored_case(service, team_id)
    for make, edit in (
            (lambda: MediationCaseDialog(service, service.list_teams()),
             lambda d: type_text(d.content, "Mâu thuẫn")),
            (lambda: MediationCaseDialog(service, service.list_teams(), service.get(cid)),
             lambda d: type_text(d.notes, "Đã nhắc")),
            (lambda: TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"),
             lambda d: type_text(d.book_number, "02"))):
        assert_esc_asks_only_after_an_edit(qtbot, when_modal, make, edit)


def test_choosing_another_mediator_is_no_edit(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    team = service.get_team(team_id)
    team.mediators = [MediatorData("Lê Văn Cường", Sex.MALE, 1960, is_leader=True),
                      MediatorData("Phạm Thị Dung", Sex.FEMALE, 1970)]
    service.save_team(team)
    d = _shown(qtbot, TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"))
    d.table.selectRow(1)
    QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()


def test_the_teams_list_closes_at_once(qtbot, db, ward):
    service, _team = _service(db)
    d = _shown(qtbot, TeamsDialog(service))
    assert d.table.rowCount() == 2
    QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
    d = _shown(qtbot, TeamsDialog(service))
    press_ctrl_enter(d)  # nothing of its own to save: it closes, as "Đóng" does
    assert not d.isVisible()


# -- the keyboard saves -----------------------------------------------------------------------------
def test_ctrl_enter_saves_a_new_case_and_closes(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams()))
    _fill_new(d, team_id)
    press_ctrl_enter(d)
    assert not d.isVisible(), d.error.text()
    rows = service.list_cases()
    assert [r.parties for r in rows] == ["Hà Văn Nam"]


def test_ctrl_s_saves_the_case_in_place(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams()))
    assert not d.history_button.isEnabled()
    _fill_new(d, team_id)
    press_ctrl_s(d)
    assert d.isVisible() and d.saved_id is not None, d.error.text()
    assert d.history_button.isEnabled() and "Đã lưu" in d.saved_note.text()
    type_text(d.notes, "Đã nhắc hai bên")
    press_ctrl_s(d)  # the same case again: its party read back, not added twice
    case = service.get(d.saved_id)
    assert case.notes == "Đã nhắc hai bên" and len(case.parties) == 1
    assert len(service.list_cases()) == 1
    d.reject()
    assert not d.isVisible()


def test_ctrl_enter_and_ctrl_s_save_the_team(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    d = _shown(qtbot, TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"))
    d.add_mediator()
    type_text(d.full_name, "Phạm Thị Dung")
    d.sex.set_value(Sex.FEMALE)
    press_ctrl_s(d)
    assert d.isVisible(), d.error.text()
    assert [m.full_name for m in service.get_team(team_id).mediators] == ["Phạm Thị Dung"]
    assert d.data.mediators[0].id is not None  # read back: the next save edits, not adds
    type_text(d.book_number, "03")
    press_ctrl_enter(d)
    assert not d.isVisible(), d.error.text()
    team = service.get_team(team_id)
    assert team.book_number == "03" and len(team.mediators) == 1


# -- errors under their field, as you type ----------------------------------------------------------
def test_case_errors_show_under_their_field_and_clear(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams()))
    below = _y(d.case_type)
    d.received.clear()
    type_text(d.received, "20/06/2026")  # after today
    qtbot.waitUntil(lambda: "sau ngày hôm nay" in _line(d, "caseReceived").text())
    assert _line(d, "caseContent").text() == ""  # not edited yet: not nagged
    d.received.clear()
    type_text(d.received, "10/06/2026")
    qtbot.waitUntil(lambda: _line(d, "caseReceived").text() == "")
    assert _y(d.case_type) == below  # nothing jumped

    # a party's error goes under the parties, naming the party
    qtbot.mouseClick(d.add_typed, Qt.MouseButton.LeftButton)
    d.parties.setItem(0, 0, QTableWidgetItem("Lan3"))
    qtbot.waitUntil(lambda: "Lan3" in _line(d, "caseParties").text())
    assert "Họ và tên" in _line(d, "caseParties").text()
    d.parties.setItem(0, 0, QTableWidgetItem("Lan"))
    qtbot.waitUntil(lambda: _line(d, "caseParties").text() == "")

    d.save()  # refused: each field's message under it
    assert d.isVisible() and d.error.text().startswith("Chưa lưu.")
    assert _line(d, "caseTeam").text() == "chưa chọn."
    assert _line(d, "caseContent").text() != ""


def test_team_errors_show_under_their_field_and_clear(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    d = _shown(qtbot, TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"))
    d.add_mediator()
    type_text(d.full_name, "Lan3")
    qtbot.waitUntil(lambda: "chữ số" in _line(d, "mediatorName").text())
    assert _line(d, "mediatorSex").text() == ""  # not edited yet
    d.full_name.clear()
    type_text(d.full_name, "Lan")
    qtbot.waitUntil(lambda: _line(d, "mediatorName").text() == "")
    type_text(d.book_opened, "99/99/2026")
    qtbot.waitUntil(lambda: _line(d, "teamBookOpened").text() != "")
    d.book_opened.clear()
    type_text(d.book_opened, "01/01/2026")
    qtbot.waitUntil(lambda: _line(d, "teamBookOpened").text() == "")

    d.save()  # refused: the mediator has no sex chosen
    assert d.isVisible() and _line(d, "mediatorSex").text() == "chưa chọn."


# -- Lịch sử --------------------------------------------------------------------------------------
def _history_kinds(qtbot, when_modal, button):
    seen = {}

    def look(history):
        table = history.findChild(QTableWidget, "historyTable")
        seen["kinds"] = {table.item(r, 3).text() for r in range(table.rowCount())}
        history.done(0)

    when_modal(look)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return seen["kinds"]


def test_the_case_and_the_team_show_their_history(qtbot, db, ward, pin_today, when_modal):
    pin_today(TODAY)
    service, team_id = _service(db)
    team = service.get_team(team_id)
    team.mediators = [MediatorData("Lê Văn Cường", Sex.MALE, 1960, is_leader=True)]
    service.save_team(team)
    cid = _stored_case(service, team_id)
    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams(), service.get(cid)))
    assert d.history_button.isEnabled()
    assert {"Vụ việc hòa giải", "Đương sự hòa giải"} <= _history_kinds(qtbot, when_modal,
                                                                      d.history_button)
    t = _shown(qtbot, TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"))
    assert "Hòa giải viên" in _history_kinds(qtbot, when_modal, t.history_button)


# -- the padlock ------------------------------------------------------------------------------------
def test_a_case_of_a_signed_off_year_opens_read_only(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _service(db)
    old = _stored_case(service, team_id, received=date(2025, 11, 3))
    new = _stored_case(service, team_id)
    PeriodService(db).lock(MEDIATION, 2025, today=TODAY)

    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams(), service.get(old)))
    note = d.findChild(QLabel, "lockedNote")
    assert note.text().startswith(PADLOCK) and "Năm 2025 đã khóa sổ ngày" in note.toolTip()
    assert "bởi" in note.toolTip() and d.windowTitle().endswith("đã khóa sổ")
    assert not d.findChild(QPushButton, "caseSave").isVisible()
    assert d.content.isReadOnly() and not d.team.isEnabled() and not d.add_typed.isEnabled()
    assert d.history_button.isEnabled()  # looking is not changing
    press_ctrl_s(d)
    press_ctrl_enter(d)
    assert d.isVisible() and service.get(old).notes == ""
    QTest.keyClick(d, Qt.Key.Key_Escape)  # nothing can be typed: nothing to ask about
    assert not d.isVisible()

    d = _shown(qtbot, MediationCaseDialog(service, service.list_teams(), service.get(new)))
    assert d.findChild(QLabel, "lockedNote") is None
    assert d.findChild(QPushButton, "caseSave").isVisible() and not d.content.isReadOnly()
