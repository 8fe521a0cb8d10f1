"""Mediation teams: the list with composition warnings, and one team with its mediators."""

from __future__ import annotations

import copy
from dataclasses import astuple

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
from ...services.mediation import (
    MediationService,
    MediatorData,
    TeamData,
    TeamLocks,
    team_errors_as_typed,
    team_warnings,
)
from ...text import normalize
from ...validation import FieldError
from ..audit.history import history_button
from ..permissions import PADLOCK, opener, padlock_icon
from ..rehabilitation.forms import (
    TOP,
    SteadyForm,
    field_label,
    merge,
    read_date,
    steady_lines,
    tie_to,
    top_row,
)
from ..widgets.dialogs import (
    FieldForm,
    RememberedDialog,
    button_row,
    error_label,
    fit_placeholder,
    read_only_note,
    view_only,
)
from ..widgets.fields import DateField, EnumCombo, format_date
from ..widgets.lifetime import modal

MEDIATOR_COLUMNS = ["Họ và tên", "Giới tính", "Năm sinh", "Điện thoại", "Quyết định công nhận",
                    "Tình trạng"]


def _cells(m: MediatorData) -> list[str]:
    status = "Tổ trưởng" if m.is_leader else "Hòa giải viên"
    if m.left_on:
        status = f"Đã thôi {format_date(m.left_on)}"
    return [m.full_name or "(chưa có tên)", m.sex.label if m.sex else "",
            str(m.birth_year or ""), m.phone, m.decision, status]


def hold(widgets, message: str | None) -> None:
    """A field a signed-off year holds: read-only with the padlock and the lock's message as
    its tooltip; ``message`` None: editable again, its own tooltip back."""
    for w in widgets:
        if w.property("unlockedTip") is None:
            w.setProperty("unlockedTip", w.toolTip())
        w.setReadOnly(bool(message))
        for action in w.actions():  # a date field's calendar button
            action.setEnabled(not message)
        w.setToolTip(f"{PADLOCK} {message}" if message else w.property("unlockedTip"))


MEDIATOR_KEYS = frozenset({"full_name", "sex", "birth_year", "phone", "decision_number",
                           "decision_date", "is_leader", "left_on", "left_reason"})


