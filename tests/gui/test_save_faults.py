"""Faults around a save or an export in the GUI: a database locked by another program, a full
disk, a read-only output file, a mistyped --db or an empty file at start."""

import errno
import sqlite3
import sys
import time
from datetime import date

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import event

from antq_desktop.config import sqlite_path
from antq_desktop.db.engine import GUI_BUSY_TIMEOUT_MS, set_busy_timeout
from antq_desktop.services.activities import ActivityService, Kind
from antq_desktop.services.unit import UnitService
from antq_desktop.ui import app as app_module
from antq_desktop.ui.activities.dialogs import TipDialog
from antq_desktop.ui.reports.dialog import ReportsDialog
from tests.conftest import PG_URL

TODAY = date(2026, 6, 15)
pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's locks and files")


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@pytest.fixture(autouse=True)
def keep_excepthook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def _tip_dialog(qtbot, db):
    dialog = TipDialog(ActivityService(db), UnitService(db).areas())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.received.set_date(TODAY)
    dialog.content.setPlainText("Nghi vấn mua bán ma túy ở chợ Đồng Xuân")
    return dialog


def _ok(qtbot, dialog):
    qtbot.mouseClick(dialog.findChild(QPushButton, "dialogOk"), Qt.MouseButton.LeftButton)


def test_a_save_while_another_program_writes_says_so_at_once(qtbot, db, ward):
    set_busy_timeout(db, GUI_BUSY_TIMEOUT_MS)  # as run_gui does
    dialog = _tip_dialog(qtbot, db)
    holder = sqlite3.connect(sqlite_path(db.url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        _ok(qtbot, dialog)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited < 2.0  # not the 5 s freeze
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.error.text().startswith(
        "Cơ sở dữ liệu đang bận (một chương trình khác đang ghi) — thử lại sau giây lát.")
    assert "vẫn còn trong cửa sổ" in dialog.error.text()
    assert dialog.content.toPlainText() == "Nghi vấn mua bán ma túy ở chợ Đồng Xuân"
    assert ActivityService(db).rows(Kind.TIP) == []  # nothing half-saved
    _ok(qtbot, dialog)  # the other program is done: the same typed data saves
    assert not dialog.isVisible() and len(ActivityService(db).rows(Kind.TIP)) == 1


def test_the_gui_connection_waits_briefly(db):
    set_busy_timeout(db, GUI_BUSY_TIMEOUT_MS)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == GUI_BUSY_TIMEOUT_MS
    assert GUI_BUSY_TIMEOUT_MS <= 1000


def test_run_gui_gives_its_database_the_short_wait(qapp, db, ward, monkeypatch):
    seen = []
    original = app_module.open_main_window

    def spy(database, **kw):
        seen.append(database.engine.antq_busy_timeout_ms)
        return original(database, **kw)

    monkeypatch.setattr(app_module, "open_main_window", spy)
    monkeypatch.setenv(app_module.QUIT_AFTER_ENV, "200")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a))
    assert app_module.run_gui(db.url) == 0
    assert not shown
    assert seen == [GUI_BUSY_TIMEOUT_MS]


def _fail_writes(db, error):
    def do_execute(cursor, statement, parameters, context):
        if statement.lstrip().upper().startswith("INSERT"):
            raise error
    event.listen(db.engine, "do_execute", do_execute)
    return do_execute


def test_a_full_disk_during_a_save_says_so_and_where(qtbot, db, ward):
    dialog = _tip_dialog(qtbot, db)
    hook = _fail_writes(db, sqlite3.OperationalError("database or disk is full"))
    try:
        _ok(qtbot, dialog)
    finally:
        event.remove(db.engine, "do_execute", hook)
    text = dialog.error.text()
    assert dialog.isVisible()
    assert text.startswith(f"Ổ đĩa đã đầy: không ghi được cơ sở dữ liệu vào thư mục "
                           f"{sqlite_path(db.url).parent}.")
    assert "OperationalError" not in text and "Không mở được" not in text
    assert ActivityService(db).rows(Kind.TIP) == []


