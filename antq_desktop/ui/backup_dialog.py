"""Backups in the GUI: "Sao lưu ngay", the automatic backups (timer, exit) and "Khôi phục…".

The work runs in the worker thread behind a progress dialog; the service (services.backup) owns
the copying, the checks and the files. See docs/BACKUP.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..db.engine import Database, database_error_message
from ..services import backup as svc
from ..services.settings import BackupSettings, save_backup_settings
from ..validation import FieldError
from .widgets.worker import Worker

EXCEL_IS_NOT_A_BACKUP = ("Lưu ý: tệp Excel xuất từ Báo cáo không phải là bản sao lưu — không "
                         "khôi phục được dữ liệu từ tệp Excel. Chỉ các bản sao lưu dưới đây mới "
                         "giữ đủ mọi hồ sơ.")
COLUMNS = ["Thời điểm", "Lý do", "Hộ", "Nhân khẩu", "Người được QL, GD", "Vụ hòa giải",
           "Dung lượng", "Tệp"]


def error_text(exc: BaseException, db: Database) -> str:
    if isinstance(exc, svc.BackupError):
        return str(exc)
    return database_error_message(exc, db.url) or (
        f"Không sao lưu được. Chi tiết kỹ thuật: {type(exc).__name__}.")


def busy_dialog(parent: QWidget, text: str) -> QProgressDialog:
    """A progress dialog with no percentage (one SQLite backup step cannot report one)."""
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setWindowTitle("Sao lưu dữ liệu")
    progress.setCancelButton(None)  # a copy stopped halfway is worth nothing
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    return progress


class BackupController(QObject):
    """One backup at a time for the main window: on demand, every 30 minutes while the data
    changed, and on exit. ``finished`` carries the Backup, ``failed`` the Vietnamese message."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None,
                 interval_ms: int = svc.AUTO_INTERVAL_MS):
        super().__init__(parent)
        self.db = db
        try:
            self.path: Path | None = svc.database_file(db)
        except svc.BackupError:
            self.path = None  # PostgreSQL: the server's job
        self.timer = QTimer(self, objectName="backupTimer", interval=interval_ms)
        self.timer.timeout.connect(self.auto)
        self.busy = False
        self.last: svc.Backup | None = None  # made in this session
        self._backed_up_state: tuple | None = None  # the file's fingerprint when last copied
        self._worker: Worker | None = None
        self._waiting: list[Callable[[], None]] = []

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def start(self) -> None:
        if self.enabled:
            self.timer.start()

    def changed(self) -> bool:
        """The data may have changed since this session's last backup (or there was none)."""
        return self.enabled and (self._backed_up_state is None
                                 or svc.fingerprint(self.path) != self._backed_up_state)

    def auto(self) -> None:
        if self.changed():
            self.run(svc.AUTO)

    def run(self, reason: str) -> bool:
        """Start a backup in the worker; False when one is running already or not SQLite."""
        if self.busy or not self.enabled:
            return False
        self.busy = True
        state = svc.fingerprint(self.path)  # taken before: a save during the copy counts as new
        worker = Worker(lambda _report: svc.backup_now(self.db, reason))
        worker.signals.finished.connect(lambda b: self._finished(b, state))
        worker.signals.failed.connect(self._failed)
        self._worker = worker  # keep the signals alive until it reports
        worker.start()
        return True

    def when_idle(self, fn: Callable[[], None]) -> None:
        if not self.busy:
            fn()
        else:
            self._waiting.append(fn)

    def _idle(self) -> None:
        self.busy = False
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn()

    def _finished(self, made: svc.Backup, state: tuple) -> None:
        self.last = made
        self._backed_up_state = state
        self.finished.emit(made)
        self._idle()

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(error_text(exc, self.db))
        self._idle()


