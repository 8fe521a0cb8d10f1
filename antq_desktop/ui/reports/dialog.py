"""The "Báo cáo" dialog: choose a form and its year (quarter, area, category of units); export
it as .xlsx, or for printable forms also as PDF, see the print preview or print it. A Word form
(a text document) is exported as .docx, or as PDF through LibreOffice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...db.engine import Database, database_error_message
from ...enums import CertCategory
from ...reports import registry
from ...reports.export import (
    build_document,
    export_docx,
    export_xlsx,
    finish_pdf,
    prepare_pdf,
    record_output,
)
from ...reports.registry import Params, ReportError
from ...services.unit import UnitService
from ...text import ROMAN, file_slug
from ...validation import FieldError
from ..widgets import printing
from ..widgets.dialogs import button_row, error_label
from ..widgets.worker import Worker

XLSX, PDF, DOCX = ".xlsx", ".pdf", ".docx"
PREVIEW_TIP = "Xem các trang in (khổ A4) trước khi in"
PRINT_TIP = "In ra máy in"
EXCEL_ONLY = "Biểu này chỉ xuất ra Excel; hãy in từ Excel."
FILTERS = {XLSX: "Bảng tính Excel (*.xlsx)", PDF: "Tài liệu PDF (*.pdf)",
           DOCX: "Văn bản Word (*.docx)"}
# The year-end report's forms: a successful export of one offers a Lãnh đạo to sign off the year.
YEAR_END_FORMS = frozenset({"yearend-summary", "yearend-report"})
WORD_TIP = "Văn bản Word: xuất tệp .docx, sửa và in từ Word (hoặc xuất PDF khi máy có LibreOffice)."


# The suggested file name of each form, Vietnamese without diacritics (a form not listed: its
# title, shortened).
FILE_NAMES = {
    "cert-proposed": "de-nghi-cong-nhan-an-toan-antt",
    "cert-recognised": "cong-nhan-an-toan-antt",
    "household-register": "danh-sach-ho-nhan-khau",
    "households-unsigned": "ho-chua-dang-ky-an-toan-antt",
    "mediation-stats": "bao-cao-hoa-giai",
    "mediation-book": "so-theo-doi-hoa-giai",
    "rehab-list": "danh-sach-quan-ly-giao-duc-giup-do",
    "rehab-summary": "bao-cao-quan-ly-giao-duc-giup-do",
    "rehab-reintegration": "phan-loai-tai-hoa-nhap",
    "yearend-summary": "bao-cao-tong-ket",
    "yearend-report": "bao-cao-tong-ket-phong-trao",
    "cert-registration": "dang-ky-an-toan-antt",
    "cert-minutes": "bien-ban-hop-danh-gia-an-toan-antt",
    "cert-proposal": "to-trinh-cong-nhan-an-toan-antt",
    "cert-decision": "quyet-dinh-cong-nhan-an-toan-antt",
    "cert-certificate": "giay-cong-nhan-an-toan-antt",
    "province-yearend": "bao-cao-tong-ket-toan-tinh",
    "province-certification": "tong-hop-cong-nhan-an-toan-antt-cac-phuong-xa",
    "province-overview": "tong-hop-chi-tieu-cac-phuong-xa",
}


def default_file_name(form: registry.Form, params: Params, suffix: str = XLSX) -> str:
    """E.g. "bao-cao-tong-ket-2026.xlsx", "phan-loai-tai-hoa-nhap-2026-quy1.xlsx"."""
    parts = [FILE_NAMES.get(form.id) or file_slug(form.title, 40), str(params.year)]
    if params.quarter:
        parts.append(f"quy{params.quarter}")
    if params.category is not None:
        parts.append(file_slug(params.category.label))
    return "-".join(parts) + suffix


class ReportsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None,
                 form_ids: list[str] | None = None, units: tuple[int, ...] = (),
                 year: int | None = None):
        """``form_ids``: offer only these forms (the certification tab's papers); ``units``:
        the certified units chosen there, for the forms made per unit."""
        super().__init__(parent)
        self.setObjectName("reportsDialog")
        self.setWindowTitle("Báo cáo, biểu mẫu")
        self.db = db
        from ...access import user_of

        # a province account's province forms, a ward account's own forms
        self.forms = registry.forms_for(user_of(db), word=True)
        if form_ids is not None:
            self.forms = [registry.get(f) for f in form_ids]
        self.units = tuple(units)
        self.form = QComboBox(objectName="reportsForm")
        for f in self.forms:
            self.form.addItem(f.title, f.id)
        self.year = QSpinBox(objectName="reportsYear", minimum=registry.MIN_YEAR,
                             maximum=date.today().year + 1)
        self.year.setValue(year or date.today().year)
        self.quarter = QComboBox(objectName="reportsQuarter")
        self.quarter.addItem("Cả năm", None)
        for q in range(1, 5):
            self.quarter.addItem(f"Quý {ROMAN[q - 1]}", q)
        self.area = QComboBox(objectName="reportsArea")
        self.area.addItem("Toàn phường", None)
        for a in UnitService(db).areas(include_retired=True):
            self.area.addItem(a.name, a.id)
        self.category = QComboBox(objectName="reportsCategory")
        self.category.addItem("Tất cả các loại đơn vị", None)
        for c in CertCategory:
            self.category.addItem(c.label, c.value)  # a plain string: Qt keeps no enums
        today = date.today()
        self.on = QDateEdit(QDate(today.year, today.month, today.day), objectName="reportsDate")
        self.on.setDisplayFormat("dd/MM/yyyy")
        self.on.setCalendarPopup(True)
        self.on.setToolTip("Ngày ghi sau địa danh: “…, ngày … tháng … năm …”")
        self.number = QLineEdit(objectName="reportsNumber")
        self.number.setMaxLength(registry.MAX_NUMBER)
        self.number.setPlaceholderText("ví dụ 12/BC-CAP; để trống để ghi tay")
        self.full_ids = QCheckBox("In đầy đủ số định danh cá nhân", objectName="reportsFullIds")
        self.full_ids.setToolTip("Mặc định chỉ in 4 chữ số cuối của số định danh cá nhân")
        self.format = QComboBox(objectName="reportsFormat")
        self.format.addItem("Bảng tính Excel (.xlsx)", XLSX)
        self.format.addItem("Tài liệu PDF (.pdf)", PDF)
        self.format.addItem("Văn bản Word (.docx)", DOCX)
        self.error = error_label("reportsError")
        self.buttons = button_row("&Xuất tệp…", self.export, self.reject, "reportsExport",
                                  "Đóng")
        self.preview_button = QPushButton("Xem &trước", objectName="reportsPreview")
        self.preview_button.clicked.connect(self.preview)
        self.print_button = QPushButton("&In…", objectName="reportsPrint")
        self.print_button.clicked.connect(self.print_)
        print_row = QHBoxLayout()
        print_row.addStretch(1)
        print_row.addWidget(self.preview_button)
        print_row.addWidget(self.print_button)
        form = QFormLayout()
        form.addRow("Biểu mẫu:", self.form)
        form.addRow("Năm:", self.year)
        form.addRow("Kỳ:", self.quarter)
        form.addRow("Khu dân cư:", self.area)
        form.addRow("Loại đơn vị:", self.category)
        form.addRow("Ngày văn bản:", self.on)
        form.addRow("Số văn bản:", self.number)
        form.addRow("", self.full_ids)
        form.addRow("Định dạng tệp:", self.format)
        layout = QVBoxLayout(self)
        if not self.forms:
            layout.addWidget(QLabel("Chưa có biểu mẫu nào."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(print_row)
        layout.addWidget(self.buttons)
        self.form.currentIndexChanged.connect(self._form_changed)
        self._form_changed()
        self.resize(620, 340)
        self.last_path: Path | None = None

    def current_form(self) -> registry.Form:
        return registry.get(self.form.currentData())

    def params(self) -> Params:
        form = self.current_form()
        chosen = self.on.date()
        return Params(self.year.value(),
                      self.quarter.currentData() if form.takes_quarter else None,
                      self.area.currentData() if form.takes_area else None,
                      self._category() if form.takes_category else None,
                      on=date(chosen.year(), chosen.month(), chosen.day()) if form.dated
                      else None,
                      number=(self.number.text().strip() or None) if form.dated else None,
                      full_ids=form.takes_full_ids and self.full_ids.isChecked(),
                      units=self.units if form.takes_unit else ())

    def _category(self) -> CertCategory | None:
        value = self.category.currentData()
        return CertCategory(value) if value else None

    def suffix(self) -> str:
        """The chosen file type, among those the form is exported to (PDF only for a printable
        form or a Word form)."""
        suffixes = self.current_form().suffixes
        chosen = self.format.currentData()
        return chosen if chosen in suffixes else suffixes[0]

    def _form_changed(self, *_args) -> None:
        if not self.forms:
            for widget in (self.format, self.preview_button, self.print_button,
                           self.findChild(QPushButton, "reportsExport")):
                widget.setEnabled(False)
            return
        form = self.current_form()
        self.quarter.setEnabled(form.takes_quarter)
        self.area.setEnabled(form.takes_area)
        self.category.setEnabled(form.takes_category)
        self.full_ids.setEnabled(form.takes_full_ids)
        self.on.setEnabled(form.dated)  # the mediation team's book has no date or number
        self.number.setEnabled(form.dated)
        if not form.takes_full_ids:
            self.full_ids.setChecked(False)
        self.format.setEnabled(len(form.suffixes) > 1)
        if self.format.currentData() not in form.suffixes:
            self.format.setCurrentIndex(self.format.findData(form.suffixes[0]))
        for index in range(self.format.count()):  # offer only the form's own file types
            item = self.format.model().item(index)
            item.setEnabled(self.format.itemData(index) in form.suffixes)
        self.preview_button.setEnabled(form.printable)
        self.print_button.setEnabled(form.printable)
        tips = (PREVIEW_TIP, PRINT_TIP) if form.printable else (EXCEL_ONLY, EXCEL_ONLY)
        self.preview_button.setToolTip(tips[0])
        self.print_button.setToolTip(tips[1])
        self.format.setToolTip("" if form.printable else EXCEL_ONLY)
        if form.is_word:
            for widget in (self.preview_button, self.print_button, self.format):
                widget.setToolTip(WORD_TIP)

    def choose_path(self, suggested: str) -> str:
        """Ask where to save (a seam for tests). ``suggested`` ends with the file type."""
        folder = QSettings().value("reports/folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "Lưu biểu mẫu", str(Path(folder) / suggested),
                                              FILTERS[Path(suggested).suffix])
        return path

    def _checked(self) -> tuple[registry.Form, Params] | None:
        form = self.current_form()
        params = self.params()
        try:
            form.check(params)
        except ReportError as err:
            self.error.setText(str(err))
            return None
        return form, params

    def document(self):
        """The chosen printable form's document, or None with the reason shown."""
        checked = self._checked()
        if checked is None:
            return None
        form, params = checked
        if form.document is None:
            self.error.setText(registry.NOT_PRINTABLE.format(title=form.title))
            return None
        try:
            doc = build_document(self.db, form, params)  # one consistent snapshot
        except (ReportError, FieldError) as err:
            self.error.setText(str(err))
            return None
        except Exception as exc:
            message = database_error_message(exc, self.db.url)
            if message is None:
                raise
            self.error.setText(message)
            return None
        self.error.setText("")
        return doc

    def preview(self) -> None:
        doc = self.document()
        if doc is not None:
            printing.preview_document(self, doc)

    def print_(self) -> None:
        doc = self.document()
        if doc is not None and printing.print_document_dialog(self, doc):
            form, params = self._checked()
            record_output(self.db, "print", form, params)  # the audit trail (issue 15)

    def export(self) -> None:
        checked = self._checked()
        if checked is None:
            return
        form, params = checked
        suffix = self.suffix()
        path = self.choose_path(default_file_name(form, params, suffix))
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        QSettings().setValue("reports/folder", str(Path(path).parent))
        self.error.setText("")
        progress = QProgressDialog("Đang lập biểu mẫu…", "", 0, 100, self)
        progress.setWindowTitle(form.title[:60])
        progress.setCancelButton(None)  # one openpyxl save cannot be stopped halfway
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        # a PDF's pages are laid out in _done, on the GUI thread (reports/export.PendingPdf)
        exporter = {PDF: prepare_pdf, DOCX: export_docx}.get(suffix, export_xlsx)
        worker = Worker(lambda report: exporter(self.db, form.id, params, path, report))
        worker.signals.progress.connect(lambda p, text: (progress.setValue(p),
                                                         progress.setLabelText(text)))
        worker.signals.finished.connect(lambda result: self._done(progress, result))
        worker.signals.failed.connect(lambda exc: self._failed(progress, exc))
        self.buttons.setEnabled(False)
        self._exported = (form, params)  # what the sign-off offer after it is about
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

    def _done(self, progress: QProgressDialog, result) -> None:
        try:
            path = finish_pdf(result)  # a PendingPdf is printed here; a path is written
        except Exception as exc:  # noqa: BLE001 - shown as the dialog's message
            self._failed(progress, exc)
            return
        progress.close()
        self.buttons.setEnabled(True)
        self.last_path = path
        self.finished_export(path)
        form, params = self._exported
        if form.id in YEAR_END_FORMS:
            self.offer_lock(params.year, params.area_id)

    # -- signing off the year (issue 15, docs/AUDIT.md) ---------------------------------------
    def offer_lock(self, year: int, area_id: int | None) -> bool:
        """After the year-end report: ask a signed-in account with the LOCK right (a Lãnh đạo,
        a Quản trị) whether to sign off the year of every kind not locked yet, for the ward
        or the report's area; lock it if so. Other roles, and single-user mode (no named
        account to sign), are not asked. True when the year was locked."""
        from ...access import Permission, user_of
        from ...services.periods import KINDS, PeriodService

        user = user_of(self.db)
        if user.system or not user.can(Permission.LOCK):
            return False
        periods = PeriodService(self.db)
        kinds = periods.year_open_kinds(year, area_id)
        if not kinds:
            return False
        where = ("toàn phường" if area_id is None
                 else f"khu dân cư {self.area.itemText(self.area.findData(area_id))}")
        listed = "".join(f"<li>{KINDS[k]}</li>" for k in kinds)
        if not self.ask_lock(f"<b>Khóa sổ năm {year}</b> ({where})?<br>Báo cáo tổng kết năm "
                             f"{year} đã xuất. Khóa sổ lưu lại số liệu đã ký và từ nay không "
                             f"sửa được dữ liệu năm {year} của:<ul>{listed}</ul>Mở lại cần "
                             "ghi lý do (Tệp → Khóa sổ…)."):
            return False
        self.error.setText("")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the figures are computed
        try:
            periods.lock_year(year, area_id)
        except FieldError as exc:
            self.error.setText(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.locked_year(year, where)
        return True

    def ask_lock(self, text: str) -> bool:
        """The sign-off question (a seam for tests)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Khóa sổ năm", text, parent=self)
        box.setObjectName("yearLockQuestion")
        lock = box.addButton("Khóa sổ", QMessageBox.ButtonRole.AcceptRole)
        lock.setObjectName("yearLockYes")
        box.addButton("Để sau", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is lock

    def locked_year(self, year: int, where: str) -> None:
        """Say that the year is signed off (a seam for tests)."""
        QMessageBox.information(self, "Đã khóa sổ", f"Đã khóa sổ năm {year} ({where}).")

    def finished_export(self, path: Path) -> None:
        """Offer to open the file or its folder (a seam for tests)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Đã xuất biểu mẫu",
                          f"Đã lưu {path.name} vào thư mục {path.parent}.\n\nLưu ý: tệp xuất ra "
                          "là báo cáo, không phải bản sao lưu — không khôi phục được dữ liệu từ "
                          "tệp này. Để giữ an toàn dữ liệu, hãy dùng Tệp → Sao lưu ngay.",
                          parent=self)
        open_file = box.addButton("Mở tệp", QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton("Mở thư mục", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

