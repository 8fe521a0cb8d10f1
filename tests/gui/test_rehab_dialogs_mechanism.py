"""Every rehabilitation dialog uses the one form mechanism (issue 14) and the trust marks of
issue 15: it fits 1366×768, Esc asks only after an edit, Ctrl+Enter saves (Ctrl+S in place for
the case), a field's error shows under it as you type and clears when fixed, the case has its
"Lịch sử", and an evaluation of a signed-off quarter opens read-only with a padlock."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableWidget

from antq_desktop.enums import Classification, EndReason, Regime, SupportKind
from antq_desktop.regimes import Period
from antq_desktop.services.periods import EVALUATIONS, PeriodService
from antq_desktop.services.rehabilitation import (
    CaseData,
    CaseStatus,
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.permissions import PADLOCK
from antq_desktop.ui.rehabilitation.dialogs import (
    CaseDialog,
    CloseDialog,
    EvaluationDialog,
    SupportDialog,
    VoidDialog,
)

from .conftest import type_text
from .dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)

TODAY = date(2026, 11, 20)
START = date(2025, 6, 1)


def _case(db, evaluations=True):
    service = RehabilitationService(db)
    cid = service.save(CaseData("Lê Văn An", Regime.REINTEGRATION, START), today=TODAY)
    if evaluations:
        service.add_evaluation(cid, EvaluationData(date(2026, 3, 31), Period(2026, 1, 3),
                                                   Classification.A), today=TODAY)
        service.add_support(cid, SupportData(date(2026, 3, 1), SupportKind.LOAN, "",
                                             30_000_000, "NHCSXH"), today=TODAY)
    return service, cid


def _line(dialog, name: str) -> QLabel:
    line = dialog.findChild(QLabel, f"{name}Error")
    assert line is not None, name
    return line


def _y(widget) -> int:
    return widget.mapTo(widget.window(), widget.rect().topLeft()).y()


def _shown(qtbot, d):
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    qtbot.wait(30)  # the form's first check, right after the show (forms.SteadyForm)
    return d


def assert_headers_fit(dialog) -> None:
    """No column header is cut: each section is as wide as its text (a stretched last column
    takes what is left)."""
    for table in dialog.findChildren(QTableWidget):
        header = table.horizontalHeader()
        for col in range(table.columnCount()):
            if header.sectionResizeMode(col) == QHeaderView.ResizeMode.Stretch:
                continue
            text = table.horizontalHeaderItem(col).text()
            assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), (
                table.objectName(), text)


# -- fits the office screen -----------------------------------------------------------------------
def test_every_dialog_fits_the_office_screen(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db)
    case = service.get(cid)
    areas = UnitService(db).areas()
    for d in (CaseDialog(service, areas), CaseDialog(service, areas, case),
              EvaluationDialog(service, case, today=TODAY), SupportDialog(service, case),
              VoidDialog(service, case, case.evaluations[0], "đánh giá"),
              CloseDialog(service, cid, case.person_name)):
        qtbot.addWidget(d)
        assert_fits(d)
        if isinstance(d, CaseDialog):
            d.pages.setCurrentIndex(1)
            assert_headers_fit(d)
        d.done(0)


# -- Esc asks only after an edit --------------------------------------------------------------------
def test_esc_asks_only_after_an_edit_in_every_dialog(qtbot, db, ward, when_modal, pin_today):
    pin_today(TODAY)
    service, cid = _case(db)
    case = service.get(cid)
    areas = UnitService(db).areas()
    for make, edit in (
            (lambda: CaseDialog(service, areas), lambda d: type_text(d.person_search, "Lan")),
            (lambda: CaseDialog(service, areas, service.get(cid)),
             lambda d: type_text(d.supervisor, "Trưởng công an khu vực")),
            (lambda: EvaluationDialog(service, case, today=TODAY),
             lambda d: type_text(d.remarks, "Chấp hành tốt")),
            (lambda: SupportDialog(service, case), lambda d: type_text(d.details, "Học nghề")),
            (lambda: VoidDialog(service, case, case.supports[0], "hỗ trợ"),
             lambda d: type_text(d.reason, "Nhập nhầm")),
            (lambda: CloseDialog(service, cid, case.person_name),
             lambda d: type_text(d.note, "Chuyển đi nơi khác"))):
        assert_esc_asks_only_after_an_edit(qtbot, when_modal, make, edit)


# -- the keyboard saves -----------------------------------------------------------------------------
def test_ctrl_enter_saves_a_new_case_and_closes(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service = RehabilitationService(db)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas()))
    d.unregistered.setChecked(True)
    type_text(d.name, "Trần Văn Bình")
    d.regime.set_value(Regime.YOUTH)
    press_ctrl_enter(d)
    assert not d.isVisible()
    assert [r.person_name for r in service.list_cases(status=CaseStatus.ALL)] == ["Trần Văn Bình"]


def test_ctrl_s_saves_the_case_in_place(qtbot, db, ward, pin_today, when_modal):
    pin_today(TODAY)
    service = RehabilitationService(db)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas()))
    assert not d.history_button.isEnabled()  # nothing stored yet
    d.unregistered.setChecked(True)
    type_text(d.name, "Trần Văn Bình")
    d.regime.set_value(Regime.YOUTH)
    press_ctrl_s(d)
    assert d.isVisible() and d.saved_id is not None
    assert "Đã lưu" in d.findChild(QLabel, "rehabCaseSaved").text()
    assert d.history_button.isEnabled() and d.windowTitle() == "Hồ sơ: Trần Văn Bình"
    type_text(d.supervisor, "Bí thư chi bộ")
    press_ctrl_s(d)  # a second save edits the same case, at the version read back
    assert service.get(d.saved_id).supervisor == "Bí thư chi bộ"
    assert len(service.list_cases(status=CaseStatus.ALL)) == 1
    d.reject()  # saved: Esc asks nothing
    assert not d.isVisible()


def test_ctrl_enter_saves_each_entry_dialog(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db, evaluations=False)
    case = service.get(cid)

    d = _shown(qtbot, EvaluationDialog(service, case, today=TODAY))
    press_ctrl_enter(d)
    assert not d.isVisible() and len(service.get(cid).evaluations) == 1

    d = _shown(qtbot, SupportDialog(service, case))
    type_text(d.details, "Lớp sửa xe máy")
    press_ctrl_enter(d)
    assert not d.isVisible()
    assert [s.details for s in service.get(cid).supports] == ["Lớp sửa xe máy"]

    case = service.get(cid)
    d = _shown(qtbot, VoidDialog(service, case, case.supports[0], "hỗ trợ"))
    type_text(d.reason, "Nhập nhầm người")
    press_ctrl_enter(d)
    assert not d.isVisible() and service.get(cid).supports[0].voided

    d = _shown(qtbot, CloseDialog(service, cid, case.person_name))
    d.reason.set_value(EndReason.COMPLETED)
    press_ctrl_enter(d)
    assert not d.isVisible() and service.get(cid).closed_on == TODAY


# -- errors under their field, as you type ----------------------------------------------------------
def test_case_errors_show_under_their_field_and_clear(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service = RehabilitationService(db)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas()))
    d.unregistered.setChecked(True)
    below = _y(d.sex)
    type_text(d.name, "Lan3")
    qtbot.waitUntil(lambda: "chữ số" in _line(d, "rehabName").text())
    assert "b00020" in d.name.styleSheet()
    assert _line(d, "rehabRegime").text() == ""  # not edited yet: not nagged
    d.name.clear()
    type_text(d.name, "Lan")
    qtbot.waitUntil(lambda: _line(d, "rehabName").text() == "")
    assert _y(d.sex) == below  # nothing jumped
    type_text(d.planned_end, "01/01/2020")  # before the start
    qtbot.waitUntil(lambda: "không được trước" in _line(d, "rehabPlannedEnd").text())
    d.planned_end.clear()
    type_text(d.planned_end, "01/01/2028")
    qtbot.waitUntil(lambda: _line(d, "rehabPlannedEnd").text() == "")

    d.save()  # refused: every field's message, the first one focused
    assert d.isVisible()
    assert _line(d, "rehabRegime").text() == "chưa chọn."
    assert d.error.text().startswith("Chưa lưu.")


def test_entry_errors_show_under_their_field_and_clear(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db, evaluations=False)
    case = service.get(cid)

    d = _shown(qtbot, EvaluationDialog(service, case, today=TODAY))
    d.on.clear()
    type_text(d.on, "01/01/2025")  # before the case started
    qtbot.waitUntil(lambda: "không được trước ngày 01/06/2025"
                    in _line(d, "evaluationDate").text())
    d.on.clear()
    type_text(d.on, "20/11/2026")
    qtbot.waitUntil(lambda: _line(d, "evaluationDate").text() == "")

    d = _shown(qtbot, SupportDialog(service, case))
    d.kind.set_value(SupportKind.LOAN)
    type_text(d.amount, "ba mươi triệu")
    qtbot.waitUntil(lambda: "chữ số" in _line(d, "supportAmount").text())
    d.amount.clear()
    type_text(d.amount, "30.000.000")
    qtbot.waitUntil(lambda: _line(d, "supportAmount").text() == "")

    d = _shown(qtbot, VoidDialog(service, case, None, "hỗ trợ"))
    type_text(d.reason, "x")
    d.reason.clear()
    type_text(d.reason, " ")
    qtbot.waitUntil(lambda: _line(d, "voidReason").text().startswith("chưa nhập"))
    type_text(d.reason, "nhập nhầm")
    qtbot.waitUntil(lambda: _line(d, "voidReason").text() == "")

    d = _shown(qtbot, CloseDialog(service, cid, case.person_name))
    d.on.clear()
    type_text(d.on, "01/01/2025")
    qtbot.waitUntil(lambda: "không được trước" in _line(d, "closeDate").text())
    d.on.clear()
    type_text(d.on, "01/11/2026")
    qtbot.waitUntil(lambda: _line(d, "closeDate").text() == "")


# -- Lịch sử --------------------------------------------------------------------------------------
def test_the_case_dialog_shows_the_history_of_the_case(qtbot, db, ward, pin_today, when_modal):
    pin_today(TODAY)
    service, cid = _case(db)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas(), service.get(cid)))
    button = d.findChild(QPushButton, "historyButton")
    assert button is d.history_button and button.isEnabled()
    seen = {}

    def look(history):
        seen["title"] = history.windowTitle()
        table = history.findChild(QTableWidget, "historyTable")
        seen["kinds"] = {table.item(r, 3).text() for r in range(table.rowCount())}
        history.done(0)

    when_modal(look)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen["title"].startswith("Lịch sử")
    assert {"Hồ sơ cai nghiện", "Đánh giá cai nghiện", "Hỗ trợ cai nghiện"} <= seen["kinds"]


# -- the padlock ------------------------------------------------------------------------------------
def test_an_evaluation_of_a_signed_off_quarter_opens_read_only(qtbot, db, ward, pin_today,
                                                               when_modal):
    pin_today(TODAY)
    service, cid = _case(db)
    PeriodService(db).lock(EVALUATIONS, 2026, quarter=1, today=TODAY)
    case = service.get(cid)
    d = _shown(qtbot, CaseDialog(service, UnitService(db).areas(), case))
    d.pages.setCurrentIndex(1)
    first = d.evaluations.item(0, 0)
    assert "Quý I/2026 đã khóa sổ" in first.toolTip() and first.toolTip().startswith(PADLOCK)
    assert not first.icon().isNull(), "a locked evaluation shows the padlock"
    d.evaluations.selectRow(0)
    assert not d.void_evaluation_button.isEnabled()
    assert d.void_evaluation_button.toolTip().startswith(PADLOCK)
    assert d.edit_evaluation_button.isEnabled() and d.edit_evaluation_button.text() == "Xem…"

    seen = {}

    def look(ev):
        note = ev.findChild(QLabel, "lockedNote")
        seen["note"], seen["tip"] = note.text(), note.toolTip()
        seen["title"] = ev.windowTitle()
        seen["read_only"] = ev.remarks.isReadOnly() and ev.on.isReadOnly() \
            and not ev.classification.isEnabled() and not ev.period.isEnabled()
        seen["ok"] = ev.findChild(QPushButton, "dialogOk").isVisible()
        ev.classification.setCurrentIndex(2)  # even forced, the keyboard saves nothing
        press_ctrl_enter(ev)
        seen["open"] = ev.isVisible()
        ev.done(0)

    when_modal(look)
    qtbot.mouseClick(d.edit_evaluation_button, Qt.MouseButton.LeftButton)
    assert seen["note"].startswith(PADLOCK) and "bởi" in seen["tip"] and "khóa sổ ngày" in seen["tip"]
    assert seen["title"].endswith("đã khóa sổ")
    assert seen["read_only"] and not seen["ok"] and seen["open"]
    assert service.get(cid).evaluations[0].classification is Classification.A

    # a new evaluation dated in the locked quarter is refused as it is typed
    ev = _shown(qtbot, EvaluationDialog(service, service.get(cid), today=TODAY))
    ev.on.clear()
    type_text(ev.on, "15/02/2026")
    qtbot.waitUntil(lambda: "đã khóa sổ" in _line(ev, "evaluationDate").text())


def test_a_locked_evaluation_cannot_be_voided_from_its_dialog(qtbot, db, ward, pin_today):
    pin_today(TODAY)
    service, cid = _case(db)
    PeriodService(db).lock(EVALUATIONS, 2026, quarter=1, today=TODAY)
    case = service.get(cid)
    d = _shown(qtbot, VoidDialog(service, case, case.evaluations[0], "đánh giá"))
    assert d.findChild(QLabel, "lockedNote").text().startswith(PADLOCK)
    assert not d.findChild(QPushButton, "dialogOk").isVisible() and d.reason.isReadOnly()
    press_ctrl_enter(d)
    assert d.isVisible() and not service.get(cid).evaluations[0].voided
