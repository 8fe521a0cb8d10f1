"""Issue 14 and 15 in the activity dialogs (ui/activities/dialogs.py), each of them: it fits the
office screen, Esc asks only after an edit, Ctrl+Enter saves (the record is stored), a wrong
value shows its message under its own field as it is typed and the line clears when fixed, a
stored record has "Lịch sử", and one of a signed-off year opens read-only with a padlock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton

from antq_desktop.enums import AwardLevel, OutreachKind, TipResult, WeaponKind
from antq_desktop.services.activities import (
    ActivityService,
    AwardData,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
)
from antq_desktop.services.periods import ACTIVITIES, PeriodService
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.activities.dialogs import DIALOGS, EndModelDialog
from antq_desktop.ui.permissions import PADLOCK

from .conftest import type_text
from .dialog_checks import assert_esc_asks_only_after_an_edit, assert_fits, press_ctrl_enter

TODAY = date(2026, 6, 15)
OLD = date(2025, 5, 2)  # in the year signed off by the padlock tests


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@dataclass
class Case:
    """How to fill one kind's dialog, which field to get wrong and a record to store."""

    kind: Kind
    fill: Callable  # fill(dialog): a valid new record
    bad: tuple[str, str, str]  # (objectName of a line edit, wrong text, right text)
    stored: Callable  # stored(area_id, day): data of a record
    main: str  # objectName of a text field to edit


def _field(dialog, name: str):
    return dialog.findChild(QLineEdit, name) or dialog.findChild(QPlainTextEdit, name)


def _type(dialog, name: str, text: str) -> None:
    field = _field(dialog, name)
    assert field is not None, name
    field.clear() if isinstance(field, QLineEdit) else field.setPlainText("")
    type_text(field, text)


def _tip(d):
    _type(d, "tipContent", "Nghi vấn mua bán ma túy ở chợ Đồng Xuân")


def _model(d):
    _type(d, "modelName", "Camera an ninh Hàng Bạc")


def _patrol(d):
    d.participants.setValue(4)


def _outreach(d):
    d.outreach_kind.set_value(OutreachKind.MEETING)
    _type(d, "outreachTopic", "Phòng chống lừa đảo qua mạng")


def _weapon(d):
    d.weapon_kind.set_value(WeaponKind.FIREARM)
    _type(d, "weaponQuantity", "2")


def _award(d):
    _type(d, "awardRecipient", "Nguyễn Thị Lan")
    d.level.set_value(list(AwardLevel)[0])


CASES = [
    Case(Kind.TIP, _tip, ("tipReceived", "31/02/2026", "01/06/2026"),
         lambda a, day: TipData(day, a, "Tin báo về trộm cắp xe máy", False,
                                TipResult.PENDING, 0, ""), "tipNote"),
    Case(Kind.MODEL, _model, ("modelStarted", "31/02/2026", "01/02/2026"),
         lambda a, day: ModelData("Tổ an ninh tự quản số 1", a, day, 5), "modelName"),
    Case(Kind.PATROL, _patrol, ("patrolDate", "40/01/2026", "02/06/2026"),
         lambda a, day: PatrolData(day, a, 3, "Tuần tra đêm"), "patrolNotes"),
    Case(Kind.OUTREACH, _outreach, ("outreachDate", "2026/99", "03/06/2026"),
         lambda a, day: OutreachData(day, a, OutreachKind.MEETING, "Luật Cư trú", 40),
         "outreachTopic"),
    Case(Kind.WEAPON, _weapon, ("weaponQuantity", "hai", "2"),
         lambda a, day: WeaponData(day, a, WeaponKind.FIREARM, 1, "khẩu", "Súng hơi tự chế"),
         "weaponDescription"),
    Case(Kind.AWARD, _award, ("awardDate", "15/15/2026", "10/06/2026"),
         lambda a, day: AwardData(day, "Nguyễn Văn Bình", list(AwardLevel)[0], False, a,
                                  "125/QĐ-UBND", "Thành tích xuất sắc"), "awardReason"),
]
IDS = [c.kind.value for c in CASES]


def _new(db, case: Case):
    return DIALOGS[case.kind](ActivityService(db), UnitService(db).areas())


def _stored(db, ward, case: Case, day: date = TODAY):
    svc = ActivityService(db)
    rid = svc.save(case.kind, case.stored(ward[0], day), today=TODAY)
    data, version = svc.get_versioned(case.kind, rid)
    return rid, DIALOGS[case.kind](svc, UnitService(db).areas(), data, rid, version=version)


