"""Signing off the year-end report offers to lock the year (issue 15): after a successful
export a Lãnh đạo is asked, and a yes signs the year off for every kind with its snapshot;
a Cán bộ nhập liệu is not asked."""

import pytest
from sqlalchemy import select
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

from antq_desktop.access import Role
from antq_desktop.db.models import Household
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.periods import KINDS, PeriodService
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.reports.dialog import ReportsDialog
from antq_desktop.validation import FieldError
from tests.services.test_indicators import records  # noqa: F401  (fixture)

PASSWORD = "mật-khẩu-1"


@pytest.fixture
def people(db, records):  # noqa: F811
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("lanhdao", PASSWORD, Role.LEADER, "Lê Văn Tám")
    users.add("nhaplieu", PASSWORD, Role.CLERK)
    return records


def _export(qtbot, db, monkeypatch, tmp_path, answer, form="yearend-summary", area=None):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda *_a, **_k: str(tmp_path / "tong-ket"))
    exported, asked, told = [], [], []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    monkeypatch.setattr(dialog, "ask_lock", lambda text: asked.append(text) or answer)
    monkeypatch.setattr(dialog, "locked_year", lambda year, where: told.append((year, where)))
    combo = dialog.findChild(QComboBox, "reportsForm")
    combo.setCurrentIndex(combo.findData(form))
    if area is not None:
        dialog.area.setCurrentIndex(dialog.area.findText(area))
    dialog.findChild(QSpinBox, "reportsYear").setValue(2025)
    qtbot.mouseClick(dialog.findChild(QPushButton, "reportsExport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(exported), timeout=15_000)
    return dialog, asked, told


def test_a_leader_is_asked_and_the_year_is_signed_off(qtbot, db, people, monkeypatch,
                                                      tmp_path):
    login(db, "lanhdao", PASSWORD)
    dialog, asked, told = _export(qtbot, db, monkeypatch, tmp_path, answer=True)
    assert len(asked) == 1 and "Khóa sổ năm 2025" in asked[0] and "toàn phường" in asked[0]
    assert all(label in asked[0] for label in KINDS.values())
    assert told == [(2025, "toàn phường")]
    periods = PeriodService(db)
    locks = [lk for lk in periods.locks() if lk.active]
    assert sorted(lk.kind for lk in locks) == sorted(KINDS)
    assert {(lk.year, lk.quarter, lk.area_id, lk.locked_by) for lk in locks} == {
        (2025, None, None, "lanhdao")}
    snapshot = periods.snapshot(locks[0].id)
    assert snapshot["year"] == 2025 and snapshot["ward"]  # the signed figures are kept
    assert periods.changes_since(locks[0].id) == []
    login(db, "quantri", PASSWORD)  # even an administrator: a sign-up cancel of 2025 refused
    with db.session() as s:
        h1 = s.scalar(select(Household.id).where(Household.code == "HK000001"))
    with pytest.raises(FieldError, match="Năm 2025 đã khóa sổ ngày .* bởi lanhdao"):
        HouseholdService(db).cancel_sign_up(h1, 2025)

    # a second export of the same year: nothing left to lock, no question
    login(db, "lanhdao", PASSWORD)
    _dialog, asked_again, _told = _export(qtbot, db, monkeypatch, tmp_path, answer=True)
    assert asked_again == []


def test_a_leader_may_decline(qtbot, db, people, monkeypatch, tmp_path):
    login(db, "lanhdao", PASSWORD)
    _dialog, asked, told = _export(qtbot, db, monkeypatch, tmp_path, answer=False,
                                   area="Tổ dân phố số 2")
    assert len(asked) == 1 and "khu dân cư Tổ dân phố số 2" in asked[0]
    assert told == [] and PeriodService(db).locks() == []


def test_one_area_report_locks_that_area(qtbot, db, people, monkeypatch, tmp_path):
    login(db, "lanhdao", PASSWORD)
    dialog, _asked, told = _export(qtbot, db, monkeypatch, tmp_path, answer=True,
                                   area="Tổ dân phố số 2")
    area_id = dialog.area.currentData()
    assert {lk.area_id for lk in PeriodService(db).locks()} == {area_id}
    assert told == [(2025, "khu dân cư Tổ dân phố số 2")]


def test_a_clerk_is_not_asked(qtbot, db, people, monkeypatch, tmp_path):
    login(db, "nhaplieu", PASSWORD)
    _dialog, asked, _told = _export(qtbot, db, monkeypatch, tmp_path, answer=True)
    assert asked == [] and PeriodService(db).locks() == []


def test_another_form_does_not_ask(qtbot, db, people, monkeypatch, tmp_path):
    login(db, "lanhdao", PASSWORD)
    _dialog, asked, _told = _export(qtbot, db, monkeypatch, tmp_path, answer=True,
                                    form="mediation-stats")
    assert asked == []


def test_the_question_is_a_real_message_box(qtbot, db, when_modal):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    seen = []

    def answer(box, button):
        seen.append((box.objectName(), box.text()))
        box.findChild(QPushButton, button).click() if button else box.reject()

    when_modal(lambda box: answer(box, "yearLockYes"))
    assert dialog.ask_lock("<b>Khóa sổ năm 2025</b>?") is True
    when_modal(lambda box: answer(box, None))
    assert dialog.ask_lock("<b>Khóa sổ năm 2025</b>?") is False
    assert seen[0] == ("yearLockQuestion", "<b>Khóa sổ năm 2025</b>?")
