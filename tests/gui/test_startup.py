import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from antq_desktop.ui import app as app_module


@pytest.fixture(autouse=True)
def keep_excepthook(monkeypatch):
    """run_gui installs the app's error handler; put the test runner's back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def test_damaged_database_gets_a_message_not_a_traceback(qapp, tmp_path, monkeypatch):
    path = tmp_path / "antq.db"
    path.write_bytes(b"\x00garbage" * 512)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_gui(f"sqlite:///{path}") == 1
    assert shown and "bị hỏng hoặc không phải cơ sở dữ liệu" in shown[0]
    assert path.read_bytes().startswith(b"\x00garbage")  # left as it was


def test_first_start_cancelled_quits_cleanly(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr("antq_desktop.ui.unit_dialog.UnitDialog.exec", lambda self: 0)
    asked = []  # a new file outside the default place is created only once confirmed
    monkeypatch.setattr(app_module, "ask_create", lambda question: asked.append(question) or True)
    assert app_module.run_gui(f"sqlite:///{tmp_path / 'new.db'}") == 0
    assert len(asked) == 1
    assert (tmp_path / "new.db").exists()  # created and migrated, nothing else



def test_the_app_starts_with_its_style_sheet_and_fonts_and_quits_when_told(
        qapp, db, ward, monkeypatch):
    """The main window opens on a set-up database with the package's own style sheet and the
    printing fonts registered; ANTQ_QUIT_AFTER_MS (smoke tests of a build) closes it."""
    from PySide6.QtGui import QFontDatabase

    from antq_desktop.config import resources_dir
    from antq_desktop.reports.fonts import PRINT_FAMILY

    qapp.setStyleSheet("")
    monkeypatch.setenv(app_module.QUIT_AFTER_ENV, "200")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a))
    assert app_module.run_gui(db.url) == 0
    assert not shown
    packaged = (resources_dir() / "style.qss").read_text(encoding="utf-8")
    assert "QTableView" in packaged and qapp.styleSheet() == packaged
    assert resources_dir().parent.name == "antq_desktop"
    assert PRINT_FAMILY in QFontDatabase.families()
    assert not qapp.windowIcon().isNull()  # the shield, from the package's resources
    qapp.setStyleSheet("")


def test_the_running_program_checkpoints_the_wal(qtbot, db, ward, households):
    """The WAL is copied back while the program runs (every few minutes), not only at exit."""
    from tests.conftest import PG_URL, household, member

    if PG_URL:
        pytest.skip("SQLite's WAL")
    from antq_desktop.config import sqlite_path
    from antq_desktop.ui.main_window import CHECKPOINT_MINUTES, MainWindow

    window = MainWindow(db, auto_backup=True)
    qtbot.addWidget(window)
    assert window.checkpoint_timer.isActive()
    assert window.checkpoint_timer.interval() == CHECKPOINT_MINUTES * 60_000
    for i in range(30):
        households.save(household(ward[0], f"HK{i:06d}", [member(id_number=None)]))
    wal = sqlite_path(db.url).with_name(sqlite_path(db.url).name + "-wal")
    assert wal.stat().st_size > 0
    assert window.idle_checkpoint()
    assert wal.stat().st_size == 0
    window.backups.timer.stop()
    window.checkpoint_timer.stop()


def test_a_damaged_database_is_restored_from_its_backup_when_the_user_agrees(
        qapp, db, ward, households, monkeypatch):
    """Issue 12: a file that cannot be opened gets a message naming the newest backup and an
    offer to restore it; agreed, the records come back and the program goes on."""
    from datetime import date
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from antq_desktop.config import sqlite_path
    from antq_desktop.db.engine import open_database
    from antq_desktop.services.backup import backup_now
    from antq_desktop.services.households import HouseholdService
    from tests.conftest import household, member

    hid = households.save(household(ward[0], "HK000001", [member()]), today=date(2026, 6, 15))
    backup_now(db)
    path = Path(sqlite_path(db.url))
    db.dispose()
    path.write_bytes(b"\x00garbage" * 512)
    for tail in ("-wal", "-shm"):
        Path(f"{path}{tail}").unlink(missing_ok=True)
    asked, told = [], []
    monkeypatch.setattr(app_module, "ask_restore",
                        lambda problem, copy: asked.append((problem, copy)) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(f"stopped: {a}"))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)  # the window opened: enough
    monkeypatch.setattr(app_module, "sign_in", lambda db_: True)  # single-user: no accounts
    before = set(QApplication.topLevelWidgets())
    try:
        assert app_module.run_gui(db.url) == 0
    finally:
        for widget in set(QApplication.topLevelWidgets()) - before:
            widget.close()
    (problem, copy), = asked
    assert "bị hỏng" in problem and copy.name in problem
    assert told and told[0].startswith("Đã khôi phục dữ liệu của bản sao lưu")
    again = open_database(db.url)
    try:
        assert HouseholdService(again).get(hid).code == "HK000001"
    finally:
        again.dispose()


def test_a_damaged_database_without_a_backup_only_says_why(qapp, tmp_path, monkeypatch):
    path = tmp_path / "antq.db"
    path.write_bytes(b"\x00garbage" * 512)
    monkeypatch.setattr(app_module, "ask_restore", lambda *a: pytest.fail("nothing to offer"))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_gui(f"sqlite:///{path}") == 1 and shown
