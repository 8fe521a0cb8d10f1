"""Issue 12, lost updates, as the officer sees them: a dialog opened on a record that another
window or program changes before the save shows "Hồ sơ đã được sửa ở nơi khác lúc … — mở lại
để xem bản mới", stays open with what was typed, and the other change is kept."""

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from antq_desktop.enums import CaseOrigin, CertCategory, MediationType, Regime
from antq_desktop.services.activities import ActivityService, Kind, ModelData
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, RecordData
from antq_desktop.services.mediation import CaseData as MedCaseData
from antq_desktop.services.mediation import MediationService, PartyData
from antq_desktop.services.rehabilitation import CaseData as RehabCaseData
from antq_desktop.services.rehabilitation import RehabilitationService
from antq_desktop.services.settings import SettingsService
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.activities.dialogs import ModelDialog
from antq_desktop.ui.certification.dialogs import (
    CertRecordDialog,
    CertSettingsDialog,
    CertUnitDialog,
)
from antq_desktop.ui.households.dialog import HouseholdDialog
from antq_desktop.ui.main_window import MainWindow
from antq_desktop.ui.mediation.case_dialog import MediationCaseDialog
from antq_desktop.ui.mediation.teams import TeamDialog
from antq_desktop.ui.rehabilitation.dialogs import CaseDialog
from antq_desktop.ui.unit_dialog import UnitDialog
from tests.conftest import household
from tests.gui.conftest import type_text

TODAY = date(2026, 6, 15)
STALE = "Hồ sơ đã được sửa ở nơi khác lúc "
TAIL = " — mở lại để xem bản mới"


def _typed(dialog, kind, name, text):
    field = dialog.findChild(kind, name)
    assert field is not None, name
    if isinstance(field, QLineEdit):
        field.clear()
    else:
        field.setPlainText("")
    type_text(field, text)
    return field


def _text(field):
    return field.text() if isinstance(field, QLineEdit) else field.toPlainText()


def _refused(qtbot, dialog, save, error_name):
    if dialog.parent() is None:  # a tab's dialog goes with its window
        qtbot.addWidget(dialog)
    dialog.show()
    save()
    assert QDialog.result(dialog) != QDialog.DialogCode.Accepted and dialog.isVisible()
    shown = dialog.findChild(QLabel, error_name).text()
    assert STALE in shown and shown.endswith(TAIL), shown
    return shown


