"""The case dialog's history (issue 14): a wrong evaluation or support entry is corrected
(Sửa…, double-click, context menu) or voided with a reason (Hủy…); a voided row stays,
struck through and greyed, with its reason, and Sửa/Hủy no longer act on it."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from antq_desktop.enums import Classification, Regime, SupportKind
from antq_desktop.regimes import Period
from antq_desktop.services.rehabilitation import (
    CaseData,
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.rehabilitation.dialogs import CaseDialog
from tests.gui.conftest import type_text

TODAY = date(2026, 11, 20)


def _dialog(qtbot, db):
    service = RehabilitationService(db)
    cid = service.save(CaseData("Lê Văn An", Regime.REINTEGRATION, date(2025, 6, 1)),
                       today=TODAY)
    for n, cls in ((1, Classification.A), (2, Classification.B)):
        service.add_evaluation(cid, EvaluationData(Period(2026, n, 3).last_day,
                                                   Period(2026, n, 3), cls), today=TODAY)
    service.add_support(cid, SupportData(date(2026, 3, 1), SupportKind.LOAN, "", 30_000_000,
                                         "NHCSXH"), today=TODAY)
    dialog = CaseDialog(service, UnitService(db).areas(), service.get(cid))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentIndex(1)
    return service, cid, dialog


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_correct_an_evaluation_from_the_button(qtbot, db, when_modal, pin_today):
    pin_today(TODAY)
    service, cid, dialog = _dialog(qtbot, db)
    assert not dialog.edit_evaluation_button.isEnabled()  # nothing selected
    dialog.evaluations.selectRow(1)
    assert dialog.edit_evaluation_button.isEnabled()

    def correct(d):
        assert d.objectName() == "rehabEvaluationDialog"
        assert d.windowTitle() == "Sửa đánh giá, xếp loại"
        assert d.period.currentText() == "Quý II/2026"  # its own period is offered
        assert d.classification.currentData() == "B"
        d.classification.setCurrentIndex(d.classification.findData("C"))
        type_text(d.remarks, "Sửa: chưa chấp hành tốt")
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)

    when_modal(correct)
    qtbot.mouseClick(dialog.edit_evaluation_button, Qt.MouseButton.LeftButton)
    stored = service.get(cid).evaluations[1]
    assert (stored.classification, stored.remarks) == (Classification.C,
                                                       "Sửa: chưa chấp hành tốt")
    assert dialog.evaluations.item(1, 2).text() == Classification.C.label
    assert len(service.get(cid).evaluations) == 2  # replaced, not added


def test_void_with_a_reason_strikes_the_row_through(qtbot, db, when_modal, pin_today):
    pin_today(TODAY)
    service, cid, dialog = _dialog(qtbot, db)
    dialog.evaluations.selectRow(0)
    seen = {}

    def void(d):
        assert d.objectName() == "rehabVoidDialog"
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)  # no reason: refused
        seen["error"] = d.findChild(QLabel, "voidReasonError").text()  # under the field
        type_text(d.reason, "Nhập nhầm kỳ")
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)

    when_modal(void)
    qtbot.mouseClick(dialog.void_evaluation_button, Qt.MouseButton.LeftButton)
    assert seen["error"].startswith("chưa nhập")
    stored = service.get(cid).evaluations[0]
    assert (stored.voided_on, stored.void_reason) == (TODAY, "Nhập nhầm kỳ")
    for col in range(dialog.evaluations.columnCount()):
        item = dialog.evaluations.item(0, col)
        assert item.font().strikeOut(), col
        assert item.toolTip() == "Đã hủy 20/11/2026: Nhập nhầm kỳ"
    assert dialog.evaluations.item(0, 3).text().startswith("[Đã hủy 20/11/2026: Nhập nhầm kỳ]")
    assert not dialog.evaluations.item(1, 0).font().strikeOut()  # the live one is plain
    dialog.evaluations.selectRow(0)
    assert not dialog.edit_evaluation_button.isEnabled()
    assert not dialog.void_evaluation_button.isEnabled()
    dialog.grab().save("/tmp/docs-history.png")


def test_support_from_the_context_menu_and_double_click(qtbot, db, when_modal, pin_today):
    pin_today(TODAY)
    service, cid, dialog = _dialog(qtbot, db)
    table = dialog.supports
    rect = table.visualRect(table.model().index(0, 0))
    table.customContextMenuRequested.emit(rect.center())
    actions = {a.text(): a for a in dialog._menu.actions()}
    assert set(actions) == {"Sửa…", "Hủy (nhập nhầm)…"}
    dialog._menu.close()

    def void(d):
        type_text(d.reason, "Nhập trùng")
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)

    when_modal(void)
    actions["Hủy (nhập nhầm)…"].trigger()
    assert service.get(cid).supports[0].void_reason == "Nhập trùng"
    assert table.item(0, 0).font().strikeOut()
    table.customContextMenuRequested.emit(rect.center())
    assert not any(a.isEnabled() for a in dialog._menu.actions())  # voided: nothing to do
    dialog._menu.close()

    service.add_support(cid, SupportData(date(2026, 5, 2), SupportKind.JOB, "Rửa xe"),
                        today=TODAY)
    dialog._reload_history()

    def correct(d):
        assert d.windowTitle() == "Sửa hỗ trợ, giúp đỡ"
        assert d.details.text() == "Rửa xe"
        d.details.setText("Rửa xe, thợ phụ")
        qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)

    when_modal(correct)
    cell = table.visualRect(table.model().index(1, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert service.get(cid).supports[1].details == "Rửa xe, thợ phụ"
    assert table.item(1, 4).text() == "Rửa xe, thợ phụ"
