"""The rehabilitation tab: people managed, educated and helped, with evaluations due."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import Regime
from ...regimes import SHORT_LABELS, DueState
from ...services.rehabilitation import CaseRow, CaseStatus, DueFilter, RehabilitationService
from ...services.unit import UnitService
from ...validation import FieldError
from ..widgets import messages
from ..widgets.fields import EnumCombo, SearchBox, format_date
from ..widgets.lazy_model import Column, LazyRowsModel
from ..widgets.lists import ClickSort, fill_area_filter, list_view, on_enter, selected_id
from .dialogs import CaseDialog, CloseDialog, EvaluationDialog, SupportDialog

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


class RehabilitationTab(QWidget):
    countsChanged = Signal()

    def __init__(self, service: RehabilitationService, units: UnitService,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rehabilitationTab")
        self.service, self.units = service, units
        self.rows: dict[int, CaseRow] = {}

        self.search = SearchBox(objectName="rehabilitationSearch")
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
        self.count_label = QLabel(objectName="rehabilitationCount")

        self.add_button = QPushButton("&Mở hồ sơ mới", objectName="rehabilitationAdd")
        self.edit_button = QPushButton("Xem, sửa", objectName="rehabilitationEdit")
        self.evaluate_button = QPushButton("Đánh giá…", objectName="rehabilitationEvaluate")
        self.support_button = QPushButton("Hỗ trợ…", objectName="rehabilitationSupport")
        self.close_button = QPushButton("Kết thúc…", objectName="rehabilitationClose")

        self.model = LazyRowsModel(COLUMNS, lambda ids: {i: self.rows[i] for i in ids}, self)
        self.model.row_style = _row_style
        self.table = list_view(self.model, "rehabilitationTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)  # the due colours carry meaning
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sort = ClickSort(self.table, SORT_KEYS, self.reload)
        on_enter(self.table, self.edit_selected)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.regime, self.status, self.area, self.due):
            filters.addWidget(w, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.evaluate_button, self.support_button,
                  self.close_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        legend = QLabel("Nền đỏ: quá hạn đánh giá · nền vàng: đến hạn đánh giá (trong 5 ngày "
                        "đầu kỳ sau)")
        legend.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)

        self.search.searchChanged.connect(lambda _t: self.reload())
        for combo in (self.regime, self.status, self.area, self.due):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.edit_selected)
        self.evaluate_button.clicked.connect(self.evaluate_selected)
        self.support_button.clicked.connect(self.support_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload_areas()

    # -- data -----------------------------------------------------------------------------------
    def reload_areas(self) -> None:
        self.areas = self.units.areas(include_retired=True)
        fill_area_filter(self.area, self.areas)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        rows = self.service.list_cases(self.search.text(), self.regime.value(),
                                       self.status.currentData(), self.area.currentData(),
                                       self.due.currentData())
        self.sort.apply(rows)
        self.rows = {r.id: r for r in rows}
        self.model.set_ids([r.id for r in rows])
        overdue = sum(r.due.state == DueState.OVERDUE for r in rows)
        self.count_label.setText(f"{len(rows)} hồ sơ" + (f" · {overdue} quá hạn" if overdue
                                                           else ""))
        if keep is not None and self.model.row_of(keep) >= 0:
            self.table.selectRow(self.model.row_of(keep))
        self._update_buttons()

    def selected_id(self) -> int | None:
        return selected_id(self.table)

    def _update_buttons(self) -> None:
        case_id = self.selected_id()
        open_case = case_id is not None and self.rows[case_id].closed_on is None
        self.edit_button.setEnabled(case_id is not None)
        for b in (self.evaluate_button, self.support_button):
            b.setEnabled(open_case)
        self.close_button.setEnabled(case_id is not None)
        self.close_button.setText("Kết thúc…" if open_case or case_id is None else "Mở lại…")

    def _changed(self, select_id: int | None = None) -> None:
        self.reload(select_id)
        self.countsChanged.emit()

    # -- actions --------------------------------------------------------------------------------
    def open_dialog(self, case_id: int | None = None) -> CaseDialog:
        data = self.service.get(case_id) if case_id is not None else None
        return CaseDialog(self.service, self.areas, data, self)

    def add_case(self) -> None:
        dialog = self.open_dialog()
        dialog.exec()
        if dialog.saved_id is not None:  # saved, even if evaluations were added then closed
            self._changed(dialog.saved_id)

    def edit_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is None:
            return
        self.open_dialog(case_id).exec()
        self._changed(case_id)

    def evaluate_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None and EvaluationDialog(self.service, self.service.get(case_id),
                                                    self).exec():
            self._changed(case_id)

    def support_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None and SupportDialog(self.service, self.service.get(case_id),
                                                 self).exec():
            self._changed(case_id)

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
            self._changed(case_id)

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
            self._changed(case_id)
