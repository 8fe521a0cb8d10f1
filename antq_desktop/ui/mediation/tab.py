"""The mediation tab: cases of every team, the teams' composition warnings, late starts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import MediationStatus, MediationType
from ...services.mediation import CaseRow, MediationService, StatusFilter
from ..widgets.fields import EnumCombo, SearchBox, format_date
from ..widgets.lazy_model import Column, LazyRowsModel
from ..widgets.lists import list_view, on_enter, selected_id
from .case_dialog import MediationCaseDialog
from .teams import TeamsDialog

LATE_BACKGROUND = QColor("#fde2e1")

COLUMNS = [
    Column("Ngày nhận", "received", lambda r: format_date(r.received_on), width=90),
    Column("Tổ hòa giải", "team", lambda r: r.area_name, width=150),
    Column("Loại việc", "type", lambda r: r.case_type.label, width=230),
    Column("Các bên", "parties", lambda r: r.parties, width=280),
    Column("Hòa giải viên", "mediators", lambda r: r.mediators, width=200),
    Column("Kết quả", "status", lambda r: r.status_label, width=200),
    Column("Theo dõi thực hiện", "compliance",
           lambda r: r.compliance.label if r.compliance else "", width=140),
]


def _row_style(row: CaseRow, role: int):
    if row.late_start and role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(LATE_BACKGROUND)
    if row.late_start and role == Qt.ItemDataRole.ToolTipRole:
        return row.late_label
    return None


class MediationTab(QWidget):
    countsChanged = Signal()

    def __init__(self, service: MediationService, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mediationTab")
        self.service = service
        self.rows: dict[int, CaseRow] = {}

        self.warnings = QLabel(objectName="mediationWarnings", wordWrap=True)
        self.warnings.setStyleSheet("color: #a05a00;")
        self.search = SearchBox(objectName="mediationSearch")
        self.search.setPlaceholderText("Tìm theo tên các bên (có dấu hoặc không dấu)…")
        self.team = QComboBox(objectName="mediationTeam")
        self.case_type = EnumCombo(MediationType, allow_empty="Mọi loại việc",
                                   objectName="mediationType")
        self.status = QComboBox(objectName="mediationStatus")
        self.status.addItem("Mọi kết quả", StatusFilter.ANY)
        self.status.addItem("Đang hòa giải", StatusFilter.OPEN)
        self.status.addItem("Đã kết thúc", StatusFilter.CLOSED)
        for s in MediationStatus:
            if s.closed:
                self.status.addItem(s.label, s.value)
        self.year = QComboBox(objectName="mediationYear")
        self.late_only = QCheckBox("Chỉ vụ chậm bắt đầu (quá 3 ngày)", objectName="mediationLate")
        self.count_label = QLabel(objectName="mediationCount")
        self.add_button = QPushButton("&Thêm vụ việc", objectName="mediationAdd")
        self.edit_button = QPushButton("Xem, sửa", objectName="mediationEdit")
        self.teams_button = QPushButton("Tổ hòa giải, hòa giải viên…", objectName="mediationTeams")

        self.model = LazyRowsModel(COLUMNS, lambda ids: {i: self.rows[i] for i in ids}, self)
        self.model.row_style = _row_style
        self.table = list_view(self.model, "mediationTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        on_enter(self.table, self.edit_selected)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.team, self.case_type, self.status, self.year):
            filters.addWidget(w, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.teams_button):
            buttons.addWidget(b)
        buttons.addWidget(self.late_only)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        legend = QLabel("Nền đỏ: vụ việc chưa bắt đầu hòa giải trong 3 ngày kể từ khi được phân "
                        "công (Luật Hòa giải ở cơ sở 2013).")
        legend.setStyleSheet("color: #555;")
        layout.addWidget(legend)

        self.search.searchChanged.connect(lambda _t: self.reload())
        for combo in (self.team, self.case_type, self.status, self.year):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.late_only.toggled.connect(lambda _b: self.reload())
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.edit_selected)
        self.teams_button.clicked.connect(self.edit_teams)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.reload_teams()

    def reload_teams(self) -> None:
        """Teams (one per area, made when missing), the year list and the warnings banner."""
        self.service.ensure_teams()
        self.teams = self.service.list_teams()
        for combo, first, items in (
                (self.team, ("Mọi tổ hòa giải", None), [(t.name, t.id) for t in self.teams]),
                (self.year, ("Mọi năm", None), [(str(y), y) for y in self.service.years()])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(*first)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        warnings = self.service.warnings()
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        status = self.status.currentData()
        if status and status not in (StatusFilter.OPEN, StatusFilter.CLOSED):
            status = MediationStatus(status)
        rows = self.service.list_cases(self.search.text(), self.team.currentData(),
                                       self.case_type.value(), status, self.year.currentData(),
                                       self.late_only.isChecked())
        self.rows = {r.id: r for r in rows}
        self.model.set_ids([r.id for r in rows])
        late = sum(r.late_start for r in rows)
        self.count_label.setText(f"{len(rows)} vụ việc" + (f" · {late} chậm bắt đầu" if late
                                                            else ""))
        if keep is not None and self.model.row_of(keep) >= 0:
            self.table.selectRow(self.model.row_of(keep))
        self._update_buttons()

    def selected_id(self) -> int | None:
        return selected_id(self.table)

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected_id() is not None)
        self.add_button.setEnabled(bool(self.teams))

    def open_dialog(self, case_id: int | None = None) -> MediationCaseDialog:
        data = self.service.get(case_id) if case_id is not None else None
        dialog = MediationCaseDialog(self.service, self.teams, data, self)
        if data is None and self.team.currentData() is not None:
            dialog.team.setCurrentIndex(dialog.team.findData(self.team.currentData()))
        return dialog

    def _run(self, dialog: MediationCaseDialog) -> None:
        if dialog.exec() and dialog.saved_id is not None:
            self.reload_teams()
            self.reload(dialog.saved_id)
            self.countsChanged.emit()

    def add_case(self) -> None:
        self._run(self.open_dialog())

    def edit_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self._run(self.open_dialog(case_id))

    def edit_teams(self) -> None:
        TeamsDialog(self.service, self).exec()
        self.reload_teams()
        self.countsChanged.emit()
