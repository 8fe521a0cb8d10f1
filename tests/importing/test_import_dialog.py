"""The import dialog driven as a person would: file, mapping (changed and saved), the check with
the bad rows listed, the import with progress, the link to the households tab, undo."""

import os

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from antq_desktop.db.models import Household  # noqa: E402
from antq_desktop.ui.importing.dialog import MAPPING_KEY, ImportDialog  # noqa: E402
from tests.gui.conftest import isolated_settings, when_modal  # noqa: E402,F401

from .ugly import ugly_workbook  # noqa: E402

SHOTS = os.environ.get("ANTQ_SHOTS")  # a folder: save each step as a PNG to look at


def shot(widget, name):
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"import-{name}.png"))


def _households(db):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Household))


def test_dialog_flow(qtbot, db, ward, tmp_path, pin_today, monkeypatch):
    from datetime import date

    pin_today(date(2026, 6, 1))
    monkeypatch.setattr("antq_desktop.ui.importing.dialog.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    opened = []
    book = tmp_path / "danh sach.xlsx"
    rows = ugly_workbook(book)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768) if SHOTS else None
    dialog.show()
    dialog.path.setText(str(book))
    shot(dialog, "1-file")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 1
    # the two-row header was recognised: birth dates under Nam / Nữ
    mapped = dialog.chosen_mapping()
    assert mapped[3] == "birth_male" and mapped[4] == "birth_female" and mapped[2] == "full_name"
    assert 0 not in mapped  # "STT" is skipped
    notes = dialog.mapping.cellWidget(9, 1)
    notes.setCurrentIndex(notes.findData(None))  # skip "Ghi chú"
    qtbot.mouseClick(dialog.findChild(type(dialog.next), "importSaveMapping"),
                     Qt.MouseButton.LeftButton)
    assert "ghi chu" not in dialog.settings.get_text(MAPPING_KEY.format(kind="households"))
    assert dialog.preview.rowCount() == 8
    shot(dialog, "2-mapping")

    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.report.dry_run and sorted(dialog.report.errors) == [rows["bad"][0],
                                                                      rows["bad"][2],
                                                                      rows["bad"][3]]
    assert dialog.problems.rowCount() == 4 and not dialog.next.isEnabled()
    assert "3 dòng có lỗi" in dialog.check_text.text()
    dialog.open_errors.click()
    assert opened and opened[0].endswith(".xlsx") and os.path.exists(opened[0])
    shot(dialog, "3-check")
    assert _households(db) == 0

    qtbot.mouseClick(dialog.back, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.back, Qt.MouseButton.LeftButton)
    dialog.partial.setChecked(True)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.next.isEnabled() or bool(dialog.error.text()), timeout=10000)
    assert dialog.error.text() == "" and dialog.report.dry_run
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.report.dry_run, timeout=10000)
    assert dialog.report.written and _households(db) == 2
    assert dialog.import_bar.value() == 100 and "Đã nhập" in dialog.result_text.text()
    shot(dialog, "4-result")

    shown = []
    dialog.showRecords.connect(shown.append)
    assert dialog.show_records.isEnabled() and dialog.undo_button.isEnabled()
    monkeypatch.setattr("antq_desktop.ui.importing.dialog.messages.confirm", lambda *a: True)
    dialog.undo_button.click()
    assert _households(db) == 0 and "Đã hoàn tác" in dialog.result_text.text()


def test_main_window_menu_opens_the_dialog_and_shows_the_area(qtbot, db, ward, when_modal):
    from antq_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    action = window.findChild(type(window.backup_action), "actionImport")
    assert action.text() == "Nhập từ Excel…"
    seen = []
    when_modal(lambda d: (seen.append(d.objectName()), d.reject()))
    action.trigger()
    assert seen == ["importDialog"]
    window.show_imported(ward[1])
    assert window.tabs.currentWidget() is window.households_tab
    assert window.households_tab.area.currentData() == ward[1]


def test_unreadable_file_stays_on_the_first_step(qtbot, db, ward, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"junk")
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(bad))
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 0 and "tệp hỏng" in dialog.error.text()


def test_dialog_imports_another_kind_and_opens_its_tab(qtbot, db, ward, tmp_path, pin_today,
                                                       monkeypatch):
    from datetime import date

    from antq_desktop.db.models import Tip
    from tests.importing.test_import_records import CASES
    from tests.importing.ugly import ugly_sheet

    pin_today(date(2026, 6, 1))
    c = CASES["tips"]
    book = tmp_path / "tin bao.xlsx"
    rows = ugly_sheet(book, c.title, c.top, c.below, c.good, [b for b, _ in c.bad], c.merges)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768) if SHOTS else None
    dialog.show()
    labels = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    assert labels[:4] == ["Hộ gia đình, nhân khẩu", "Hồ sơ quản lý, giáo dục, giúp đỡ",
                          "Tổ hòa giải, hòa giải viên",
                          "Đơn vị đăng ký “An toàn về ANTT” (cơ quan, doanh nghiệp, trường học)"]
    dialog.kind.setCurrentIndex(dialog.kind.findData("cert_units"))
    assert not dialog.area.isEnabled()  # units belong to no area
    dialog.kind.setCurrentIndex(dialog.kind.findData("tips"))
    assert dialog.area.isEnabled()
    dialog.path.setText(str(book))
    dialog.partial.setChecked(True)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert set(dialog.chosen_mapping().values()) >= {"received_on", "content", "result"}
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.next.isEnabled(),
                    timeout=10000)
    assert sorted(dialog.report.errors) == rows["bad"]
    assert "Tin báo: 3 sẽ thêm mới" in dialog.check_text.text()
    shot(dialog, "5-tips-check")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.report.dry_run, timeout=10000)
    assert dialog.report.written
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Tip)) == 3
    kinds = []
    dialog.showKind.connect(kinds.append)
    dialog.show_records.click()
    assert kinds == ["tips"]
