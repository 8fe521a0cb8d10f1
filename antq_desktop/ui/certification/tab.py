"""The certification tab: every unit of the ward for a year, where it stands on the way to
"An toàn về an ninh, trật tự", the ward's own ratio, deadlines, and the printed lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from ...enums import CertCategory, CertState
from ...reports import registry  # light: the forms (openpyxl) load with the first one used
from ...reports.registry import Params, ReportError
from ...services.certification import CertRow, YearOverview
from ...validation import FieldError
from ..widgets import messages
from ..widgets.fields import EnumCombo, format_date
from ..widgets.lazy_model import Column
from ..widgets.lists import ListTab
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
        self.add_button.setText("&Thêm đơn vị")
        self.edit_button = QPushButton("Sửa đơn vị", objectName="certificationEditUnit")
        self.retire_button = QPushButton("Thôi theo dõi…", objectName="certificationRetire")
        self.print_button = QToolButton(objectName="certificationPrint")
        self.print_button.setText("In danh sách")
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
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
                                      "nhận của đơn vị đã chọn (văn bản Word)")
        self.papers_button.clicked.connect(self.print_papers)

        self.table.setAlternatingRowColors(False)  # the state colours carry meaning
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

    def update_buttons(self) -> None:
        unit_id = self.selected_id()
        own = unit_id is not None and self.rows[unit_id].category in EDITABLE_CATEGORIES
        self.record_button.setEnabled(unit_id is not None)
        self.edit_button.setEnabled(unit_id is not None)  # areas, the ward: address and head
        self.retire_button.setEnabled(own)

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
        selected units of the chosen year (all units when none is selected)."""
        from ..reports.dialog import ReportsDialog

        rows = self.table.selectionModel().selectedRows()
        units = tuple(self.model.id_at(r.row()) for r in rows)
        return ReportsDialog(self.db, self, form_ids=PAPERS, units=units,
                             year=self.current_year())

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

    def save_pdf(self, form_id: str) -> Path | None:
        """Save a list for the chosen year and category as a PDF; say where it went."""
        try:
            document = self.list_document(form_id)
        except ReportError as err:
            messages.error(self, str(err))
            return None
        category = self.category.value()
        suggested = f"{form_id}-{self.current_year()}" + (f"-{category.value}" if category
                                                          else "") + ".pdf"
        chosen = self.choose_path(suggested)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        from ...reports.printing import export_pdf  # the printing edge: on first use

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_pdf(document, path)
        except ReportError as err:
            messages.error(self, str(err))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        QSettings().setValue("reports/folder", str(path.parent))
        messages.info(self, f"Đã lưu {path}.")
        return path
