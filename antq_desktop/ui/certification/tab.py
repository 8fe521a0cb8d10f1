"""The certification tab: every unit of the ward for a year, where it stands on the way to
"An toàn về an ninh, trật tự", the ward's own ratio, deadlines, and the printed lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QMenu,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from ...enums import CertCategory, CertState
from ...db.engine import database_error_message
from ...reports import registry
from ...reports.registry import Params, ReportError
from ...services.certification import CertRow, YearOverview
from ...validation import FieldError
from ..permissions import opener
from ..widgets import messages
from ..widgets.fields import EnumCombo, format_date
from ..widgets.lazy_model import Column
from ..widgets.lists import ListTab
from ..widgets.worker import Worker
from .dialogs import EDITABLE_CATEGORIES, CertRecordDialog, CertSettingsDialog, CertUnitDialog

if TYPE_CHECKING:
    from ..app import Services

YEARS_BACK = 5
STATE_COLOURS = {
    CertState.RECOGNISED: QColor("#e3f4e1"),
    CertState.NOT_MET: QColor("#fde2e1"),
    CertState.EVALUATED: QColor("#fff4d6"),
}
LISTS = (("cert-proposed", "Danh sách đề nghị công nhận…"),
         ("cert-recognised", "Danh sách công nhận…"))


def _decision(r: CertRow) -> str:
    if not r.decision_number:
        return ""
    return r.decision_number + (f" ngày {format_date(r.decision_date)}" if r.decision_date else "")


COLUMNS = [
    Column("Đơn vị", "name", lambda r: r.name, width=260),
    Column("Loại", "category", lambda r: r.category.label, width=120),
    Column("Ngày đăng ký", "registered", lambda r: format_date(r.registered_on), width=100),
    Column("Tiêu chuẩn đạt", "criteria",
           lambda r: f"{r.criteria_met}/{r.criteria_total}" if r.registered_on else "",
           align=Qt.AlignmentFlag.AlignCenter, width=105),
    Column("Ngày họp đánh giá", "evaluated", lambda r: format_date(r.evaluated_on), width=125),
    Column("Kết quả", "result", lambda r: r.result.label if r.result else "", width=80),
    Column("Quyết định công nhận", "decision", _decision, width=200),
    Column("Số Giấy công nhận", "certificate", lambda r: r.certificate_number, width=130),
    Column("Trạng thái", "state", lambda r: r.state.label, width=200),
]
_ORDER = {c: i for i, c in enumerate(CertCategory)}
SORT_KEYS = {
    "name": lambda r: (r.name,),
    "category": lambda r: (_ORDER[r.category],),
    "registered": lambda r: (r.registered_on is None, r.registered_on or date.min),
    "criteria": lambda r: (r.criteria_met,),
    "evaluated": lambda r: (r.evaluated_on is None, r.evaluated_on or date.min),
    "result": lambda r: (r.result is None, r.result.label if r.result else ""),
    "decision": lambda r: (r.decision_date is None, r.decision_date or date.min),
    "certificate": lambda r: (r.certificate_number,),
    "state": lambda r: (list(CertState).index(r.state),),
}


def _row_style(row: CertRow, role: int):
    if role == Qt.ItemDataRole.BackgroundRole and row.state in STATE_COLOURS:
        return QBrush(STATE_COLOURS[row.state])
    return None


PAPERS = ["cert-certificate", "cert-registration", "cert-minutes", "cert-proposal",
          "cert-decision"]


class ExportCancelled(Exception):
    """The officer pressed Hủy before the file was written."""


class CertificationTab(ListTab):
    AREA = "certification"
    COLUMNS = COLUMNS
    SORT_KEYS = SORT_KEYS
    row_style = staticmethod(_row_style)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self.db = services.db
        self.service = services.certification
        self.settings = services.settings

        self.deadlines = QLabel(objectName="certificationDeadlines", wordWrap=True)
        self.ratio = QLabel(objectName="certificationRatio", wordWrap=True)
        self.search.setPlaceholderText("Tìm theo tên đơn vị, địa chỉ, người đứng đầu…")
        self.year = QComboBox(objectName="certificationYear")
        this_year = date.today().year
        for y in range(this_year + 1, this_year - YEARS_BACK - 1, -1):
            self.year.addItem(f"Năm {y}", y)
        self.year.setCurrentIndex(self.year.findData(this_year))
        self.category = EnumCombo(CertCategory, allow_empty="Mọi loại đơn vị",
                                  objectName="certificationCategory")
        self.state = EnumCombo(CertState, allow_empty="Mọi trạng thái",
                               objectName="certificationState")

        self.record_button = QPushButton("Đăng ký, đánh giá, công nhận…",
                                         objectName="certificationRecord")
        opener(self.record_button, self.db)  # "Xem" for who may not write
        self.add_button.setText("&Thêm đơn vị")
        self.edit_button = QPushButton("Sửa đơn vị", objectName="certificationEditUnit")
        self.retire_button = QPushButton("Thôi theo dõi…", objectName="certificationRetire")
        # a push button with a menu leaves room for its arrow (a tool button's drew over the
        # last letter, issue 14)
        self.print_button = QPushButton("In danh sách", objectName="certificationPrint")
        menu = QMenu(self.print_button)
        for form_id, text in LISTS:
            menu.addAction("Xem trước, in " + text[0].lower() + text[1:],
                           lambda f=form_id: self.print_list(f))
        menu.addSeparator()
        for form_id, text in LISTS:
            menu.addAction("Lưu PDF " + text[0].lower() + text[1:],
                           lambda f=form_id: self.save_pdf(f))
        self.print_button.setMenu(menu)
        self.settings_button = QPushButton("Thời hạn…", objectName="certificationSettings")
        self.papers_button = QPushButton("In giấy tờ…", objectName="certificationPapers")
        self.papers_button.setToolTip("Bản đăng ký, biên bản, tờ trình, quyết định, Giấy công "
                                      "nhận của các đơn vị đã chọn (văn bản Word; chọn nhiều "
                                      "đơn vị bằng Ctrl hoặc Shift, không chọn: mọi đơn vị)")
        self.papers_button.clicked.connect(self.print_papers)

        self.table.setAlternatingRowColors(False)  # the state colours carry meaning
        # Several units at once for "In giấy tờ…"; one unit for the record and the unit dialogs.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._worker: Worker | None = None
        self.table.horizontalHeader().setStretchLastSection(True)

        self.build([self.year, self.category, self.state],
                   [self.record_button, self.add_button, self.edit_button, self.retire_button,
                    self.print_button, self.papers_button, self.settings_button],
                   above=[self.deadlines, self.ratio],
                   legend="Nền xanh: đã công nhận · nền vàng: đã đánh giá đạt, chờ quyết định · "
                          "nền đỏ: chưa đạt")
        self.record_button.clicked.connect(self.open_record)
        self.add_button.clicked.connect(self.add_unit)
        self.edit_button.clicked.connect(self.edit_unit)
        self.retire_button.clicked.connect(self.retire_unit)
        self.settings_button.clicked.connect(self.edit_settings)
        self.start()

    # -- data -----------------------------------------------------------------------------------
    def row_id(self, row: CertRow) -> int:
        return row.unit_id

    def current_year(self) -> int:
        return self.year.currentData()

    def query(self) -> list[CertRow]:
        return self.service.year_rows(self.current_year(), self.category.value(),
                                      self.state.value(), self.search.text())

    def count_text(self, rows: list[CertRow]) -> str:
        year = self.current_year()
        overview = self.service.overview(year, date.today())
        counts = overview.counts
        parts = [f"{counts[s]} {s.label.lower()}" for s in
                 (CertState.REGISTERED, CertState.EVALUATED, CertState.RECOGNISED,
                  CertState.NOT_MET) if counts[s]]
        self._show_ward(year, overview)
        return f"{len(rows)} đơn vị" + (" · " + " · ".join(parts) if parts else "")

    def _show_ward(self, year: int, overview: YearOverview) -> None:
        ratio = overview.ratio
        verdict = ("đạt tiêu chuẩn 4 của phường" if ratio.met else
                   "chưa đạt tiêu chuẩn 4 của phường (cần 100% đăng ký và ít nhất 70% được "
                   "công nhận)")
        self.ratio.setText(f"<b>Toàn phường năm {year}:</b> {ratio.text} — {verdict}.")
        notices = overview.deadlines
        self.deadlines.setText("<br>".join(
            f"<span style='color:{'#b00020' if n.past else '#a05a00'}'>"
            f"{'⛔' if n.past else '⚠'} {n.text}</span>" for n in notices))
        self.deadlines.setVisible(bool(notices))

    def selected_ids(self) -> list[int]:
        """The selected units in the list's order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.id_at(r) for r in rows]

    def selected_id(self) -> int | None:
        """The one unit the record and unit dialogs work on: the selection when it is a
        single unit, else None."""
        chosen = self.selected_ids()
        return chosen[0] if len(chosen) == 1 else None

    def update_buttons(self) -> None:
        unit_id = self.selected_id()
        own = unit_id is not None and self.rows[unit_id].category in EDITABLE_CATEGORIES
        self.record_button.setEnabled(unit_id is not None)
        self.edit_button.setEnabled(unit_id is not None)  # areas, the ward: address and head
        self.retire_button.setEnabled(own)
        count = len(self.selected_ids())
        self.papers_button.setText(f"In giấy tờ ({count} đơn vị)…" if count > 1
                                   else "In giấy tờ…")

    def _changed(self, select_id: int | None = None, saved: str = "") -> None:
        self.reload(select_id)
        self.countsChanged.emit()
        if saved and select_id in self.rows:
            self.announce(f"{saved} {self.rows[select_id].name}.")

    def open_selected(self) -> None:
        self.open_record()

    # -- actions --------------------------------------------------------------------------------
    def record_dialog(self, unit_id: int) -> CertRecordDialog:
        return CertRecordDialog(self.service, self.service.record(unit_id, self.current_year()),
                                self)

    def open_record(self) -> None:
        unit_id = self.selected_id()
        if unit_id is None:
            return
        dialog = self.record_dialog(unit_id)
        dialog.exec()
        if dialog.saved:
            self._changed(unit_id, f"Đã lưu hồ sơ năm {self.current_year()} của")

    def add_unit(self) -> None:
        dialog = CertUnitDialog(self.service, None, self, category=self.category.value())
        if dialog.exec() and dialog.saved_id is not None:
            self._changed(dialog.saved_id, "Đã lưu đơn vị")

    def edit_unit(self) -> None:
        unit_id = self.selected_id()
        if unit_id is None:
            return
        dialog = CertUnitDialog(self.service, self.service.unit(unit_id), self)
        if dialog.exec():
            self._changed(unit_id, "Đã lưu đơn vị")

    def retire_unit(self) -> None:
        unit_id = self.selected_id()
        if unit_id is None or self.rows[unit_id].category not in EDITABLE_CATEGORIES:
            return
        name = self.rows[unit_id].name
        if not messages.confirm(self, f"Thôi theo dõi {name} từ hôm nay (đơn vị giải thể, chuyển "
                                      "đi…)? Hồ sơ các năm trước vẫn được giữ."):
            return
        try:
            self.service.retire_unit(unit_id, date.today())
        except FieldError as err:
            messages.error(self, str(err))
            return
        self._changed()

    def edit_settings(self) -> None:
        if CertSettingsDialog(self.settings, self).exec():
            self.reload()

    def list_document(self, form_id: str):
        form = registry.get(form_id)
        params = Params(year=self.current_year(), category=self.category.value())
        form.check(params)
        return form.document(self.db, params)

    def papers_dialog(self):
        """The Báo cáo dialog offering the certification papers (Word documents) for the
        selected units of the chosen year (all units when none is selected). Each paper kind
        is one file for all of them: a registration or minutes per unit, one after another
        (each numbered from its own first page), the proposal and the decision listing them,
        their certificates one page each."""
        from ..reports.dialog import ReportsDialog

        units = tuple(self.selected_ids())
        dialog = ReportsDialog(self.db, self, form_ids=PAPERS, units=units,
                               year=self.current_year())
        if len(units) > 1:
            dialog.setWindowTitle(f"In giấy tờ của {len(units)} đơn vị đã chọn")
        elif units:
            dialog.setWindowTitle(f"In giấy tờ của {self.rows[units[0]].name}")
        else:
            dialog.setWindowTitle("In giấy tờ của mọi đơn vị")
        return dialog

    def print_papers(self) -> None:
        self.papers_dialog().exec()

    def print_list(self, form_id: str) -> None:
        """Print preview of a list for the chosen year and category; print or PDF from there."""
        try:
            document = self.list_document(form_id)
        except ReportError as err:
            messages.error(self, str(err))
            return
        from ..widgets.printing import preview_document  # the printing edge: on first use

        preview_document(self, document)

    def choose_path(self, suggested: str) -> str:
        """Ask where to save the PDF (a seam for tests)."""
        folder = QSettings().value("reports/folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "Lưu PDF", str(Path(folder) / suggested),
                                              "Tệp PDF (*.pdf)")
        return path

    def save_pdf(self, form_id: str) -> Worker | None:
        """Save a list for the chosen year and category as a PDF, in the background (the
        app's Worker, with progress and Hủy, as the Báo cáo dialog does); when it is written
        the tab says where it went. Returns the running worker, or None when nothing started.
        """
        form = registry.get(form_id)
        params = Params(year=self.current_year(), category=self.category.value())
        try:
            form.check(params)
        except ReportError as err:
            messages.error(self, str(err))
            return None
        if self._worker is not None:
            return None  # one export at a time; its progress dialog is showing
        category = params.category
        suggested = f"{form_id}-{params.year}" + (f"-{category.value}" if category else "") \
            + ".pdf"
        chosen = self.choose_path(suggested)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        QSettings().setValue("reports/folder", str(path.parent))
        progress = QProgressDialog("Đang lập danh sách…", "Hủy", 0, 100, self)
        progress.setObjectName("certificationPdfProgress")
        progress.setWindowTitle(form.title[:60])
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        cancelled = {"asked": False}
        progress.canceled.connect(lambda: cancelled.update(asked=True))

        def work(report):
            def step(percent: int, text: str) -> None:
                if cancelled["asked"] and percent < 100:  # before the file is written
                    raise ExportCancelled
                report(percent, text)
            from ...reports import export as report_export  # openpyxl: on first use

            # the data here; the pages are laid out in _pdf_done, on the GUI thread
            return report_export.prepare_pdf(self.db, form_id, params, path, step)

        worker = Worker(work)
        worker.signals.progress.connect(lambda p, text: (progress.setValue(p),
                                                         progress.setLabelText(text)))
        worker.signals.finished.connect(lambda result: self._pdf_done(progress, result))
        worker.signals.failed.connect(lambda exc: self._pdf_failed(progress, exc))
        self.print_button.setEnabled(False)
        self._worker = worker  # keeps the signals alive until it reports
        worker.start()
        return worker

    def _pdf_finished(self, progress: QProgressDialog) -> bool:
        """False: the tab's window was closed while the export worked (nothing to tell)."""
        self._worker = None
        if not shiboken6.isValid(self):
            return False
        self.print_button.setEnabled(True)
        if shiboken6.isValid(progress):
            progress.reset()
            progress.close()
            progress.deleteLater()
        return True

    def _pdf_failed(self, progress: QProgressDialog, exc: Exception) -> None:
        if not self._pdf_finished(progress):
            return
        if isinstance(exc, ExportCancelled):
            self.announce("Đã hủy lưu PDF; không ghi tệp nào.")
            return
        if isinstance(exc, ReportError):
            text = str(exc)
        else:
            text = database_error_message(exc, self.db.url) or (
                f"Không lưu được PDF. Chi tiết kỹ thuật: {type(exc).__name__}.")
        messages.error(self, text)

    def _pdf_done(self, progress: QProgressDialog, result) -> None:
        if not shiboken6.isValid(self):
            self._worker = None
            return
        from ...reports import export as report_export

        try:
            path = report_export.finish_pdf(result)  # Qt's text layout: GUI thread only
        except Exception as exc:  # noqa: BLE001 - shown as a message
            self._pdf_failed(progress, exc)
            return
        if self._pdf_finished(progress):
            self.pdf_saved(path)

    def pdf_saved(self, path: Path) -> None:
        """Say where the PDF went (a seam for tests)."""
        messages.info(self, f"Đã lưu {path}.")
