from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from antq_desktop.enums import Classification, Regime
from antq_desktop.regimes import Period
from antq_desktop.services.rehabilitation import CaseData, EvaluationData
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member
from tests.gui.conftest import type_text


def _tab(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.rehabilitation_tab)
    return window, window.rehabilitation_tab


def test_case_for_registered_resident_then_evaluation_in_list(qtbot, db, households, ward,
                                                              when_modal):
    households.save(household(ward[1], members=[member("Đặng Văn Hải", date(1990, 4, 2),
                                                       id_number="001090001234")]))
    window, tab = _tab(qtbot, db)
    seen = {}

    def fill_case(dialog):
        assert dialog.objectName() == "rehabCaseDialog"
        type_text(dialog.findChild(QLineEdit, "rehabPersonSearch"), "dang van hai")
        qtbot.waitUntil(lambda: dialog.person_results.count() == 1, timeout=2000)
        dialog.person_results.setCurrentRow(0)
        assert dialog.name.text() == "Đặng Văn Hải"
        assert dialog.area.currentData() == ward[1]
        dialog.regime.set_value(Regime.REINTEGRATION)
        assert "Nghị định 49/2020" in dialog.regime_info.text()
        assert "hằng quý" in dialog.regime_info.text()
        dialog.start.set_date(date(2025, 3, 15))
        type_text(dialog.findChild(QLineEdit, "rehabDecisionNumber"), "45/QĐ-UBND")
        type_text(dialog.findChild(QLineEdit, "rehabSupervisor"), "Hội Cựu chiến binh")
        qtbot.mouseClick(dialog.findChild(QPushButton, "rehabCaseSave"),
                         Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error.text()

    when_modal(fill_case)
    qtbot.mouseClick(tab.findChild(QPushButton, "rehabilitationAdd"), Qt.MouseButton.LeftButton)
    assert seen["error"] == ""
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 0).data() == "Đặng Văn Hải"
    assert tab.model.index(0, 7).data() == "Chưa đánh giá"
    assert tab.model.index(0, 8).data().startswith("Quá hạn — Quý I/2025")
    assert tab.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None  # stands out

    tab.table.selectRow(0)

    def evaluate(dialog):
        assert dialog.objectName() == "rehabEvaluationDialog"
        dialog.period.setCurrentIndex(dialog.period.findText("Quý I/2025"))
        dialog.classification.setCurrentIndex(dialog.classification.findData("A"))
        type_text(dialog.remarks, "Chấp hành tốt, có việc làm ổn định")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_modal(evaluate)
    qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    assert tab.model.index(0, 7).data() == "A (Quý I/2025)"
    assert "Quý II/2025" in tab.model.index(0, 8).data()
    assert "1 người đang quản lý" in window.count_label.text()


def test_wrong_class_is_refused_in_the_dialog(qtbot, db, ward, when_modal):
    window, tab = _tab(qtbot, db)
    cid = window.rehabilitation.save(CaseData("Lý Văn Nam", Regime.DRUG_USER, date(2026, 1, 5)))
    tab.reload()
    tab.table.selectRow(0)
    seen = {}

    def evaluate(dialog):
        classes = [dialog.classification.itemData(i) for i in range(dialog.classification.count())]
        seen["classes"] = classes
        dialog.on.set_date(date(2025, 12, 1))  # before the case started
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
        seen["error"] = dialog.findChild(QLabel, "evaluationDateError").text()  # under it
        dialog.done(0)

    when_modal(evaluate)
    qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    assert seen["classes"] == ["progress", "no_progress", "violation", "relapse"]
    assert seen["error"].startswith("không được trước ngày 05/01/2026")
    assert window.rehabilitation.get(cid).evaluations == []


def test_close_and_find_among_closed(qtbot, db, ward, when_modal):
    window, tab = _tab(qtbot, db)
    service = window.rehabilitation
    cid = service.save(CaseData("Trịnh Văn Long", Regime.SUSPENDED, date(2025, 1, 5)))
    service.add_evaluation(cid, EvaluationData(date(2025, 2, 2), Period(2025, 1, 1),
                                               Classification.PROGRESS))
    tab.reload()
    tab.table.selectRow(0)

    def close(dialog):
        dialog.reason.setCurrentIndex(dialog.reason.findText("Chấp hành xong, hết thời hạn"))
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_modal(close)
    qtbot.mouseClick(tab.close_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 0
    tab.status.setCurrentIndex(tab.status.findText("Đã kết thúc"))
    type_text(tab.search, "trinh van long")
    tab.search.flush()
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 9).data().startswith("Đã kết thúc")
