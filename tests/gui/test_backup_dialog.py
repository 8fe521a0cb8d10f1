"""Tệp → Sao lưu ngay / Khôi phục…, the automatic backups and the status bar warning."""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from antq_desktop.config import sqlite_path
from antq_desktop.services import backup as svc
from antq_desktop.services.households import HouseholdService
from antq_desktop.ui import app as app_module
from antq_desktop.ui.backup_dialog import EXCEL_IS_NOT_A_BACKUP, RestoreDialog
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member, sqlite_only

pytestmark = sqlite_only


@pytest.fixture
def when_box(qtbot):
    """Run ``fn(box)`` on the next QMessageBox with that objectName (progress dialogs skipped)."""
    failures = []

    def arm(name, fn=lambda box: box.button(QMessageBox.StandardButton.Ok).click()):
        def poll():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox) or box.objectName() != name:
                return False
            try:
                fn(box)
            except BaseException as exc:  # noqa: BLE001 - keep exec() from hanging the test
                failures.append(exc)
                box.done(0)
            return True

        def loop(left=5000):
            if not poll():
                if left <= 0:
                    failures.append(AssertionError(f"no {name} box"))
                    return
                QTimer.singleShot(20, lambda: loop(left - 20))

        QTimer.singleShot(0, loop)

    yield arm
    if failures:
        raise failures[0]


def fill(households, ward, n=3):
    for i in range(n):
        households.save(household(ward[i % 2], code=f"HK{i + 1:06d}",
                                  members=[member(id_number=f"0010800{i + 1:05d}")]))


def backups_of(db):
    path = sqlite_path(db.url)
    return svc.list_backups(path.parent / "sao-luu", path.stem)


def test_backup_now_from_the_file_menu(qtbot, db, households, ward, when_box):
    fill(households, ward)
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert "Chưa có bản sao lưu" in window.backup_label.text()
    assert window.backup_label.property("warning") is True
    shown = []
    when_box("backupDone", lambda box: (shown.append(box.text()),
                                        box.button(QMessageBox.StandardButton.Ok).click()))
    window.findChild(type(window.backup_action), "actionBackupNow").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "3 hộ, 3 nhân khẩu" in shown[0]
    [made] = backups_of(db)
    assert made.reason == svc.MANUAL and str(made.path) in shown[0]
    assert window.backup_label.text().startswith("Sao lưu gần nhất:")
    assert window.backup_label.property("warning") is False


def test_status_bar_warns_when_the_last_backup_is_a_week_old(qtbot, db, ward):
    made = svc.backup_now(db, now=datetime(2026, 3, 1, 8, 0))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.update_backup_status(now=made.created + timedelta(days=2))
    assert window.backup_label.property("warning") is False
    window.update_backup_status(now=made.created + timedelta(days=8))
    assert window.backup_label.property("warning") is True
    assert "01/03/2026 08:00" in window.backup_label.text()


def test_automatic_backup_only_when_the_data_changed(qtbot, db, households, ward):
    window = MainWindow(db, auto_backup=True)
    qtbot.addWidget(window)
    controller = window.backups
    assert controller.timer.isActive() and controller.timer.interval() == 30 * 60 * 1000
    with qtbot.waitSignal(controller.finished, timeout=5000):
        controller.auto()  # nothing backed up in this session yet
    assert len(backups_of(db)) == 1
    controller.auto()
    assert not controller.busy  # unchanged: no copy
    fill(households, ward, 1)
    with qtbot.waitSignal(controller.finished, timeout=5000) as got:
        controller.auto()
    assert got.args[0].reason == svc.AUTO and got.args[0].count("household") == 1
    window.close_without_backup()


