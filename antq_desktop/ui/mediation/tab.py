"""The mediation tab: cases of every team, the teams' composition warnings, late starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QWidget

from ...enums import MediationStatus, MediationType
from ...numbers import grouped
from ...services.mediation import CaseRow, StatusFilter
from ..permissions import opener
from ..widgets.fields import EnumCombo, format_date
from ..widgets.lazy_model import Column
from ..widgets.lists import ListTab, refill_combo
from .case_dialog import MediationCaseDialog
from .teams import TeamsDialog

if TYPE_CHECKING:
    from ..app import Services

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

SORT_KEYS = {
    "received": lambda r: r.received_on,
    "team": lambda r: r.area_name,
    "type": lambda r: r.case_type.label,
    "parties": lambda r: r.parties,
    "mediators": lambda r: r.mediators,
    "status": lambda r: r.status_label,
    "compliance": lambda r: (r.compliance is None, r.compliance.label if r.compliance else ""),
}


def _row_style(row: CaseRow, role: int):
    if row.late_start and role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(LATE_BACKGROUND)
    if row.late_start and role == Qt.ItemDataRole.ToolTipRole:
        return row.late_label
    return None


class MediationTab(ListTab):
    AREA = "mediation"
    COLUMNS = COLUMNS
    SORT_KEYS = SORT_KEYS
    row_style = staticmethod(_row_style)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self.service = services.mediation

        self.warnings = QLabel(objectName="mediationWarnings", wordWrap=True)
        self.warnings.setStyleSheet("color: #a05a00;")
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
        self.add_button.setText("&Thêm vụ việc")
        self.edit_button = QPushButton("Xem, sửa", objectName="mediationEdit")
        opener(self.edit_button, self.service.db)  # "Xem" for who may not write
        self.teams_button = QPushButton("Tổ hòa giải, hòa giải viên…", objectName="mediationTeams")
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.build([self.team, self.case_type, self.status, self.year],
                   [self.add_button, self.edit_button, self.teams_button, self.late_only],
                   above=[self.warnings],
                   legend="Nền đỏ: vụ việc chưa bắt đầu hòa giải trong 3 ngày kể từ khi được "
                          "phân công (Luật Hòa giải ở cơ sở 2013).")
        self.watch(self.late_only)
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.edit_selected)
        self.teams_button.clicked.connect(self.edit_teams)
        # the teams follow the areas from the start (Tổng quan's due work lists the teams short
        # of mediators); the rest of reload_teams waits for the tab's first show
        self.service.ensure_teams()
        self.start()

    def reload_all(self) -> None:
        self.reload_teams()

    def reload_teams(self) -> None:
        """Teams (one per area, made when missing), the year list and the warnings banner."""
        self.service.ensure_teams()
        self.teams = self.service.list_teams()
        refill_combo(self.team, [("Mọi tổ hòa giải", None), *((t.name, t.id) for t in self.teams)])
        refill_combo(self.year, [("Mọi năm", None), *((str(y), y) for y in self.service.years())])
        warnings = self.service.warnings()
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        self.refresh()

    def reload(self, select_id: int | None = None) -> None:
        self.refresh(select_id)

    def query(self) -> list[CaseRow]:
        status = self.status.currentData()
        if status and status not in (StatusFilter.OPEN, StatusFilter.CLOSED):
            status = MediationStatus(status)
        return self.service.list_cases(self.search.text(), self.team.currentData(),
                                       self.case_type.value(), status, self.year.currentData(),
                                       self.late_only.isChecked())

    def count_text(self, rows: list[CaseRow]) -> str:
        late = sum(r.late_start for r in rows)
        return f"{grouped(len(rows))} vụ việc" + (f" · {late} chậm bắt đầu" if late else "")

    def update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected_id() is not None)
        self.add_button.setEnabled(bool(getattr(self, "teams", None)))

    def open_selected(self) -> None:
        self.edit_selected()

    def open_dialog(self, case_id: int | None = None) -> MediationCaseDialog:
        self.read_if_unread()  # the teams it offers
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
            row = self.rows.get(dialog.saved_id)
            self.announce("Đã lưu vụ việc" + (f" {row.parties}." if row and row.parties
                                              else "."))

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
