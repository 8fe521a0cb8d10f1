"""The import dialog (docs/IMPORT.md): choose the kind and the file; match the file's columns
(each one mapped or skipped; the mapping can be saved); check it (a dry run, with the error
workbook to open); import with progress and Cancel; the result, with a link to the records and
"Hoàn tác lần nhập này"."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db.engine import Database, database_error_message
from ...importing.columns import KINDS, Kind
from ...importing.reader import ReadError, Table, read_table
from ...importing.service import (
    MODES,
    ImportCancelled,
    MappingError,
    Options,
    Report,
    check_mapping,
    default_mapping,
    run_import,
    undo,
)
from ...importing.values import cell_text, fold_header
from ...importing.workbooks import write_errors
from ...services.backup import BackupError
from ...services.settings import SettingsService
from ...services.unit import UnitService
from ...text import file_slug
from ..widgets import messages
from ..widgets.dialogs import error_label
from ..widgets.worker import Worker

PREVIEW_ROWS = 8
SKIP = "— bỏ qua cột này —"
MAPPING_KEY = "import.mapping.{kind}"  # a Setting: folded header → column key, as JSON
FILTER = "Bảng tính (*.xlsx *.xls *.csv)"
STEPS = ("1. Chọn tệp", "2. Ghép cột", "3. Kiểm tra", "4. Nhập")


class ImportDialog(QDialog):
    """``showRecords(area_id)``: the user asked to see what was imported (0: every area)."""

    showRecords = Signal(int)  # households: the area imported into (0: every area)
    showKind = Signal(str)  # any other kind: its id, to open its tab
    imported = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Nhập từ Excel")
        self.db = db
        self.settings = SettingsService(db)
        self.table: Table | None = None
        self.report: Report | None = None
        self.worker: Worker | None = None
        self._cancel = False
        self.resize(1000, 640)

        self.step_label = QLabel(objectName="importStep")
        self.step_label.setStyleSheet("font-weight: bold;")
        self.stack = QStackedWidget(objectName="importPages")
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._check_page())
        self.stack.addWidget(self._result_page())
        self.error = error_label("importError")

        self.back = QPushButton("< Quay lại", objectName="importBack")
        self.next = QPushButton("Tiếp >", objectName="importNext")
        self.close_button = QPushButton("Đóng", objectName="importClose")
        self.back.clicked.connect(self.go_back)
        self.next.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.back, self.next, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._show(0)

    # -- pages ------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kind = QComboBox(objectName="importKind")
        for kind in KINDS.values():
            self.kind.addItem(kind.label, kind.id)
        self.path = QLineEdit(objectName="importPath", placeholderText="tệp .xlsx, .xls hoặc .csv")
        choose = QPushButton("Chọn tệp…", objectName="importChoose")
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.mode = QComboBox(objectName="importMode")
        for code, label in MODES.items():
            self.mode.addItem(label[:1].upper() + label[1:], code)
        self.area = QComboBox(objectName="importArea")
        self.area.addItem("(theo cột Khu dân cư trong tệp)", None)
        for a in UnitService(self.db).areas():
            self.area.addItem(a.name, a.name)
        self.create_areas = QCheckBox("Tự tạo khu dân cư chưa có trong chương trình",
                                      objectName="importCreateAreas")
        self.partial = QCheckBox("Vẫn nhập các dòng không lỗi khi có dòng lỗi",
                                 objectName="importPartial")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow("Loại dữ liệu:", self.kind)
        form.addRow("Tệp:", row)
        form.addRow("Bản ghi đã có:", self.mode)
        form.addRow("Khu dân cư mặc định:", self.area)
        form.addRow("", self.create_areas)
        form.addRow("", self.partial)
        hint = QLabel("Chưa có tệp? Tạo tệp mẫu của loại dữ liệu đã chọn bằng nút dưới đây "
                      "(hoặc lệnh “antq-desktop template households -o mau.xlsx”).",
                      wordWrap=True)
        template = QPushButton("Tạo tệp mẫu…", objectName="importTemplate")
        template.clicked.connect(self.save_template)
        form.addRow(hint)
        form.addRow("", template)
        return page

    def _kind_changed(self) -> None:
        """The area options only for the kinds whose records belong to an area."""
        uses = self.kind_def.uses_areas
        self.area.setEnabled(uses)
        self.create_areas.setEnabled(uses)
        if not uses:
            self.area.setCurrentIndex(0)
            self.create_areas.setChecked(False)

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.sheet_label = QLabel(objectName="importSheet", wordWrap=True)
        self.mapping = QTableWidget(0, 3, objectName="importMapping")
        self.mapping.setHorizontalHeaderLabels(["Cột trong tệp", "Ghép vào", "Ví dụ"])
        self.mapping.verticalHeader().setVisible(False)
        header = self.mapping.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 230)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        save = QPushButton("Lưu cách ghép cột", objectName="importSaveMapping")
        save.clicked.connect(self.save_mapping)
        self.preview = QTableWidget(0, 0, objectName="importPreview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        top = QHBoxLayout()
        top.addWidget(self.sheet_label, 1)
        top.addWidget(save)
        layout.addLayout(top)
        layout.addWidget(self.mapping, 3)
        layout.addWidget(QLabel(f"Xem trước {PREVIEW_ROWS} dòng đầu:"))
        layout.addWidget(self.preview, 2)
        return page

    def _progress_widgets(self, name: str):
        bar = QProgressBar(objectName=f"{name}Progress")
        bar.setRange(0, 100)
        cancel = QPushButton("Hủy", objectName=f"{name}Cancel")
        cancel.clicked.connect(self.cancel_work)
        row = QHBoxLayout()
        row.addWidget(bar, 1)
        row.addWidget(cancel)
        return bar, cancel, row

    def _check_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.check_bar, self.check_cancel, row = self._progress_widgets("importCheck")
        self.check_text = QLabel(objectName="importCheckText", wordWrap=True)
        self.check_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QTableWidget(0, 2, objectName="importProblems")
        self.problems.setHorizontalHeaderLabels(["Dòng", "Lỗi"])
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.setWordWrap(True)
        self.open_errors = QPushButton("Mở tệp các dòng lỗi (Excel)", objectName="importOpenErrors")
        self.open_errors.clicked.connect(self.open_error_workbook)
        self.save_errors = QPushButton("Lưu tệp các dòng lỗi…", objectName="importSaveErrors")
        self.save_errors.clicked.connect(self.save_error_workbook)
        actions = QHBoxLayout()
        actions.addWidget(self.open_errors)
        actions.addWidget(self.save_errors)
        actions.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.check_text)
        layout.addWidget(self.problems, 1)
        layout.addLayout(actions)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.import_bar, self.import_cancel, row = self._progress_widgets("importRun")
        self.result_text = QLabel(objectName="importResult", wordWrap=True)
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_records = QPushButton("Xem các bản ghi đã nhập",
                                        objectName="importShowRecords")
        self.show_records.clicked.connect(self._show_records)
        self.undo_button = QPushButton("Hoàn tác lần nhập này", objectName="importUndo")
        self.undo_button.clicked.connect(self.undo_batch)
        actions = QHBoxLayout()
        actions.addWidget(self.show_records)
        actions.addWidget(self.undo_button)
        actions.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.result_text)
        layout.addLayout(actions)
        layout.addStretch(1)
        return page

    # -- navigation -------------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.step_label.setText("   ".join(
            f"<u>{s}</u>" if i == index else s for i, s in enumerate(STEPS)))
        self.back.setEnabled(0 < index < 3)
        self.next.setVisible(index < 3)
        self.next.setEnabled(index < 2)
        self.next.setText({0: "Tiếp >", 1: "Kiểm tra >", 2: "Nhập"}.get(index, "Tiếp >"))
        self.error.setText("")

    def go_back(self) -> None:
        self._show(max(0, self.stack.currentIndex() - 1))

    def go_next(self) -> None:
        index = self.stack.currentIndex()
        if index == 0:
            self.load_file()
        elif index == 1:
            self.start_check()
        elif index == 2:
            self.start_import()

    @property
    def kind_def(self) -> Kind:
        return KINDS[self.kind.currentData()]

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp cần nhập", "", FILTER)
        if path:
            self.path.setText(path)

    def save_template(self) -> None:
        from ...importing.workbooks import write_template

        path, _ = QFileDialog.getSaveFileName(self, "Lưu tệp mẫu", "mau-nhap.xlsx",
                                              "Bảng tính Excel (*.xlsx)")
        if path:
            try:
                write_template(self.kind_def, Path(path))
            except OSError as exc:
                messages.error(self, f"Không ghi được tệp: {exc.strerror or exc}.")
                return
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # -- step 2: mapping --------------------------------------------------------------------
    def load_file(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.error.setText("Tệp: chưa chọn.")
            return
        try:
            self.table = read_table(Path(text), self.kind_def)
        except ReadError as exc:
            self.error.setText(str(exc))
            return
        self._fill_mapping()
        self._show(1)

    def _saved_mapping(self) -> dict[str, str]:
        try:
            return json.loads(self.settings.get_text(MAPPING_KEY.format(kind=self.kind_def.id))
                              or "{}")
        except ValueError:
            return {}

    def _fill_mapping(self) -> None:
        table, kind = self.table, self.kind_def
        found = default_mapping(kind, table)
        saved = self._saved_mapping()
        keys = {c.key for c in kind.columns}
        for i, header in enumerate(table.headers):
            chosen = saved.get(fold_header(header))
            if chosen in keys and chosen not in found.values():
                found[i] = chosen
        self.sheet_label.setText(
            f"Trang tính “{table.sheet}”, tiêu đề ở dòng "
            f"{', '.join(map(str, table.header_rows))}, {len(table.rows)} dòng dữ liệu. "
            f"Đã nhận ra {len(found)} cột; chọn “Ghép vào” cho cột còn lại hoặc bỏ qua.")
        self.mapping.setRowCount(len(table.headers))
        samples = table.rows[:3]
        for i, header in enumerate(table.headers):
            self.mapping.setItem(i, 0, QTableWidgetItem(header or f"(cột {i + 1} không tên)"))
            combo = QComboBox(objectName=f"importMap{i}")
            combo.addItem(SKIP, None)
            for c in kind.columns:
                combo.addItem(c.label, c.key)
            combo.setCurrentIndex(max(0, combo.findData(found.get(i))))
            self.mapping.setCellWidget(i, 1, combo)
            example = "; ".join(cell_text(cells[i]) for _, cells in samples
                                if i < len(cells) and cell_text(cells[i]))
            self.mapping.setItem(i, 2, QTableWidgetItem(example))
        self.preview.clear()
        self.preview.setColumnCount(len(table.headers))
        self.preview.setHorizontalHeaderLabels(table.headers)
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in rows])
        for r, (_, cells) in enumerate(rows):
            for c, raw in enumerate(cells):
                self.preview.setItem(r, c, QTableWidgetItem(cell_text(raw)))

    def chosen_mapping(self) -> dict[int, str]:
        out = {}
        for i in range(self.mapping.rowCount()):
            key = self.mapping.cellWidget(i, 1).currentData()
            if key is not None:
                out[i] = key
        return out

    def save_mapping(self) -> None:
        mapping = {fold_header(self.table.headers[i]): key
                   for i, key in self.chosen_mapping().items() if self.table.headers[i]}
        self.settings.set_text(MAPPING_KEY.format(kind=self.kind_def.id),
                               json.dumps(mapping, ensure_ascii=False))
        self.error.setText("")
        self.sheet_label.setText(self.sheet_label.text().split(" Đã lưu")[0]
                                 + " Đã lưu cách ghép cột.")

    # -- steps 3 and 4: work in the background -----------------------------------------------
    def options(self, dry_run: bool) -> Options:
        return Options(mode=self.mode.currentData(), dry_run=dry_run,
                       partial=self.partial.isChecked(), area=self.area.currentData(),
                       create_areas=self.create_areas.isChecked(),
                       mapping=self.chosen_mapping())

    def _run(self, dry_run: bool, bar: QProgressBar, cancel: QPushButton, done) -> None:
        mapping = self.chosen_mapping()
        try:
            check_mapping(self.kind_def, mapping)
        except MappingError as exc:
            self.error.setText(str(exc))
            return
        options, kind, table = self.options(dry_run), self.kind_def, self.table
        self._cancel = False

        def work(report):
            def progress(n, total, text):
                report(100 * n / max(1, total), text)
                return not self._cancel
            return run_import(self.db, kind, table, options, progress)

        self.worker = Worker(work)
        self.worker.signals.progress.connect(lambda p, text: (bar.setValue(p),
                                                              bar.setFormat(f"{text} %p%")))
        self.worker.signals.finished.connect(done)
        self.worker.signals.failed.connect(self._failed)
        bar.setValue(0)
        cancel.setEnabled(True)
        self.next.setEnabled(False)
        self.back.setEnabled(False)
        self.worker.start()

    def cancel_work(self) -> None:
        self._cancel = True

    def _failed(self, exc) -> None:
        self.next.setEnabled(True)
        self.back.setEnabled(self.stack.currentIndex() in (1, 2))
        self.check_cancel.setEnabled(False)
        self.import_cancel.setEnabled(False)
        self.worker = None
        if isinstance(exc, ImportCancelled):
            text = "Đã hủy; cơ sở dữ liệu không thay đổi."
        elif isinstance(exc, (MappingError, BackupError)):
            text = str(exc)
        else:
            text = database_error_message(exc, self.db.url) or (
                f"Không nhập được ({type(exc).__name__}); cơ sở dữ liệu không thay đổi.")
        self.error.setText(text)

    def start_check(self) -> None:
        self._show(2)
        self.check_text.setText("Đang kiểm tra…")
        self.problems.setRowCount(0)
        self.open_errors.setEnabled(False)
        self.save_errors.setEnabled(False)
        self._run(True, self.check_bar, self.check_cancel, self._checked)

    def _checked(self, report: Report) -> None:
        self.worker = None
        self.report = report
        self.check_cancel.setEnabled(False)
        self.check_bar.setValue(100)
        self.back.setEnabled(True)
        self.next.setEnabled(report.ok or self.partial.isChecked())
        lines = report.lines()
        if not report.ok and not self.partial.isChecked():
            lines.append("Sửa các dòng lỗi rồi kiểm tra lại, hoặc quay lại chọn “Vẫn nhập các "
                         "dòng không lỗi”.")
        self.check_text.setText("\n".join(lines))
        problems = report.problem_rows()
        self.problems.setRowCount(len(problems))
        for r, (number, message) in enumerate(problems.items()):
            self.problems.setItem(r, 0, QTableWidgetItem(str(number)))
            self.problems.setItem(r, 1, QTableWidgetItem(message))
        self.problems.resizeRowsToContents()  # at most the rows with errors
        self.open_errors.setEnabled(bool(problems))
        self.save_errors.setEnabled(bool(problems))

    def error_workbook(self, path: Path) -> Path:
        return write_errors(self.table, self.report, path)

    def open_error_workbook(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="antq-loi-nhap-"))
        path = self.error_workbook(folder / f"loi-{file_slug(Path(self.table.file_name).stem)}.xlsx")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save_error_workbook(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Lưu tệp các dòng lỗi", f"loi-{file_slug(Path(self.table.file_name).stem)}.xlsx",
            "Bảng tính Excel (*.xlsx)")
        if path:
            try:
                self.error_workbook(Path(path))
            except OSError as exc:
                messages.error(self, f"Không ghi được tệp: {exc.strerror or exc}.")

    def start_import(self) -> None:
        self._show(3)
        self.result_text.setText("Đang sao lưu rồi nhập…")
        self.show_records.setEnabled(False)
        self.undo_button.setEnabled(False)
        self._run(False, self.import_bar, self.import_cancel, self._imported)

    def _imported(self, report: Report) -> None:
        self.worker = None
        self.report = report
        self.import_cancel.setEnabled(False)
        self.import_bar.setValue(100)
        lines = report.lines()
        if report.written:
            lines.append(f"Lần nhập số {report.batch_id}. Bản sao lưu trước khi nhập: "
                         f"{Path(report.backup_path).name}." if report.backup_path else
                         f"Lần nhập số {report.batch_id}.")
            self.imported.emit()
        self.result_text.setText("\n".join(lines))
        self.show_records.setEnabled(report.written)
        self.undo_button.setEnabled(report.written)

    def _show_records(self) -> None:
        if self.report is not None and self.report.kind != "households":
            self.showKind.emit(self.report.kind)
            self.accept()
            return
        areas = self.report.area_ids if self.report else []
        self.showRecords.emit(areas[0] if len(areas) == 1 else 0)
        self.accept()

    def undo_batch(self) -> None:
        if self.report is None or self.report.batch_id is None:
            return
        if not messages.confirm(self, "Hoàn tác lần nhập này? Các bản ghi do lần nhập "
                                      "tạo ra, chưa bị sửa, sẽ bị xóa."):
            return
        try:
            lines = undo(self.db, self.report.batch_id)
        except (MappingError, BackupError) as exc:
            self.error.setText(str(exc))
            return
        self.undo_button.setEnabled(False)
        self.show_records.setEnabled(False)
        self.result_text.setText(self.result_text.text() + "\n\nĐã hoàn tác:\n" + "\n".join(lines))
        self.imported.emit()

    def reject(self) -> None:
        if self.worker is not None:
            self._cancel = True  # the worker stops at its next row; nothing is written
            return
        super().reject()
