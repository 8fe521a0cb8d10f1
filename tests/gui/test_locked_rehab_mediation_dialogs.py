"""The padlock (issue 15) on the records period locking now covers: a rehabilitation support
entry of a signed-off quarter opens read-only and cannot be voided; a case whose start and
decision, or years managed, are signed off holds those fields read-only with the padlock while
the rest stays editable, and its close in a signed-off period cannot be reopened from the tab;
a mediation team holds the roster of a signed-off year (a mediator's decision, their leaving,
the book's days). In the style of tests/gui/test_rehab_dialogs_mechanism.py."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from antq_desktop.enums import EndReason, Regime, Sex, SupportKind
from antq_desktop.services.mediation import MediationService, MediatorData
from antq_desktop.services.periods import EVALUATIONS, MEDIATION, PeriodService
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService, SupportData
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.mediation.teams import TeamDialog
from antq_desktop.ui.permissions import PADLOCK
from antq_desktop.ui.rehabilitation.dialogs import (
    CaseDialog,
    CloseDialog,
    SupportDialog,
    VoidDialog,
)

from .conftest import type_text
from .dialog_checks import press_ctrl_enter, press_ctrl_s
from .test_rehab_dialogs_mechanism import _line, _shown

TODAY = date(2026, 2, 10)


def _case(db, ward):
    service = RehabilitationService(db)
    cid = service.save(CaseData("Lê Văn An", Regime.REINTEGRATION, date(2025, 3, 1),
                                area_id=ward[0], decision_number="25/GCN",
                                decision_date=date(2025, 2, 20)), today=TODAY)
    service.add_support(cid, SupportData(date(2025, 5, 1), SupportKind.LOAN, "", 30_000_000,
                                         "NHCSXH"), today=TODAY)
    service.add_support(cid, SupportData(date(2026, 1, 15), SupportKind.JOB, "Thợ hàn"),
                        today=TODAY)
    return service, cid


def test_a_support_entry_of_a_signed_off_quarter_opens_read_only(qtbot, db, ward, pin_today,
                                                                 when_modal):
    pin_today(TODAY)
    service, cid = _case(db, ward)
    PeriodService(db).lock(EVALUATIONS, 2025, quarter=2, today=TODAY)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas(), service.get(cid)))
    d.pages.setCurrentIndex(1)
    loan, job = d.supports.item(0, 0), d.supports.item(1, 0)
    assert not loan.icon().isNull() and loan.toolTip().startswith(PADLOCK)
    assert "Quý II/2025 đã khóa sổ" in loan.toolTip()
    assert job.icon().isNull(), "an entry of an open quarter has no padlock"
    d.supports.selectRow(0)
    assert not d.void_support_button.isEnabled()
    assert d.void_support_button.toolTip().startswith(PADLOCK)
    assert d.edit_support_button.isEnabled() and d.edit_support_button.text() == "Xem…"
    d.supports.selectRow(1)
    assert d.void_support_button.isEnabled() and d.edit_support_button.text() == "Sửa…"
    d.supports.selectRow(0)

    seen = {}

    def look(sp):
        seen["note"] = sp.findChild(QLabel, "lockedNote").text()
        seen["title"] = sp.windowTitle()
        seen["read_only"] = (sp.on.isReadOnly() and sp.details.isReadOnly()
                             and sp.amount.isReadOnly() and not sp.kind.isEnabled())
        seen["ok"] = sp.findChild(QPushButton, "dialogOk").isVisible()
        sp.amount.setText("99.000.000")  # even forced, the keyboard saves nothing
        press_ctrl_enter(sp)
        seen["open"] = sp.isVisible()
        sp.done(0)

    when_modal(look)
    qtbot.mouseClick(d.edit_support_button, Qt.MouseButton.LeftButton)
    assert seen["note"].startswith(PADLOCK) and "bởi" in seen["note"]
    assert seen["title"].endswith("đã khóa sổ")
    assert seen["read_only"] and not seen["ok"] and seen["open"]
    assert service.get(cid).supports[0].amount == 30_000_000

    case = service.get(cid)
    v = _shown(qtbot, VoidDialog(service, case, case.supports[0], "hỗ trợ"))
    assert v.findChild(QLabel, "lockedNote").text().startswith(PADLOCK)
    assert not v.findChild(QPushButton, "dialogOk").isVisible() and v.reason.isReadOnly()
    press_ctrl_enter(v)
    assert not service.get(cid).supports[0].voided

    # a new entry dated in the signed-off quarter is refused as it is typed
    sp = _shown(qtbot, SupportDialog(service, service.get(cid)))
    sp.on.clear()
    type_text(sp.on, "15/05/2025")
    qtbot.waitUntil(lambda: "đã khóa sổ" in _line(sp, "supportDate").text())


def test_a_case_of_a_signed_off_year_holds_its_counted_fields(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db, ward)
    PeriodService(db).lock(EVALUATIONS, 2025, today=TODAY)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas(), service.get(cid)))
    note = d.findChild(QLabel, "caseLockedNote")
    assert note.isVisible() and note.text().startswith(PADLOCK)
    assert "Năm 2025 đã khóa sổ ngày" in note.text() and "Giữ nguyên" in note.text()
    for w in (d.start, d.decision_number, d.decision_date):
        assert w.isReadOnly() and w.toolTip().startswith(PADLOCK), w.objectName()
    assert not d.regime.isEnabled() and not d.area.isEnabled()
    d.unregistered.setChecked(True)  # the person's mode does not free the area
    assert not d.area.isEnabled() and d.name.isEnabled()
    # what no signed figure counts stays editable and saves
    assert not d.supervisor.isReadOnly() and not d.notes.isReadOnly()
    type_text(d.supervisor, "Tổ dân phố số 1")
    press_ctrl_s(d)
    qtbot.waitUntil(lambda: service.get(cid).supervisor == "Tổ dân phố số 1")
    assert d.start.isReadOnly()  # still held after the save in place


def test_a_case_of_an_open_year_is_all_editable(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db, ward)
    PeriodService(db).lock(EVALUATIONS, 2024, today=TODAY)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas(), service.get(cid)))
    assert not d.findChild(QLabel, "caseLockedNote").isVisible()
    assert not d.start.isReadOnly() and d.regime.isEnabled() and d.area.isEnabled()


def test_a_close_in_a_signed_off_period(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db, ward)
    PeriodService(db).lock(EVALUATIONS, 2025, quarter=4, today=TODAY)
    d = _shown(qtbot, CloseDialog(service, cid, "Lê Văn An"))
    d.on.clear()
    type_text(d.on, "20/12/2025")
    qtbot.waitUntil(lambda: "Quý IV/2025 đã khóa sổ" in _line(d, "closeDate").text())
    d.done(0)
    service.close(cid, date(2026, 1, 20), EndReason.COMPLETED, today=TODAY)  # Q1/2026: open
    PeriodService(db).lock(EVALUATIONS, 2026, quarter=1, today=TODAY)

    from antq_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.rehabilitation_tab)
    tab = window.rehabilitation_tab
    tab.status.setCurrentIndex(tab.status.findText("Đã kết thúc"))
    tab.reload()
    tab.table.selectRow(0)
    assert tab.selected_id() == cid
    assert tab.close_button.text() == "Mở lại…" and not tab.close_button.isEnabled()
    assert tab.close_button.toolTip().startswith(PADLOCK)


# -- mediation teams ------------------------------------------------------------------------
def _team(db, ward):
    service = MediationService(db)
    service.ensure_teams()
    team_id = service.team_for_area(ward[0])
    data = service.get_team(team_id)
    data.mediators = [
        MediatorData("Nguyễn Thị Hoa", Sex.FEMALE, 1970, decision_date=date(2024, 1, 10),
                     is_leader=True),
        MediatorData("Trần Văn Nam", Sex.MALE, 1965, decision_number="7/QĐ-UBND",
                     decision_date=date(2025, 3, 1)),
        MediatorData("Lê Văn Sơn", Sex.MALE, 1980, decision_date=date(2026, 1, 5)),
    ]
    data.book_opened_on = date(2025, 1, 15)
    service.save_team(data, today=TODAY)
    return service, team_id


def test_a_team_holds_the_roster_of_a_signed_off_year(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, team_id = _team(db, ward)
    PeriodService(db).lock(MEDIATION, 2025, today=TODAY)
    d = _shown(qtbot, TeamDialog(service, service.get_team(team_id), "Tổ dân phố số 1"))
    book = d.findChild(QLabel, "teamLockedNote")
    assert book.isVisible() and book.text().startswith(PADLOCK)
    assert d.book_opened.isReadOnly() and d.book_closed.isReadOnly()
    assert d.book_opened.toolTip().startswith(PADLOCK)
    assert d.table.item(1, 0).toolTip().startswith(PADLOCK)
    assert not d.table.item(1, 0).icon().isNull() and d.table.item(2, 0).icon().isNull()

    note = d.findChild(QLabel, "mediatorLockedNote")
    d.table.selectRow(1)  # joined in 2025
    assert note.isVisible() and "Năm 2025 đã khóa sổ" in note.text()
    assert d.decision_number.isReadOnly() and d.decision_date.isReadOnly()
    assert d.decision_date.toolTip().startswith(PADLOCK)
    assert not d.left_on.isReadOnly() and not d.full_name.isReadOnly()
    type_text(d.left_on, "31/12/2025")  # leaving in the signed-off year: refused as typed
    qtbot.waitUntil(lambda: "đã khóa sổ" in _line(d, "mediatorLeftOn").text())
    d.left_on.clear()
    type_text(d.left_on, "01/02/2026")
    qtbot.waitUntil(lambda: not _line(d, "mediatorLeftOn").text())

    d.table.selectRow(2)  # joined in 2026: all editable
    assert not note.isVisible()
    assert not d.decision_number.isReadOnly() and not d.decision_date.isReadOnly()
    press_ctrl_s(d)
    qtbot.waitUntil(lambda: service.get_team(team_id).mediators[1].left_on == date(2026, 2, 1))
    assert d.book_opened.isReadOnly()  # still held after the save in place