def test_closing_the_window_makes_a_backup_first(qtbot, db, households, ward):
    fill(households, ward, 2)
    window = MainWindow(db, auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.isVisible()  # waits for the copy
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    [made] = backups_of(db)
    assert made.reason == svc.ON_EXIT and made.count("household") == 2


def test_the_restore_list_shows_date_counts_and_size(qtbot, db, households, ward):
    fill(households, ward, 2)
    svc.backup_now(db, now=datetime(2026, 3, 1, 8, 0))
    dialog = RestoreDialog(db)
    qtbot.addWidget(dialog)
    table = dialog.findChild(type(dialog.table), "restoreTable")
    assert table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[:4] == ["01/03/2026 08:00", "Sao lưu ngay", "2", "2"]
    assert row[6].endswith("KB") and row[7].endswith(".db")
    assert dialog.findChild(QLabel, "restoreExcelNote").text() == EXCEL_IS_NOT_A_BACKUP
    assert "Excel" in EXCEL_IS_NOT_A_BACKUP and "không phải là bản sao lưu" in \
        EXCEL_IS_NOT_A_BACKUP


def test_restore_refuses_a_newer_schema_in_the_dialog(qtbot, db, ward, tmp_path, when_box):
    import shutil
    import sqlite3

    made = svc.backup_now(db, now=datetime(2026, 3, 1, 8, 0))
    newer = tmp_path / "newer.db"
    shutil.copyfile(made.path, newer)
    con = sqlite3.connect(newer)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    dialog = RestoreDialog(db)
    qtbot.addWidget(dialog)
    dialog.choose_file = lambda: str(newer)
    when_box("restoreConfirm", lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.findChild(QPushButton, "restoreBrowse").click()
    error = dialog.findChild(QLabel, "restoreError")
    qtbot.waitUntil(lambda: bool(error.text()), timeout=5000)
    assert "phiên bản ANTQ Desktop mới hơn" in error.text()
    assert dialog.result is None


def test_backup_corrupt_restore_in_the_gui_reopens_on_every_record(
        qtbot, db, households, ward, when_modal, when_box):
    fill(households, ward, 3)
    window = app_module.open_main_window(db, auto_backup=False)
    qtbot.addWidget(window)
    made = svc.backup_now(db, now=datetime(2026, 3, 1, 8, 0))
    path = sqlite_path(db.url)
    db.dispose()
    size = path.stat().st_size
    with open(path, "r+b") as f:  # the disk fails
        f.seek(100)
        f.write(b"\x00\xff" * ((size - 100) // 2))
    done = []

    def drive(dialog):
        assert dialog.objectName() == "restoreDialog"
        assert [b.path for b in dialog.backups] == [made.path]
        when_box("restoreConfirm", lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        when_box("restoreDone", lambda box: (done.append(box.text()),
                                             box.button(QMessageBox.StandardButton.Ok).click()))
        dialog.findChild(QPushButton, "restoreRun").click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    when_modal(drive)
    window.findChild(type(window.restore_action), "actionRestore").trigger()
    assert done and "01/03/2026 08:00" in done[0] and "3 hộ, 3 nhân khẩu" in done[0]
    successor = window.successor
    qtbot.addWidget(successor)
    assert not window.isVisible() and successor.isVisible()
    counts = HouseholdService(successor.db).counts()
    assert (counts.households, counts.residents) == (3, 3)
    qtbot.waitUntil(lambda: "3 hộ" in successor.count_label.text(), timeout=3000)  # after
    # the new window's first paint
    assert list(path.parent.glob("sao-luu/*.hong"))  # the damaged data, kept aside
    successor.close_without_backup()
    successor.db.dispose()
    app_module._windows.clear()


def test_at_start_leftovers_are_removed_and_the_files_made_private(db):
    import os

    path = sqlite_path(db.url)
    folder = path.parent / "sao-luu"
    folder.mkdir()
    leftover = folder / "test.tu-dong-20260101-000000.db.tmp"
    leftover.write_bytes(b"half a copy")
    if os.name == "posix":
        os.chmod(path, 0o644)
    app_module.prepare_backups(db)
    assert not leftover.exists()
    if os.name == "posix":
        assert os.stat(path).st_mode & 0o777 == 0o600


def test_the_backup_folder_is_chosen_in_the_restore_dialog(qtbot, db, tmp_path):
    from antq_desktop.services.settings import backup_settings

    usb = tmp_path / "usb"
    usb.mkdir()
    made = svc.backup_file(sqlite_path(db.url), usb, now=datetime(2026, 3, 1, 8, 0))
    dialog = RestoreDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.empty.isHidden()
    dialog.choose_folder = lambda: str(usb)
    dialog.findChild(QPushButton, "backupFolderChange").click()
    assert backup_settings(db).folder == str(usb)
    assert str(usb) in dialog.folder_label.text()
    assert [b.path for b in dialog.backups] == [made.path] and dialog.table.rowCount() == 1


def test_a_backup_that_fails_verification_is_reported(qtbot, db, ward, monkeypatch, when_box):
    def damaged(path):
        raise svc.BackupError(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn không đạt).")

    monkeypatch.setattr(svc, "verify_file", damaged)
    window = MainWindow(db)
    qtbot.addWidget(window)
    shown = []
    when_box("backupFailed", lambda box: (shown.append(box.text()),
                                          box.button(QMessageBox.StandardButton.Ok).click()))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown[0].startswith("Bản sao lưu không đạt kiểm tra nên đã bị xóa")
    assert backups_of(db) == [] and window.backup_label.property("warning") is True
    assert list((sqlite_path(db.url).parent / "sao-luu").iterdir()) == []


def test_the_status_bar_tells_a_viewer_whom_to_ask_for_a_backup(db, tmp_path):
    from antq_desktop.access import Role
    from antq_desktop.db.engine import open_database
    from antq_desktop.services.users import UserService, login
    from antq_desktop.ui.backup_dialog import status_text

    UserService(db).add("quantri", "mật-khẩu-1", Role.ADMIN)  # the first must be one
    UserService(db).add("chixem", "mật-khẩu-1", Role.VIEWER)
    viewer = open_database(db.url)
    try:
        login(viewer, "chixem", "mật-khẩu-1")
        text, warn = status_text(viewer, now=datetime(2026, 3, 1, 9))
        assert warn and "hãy báo cán bộ có quyền sao lưu" in text and "Sao lưu ngay" not in text
        text, warn = status_text(db, now=datetime(2026, 3, 1, 9))  # the system user may
        assert warn and "Tệp → Sao lưu ngay" in text
    finally:
        viewer.dispose()
