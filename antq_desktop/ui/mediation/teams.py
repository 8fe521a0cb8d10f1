"""Mediation teams: the list with composition warnings, and one team with its mediators."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...enums import Sex
from ...services.mediation import MediationService, MediatorData, TeamData, team_warnings
from ...validation import FieldError
from ..widgets.dialogs import FormDialog, button_row, error_label, inline
from ..widgets.fields import DateField, EnumCombo, format_date

MEDIATOR_COLUMNS = ["Họ và tên", "Giới tính", "Năm sinh", "Điện thoại", "Quyết định công nhận",
                    "Tình trạng"]


def _cells(m: MediatorData) -> list[str]:
    status = "Tổ trưởng" if m.is_leader else "Hòa giải viên"
    if m.left_on:
        status = f"Đã thôi {format_date(m.left_on)}"
    return [m.full_name or "(chưa có tên)", m.sex.label if m.sex else "",
            str(m.birth_year or ""), m.phone, m.decision, status]


class TeamDialog(QDialog):
    """A team and all its mediators, saved together (one transaction)."""

    def __init__(self, service: MediationService, data: TeamData, area_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mediationTeamDialog")
        self.setWindowTitle(f"Tổ hòa giải — {area_name}")
        self.service = service
        self.data = copy.deepcopy(data)
        self.saved_id: int | None = None
        self.name = QLineEdit(self.data.name, objectName="teamName")
        self.book_number = QLineEdit(self.data.book_number, objectName="teamBookNumber")
        self.book_opened = DateField(self, self.data.book_opened_on, objectName="teamBookOpened")
        self.book_closed = DateField(self, self.data.book_closed_on, objectName="teamBookClosed")
        top = QFormLayout()
        top.addRow("Tên tổ:", self.name)
        self.book_number.setToolTip("Quyển số in trên bìa sổ theo dõi hoạt động hòa giải; để "
                                    "trống thì bìa để chấm để ghi tay.")
        self.book_opened.setToolTip("Ngày mở sổ in trên bìa. Sổ ghi liên tục: các vụ, việc "
                                    "nhận từ ngày này được đánh số 1, 2, 3… không bắt đầu lại "
                                    "mỗi năm. Để trống: sổ tính từ vụ, việc đầu tiên của tổ.")
        self.book_closed.setToolTip("Ngày khóa sổ: vụ, việc nhận sau ngày này không ghi vào "
                                    "quyển sổ này nữa.")
        top.addRow("Sổ theo dõi, quyển số:", inline(self.book_number, "mở sổ ngày:",
                                                     self.book_opened, "khóa sổ ngày:",
                                                     self.book_closed))

        self.table = QTableWidget(0, len(MEDIATOR_COLUMNS), objectName="teamMediators")
        self.table.setHorizontalHeaderLabels(MEDIATOR_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton("Thêm hòa giải viên", objectName="teamAddMediator")
        self.add_button.clicked.connect(self.add_mediator)

        self.full_name = QLineEdit(objectName="mediatorName")
        self.sex = EnumCombo(Sex, allow_empty="—", objectName="mediatorSex")
        self.birth_year = QSpinBox(objectName="mediatorBirthYear", minimum=0, maximum=2100)
        self.birth_year.setSpecialValueText("—")
        self.phone = QLineEdit(objectName="mediatorPhone")
        self.decision_number = QLineEdit(objectName="mediatorDecisionNumber")
        self.decision_number.setPlaceholderText("Quyết định công nhận của Chủ tịch UBND phường")
        self.decision_date = DateField(objectName="mediatorDecisionDate")
        self.is_leader = QCheckBox("Tổ trưởng", objectName="mediatorLeader")
        self.left_on = DateField(objectName="mediatorLeftOn")
        self.left_reason = QLineEdit(objectName="mediatorLeftReason")
        self.form_box = QGroupBox("Hòa giải viên")
        grid = QGridLayout(self.form_box)
        for i, (label, widget) in enumerate((
                ("Họ và tên:", self.full_name), ("Giới tính:", self.sex),
                ("Năm sinh:", self.birth_year), ("Điện thoại:", self.phone),
                ("Quyết định số:", self.decision_number), ("Ngày quyết định:", self.decision_date),
                ("", self.is_leader), ("Thôi từ ngày:", self.left_on),
                ("Lý do thôi:", self.left_reason))):
            row, col = divmod(i, 2)
            grid.addWidget(QLabel(label), row, col * 2)
            grid.addWidget(widget, row, col * 2 + 1)
        for w in (self.full_name, self.phone, self.decision_number, self.decision_date,
                  self.left_on, self.left_reason):
            w.textEdited.connect(self._changed)
        self.sex.currentIndexChanged.connect(self._changed)
        self.birth_year.valueChanged.connect(self._changed)
        self.is_leader.toggled.connect(self._changed)
        self.form_box.setEnabled(False)
        self._loading = False

        self.warnings = QLabel(objectName="teamWarnings", wordWrap=True)
        self.warnings.setStyleSheet("color: #a05a00;")
        self.error = error_label("teamError", bold=True)
        buttons = button_row("&Lưu", self.save, self.reject, "teamSave")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(QLabel("Hòa giải viên (ít nhất 3 người, có ít nhất một người nữ):"))
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.form_box)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(820, 620)
        self.table.itemSelectionChanged.connect(self._select)
        for m in self.data.mediators:
            self._append(m)
        if self.data.mediators:
            self.table.selectRow(0)
        self._show_warnings()

    def _append(self, m: MediatorData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._fill(row, m)

    def _fill(self, row: int, m: MediatorData) -> None:
        for col, text in enumerate(_cells(m)):
            item = self.table.item(row, col) or QTableWidgetItem()
            item.setText(text)
            item.setForeground(Qt.GlobalColor.gray if m.left_on else Qt.GlobalColor.black)
            self.table.setItem(row, col, item)

    def current(self) -> MediatorData | None:
        rows = self.table.selectionModel().selectedRows()
        return self.data.mediators[rows[0].row()] if rows else None

    def add_mediator(self) -> None:
        self.data.mediators.append(MediatorData("", None))
        self._append(self.data.mediators[-1])
        self.table.selectRow(len(self.data.mediators) - 1)
        self.full_name.setFocus()

    def _select(self) -> None:
        m = self.current()
        self._loading = True
        self.form_box.setEnabled(m is not None)
        m = m or MediatorData("", None)
        self.full_name.setText(m.full_name)
        self.sex.set_value(m.sex)
        self.birth_year.setValue(m.birth_year or 0)
        self.phone.setText(m.phone)
        self.decision_number.setText(m.decision_number)
        self.decision_date.set_date(m.decision_date)
        self.is_leader.setChecked(m.is_leader)
        self.left_on.set_date(m.left_on)
        self.left_reason.setText(m.left_reason)
        self._loading = False

    def _changed(self, *_args) -> None:
        m = self.current()
        if self._loading or m is None:
            return
        m.full_name, m.sex = self.full_name.text(), self.sex.value()
        m.birth_year = self.birth_year.value() or None
        m.phone, m.decision_number = self.phone.text(), self.decision_number.text()
        m.is_leader, m.left_reason = self.is_leader.isChecked(), self.left_reason.text()
        for attr, field in (("decision_date", self.decision_date), ("left_on", self.left_on)):
            try:
                setattr(m, attr, field.date())
            except ValueError:
                setattr(m, attr, None)
        self._fill(self.data.mediators.index(m), m)
        self._show_warnings()

    def _show_warnings(self) -> None:
        self.warnings.setText("\n".join(
            f"⚠ {w}" for w in team_warnings(self.name.text(), self.data.mediators)))

    def save(self) -> None:
        self.data.name = self.name.text()
        self.data.book_number = self.book_number.text()
        try:
            for field, label in ((self.decision_date, "Ngày quyết định"),
                                 (self.left_on, "Thôi từ ngày")):
                FormDialog.read_date(field, label, required=False)
            self.data.book_opened_on = FormDialog.read_date(self.book_opened, "Ngày mở sổ",
                                                            required=False)
            self.data.book_closed_on = FormDialog.read_date(self.book_closed, "Ngày khóa sổ",
                                                            required=False)
            self.saved_id = self.service.save_team(copy.deepcopy(self.data))
        except FieldError as err:
            self.error.setText(f"Chưa lưu. {err}")
            return
        self.accept()


class TeamsDialog(QDialog):
    """Every residential area's team, its leader and composition, with the law's warnings."""

    COLUMNS = ["Khu dân cư", "Tổ hòa giải", "Tổ trưởng", "Thành phần", "Cảnh báo"]

    def __init__(self, service: MediationService, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mediationTeamsDialog")
        self.setWindowTitle("Tổ hòa giải và hòa giải viên")
        self.service = service
        service.ensure_teams()
        self.table = QTableWidget(0, len(self.COLUMNS), objectName="mediationTeams")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.edit_button = QPushButton("Sửa tổ, hòa giải viên…", objectName="mediationTeamEdit")
        self.edit_button.clicked.connect(self.edit_selected)
        buttons = button_row("Đóng", self.accept, self.reject)
        buttons.buttons()[1].hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(buttons)
        self.resize(980, 480)
        self.reload()

    def reload(self) -> None:
        self.teams = self.service.list_teams()
        self.table.setRowCount(len(self.teams))
        for i, t in enumerate(self.teams):
            cells = [t.area_name, t.name, t.leader or "(chưa có)", t.composition,
                     " ".join(t.warnings)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if t.warnings:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def edit_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        team = self.teams[rows[0].row()]
        dialog = TeamDialog(self.service, self.service.get_team(team.id), team.area_name, self)
        if dialog.exec():
            self.reload()



