"""The "Báo cáo" dialog: choose a form, its year (quarter, area), export it as .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...db.engine import Database, database_error_message
from ...reports import registry
from ...reports.export import export_xlsx
from ...reports.registry import Params, ReportError
from ...services.unit import UnitService
from ..widgets.dialogs import button_row, error_label
from ..widgets.worker import Worker

ROMAN = ("I", "II", "III", "IV")


def default_file_name(form: registry.Form, params: Params) -> str:
    parts = [form.id, str(params.year)]
    if params.quarter:
        parts.append(f"quy{params.quarter}")
    return "-".join(parts) + ".xlsx"


class ReportsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportsDialog")
        self.setWindowTitle("Báo cáo, biểu mẫu")
        self.db = db
        self.forms = registry.all_forms()
        self.form = QComboBox(objectName="reportsForm")
        for f in self.forms:
            self.form.addItem(f.title, f.id)
        self.year = QSpinBox(objectName="reportsYear", minimum=registry.MIN_YEAR,
                             maximum=date.today().year + 1)
        self.year.setValue(date.today().year)
        self.quarter = QComboBox(objectName="reportsQuarter")
        self.quarter.addItem("Cả năm", None)
        for q in range(1, 5):
            self.quarter.addItem(f"Quý {ROMAN[q - 1]}", q)
        self.area = QComboBox(objectName="reportsArea")
        self.area.addItem("Toàn phường", None)
        for a in UnitService(db).areas(include_retired=True):
            self.area.addItem(a.name, a.id)
        self.error = error_label("reportsError")
        self.buttons = button_row("&Xuất Excel…", self.export, self.reject, "reportsExport",
                                  "Đóng")
        form = QFormLayout()
        form.addRow("Biểu mẫu:", self.form)
        form.addRow("Năm:", self.year)
        form.addRow("Kỳ:", self.quarter)
        form.addRow("Khu dân cư:", self.area)
        layout = QVBoxLayout(self)
        if not self.forms:
            layout.addWidget(QLabel("Chưa có biểu mẫu nào."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.form.currentIndexChanged.connect(self._form_changed)
        self._form_changed()
        self.resize(620, 220)
        self.last_path: Path | None = None

    def current_form(self) -> registry.Form:
        return registry.get(self.form.currentData())

    def params(self) -> Params:
        form = self.current_form()
        return Params(self.year.value(),
                      self.quarter.currentData() if form.takes_quarter else None,
                      self.area.currentData() if form.takes_area else None)

    def _form_changed(self, *_args) -> None:
        if not self.forms:
            return
        form = self.current_form()
        self.quarter.setEnabled(form.takes_quarter)
        self.area.setEnabled(form.takes_area)

    def choose_path(self, suggested: str) -> str:
        """Ask where to save (a seam for tests)."""
        folder = QSettings().value("reports/folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "Lưu biểu mẫu", str(Path(folder) / suggested),
                                              "Bảng tính Excel (*.xlsx)")
        return path

    def export(self) -> None:
        form = self.current_form()
        params = self.params()
        try:
            form.check(params)
        except ReportError as err:
            self.error.setText(str(err))
            return
        path = self.choose_path(default_file_name(form, params))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        QSettings().setValue("reports/folder", str(Path(path).parent))
        self.error.setText("")
        progress = QProgressDialog("Đang lập biểu mẫu…", "", 0, 100, self)
        progress.setWindowTitle(form.title[:60])
        progress.setCancelButton(None)  # one openpyxl save cannot be stopped halfway
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        worker = Worker(lambda report: export_xlsx(self.db, form.id, params, path, report))
        worker.signals.progress.connect(lambda p, text: (progress.setValue(p),
                                                         progress.setLabelText(text)))
        worker.signals.finished.connect(lambda result: self._done(progress, Path(result)))
        worker.signals.failed.connect(lambda exc: self._failed(progress, exc))
        self.buttons.setEnabled(False)
        self._worker = worker  # keep the signals alive until it reports
        worker.start()

    def _failed(self, progress: QProgressDialog, exc: Exception) -> None:
        progress.close()
        self.buttons.setEnabled(True)
        if isinstance(exc, ReportError):
            text = str(exc)
        else:
            text = database_error_message(exc, self.db.url) or (
                f"Không lập được biểu mẫu. Chi tiết kỹ thuật: {type(exc).__name__}.")
        self.error.setText(text)

    def _done(self, progress: QProgressDialog, path: Path) -> None:
        progress.close()
        self.buttons.setEnabled(True)
        self.last_path = path
        self.finished_export(path)

    def finished_export(self, path: Path) -> None:
        """Offer to open the file or its folder (a seam for tests)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Đã xuất biểu mẫu",
                          f"Đã lưu {path.name} vào thư mục {path.parent}.", parent=self)
        open_file = box.addButton("Mở tệp", QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton("Mở thư mục", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

