"""The certification tab as an officer uses it: register a unit, tick its criteria, record the
decision, and find it in the printed list of recognised units."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from antq_desktop.enums import CertCategory, CertResult, CertState
from antq_desktop.services.certification import CertificationService, CertUnitData
from antq_desktop.ui.certification.tab import CertificationTab
from antq_desktop.ui.app import Services
from antq_desktop.ui.widgets import printing as print_widgets
from tests.gui.conftest import type_text

TODAY = date(2026, 6, 15)  # the app's today in these tests (pin_today)
YEAR = 2025  # every date of the test is in the past


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


def _tab(qtbot, db) -> CertificationTab:
    tab = CertificationTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    tab.year.setCurrentIndex(tab.year.findData(YEAR))
    return tab


def _row_of(tab, name):
    return next(r for r in tab.rows.values() if r.name == name)


def test_lists_areas_and_ward_with_the_ward_ratio(qtbot, db, ward):
    tab = _tab(qtbot, db)
    names = [r.name for r in tab.rows.values()]
    assert "Tổ dân phố số 1" in names and "Tổ dân phố số 2" in names
    assert "Phường Hoàn Kiếm" in names
    assert "Đăng ký 0/2" in tab.ratio.text()
    assert "chưa đạt tiêu chuẩn 4" in tab.ratio.text()


def test_register_tick_decide_and_print_recognised(qtbot, db, ward, when_modal, monkeypatch):
    tab = _tab(qtbot, db)

    def add_school(dialog):
        dialog.category.setCurrentIndex(dialog.category.findData(CertCategory.SCHOOL.value))
        type_text(dialog.name, "Trường THCS Ngô Sĩ Liên")
        type_text(dialog.address, "1 Hàng Chuối")
        type_text(dialog.head, "Lê Thị Hạnh")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_modal(add_school)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    school = _row_of(tab, "Trường THCS Ngô Sĩ Liên")
    assert school.state is CertState.NOT_REGISTERED
    assert tab.selected_id() == school.unit_id

    seen = {}

    def fill(dialog):
        dialog.registered.set_date(date(YEAR, 2, 10))
        for row in range(dialog.checklist.rowCount()):
            dialog.checklist.set_tick(row, True)
        dialog.evaluated.set_date(date(YEAR, 10, 20))
        seen["proposal"] = dialog.proposal.text()
        qtbot.mouseClick(dialog.use_proposal, Qt.MouseButton.LeftButton)
        assert dialog.result.value() is CertResult.MET
        type_text(dialog.decision_number, "125/QĐ-UBND")
        dialog.decision_date.set_date(date(YEAR, 11, 12))
        type_text(dialog.certificate, "07/GCN-UBND")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_modal(fill)
    tab.open_record()
    assert "Đạt" in seen["proposal"]
    school = _row_of(tab, "Trường THCS Ngô Sĩ Liên")
    assert school.state is CertState.RECOGNISED
    assert (school.criteria_met, school.criteria_total) == (school.criteria_total,
                                                            school.criteria_total)
    assert school.decision_number == "125/QĐ-UBND"

    printed = []
    monkeypatch.setattr(print_widgets, "run_modal", lambda dialog: printed.append(dialog) or 0)
    tab.category.set_value(CertCategory.SCHOOL)
    document = tab.list_document("cert-recognised")
    cells = [str(c) for row in document.rows if isinstance(row, (list, tuple)) for c in row]
    assert "Trường THCS Ngô Sĩ Liên" in cells
    assert any("125/QĐ-UBND" in c for c in cells)
    tab.print_list("cert-recognised")
    assert printed and printed[0].objectName() == "printPreview"


def test_bad_date_keeps_the_dialog_open_and_saves_nothing(qtbot, db, ward, when_modal):
    tab = _tab(qtbot, db)
    area = _row_of(tab, "Tổ dân phố số 1")
    tab.table.selectRow(tab.model.row_of(area.unit_id))
    seen = {}

    def fill(dialog):
        dialog.registered.setText("31/02/" + str(YEAR))
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
        seen["error"] = dialog.error.text()
        assert dialog.isVisible()
        dialog.done(0)

    when_modal(fill)
    tab.open_record()
    assert "Ngày đăng ký" in seen["error"] and "không tồn tại" in seen["error"]
    assert _row_of(tab, "Tổ dân phố số 1").state is CertState.NOT_REGISTERED
    assert not CertificationService(db).record(area.unit_id, YEAR).exists


def test_result_differs_from_proposal_is_flagged(qtbot, db, ward):
    service = CertificationService(db)
    unit_id = service.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện Hoàn Kiếm"))
    tab = _tab(qtbot, db)
    dialog = tab.record_dialog(unit_id)
    qtbot.addWidget(dialog)
    dialog.checklist.set_tick(0, False)
    dialog.result.set_value(CertResult.MET)
    assert "Chưa đạt" in dialog.proposal.text()
    assert "khác với đề xuất" in dialog.proposal.text()
    dialog.done(0)


def test_filters_by_category_and_state_and_search(qtbot, db, ward):
    service = CertificationService(db)
    service.save_unit(CertUnitData(CertCategory.ENTERPRISE, "Công ty TNHH Minh Phát",
                                   head_name="Đỗ Văn Minh"))
    tab = _tab(qtbot, db)
    tab.category.set_value(CertCategory.ENTERPRISE)
    assert [r.name for r in tab.rows.values()] == ["Công ty TNHH Minh Phát"]
    tab.category.set_value(None)
    tab.search.setText("do van minh")
    tab.search.flush()
    assert [r.name for r in tab.rows.values()] == ["Công ty TNHH Minh Phát"]
    tab.search.setText("")
    tab.search.flush()
    tab.state.set_value(CertState.RECOGNISED)
    assert tab.rows == {}


def test_header_click_sorts_and_enter_opens(qtbot, db, ward, when_modal):
    service = CertificationService(db)
    service.save_unit(CertUnitData(CertCategory.AGENCY, "Ủy ban nhân dân phường Hoàn Kiếm"))
    service.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện Hoàn Kiếm"))
    tab = _tab(qtbot, db)

    def names():
        return [tab.model.item(r).name for r in range(tab.model.rowCount())]

    assert names()[-1] == "Phường Hoàn Kiếm"  # the service's order: category, then name
    section = [c.sort_key for c in tab.model.columns].index("name")
    tab.table.horizontalHeader().sectionClicked.emit(section)
    assert names() == sorted(names())
    tab.table.horizontalHeader().sectionClicked.emit(section)
    assert names() == sorted(names(), reverse=True)

    tab.activateWindow()  # keyboard shortcuts go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    tab.table.selectRow(0)
    seen = []
    when_modal(lambda dialog: (seen.append(dialog.objectName()), dialog.done(0)))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert seen == ["certRecordDialog"]


def test_save_a_list_as_pdf(qtbot, db, ward, tmp_path, monkeypatch, layout_threads):
    from pypdf import PdfReader

    tab = _tab(qtbot, db)
    saved = []
    monkeypatch.setattr(tab, "choose_path", lambda suggested: str(tmp_path / "ds"))
    monkeypatch.setattr(tab, "pdf_saved", saved.append)
    worker = tab.save_pdf("cert-proposed")
    assert worker is not None
    qtbot.waitUntil(lambda: bool(saved), timeout=15_000)
    path = saved[0]
    assert path == tmp_path / "ds.pdf" and tab.print_button.isEnabled()
    assert layout_threads == [True]  # the pages were laid out on the GUI thread
    text = " ".join(p.extract_text(extraction_mode="layout").replace("\t", " ")
                    for p in PdfReader(path).pages)
    assert "CÔNG AN PHƯỜNG HOÀN KIẾM" in text and "DANH SÁCH" in text
    assert "Không có đơn vị nào" in text  # nothing evaluated yet


def _blocking_export(monkeypatch):
    """Replace the PDF export's background part by one that waits for ``release`` and notes
    its thread (it returns a written path, so nothing is left for the GUI thread)."""
    import threading

    from antq_desktop.reports import export as report_export

    seen = {"release": threading.Event(), "started": threading.Event()}

    def prepare_pdf(db, form_id, params, path, progress):
        seen["thread"] = threading.current_thread()
        progress(0, "Đang lập…")
        seen["started"].set()
        assert seen["release"].wait(10)
        progress(50, "Đang ghi tệp…")
        Path(path).write_bytes(b"%PDF-1.4")
        progress(100, "Đã ghi.")
        return Path(path)

    monkeypatch.setattr(report_export, "prepare_pdf", prepare_pdf)
    return seen


def test_save_pdf_runs_in_the_worker_and_the_gui_stays_responsive(qtbot, db, ward, tmp_path,
                                                                   monkeypatch):
    import threading

    from PySide6.QtCore import QTimer

    tab = _tab(qtbot, db)
    seen = _blocking_export(monkeypatch)
    saved = []
    monkeypatch.setattr(tab, "choose_path", lambda suggested: str(tmp_path / "ds.pdf"))
    monkeypatch.setattr(tab, "pdf_saved", saved.append)
    assert tab.save_pdf("cert-recognised") is not None  # returns at once: the work is queued
    assert seen["started"].wait(5)
    ticks = []
    timer = QTimer(tab, interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    # the export is still blocked: the GUI thread keeps turning (on a loaded machine a tick may
    # come late, hence a generous wait; run on the GUI thread the export would block it for good)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)
    assert not saved
    assert not tab.print_button.isEnabled()  # no second export meanwhile
    assert tab.save_pdf("cert-recognised") is None
    seen["release"].set()
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    timer.stop()
    assert seen["thread"] is not threading.main_thread()
    assert saved == [tmp_path / "ds.pdf"] and tab.print_button.isEnabled()


def test_save_pdf_cancel_writes_nothing(qtbot, db, ward, tmp_path, monkeypatch):
    tab = _tab(qtbot, db)
    seen = _blocking_export(monkeypatch)
    saved, errors = [], []
    monkeypatch.setattr(tab, "choose_path", lambda suggested: str(tmp_path / "ds.pdf"))
    monkeypatch.setattr(tab, "pdf_saved", saved.append)
    monkeypatch.setattr("antq_desktop.ui.widgets.messages.error",
                        lambda parent, text, title="": errors.append(text))
    tab.save_pdf("cert-recognised")
    assert seen["started"].wait(5)
    progress = tab.findChild(QProgressDialog, "certificationPdfProgress")
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Hủy")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    seen["release"].set()
    qtbot.waitUntil(lambda: tab._worker is None, timeout=5000)
    assert not saved and not errors and not (tmp_path / "ds.pdf").exists()
    assert tab.print_button.isEnabled()