class RestoreDialog(QDialog):
    """The list of good backups (date, reason, counts, size, file); restore the chosen one.

    ``result`` holds the RestoreResult after a restore; the caller then reopens the data."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Khôi phục dữ liệu từ bản sao lưu")
        self.db = db
        self.result: svc.RestoreResult | None = None
        self.path = svc.database_file(db)
        self.settings = svc.settings_of(db)
        self.folder = svc.folder_for(self.path, self.settings)
        self.backups: list[svc.Backup] = []

        note = QLabel(EXCEL_IS_NOT_A_BACKUP, objectName="restoreExcelNote", wordWrap=True)
        self.folder_label = QLabel(objectName="restoreFolder", wordWrap=True)
        change = QPushButton("Đổi thư mục sao lưu…", objectName="backupFolderChange")
        change.clicked.connect(self.change_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(change)
        self.table = QTableWidget(0, len(COLUMNS), objectName="restoreTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.empty = QLabel("Chưa có bản sao lưu nào trong thư mục này.",
                            objectName="restoreEmpty")
        self.error = QLabel(objectName="restoreError", wordWrap=True)
        self.error.setStyleSheet("color: #b00020")
        self.run_button = QPushButton("&Khôi phục bản đã chọn", objectName="restoreRun")
        self.run_button.clicked.connect(self.restore_selected)
        browse = QPushButton("Chọn &tệp khác…", objectName="restoreBrowse")
        browse.clicked.connect(self.restore_other)
        close = QPushButton("Đóng", objectName="restoreClose")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(browse)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(folder_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(900, 420)
        self.reload()

    def reload(self) -> None:
        self.folder_label.setText(f"Thư mục sao lưu: {self.folder}")
        self.backups = svc.list_backups(self.folder, self.path.stem)
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            cells = [svc.format_time(b.created), svc.reason_label(b.reason),
                     *(f"{b.count(t):,}".replace(",", ".") for t in svc.SHOWN_COUNTS),
                     svc.format_size(b.size), b.path.name]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= col <= 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(str(b.path))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not self.backups)
        if self.backups:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.run_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def selected(self) -> svc.Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    # -- seams for tests ------------------------------------------------------------------------
    def choose_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Chọn thư mục sao lưu (nên ở ổ đĩa khác "
                                                "hoặc USB)", str(self.folder))

    def choose_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp sao lưu", str(self.folder),
                                              "Bản sao lưu ANTQ Desktop (*.db);;Mọi tệp (*)")
        return path

    # -- actions --------------------------------------------------------------------------------
    def change_folder(self) -> None:
        chosen = self.choose_folder()
        if not chosen:
            return
        self.settings = BackupSettings(folder=chosen, size_cap_mb=self.settings.size_cap_mb)
        try:
            save_backup_settings(self.db, self.settings)
        except FieldError as err:  # saved at the same moment elsewhere
            self.error.setText(str(err))
            return
        except Exception as exc:
            message = database_error_message(exc, self.db.url)
            if message is None:
                raise
            self.error.setText(message)
            return
        self.folder = svc.folder_for(self.path, self.settings)
        self.reload()

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore(chosen.path, f"bản sao lưu lúc {svc.format_time(chosen.created)} "
                                      f"({chosen.describe_counts()})")

    def restore_other(self) -> None:
        chosen = self.choose_file()
        if chosen:
            self.restore(Path(chosen), f"tệp {Path(chosen).name}")

    def restore(self, file: Path, what: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Khôi phục dữ liệu",
                          f"Thay toàn bộ dữ liệu hiện tại bằng {what}?\n\nDữ liệu hiện tại sẽ "
                          "được sao lưu trước để có thể lấy lại.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("restoreConfirm")
        box.button(QMessageBox.StandardButton.Yes).setText("Khôi phục")
        box.button(QMessageBox.StandardButton.No).setText("Không")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self.error.setText("")
        progress = busy_dialog(self, "Đang sao lưu dữ liệu hiện tại rồi khôi phục…")
        db, path, folder = self.db, self.path, self.folder

        def work(_report):
            db.dispose()  # every connection closed before the file is replaced
            return svc.restore(path, file, folder=folder)

        worker = Worker(work)
        worker.signals.finished.connect(lambda result: self._done(progress, result))
        worker.signals.failed.connect(lambda exc: self._failed(progress, exc))
        self.setEnabled(False)
        self._worker = worker
        worker.start()

    def _failed(self, progress: QProgressDialog, exc: BaseException) -> None:
        progress.close()
        self.setEnabled(True)
        self.error.setText(error_text(exc, self.db))
        self.reload()

    def _done(self, progress: QProgressDialog, result: svc.RestoreResult) -> None:
        progress.close()
        self.setEnabled(True)
        self.result = result
        box = QMessageBox(QMessageBox.Icon.Information, "Đã khôi phục dữ liệu",
                          result.describe() + "\n\nChương trình sẽ mở lại với dữ liệu đã "
                          "khôi phục.", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restoreDone")
        box.exec()
        self.accept()


def show_backup_result(parent: QWidget, made: svc.Backup) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "Đã sao lưu",
                      f"Đã sao lưu và kiểm tra bản sao ({made.describe_counts()}; "
                      f"{svc.format_size(made.size)}).\n\nTệp: {made.path}",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("backupDone")
    box.exec()


def show_backup_failure(parent: QWidget, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Sao lưu không thành công", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("backupFailed")
    box.exec()


def status_text(db: Database, now: datetime | None = None) -> tuple[str, bool]:
    """The status bar's backup line and whether it is a warning ("" for PostgreSQL)."""
    try:
        path = svc.database_file(db)
    except svc.BackupError:
        return "", False
    folder = svc.folder_for(path, svc.settings_of(db))
    last = svc.last_good(folder, path.stem)
    from ..access import Permission, user_of

    warning = svc.backup_warning(last, now or datetime.now(),
                                 user_of(db).can(Permission.BACKUP))
    if warning is not None:
        return warning, True
    return f"Sao lưu gần nhất: {svc.format_time(last.created)}", False