class TeamDialog(SteadyForm, RememberedDialog):
    """A team and all its mediators, saved together (one transaction)."""

    guard_question = "Bỏ các thay đổi chưa lưu của tổ hòa giải này?"

    def __init__(self, service: MediationService, data: TeamData, area_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mediationTeamDialog")
        self.setWindowTitle(f"Tổ hòa giải — {area_name}")
        self.service = service
        self.data = copy.deepcopy(data)
        self.saved_id: int | None = None
        self.error = error_label("teamError", bold=True)
        self.field_form = tie_to(FieldForm(self.live_errors, self.error), self)
        add = self.field_form.add
        self.name = QLineEdit(self.data.name, objectName="teamName")
        self.book_number = QLineEdit(self.data.book_number, objectName="teamBookNumber")
        self.book_opened = DateField(self, self.data.book_opened_on, objectName="teamBookOpened")
        self.book_closed = DateField(self, self.data.book_closed_on, objectName="teamBookClosed")
        top = QFormLayout()
        top.addRow(field_label("Tên tổ:", self.name), add("name", self.name, "Tên tổ hòa giải"))
        self.book_number.setToolTip("Quyển số in trên bìa sổ theo dõi hoạt động hòa giải; để "
                                    "trống thì bìa để chấm để ghi tay.")
        self.book_opened.setToolTip("Ngày mở sổ in trên bìa. Sổ ghi liên tục: các vụ, việc "
                                    "nhận từ ngày này được đánh số 1, 2, 3… không bắt đầu lại "
                                    "mỗi năm. Để trống: sổ tính từ vụ, việc đầu tiên của tổ.")
        self.book_closed.setToolTip("Ngày khóa sổ: vụ, việc nhận sau ngày này không ghi vào "
                                    "quyển sổ này nữa.")
        self.book_number.setMaximumWidth(160)
        top.addRow(field_label("Sổ theo dõi, quyển số:", self.book_number),
                   add("book_number", self.book_number, "Quyển số"))
        top.addRow(field_label("Mở sổ ngày:", self.book_opened), top_row(
            add("book_opened_on", self.book_opened, "Ngày mở sổ"), "khóa sổ ngày:",
            add("book_closed_on", self.book_closed, "Ngày khóa sổ"), None))

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
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton("Thêm hòa giải viên", objectName="teamAddMediator")
        self.add_button.clicked.connect(self.add_mediator)

        self.full_name = QLineEdit(objectName="mediatorName")
        self.sex = EnumCombo(Sex, allow_empty="—", objectName="mediatorSex")
        self.birth_year = QSpinBox(objectName="mediatorBirthYear", minimum=0, maximum=2100)
        self.birth_year.setSpecialValueText("—")
        self.phone = QLineEdit(objectName="mediatorPhone")
        self.decision_number = QLineEdit(objectName="mediatorDecisionNumber")
        self.decision_number.setPlaceholderText("Quyết định công nhận của Chủ tịch UBND phường")
        fit_placeholder(self.decision_number)
        self.decision_date = DateField(objectName="mediatorDecisionDate")
        self.is_leader = QCheckBox("Tổ trưởng", objectName="mediatorLeader")
        self.left_on = DateField(objectName="mediatorLeftOn")
        self.left_reason = QLineEdit(objectName="mediatorLeftReason")
        self.form_box = QGroupBox("Hòa giải viên")
        grid = QGridLayout(self.form_box)
        for i, (label, key, widget) in enumerate((
                ("Họ và tên:", "full_name", self.full_name), ("Giới tính:", "sex", self.sex),
                ("Năm sinh:", "birth_year", self.birth_year),
                ("Điện thoại:", "phone", self.phone),
                ("Quyết định số:", "decision_number", self.decision_number),
                ("Ngày quyết định:", "decision_date", self.decision_date),
                ("", "is_leader", self.is_leader), ("Thôi từ ngày:", "left_on", self.left_on),
                ("Lý do thôi:", "left_reason", self.left_reason))):
            row, col = divmod(i, 2)
            grid.addWidget(field_label(label, widget), row, col * 2, TOP)
            grid.addWidget(add(key, widget), row, col * 2 + 1, TOP)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for w in (self.full_name, self.phone, self.decision_number, self.decision_date,
                  self.left_on, self.left_reason):
            w.textEdited.connect(self._changed)
        self.sex.currentIndexChanged.connect(self._changed)
        self.birth_year.valueChanged.connect(self._changed)
        self.is_leader.toggled.connect(self._changed)
        # a mediator who joined or left in a signed-off year (services/mediation.py TeamLocks)
        self.mediator_lock_note = read_only_note("", name="mediatorLockedNote")
        self.mediator_lock_note.hide()
        grid.addWidget(self.mediator_lock_note, grid.rowCount(), 0, 1, 4)
        self.form_box.setEnabled(False)
        self._loading = False
        self.book_lock_note = read_only_note("", name="teamLockedNote")
        self.book_lock_note.hide()
        self.locks = TeamLocks()

        steady_lines(self.field_form)
        self.warnings = QLabel(objectName="teamWarnings", wordWrap=True)
        self.warnings.setStyleSheet("color: #a05a00;")
        self.buttons = button_row("&Lưu", self.save, self.reject, "teamSave")
        self.history_button = history_button(self, service.db, f"tổ hòa giải {area_name}",
                                             self.history_targets)
        self.saved_note = QLabel(objectName="teamSaved")
        self.saved_note.setStyleSheet("color: #2e7d32;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.history_button)
        bottom.addWidget(self.saved_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.book_lock_note)
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
        layout.addLayout(bottom)
        self.remember_size("mediationTeamDialog", 860, 660)
        self.table.itemSelectionChanged.connect(self._select)
        self._read_locks()
        self._fill_table()
        self._show_warnings()
        view_only(self, service.db)  # an account that may not write: read-only
        self.mark_clean()  # Esc asks once this differs (GuardedDialog)

    def _read_locks(self) -> None:
        """What of the stored roster a signed-off year holds; the book's days held at once
        (the mediators' fields as each is shown)."""
        self.locks = (self.service.team_locks(self.data) if self.data.id is not None
                      else TeamLocks())
        self._stored = {m.id: copy.copy(m) for m in self.data.mediators if m.id is not None}
        hold([self.book_opened, self.book_closed], self.locks.book)
        self.book_lock_note.setText(f"{PADLOCK} {self.locks.book} Giữ nguyên: ngày mở sổ, "
                                    "khóa sổ." if self.locks.book else "")
        self.book_lock_note.setVisible(bool(self.locks.book))

    def mediator_lock(self, m: MediatorData) -> tuple[str | None, str | None]:
        """(joined, left): the sign-offs holding a stored mediator's decision and leaving."""
        if m.id is None:
            return None, None
        return self.locks.joined.get(m.id), self.locks.left.get(m.id)

    def history_targets(self) -> list[tuple[str, int | None]]:
        """The team and its mediators (read when Lịch sử is clicked)."""
        return [("mediation_team", self.data.id)] + [("mediator", m.id)
                                                      for m in self.data.mediators]

    def state(self) -> object:
        """What Esc would lose: the team as typed (the mediator form edits the data in place;
        choosing another mediator changes the form's widgets, not the data)."""
        return (self.name.text(), self.book_number.text(), self.book_opened.text(),
                self.book_closed.text(), [astuple(m) for m in self.data.mediators])

    def _fill_table(self, select: int = 0) -> None:
        self.table.setRowCount(0)
        for m in self.data.mediators:
            self._append(m)
        if self.data.mediators:
            self.table.selectRow(min(select, len(self.data.mediators) - 1))

    def _append(self, m: MediatorData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._fill(row, m)

    def _fill(self, row: int, m: MediatorData) -> None:
        joined, left = self.mediator_lock(m)
        for col, text in enumerate(_cells(m)):
            item = self.table.item(row, col) or QTableWidgetItem()
            item.setText(text)
            item.setForeground(Qt.GlobalColor.gray if m.left_on else Qt.GlobalColor.black)
            if col == 0 and (joined or left):
                item.setIcon(padlock_icon())
                item.setToolTip(f"{PADLOCK} {joined or left}")
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
        joined, left = self.mediator_lock(m)
        hold([self.decision_number, self.decision_date], joined)
        hold([self.left_on, self.left_reason], left)
        held = (["số và ngày quyết định công nhận"] if joined else []) + (
            ["ngày và lý do thôi"] if left else [])
        self.mediator_lock_note.setText(f"{PADLOCK} {joined or left} Giữ nguyên: "
                                        f"{'; '.join(held)}." if held else "")
        self.mediator_lock_note.setVisible(bool(held))
        self._loading = False
        # another mediator: their fields are not "edited" yet (loading them is no edit)
        self.field_form.touched -= MEDIATOR_KEYS
        QTimer.singleShot(0, self, self.field_form.revalidate)

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

    # -- the rules as you type, and saving ----------------------------------------------------
    def read(self) -> tuple[TeamData, list[FieldError]]:
        """The team as typed, and the dates that cannot be read (the team's, and the shown
        mediator's)."""
        errors: list[FieldError] = []
        data = copy.deepcopy(self.data)
        data.name, data.book_number = self.name.text(), self.book_number.text()
        data.book_opened_on = read_date(self.book_opened, "Ngày mở sổ", "book_opened_on", errors)
        data.book_closed_on = read_date(self.book_closed, "Ngày khóa sổ", "book_closed_on",
                                        errors)
        if self.current() is not None:
            read_date(self.decision_date, "Ngày quyết định", "decision_date", errors)
            read_date(self.left_on, "Thôi từ ngày", "left_on", errors)
        return data, errors

    def live_errors(self) -> list[FieldError]:
        data, read = self.read()
        found = [e for e in team_errors_as_typed(data) if e.key not in MEDIATOR_KEYS]
        current = self.current()
        for m in self.data.mediators:  # each mediator's own fields, on their own
            mine = [e for e in team_errors_as_typed(TeamData(data.area_id, mediators=[m]))
                    if e.key in MEDIATOR_KEYS]
            # the shown mediator's errors go under their fields; the others' to the line
            found += mine if m is current else [FieldError(e.field, e.message, e.row)
                                                for e in mine]
        if current is not None:  # a day moved into a signed-off year: refused on save
            stored = self._stored.get(current.id)
            for key, label, attr in (("decision_date", "Ngày quyết định công nhận",
                                      "decision_date"),
                                     ("left_on", "Ngày thôi làm hòa giải viên", "left_on")):
                day = getattr(current, attr)
                if day is not None and (stored is None or getattr(stored, attr) != day):
                    message = self.service.period_lock(day, data.area_id)
                    if message:
                        found.insert(0, FieldError(label, message, key=key))
        return merge(read, found)

    def _store(self) -> bool:
        data, read = self.read()
        try:
            if read:
                raise read[0]
            self.saved_id = self.service.save_team(data)
        except FieldError as err:
            if err.key in MEDIATOR_KEYS and err.row:  # show the mediator it is about
                for i, m in enumerate(self.data.mediators):
                    if (normalize(m.full_name) or "Hòa giải viên chưa có tên") == err.row:
                        if m is not self.current():
                            self.table.selectRow(i)
                        break
            self.field_form.show([err])
            self.error.setText(f"Chưa lưu. {err}")
            self.saved_note.setText("")
            return False
        return True

    def save(self) -> None:
        if self._store():
            self.accept()

    def save_in_place(self) -> None:
        """Ctrl+S: save and stay, the team read back (its mediators' ids, its version)."""
        if not self._store():
            return
        row = max(0, self.table.currentRow())
        self.data = self.service.get_team(self.saved_id)
        self._read_locks()
        self._fill_table(row)
        self._show_warnings()
        self.history_button.setEnabled(True)
        self.error.setText("")
        self.saved_note.setText("Đã lưu tổ hòa giải.")
        self.mark_clean()


class TeamsDialog(RememberedDialog):
    """Every residential area's team, its leader and composition, with the law's warnings."""

    COLUMNS = ["Khu dân cư", "Tổ hòa giải", "Tổ trưởng", "Thành phần", "Cảnh báo"]
    guard_edits = False  # a list: each team is saved in its own dialog

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
        opener(self.edit_button, service.db, "Xem tổ, hòa giải viên…")
        self.buttons = button_row("Đóng", self.accept, self.reject)
        self.buttons.buttons()[1].hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.buttons)
        self.remember_size("mediationTeamsDialog", 980, 480)
        self.reload()

    def save_and_close(self) -> None:
        """Ctrl+Enter: nothing of its own to save; close, as "Đóng" does."""
        self.accept()

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
        with modal(dialog) as saved:
            if saved or dialog.saved_id is not None:  # Ctrl+S saved it, then closed
                self.reload()