def test_the_error_handler_names_a_full_disk(qapp, db, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    app_module.install_error_handler(db.url)
    sys.excepthook(OSError, OSError(errno.ENOSPC, "No space left on device"), None)
    assert shown and shown[0].startswith("Ổ đĩa đã đầy") and "No space" not in shown[0]


# -- the Báo cáo dialog: a full disk, a read-only file ------------------------------------------
def _export(qtbot, db, target, monkeypatch):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_path", lambda suggested: str(target))
    exported = []
    monkeypatch.setattr(dialog, "finished_export", exported.append)
    dialog.form.setCurrentIndex(dialog.form.findData("rehab-list"))
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "" or bool(exported), timeout=10_000)
    return dialog, exported


def test_export_to_a_full_disk_says_so_and_where(qtbot, db, ward, tmp_path, monkeypatch):
    def full(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    dialog, exported = _export(qtbot, db, folder / "ds.xlsx", monkeypatch)
    assert not exported
    assert dialog.error.text().startswith(
        f"Ổ đĩa đã đầy: không ghi được tệp ds.xlsx vào thư mục {folder}.")
    assert "No space" not in dialog.error.text()
    assert list(folder.iterdir()) == []  # the partial temporary file is gone


def test_a_read_only_file_is_not_replaced(qtbot, db, ward, tmp_path, monkeypatch):
    target = tmp_path / "ds.xlsx"
    target.write_bytes(b"the officer's own copy")
    target.chmod(0o444)
    dialog, exported = _export(qtbot, db, target, monkeypatch)
    assert not exported
    assert "chỉ cho phép đọc" in dialog.error.text() and "không ghi đè" in dialog.error.text()
    assert target.read_bytes() == b"the officer's own copy"


# -- start-up: a mistyped --db, an empty file ---------------------------------------------------
def test_a_new_database_elsewhere_is_asked_for_and_not_created_on_no(qapp, tmp_path,
                                                                      monkeypatch):
    asked = []
    monkeypatch.setattr(app_module, "ask_create", lambda q: asked.append(q) or False)
    wrong = tmp_path / "go-nham" / "antq.db"
    assert app_module.run_gui(f"sqlite:///{wrong}") == 0
    assert asked == [f"Chưa có cơ sở dữ liệu tại {wrong}.\n\nTạo cơ sở dữ liệu mới, chưa có "
                     "dữ liệu, ở đó? Nếu đường dẫn bị gõ nhầm, hãy chọn Hủy."]
    assert not wrong.parent.exists()


def test_an_empty_file_is_asked_about_like_a_new_one(qapp, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(app_module, "ask_create", lambda q: asked.append(q) or False)
    empty = tmp_path / "antq.db"
    empty.touch()
    assert app_module.run_gui(f"sqlite:///{empty}") == 0
    assert len(asked) == 1 and "trống (0 byte), chưa phải là cơ sở dữ liệu" in asked[0]
    assert empty.stat().st_size == 0  # left as it was


def test_the_default_place_is_created_without_asking(qapp, tmp_path, monkeypatch):
    default = tmp_path / "data" / "antq.db"
    monkeypatch.setattr(app_module, "default_db_path", lambda: default)
    monkeypatch.setattr(app_module, "ask_create", lambda q: pytest.fail("asked"))
    monkeypatch.setattr("antq_desktop.ui.unit_dialog.UnitDialog.exec", lambda self: 0)
    assert app_module.run_gui(f"sqlite:///{default}") == 0
    assert default.is_file()


def test_yes_creates_it(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "ask_create", lambda q: True)
    monkeypatch.setattr("antq_desktop.ui.unit_dialog.UnitDialog.exec", lambda self: 0)
    new = tmp_path / "moi" / "antq.db"
    assert app_module.run_gui(f"sqlite:///{new}") == 0
    assert new.is_file() and new.stat().st_size > 0