def assert_placeholders_show(dialog) -> None:
    """No placeholder of a line edit is cut off (issue 14)."""
    for edit in dialog.findChildren(QLineEdit):
        hint = edit.placeholderText()
        if hint and edit.isVisible():
            room = edit.width() - 10 - sum(24 for a in edit.actions() if a.isVisible())
            assert room >= edit.fontMetrics().horizontalAdvance(hint), (edit.objectName(), hint)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fits_the_office_screen(qtbot, db, ward, case):
    for dialog in (_new(db, case), _stored(db, ward, case)[1]):
        qtbot.addWidget(dialog)
        assert_fits(dialog)
        assert_placeholders_show(dialog)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_esc_asks_only_after_an_edit(qtbot, db, ward, when_modal, case):
    assert_esc_asks_only_after_an_edit(qtbot, when_modal, lambda: _new(db, case),
                                       lambda d: _type(d, case.main, "Ghi thêm"))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ctrl_enter_saves_and_closes(qtbot, db, ward, case):
    dialog = _new(db, case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    case.fill(dialog)
    press_ctrl_enter(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    rows = ActivityService(db).rows(case.kind)
    assert [r.id for r in rows] == [dialog.saved_id]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_wrong_value_shows_under_its_field_and_clears_when_fixed(qtbot, db, ward, case):
    dialog = _new(db, case)
    qtbot.addWidget(dialog)
    dialog.show()
    case.fill(dialog)
    name, wrong, right = case.bad
    field = dialog.findChild(QLineEdit, name)
    line = dialog.findChild(QLabel, f"{name}Error")
    assert line is not None and line.text() == ""
    others = [w for w in dialog.findChildren(QLabel) if w.objectName().endswith("Error")
              and w is not line]
    below = field.mapTo(dialog, field.rect().bottomLeft()).y()
    _type(dialog, name, wrong)
    qtbot.waitUntil(lambda: line.text() != "")
    assert "b00020" in field.styleSheet()
    assert all(o.text() == "" for o in others), [o.text() for o in others if o.text()]
    # the line is the one right under the field
    assert 0 <= line.mapTo(dialog, line.rect().topLeft()).y() - below <= 4
    heights = [o.mapTo(dialog, o.rect().topLeft()).y() for o in others]
    _type(dialog, name, right)
    qtbot.waitUntil(lambda: line.text() == "")
    assert field.styleSheet() == ""
    assert [o.mapTo(dialog, o.rect().topLeft()).y() for o in others] == heights  # no jump


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_history_button_of_a_stored_record(qtbot, db, ward, when_modal, case):
    new = _new(db, case)
    qtbot.addWidget(new)
    assert new.findChild(QPushButton, "historyButton") is None  # nothing stored yet
    rid, dialog = _stored(db, ward, case)
    qtbot.addWidget(dialog)
    dialog.show()
    button = dialog.findChild(QPushButton, "historyButton")
    assert button is not None and button.isEnabled() and button.isVisible()
    seen = []

    def look(history):
        seen.append((history.objectName(), history.table.rowCount()))
        history.done(0)

    when_modal(look)
    button.click()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0][0] == "historyDialog" and seen[0][1] >= 1  # the creation is in the trail


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_record_of_a_signed_off_year_opens_read_only_with_a_padlock(qtbot, db, ward, case):
    rid, _open = _stored(db, ward, case, OLD)
    _open.deleteLater()
    before = ActivityService(db).get(case.kind, rid)
    PeriodService(db).lock(ACTIVITIES, 2025, today=TODAY)
    svc = ActivityService(db)
    data, version = svc.get_versioned(case.kind, rid)
    dialog = DIALOGS[case.kind](svc, UnitService(db).areas(), data, rid, version=version)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    mark = dialog.findChild(QLabel, "lockedNote")
    assert mark is not None and mark.isVisible() and mark.text().startswith(PADLOCK)
    assert "Năm 2025 đã khóa sổ ngày" in mark.toolTip() and " bởi " in mark.toolTip()
    ok = dialog.findChild(QPushButton, "dialogOk")
    assert not ok.isVisible() and not ok.isEnabled()  # the save is not offered
    field = _field(dialog, case.main)
    assert field.isReadOnly()
    press_ctrl_enter(dialog)
    assert dialog.isVisible()  # nothing to save
    assert ActivityService(db).get(case.kind, rid) == before
    assert dialog.findChild(QPushButton, "historyButton").isEnabled()  # history still opens
    assert_fits(dialog)


def _end_dialog(db, ward, name="Camera an ninh"):
    svc = ActivityService(db)
    rid = svc.save(Kind.MODEL, ModelData(name, ward[0], date(2024, 5, 1), 3), today=TODAY)
    return rid, EndModelDialog(svc, rid, "Camera an ninh", started_on=date(2024, 5, 1))


def test_end_model_dialog(qtbot, db, ward, when_modal):
    rid, dialog = _end_dialog(db, ward)
    qtbot.addWidget(dialog)
    assert_fits(dialog)
    line = dialog.findChild(QLabel, "endModelDateError")
    _type(dialog, "endModelDate", "01/01/2024")  # before the model started
    qtbot.waitUntil(lambda: line.text() != "")
    assert "không được trước" in line.text() or "trước" in line.text()
    _type(dialog, "endModelDate", "01/06/2026")
    qtbot.waitUntil(lambda: line.text() == "")
    press_ctrl_enter(dialog)
    assert not dialog.isVisible()
    assert ActivityService(db).get(Kind.MODEL, rid).ended_on == date(2026, 6, 1)
    numbers = itertools.count(1)
    assert_esc_asks_only_after_an_edit(
        qtbot, when_modal, lambda: _end_dialog(db, ward, f"Mô hình số {next(numbers)}")[1],
        lambda d: _type(d, "endModelDate", "02/06/2026"))


def test_no_column_header_of_the_tab_is_cut_off(qtbot, db, ward):
    """The awards table once had a column whose header did not show ("Tập thể/cá nhân")."""
    from PySide6.QtCore import Qt

    from antq_desktop.ui.activities.tab import ActivitiesTab
    from antq_desktop.ui.app import Services

    tab = ActivitiesTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    qtbot.waitExposed(tab)
    for row, kind in enumerate(Kind):
        tab.kinds.setCurrentRow(row)
        header = tab.table.horizontalHeader()
        model = tab.table.model()
        for col in range(model.columnCount()):
            text = model.headerData(col, Qt.Orientation.Horizontal)
            assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), (
                kind, text)
