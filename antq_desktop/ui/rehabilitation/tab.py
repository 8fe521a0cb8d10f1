"""The rehabilitation tab: people managed, educated and helped, with evaluations due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from ...enums import Regime
from ...numbers import grouped
from ...regimes import SHORT_LABELS, DueState
from ...services.periods import EVALUATIONS, PeriodService
from ...services.rehabilitation import CaseRow, CaseStatus, DueFilter
from ...validation import FieldError
from ..permissions import mark_locked, opener
from ..widgets import messages
from ..widgets.fields import EnumCombo, format_date
from ..widgets.lazy_model import Column
from ..widgets.lists import ListTab, fill_area_filter
from .dialogs import CaseDialog, CloseDialog, EvaluationDialog, SupportDialog

if TYPE_CHECKING:
    from ..app import Services

OVERDUE_BACKGROUND = QColor("#fde2e1")
DUE_BACKGROUND = QColor("#fff4d6")

COLUMNS = [
    Column("Họ và tên", "name", lambda r: r.person_name, width=170),
    Column("Năm sinh", "born", lambda r: str(r.birth_year or ""), width=75),
    Column("Diện quản lý", "regime", lambda r: SHORT_LABELS[r.regime], width=170),
    Column("Quyết định", "decision", lambda r: r.decision, width=160),
    Column("Người giúp đỡ", "supervisor", lambda r: r.supervisor, width=160),
    Column("Bắt đầu", "start", lambda r: format_date(r.start_date), width=85),
    Column("Dự kiến kết thúc", "end", lambda r: format_date(r.planned_end), width=120),
    Column("Xếp loại gần nhất", "latest",
           lambda r: f"{r.latest.short} ({r.latest_period.label})" if r.latest else "Chưa đánh giá",
           width=170),
    Column("Kỳ đánh giá tới", "due", lambda r: r.due.label, width=240),
    Column("Tình trạng", "status", lambda r: r.status_label, width=150),
]

SORT_KEYS = {
    "name": lambda r: (r.person_name.rsplit(" ", 1)[-1], r.person_name),
    "born": lambda r: r.birth_year or 0,
    "regime": lambda r: r.regime.label,
    "decision": lambda r: r.decision,
    "supervisor": lambda r: r.supervisor,
    "start": lambda r: r.start_date,
    "end": lambda r: (r.planned_end is None, r.planned_end or r.start_date),
    "latest": lambda r: (r.latest is None, r.latest.value if r.latest else ""),
    "due": lambda r: (r.due.due_on is None, r.due.due_on or r.start_date),
    "status": lambda r: (r.closed_on is not None, r.closed_on or r.start_date),
}


def _row_style(row: CaseRow, role: int):
    if role == Qt.ItemDataRole.BackgroundRole:
        if row.due.state == DueState.OVERDUE:
            return QBrush(OVERDUE_BACKGROUND)
        if row.due.state == DueState.DUE:
            return QBrush(DUE_BACKGROUND)
    if role == Qt.ItemDataRole.ForegroundRole and row.closed_on is not None:
        return QBrush(QColor("#888888"))
    return None


class RehabilitationTab(ListTab):
    AREA = "rehabilitation"
    COLUMNS = COLUMNS
    SORT_KEYS = SORT_KEYS
    row_style = staticmethod(_row_style)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self.service, self.units = services.rehabilitation, services.units

        self.search.setPlaceholderText("Tìm theo họ tên (có dấu hoặc không dấu), số định danh, "
                                       "số quyết định…")
        self.regime = EnumCombo(Regime, allow_empty="Tất cả các diện",
                                objectName="rehabilitationRegime")
        self.status = QComboBox(objectName="rehabilitationStatus")
        for text, value in (("Đang quản lý", CaseStatus.OPEN), ("Đã kết thúc", CaseStatus.CLOSED),
                            ("Tất cả", CaseStatus.ALL)):
            self.status.addItem(text, value)
        self.area = QComboBox(objectName="rehabilitationArea")
        self.due = QComboBox(objectName="rehabilitationDue")
        for text, value in (("Mọi hạn đánh giá", DueFilter.ANY),
                            ("Đến hạn hoặc quá hạn", DueFilter.DUE_OR_OVERDUE),
                            ("Quá hạn đánh giá", DueFilter.OVERDUE)):
            self.due.addItem(text, value)

        self.add_button.setText("&Mở hồ sơ mới")
        self.edit_button = QPushButton("Xem, sửa", objectName="rehabilitationEdit")
        opener(self.edit_button, self.service.db)  # "Xem" for who may not write
        self.evaluate_button = QPushButton("Đánh giá…", objectName="rehabilitationEvaluate")
        self.support_button = QPushButton("Hỗ trợ…", objectName="rehabilitationSupport")
        self.close_button = QPushButton("Kết thúc…", objectName="rehabilitationClose")
        self.table.setAlternatingRowColors(False)  # the due colours carry meaning
        self.table.horizontalHeader().setStretchLastSection(True)

        self.build([self.regime, self.status, self.area, self.due],
                   [self.add_button, self.edit_button, self.evaluate_button, self.support_button,
                    self.close_button],
                   legend="Nền đỏ: quá hạn đánh giá · nền vàng: đến hạn đánh giá (trong 5 ngày "
                          "đầu kỳ sau)")
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.edit_selected)
        self.evaluate_button.clicked.connect(self.evaluate_selected)
        self.support_button.clicked.connect(self.support_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.start()

    # -- data -----------------------------------------------------------------------------------
    def query(self) -> list[CaseRow]:
        return self.service.list_cases(self.search.text(), self.regime.value(),
                                       self.status.currentData(), self.area.currentData(),
                                       self.due.currentData())

    def count_text(self, rows: list[CaseRow]) -> str:
        overdue = sum(r.due.state == DueState.OVERDUE for r in rows)
        return f"{grouped(len(rows))} hồ sơ" + (f" · {overdue} quá hạn" if overdue else "")

    def reload_all(self) -> None:
        self.reload_areas()

    def reload_areas(self) -> None:
        self.areas = self.units.areas(include_retired=True)
        fill_area_filter(self.area, self.areas)
        self.refresh()

    def reload(self, select_id: int | None = None) -> None:
        self.refresh(select_id)

    def status_text(self) -> str:
        """The rehabilitation part of the main window's status bar."""
        cases, overdue = self.service.counts()
        return f"{grouped(cases)} người đang quản lý" + (f" ({overdue} quá hạn đánh giá)"
                                                         if overdue else "")

    def update_buttons(self) -> None:
        case_id = self.selected_id()
        open_case = case_id is not None and self.rows[case_id].closed_on is None
        self.edit_button.setEnabled(case_id is not None)
        for b in (self.evaluate_button, self.support_button):
            b.setEnabled(open_case)
        self.close_button.setEnabled(case_id is not None)
        self.close_button.setText("Kết thúc…" if open_case or case_id is None else "Mở lại…")
        row = self.rows.get(case_id) if case_id is not None else None
        # a close in a signed-off quarter or year is not undone (services/rehabilitation.py)
        mark_locked([self.close_button], None if row is None or row.closed_on is None else
                    PeriodService(self.service.db).is_locked(EVALUATIONS, row.closed_on,
                                                             row.area_id))

    def _changed(self, select_id: int | None = None, saved: str = "") -> None:
        self.reload(select_id)
        self.countsChanged.emit()
        if saved and select_id is not None and select_id in self.rows:
            self.announce(f"{saved} {self.rows[select_id].person_name}.")

    def open_selected(self) -> None:
        self.edit_selected()

    # -- actions --------------------------------------------------------------------------------
    def open_dialog(self, case_id: int | None = None) -> CaseDialog:
        self.read_if_unread()  # the areas it offers
        data = self.service.get(case_id) if case_id is not None else None
        return CaseDialog(self.service, self.areas, data, self)

    def add_case(self) -> None:
        dialog = self.open_dialog()
        dialog.exec()
        if dialog.saved_id is not None:  # saved, even if evaluations were added then closed
            self._changed(dialog.saved_id, "Đã lưu hồ sơ của")

    def edit_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is None:
            return
        dialog = self.open_dialog(case_id)
        saved = dialog.exec()
        self._changed(case_id, "Đã lưu hồ sơ của" if saved else "")

    def evaluate_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None and EvaluationDialog(self.service, self.service.get(case_id),
                                                    self).exec():
            self._changed(case_id, "Đã lưu đánh giá của")

    def support_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None and SupportDialog(self.service, self.service.get(case_id),
                                                 self).exec():
            self._changed(case_id, "Đã lưu hỗ trợ cho")

    def close_selected(self) -> None:
        """Close the chosen open case; on a closed one the same button reopens it."""
        case_id = self.selected_id()
        if case_id is None:
            return
        row = self.rows[case_id]
        if row.closed_on is not None:
            self.reopen_selected()
            return
        if CloseDialog(self.service, case_id, row.person_name, self).exec():
            self._changed(case_id, "Đã kết thúc hồ sơ của")

    def reopen_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is None or self.rows[case_id].closed_on is None:
            return
        if messages.confirm(self, f"Mở lại hồ sơ của {self.rows[case_id].person_name}? "
                                  "Chỉ dùng khi đã ghi kết thúc nhầm."):
            try:
                self.service.reopen(case_id)
            except FieldError as err:
                messages.error(self, str(err))
                return
            self._changed(case_id, "Đã mở lại hồ sơ của")