def test_household_dialog_keeps_the_typed_text(qtbot, db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    window = MainWindow(db)
    qtbot.addWidget(window)
    dialog = window.households_tab.open_dialog(hid)  # opened; then another window saves
    other = households.get(hid)
    other.address = "14 Hàng Bạc"
    households.save(other, today=TODAY)
    field = _typed(dialog, QLineEdit, "householdAddress", "99 Hàng Đào")
    dialog.members.selectRow(0)
    occupation = _typed(dialog, QLineEdit, "memberOccupation", "Thợ may")
    _refused(qtbot, dialog, dialog.save, "householdError")
    assert (_text(field), _text(occupation)) == ("99 Hàng Đào", "Thợ may")
    kept = households.get(hid)
    assert (kept.address, kept.members[0].occupation) == ("14 Hàng Bạc", "")
    dialog.save()  # a second try is refused the same way: the dialog's read is old
    assert dialog.isVisible() and households.get(hid).address == "14 Hàng Bạc"


def test_household_dialog_saves_when_nothing_changed_meanwhile(qtbot, db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    dialog = HouseholdDialog(households, UnitService(db).areas(), households.get(hid))
    qtbot.addWidget(dialog)
    _typed(dialog, QLineEdit, "householdAddress", "99 Hàng Đào")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert households.get(hid).address == "99 Hàng Đào"


def test_rehabilitation_case_dialog(qtbot, db, ward):
    svc = RehabilitationService(db)
    cid = svc.save(RehabCaseData(person_name="Lê Văn Tuấn", regime=Regime.REINTEGRATION,
                                 start_date=date(2025, 2, 10)), today=TODAY)
    dialog = CaseDialog(svc, UnitService(db).areas(), svc.get(cid))
    svc.save(replace(svc.get(cid), supervisor="Trưởng công an khu vực"), today=TODAY)
    field = _typed(dialog, QLineEdit, "rehabSupervisor", "Bí thư chi bộ")
    _refused(qtbot, dialog, dialog.save, "rehabCaseError")
    assert _text(field) == "Bí thư chi bộ"
    assert svc.get(cid).supervisor == "Trưởng công an khu vực"


def test_mediation_team_and_case_dialogs(qtbot, db, ward):
    svc = MediationService(db)
    svc.ensure_teams()
    tid = svc.list_teams()[0].id
    team = TeamDialog(svc, svc.get_team(tid), "Tổ dân phố số 1")
    svc.save_team(replace(svc.get_team(tid), book_number="01"), today=TODAY)
    field = _typed(team, QLineEdit, "teamBookNumber", "02")
    _refused(qtbot, team, team.save, "teamError")
    assert (_text(field), svc.get_team(tid).book_number) == ("02", "01")

    cid = svc.save(MedCaseData(team_id=tid, received_on=date(2026, 3, 2),
                               origin=CaseOrigin.PARTY_REQUEST, case_type=MediationType.EVERYDAY,
                               content="Tranh chấp lối đi chung",
                               parties=[PartyData("Hoàng Văn Khải", birth_year=1971)]),
                   today=TODAY)
    case = MediationCaseDialog(svc, svc.list_teams(), svc.get(cid))
    svc.save(replace(svc.get(cid), notes="của người khác"), today=TODAY)
    field = _typed(case, QLineEdit, "caseNotes", "của tôi")
    _refused(qtbot, case, case.save, "caseError")
    assert (_text(field), svc.get(cid).notes) == ("của tôi", "của người khác")


def test_certification_dialogs(qtbot, db, ward):
    svc = CertificationService(db)
    uid = svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    unit = CertUnitDialog(svc, svc.unit(uid))
    info = svc.unit(uid)
    svc.save_unit(CertUnitData(info.category, info.name, address="1 Hàng Bạc", id=uid))
    field = _typed(unit, QLineEdit, "certUnitAddress", "2 Hàng Bạc")
    _refused(qtbot, unit, lambda: unit.findChild(QPushButton, "dialogOk").click(),
             "dialogError")
    assert (_text(field), svc.unit(uid).address) == ("2 Hàng Bạc", "1 Hàng Bạc")

    record = CertRecordDialog(svc, svc.record(uid, 2026))  # no record yet when opened
    svc.save_record(uid, 2026, RecordData(registered_on=date(2026, 2, 1), notes="khác"),
                    today=TODAY)
    field = _typed(record, QPlainTextEdit, "certNotes", "của tôi")
    _refused(qtbot, record, record.save, "certError")
    assert (_text(field), svc.record(uid, 2026).notes) == ("của tôi", "khác")


def test_activity_dialog(qtbot, db, ward):
    svc = ActivityService(db)
    rid = svc.save(Kind.MODEL, ModelData("Camera an ninh", ward[0], date(2024, 5, 1), members=3),
                   today=TODAY)
    window = MainWindow(db)
    qtbot.addWidget(window)
    tab = window.activities_tab
    tab.kinds.setCurrentRow(list(Kind).index(Kind.MODEL))
    dialog = tab.open_dialog(rid)
    assert isinstance(dialog, ModelDialog)
    svc.save(Kind.MODEL, replace(svc.get(Kind.MODEL, rid), notes="của người khác"), rid,
             today=TODAY)
    field = _typed(dialog, QPlainTextEdit, "modelNotes", "của tôi")
    _refused(qtbot, dialog, lambda: dialog.findChild(QPushButton, "dialogOk").click(),
             "dialogError")
    assert (_text(field), svc.get(Kind.MODEL, rid).notes) == ("của tôi", "của người khác")


def test_unit_and_settings_dialogs(qtbot, db, ward):
    units = UnitService(db)
    dialog = UnitDialog(units)
    units.save(replace(units.get(), commander_name="Trần Văn Nam"))
    field = _typed(dialog, QLineEdit, "unitCommanderName", "Lê Văn Minh")
    _refused(qtbot, dialog, dialog.save, "unitError")
    assert (_text(field), units.get().commander_name) == ("Lê Văn Minh", "Trần Văn Nam")

    settings = SettingsService(db)
    dialog = CertSettingsDialog(settings)
    settings.save_cert_settings(replace(settings.cert_settings(), near_days=21))
    field = _typed(dialog, QLineEdit, "deciderTitle", "Chủ tịch UBND xã")
    _refused(qtbot, dialog, lambda: dialog.findChild(QPushButton, "dialogOk").click(),
             "dialogError")
    assert _text(field) == "Chủ tịch UBND xã"
    assert (settings.cert_settings().near_days,
            settings.cert_settings().decider_title) == (21, "Chủ tịch UBND phường")


@pytest.fixture(autouse=True)
def _no_question_on_close(monkeypatch):
    """Closing a dialog with typed work asks first; the tests close them unasked."""
    from antq_desktop.ui.widgets import messages
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
