"""A mediation case: how it came in, the parties, the mediators, the result and its follow-up."""

from __future__ import annotations

import copy
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...enums import CaseOrigin, Compliance, MediationStatus, MediationType
from ...services.duplicates import DuplicateService
from ...services.mediation import (
    CaseData,
    MediationService,
    PartyData,
    TeamRow,
    case_errors_as_typed,
)
from ...services.periods import MEDIATION, PeriodService
from ...validation import FieldError, parse_whole_number
from ..audit.history import history_button
from ..duplicates.hint import DuplicateHint
from ..rehabilitation.forms import (
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
    scrolled,
    view_only,
)
from ..widgets.fields import DateField, EnumCombo
from ..widgets.resident_search import ResidentSearch

PARTY_COLUMNS = ["Họ và tên", "Năm sinh", "Tuổi", "Địa chỉ"]


def _text(widget: QPlainTextEdit, height: int = 54) -> QPlainTextEdit:
    widget.setFixedHeight(height)
    return widget


class MediationCaseDialog(SteadyForm, RememberedDialog):
    def __init__(self, service: MediationService, teams: list[TeamRow],
                 data: CaseData | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mediationCaseDialog")
        self.service = service
        self.saved_id: int | None = None
        self.data = copy.deepcopy(data) if data else CaseData(None, date.today(), None, None, "")
        self.setWindowTitle("Vụ việc hòa giải mới" if data is None else "Vụ việc hòa giải")

        self.team = QComboBox(objectName="caseTeam")
        self.team.addItem("— chọn tổ hòa giải —", None)
        for t in teams:
            self.team.addItem(f"{t.name} ({t.area_name})", t.id)
        self.received = DateField(self, self.data.received_on, objectName="caseReceived")
        self.origin = EnumCombo(CaseOrigin, allow_empty="— chọn —", objectName="caseOrigin")
        self.case_type = EnumCombo(MediationType, allow_empty="— chọn —", objectName="caseType")
        self.assigned = DateField(self, self.data.assigned_on, objectName="caseAssigned")
        self.started = DateField(self, self.data.started_on, objectName="caseStarted")
        self.late = QLabel(objectName="caseLate", wordWrap=True)
        self.late.setStyleSheet("color: #b00020;")
        self.content = _text(QPlainTextEdit(self.data.content, objectName="caseContent"))
        self.error = error_label("caseError", bold=True)
        self.field_form = tie_to(FieldForm(self.live_errors, self.error), self)
        add = self.field_form.add
        intake = QGroupBox("Tiếp nhận")
        form = QFormLayout(intake)
        form.addRow(field_label("Tổ hòa giải:", self.team), add("team_id", self.team, "Tổ hòa giải"))
        form.addRow(field_label("Ngày tiếp nhận:", self.received), top_row(
            add("received_on", self.received, "Ngày nhận"), "Nguồn:",
            (add("origin", self.origin, "Căn cứ hòa giải"), 1)))
        form.addRow(field_label("Loại việc:", self.case_type),
                    add("case_type", self.case_type, "Loại vụ, việc"))
        form.addRow(field_label("Ngày phân công:", self.assigned), top_row(
            add("assigned_on", self.assigned, "Ngày phân công"), "bắt đầu hòa giải:",
            add("started_on", self.started, "Ngày bắt đầu hòa giải"), None))
        form.addRow("", self.late)
        form.addRow(field_label("Nội dung chính:", self.content),
                    add("content", self.content, "Nội dung chủ yếu"))

        self.parties = QTableWidget(0, len(PARTY_COLUMNS), objectName="caseParties")
        self.parties.setHorizontalHeaderLabels(PARTY_COLUMNS)
        self.parties.verticalHeader().setVisible(False)
        self.parties.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.parties.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.parties.setFixedHeight(110)
        self.party_search = QLineEdit(objectName="casePartySearch")
        self.party_search.setPlaceholderText("Tìm trong sổ hộ khẩu để thêm làm một bên")
        self.party_search.setToolTip("Gõ họ tên (có dấu hoặc không dấu) hoặc số định danh; "
                                     "chọn người trong danh sách để thêm làm một bên")
        self.party_results = QListWidget(objectName="casePartyResults")
        self.party_results.setFixedHeight(70)
        self.add_typed = QPushButton("Thêm người ngoài sổ", objectName="caseAddTypedParty")
        self.remove_party = QPushButton("Bỏ dòng đang chọn", objectName="caseRemoveParty")
        self.people = ResidentSearch(self.party_search, self.party_results,
                                     service.find_residents)
        self.party_results.itemActivated.connect(self._add_resident)
        self.party_results.itemDoubleClicked.connect(self._add_resident)
        self.add_typed.clicked.connect(lambda: self._append_party(PartyData("")))
        self.remove_party.clicked.connect(self._remove_party)
        fit_placeholder(self.party_search)
        party_box = QGroupBox("Các bên (tên, tuổi, địa chỉ)")
        v = QVBoxLayout(party_box)
        v.addWidget(add("parties", self.parties, "Các bên"))
        # a party typed by hand who is probably in the register (issue 13)
        self.team_areas = {t.id: t.area_id for t in teams}
        self.duplicate = DuplicateHint(DuplicateService(service.db).matches, "partyDuplicate")
        self.duplicate.openRequested.connect(self._use_registered)
        v.addWidget(self.duplicate)
        row = QHBoxLayout()
        row.addWidget(self.party_search, 1)
        row.addWidget(self.add_typed)
        row.addWidget(self.remove_party)
        v.addLayout(row)
        v.addWidget(self.party_results)

        self.mediators = QListWidget(objectName="caseMediators")
        self.mediators.setFixedHeight(80)
        self.invited = QLineEdit(self.data.invited, objectName="caseInvited")
        self.invited.setPlaceholderText("Người được mời tham gia (nếu có)")
        self.status = EnumCombo(MediationStatus, objectName="caseStatus")
        self.closed = DateField(self, self.data.closed_on, objectName="caseClosed")
        self.agreement = _text(QPlainTextEdit(self.data.agreement, objectName="caseAgreement"))
        self.agreement.setPlaceholderText("Thỏa thuận đạt được; nếu không thành: yêu cầu của "
                                          "từng bên")
        self.compliance = EnumCombo(Compliance, allow_empty="—", objectName="caseCompliance")
        self.compliance_note = QLineEdit(self.data.compliance_note, objectName="caseComplianceNote")
        self.notes = QLineEdit(self.data.notes, objectName="caseNotes")
        result = QGroupBox("Hòa giải và kết quả")
        form = QFormLayout(result)
        form.addRow(field_label("Hòa giải viên:", self.mediators),
                    add("mediator_ids", self.mediators, "Hòa giải viên"))
        form.addRow(field_label("Người được mời:", self.invited),
                    add("invited", fit_placeholder(self.invited), "Người được mời tham gia"))
        form.addRow(field_label("Kết quả:", self.status), top_row(
            (add("status", self.status, "Kết quả"), 1), "ngày kết thúc:",
            add("closed_on", self.closed, "Ngày kết thúc")))
        form.addRow(field_label("Thỏa thuận:", self.agreement),
                    add("agreement", self.agreement, "Thỏa thuận của các bên"))
        form.addRow(field_label("Theo dõi thực hiện:", self.compliance), top_row(
            add("compliance", self.compliance, "Theo dõi thực hiện"),
            (add("compliance_note", self.compliance_note, "Ghi chú theo dõi"), 1)))
        form.addRow(field_label("Ghi chú:", self.notes), add("notes", self.notes, "Ghi chú"))

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        for w in (intake, party_box, result):
            inner.addWidget(w)
        inner.addStretch(1)  # spare height below the form, never between its rows
        steady_lines(self.field_form)
        self.body = body
        self.buttons = button_row("&Lưu", self.save, self.reject, "caseSave")
        self.history_button = history_button(self, service.db, "vụ việc hòa giải",
                                             self.history_targets)
        self.saved_note = QLabel(objectName="caseSaved")
        self.saved_note.setStyleSheet("color: #2e7d32;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.history_button)
        bottom.addWidget(self.saved_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        self.locked = (PeriodService(service.db).is_locked(MEDIATION, data.received_on)
                       if data is not None and data.id is not None and data.received_on
                       else None)
        layout.addWidget(scrolled(body, "caseScroll"), 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.remember_size("mediationCaseDialog", 880, 700)

        self.team.setCurrentIndex(max(0, self.team.findData(self.data.team_id)))
        if self.data.team_id is None and len(teams) == 1:
            self.team.setCurrentIndex(1)
        self.origin.set_value(self.data.origin)
        self.case_type.set_value(self.data.case_type)
        self.status.set_value(self.data.status)
        self.compliance.set_value(self.data.compliance)
        for p in self.data.parties:
            self._append_party(p)
        self.parties.cellChanged.connect(self._party_typed)
        self.parties.currentCellChanged.connect(lambda *_a: self.duplicate.clear())
        self.team.currentIndexChanged.connect(lambda _i: self._fill_mediators())
        self._fill_mediators()
        for w in (self.received, self.assigned, self.started):
            w.textEdited.connect(lambda _t: self._show_late())
        self.origin.currentIndexChanged.connect(lambda _i: self._show_late())
        self._show_late()
        # the parties table and the mediators' ticks are no line edits: watched by hand
        self.parties.cellChanged.connect(lambda *_a: self._edited("parties"))
        self.parties.model().rowsRemoved.connect(lambda *_a: self._edited("parties"))
        self.parties.model().rowsInserted.connect(lambda *_a: self._edited("parties"))
        self.mediators.itemChanged.connect(lambda *_a: self._edited("mediator_ids"))
        view_only(self, service.db, self.locked)  # a signed-off year, or who may not write
        self.mark_clean()  # Esc asks once this differs (GuardedDialog)

    def _edited(self, key: str) -> None:
        self.field_form.touched.add(key)
        QTimer.singleShot(0, self, self.field_form.revalidate)  # once the row is filled in

    def history_targets(self) -> list[tuple[str, int | None]]:
        """The case and its parties (read when Lịch sử is clicked)."""
        if self.data.id is None:
            return [("mediation_case", None)]
        return [("mediation_case", self.data.id)] + [("mediation_party", p.id)
                                                      for p in self.data.parties]

    # -- parties ------------------------------------------------------------------------------
    def _append_party(self, p: PartyData) -> None:
        row = self.parties.rowCount()
        self.parties.insertRow(row)
        cells = [p.full_name, str(p.birth_year or ""), str(p.age or ""), p.address]
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col == 0:
                item.setData(Qt.ItemDataRole.UserRole, (p.resident_id, p.id))
            self.parties.setItem(row, col, item)
        if p.resident_id is not None:  # the register's particulars are not retyped here
            for col in range(3):
                cell = self.parties.item(row, col)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.parties.setCurrentCell(row, 0)

    def _party_typed(self, row: int, _col: int) -> None:
        """A typed party's name, birth year or age changed: look for them in the register."""
        first = self.parties.item(row, 0)
        resident_id, party_id = (first.data(Qt.ItemDataRole.UserRole) if first else None) or (
            None, None)
        if first is None or resident_id is not None:
            return

        def number(col: int) -> int | None:
            item = self.parties.item(row, col)
            text = item.text().strip() if item is not None else ""
            return int(text) if text.isascii() and text.isdigit() else None

        year, age = number(1), number(2)
        received = self.data.received_on or date.today()
        if year is None and age is not None:
            year = received.year - age
        self.duplicate.request(name=first.text(), birth_year=year,
                               area_id=self.team_areas.get(self.team.currentData()),
                               record=("party", party_id) if party_id else None)

    def _use_registered(self, match) -> None:
        """"Mở hồ sơ có sẵn": the typed row becomes the registered person."""
        row = self.parties.currentRow()
        first = self.parties.item(row, 0) if row >= 0 else None
        if first is None:
            return
        _resident, party_id = first.data(Qt.ItemDataRole.UserRole) or (None, None)
        party = PartyData.from_resident(self.service.resident(match.resident_id))
        party.id = party_id
        self.parties.blockSignals(True)
        self.parties.removeRow(row)
        self.parties.blockSignals(False)
        self._append_party(party)
        self.duplicate.clear()

    def _remove_party(self) -> None:
        row = self.parties.currentRow()
        if row >= 0:
            self.parties.removeRow(row)

    def _add_resident(self, item: QListWidgetItem) -> None:
        choice = ResidentSearch.choice(item)
        if choice is not None:
            self._append_party(PartyData.from_resident(choice))
            self.party_search.clear()
            self.party_results.clear()

    def party_rows(self) -> list[PartyData]:
        out = []
        for row in range(self.parties.rowCount()):
            def text(col: int) -> str:
                item = self.parties.item(row, col)
                return item.text().strip() if item is not None else ""

            first = self.parties.item(row, 0)  # None while a row is being inserted
            resident_id, party_id = (first.data(Qt.ItemDataRole.UserRole) if first else None) \
                or (None, None)
            numbers = []
            for col, label in ((1, "Năm sinh"), (2, "Tuổi")):
                try:  # isdigit() lets "²" through, which int() then refuses
                    numbers.append(parse_whole_number(text(col), label))
                except FieldError:
                    raise FieldError(label, f"dòng {row + 1}: chỉ gồm chữ số 0–9.") from None
            out.append(PartyData(text(0), numbers[0], numbers[1], text(3), resident_id,
                                 party_id))
        return out

    # -- mediators ----------------------------------------------------------------------------
    def _fill_mediators(self) -> None:
        chosen = set(self.data.mediator_ids) | {
            self.mediators.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.mediators.count())
            if self.mediators.item(i).checkState() == Qt.CheckState.Checked}
        self.mediators.clear()
        team_id = self.team.currentData()
        if team_id is None:
            return
        for m in self.service.mediator_choices(team_id, keep=self.data.mediator_ids):
            item = QListWidgetItem(m.label)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if m.id in chosen
                               else Qt.CheckState.Unchecked)
            self.mediators.addItem(item)

    def checked_mediators(self) -> list[int]:
        return [self.mediators.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.mediators.count())
                if self.mediators.item(i).checkState() == Qt.CheckState.Checked]

    # -- the 3-day rule and saving ------------------------------------------------------------
    def _show_late(self) -> None:
        try:
            data = self.current_data()
        except FieldError:
            return
        check = self.service.late_check(data)
        self.late.setText(f"⚠ {check.label}" if check.late else "")
        self.late.setVisible(check.late)

    def read(self) -> tuple[CaseData, list[FieldError]]:
        """The case as typed, and what cannot be read from the widgets (a date, a number)."""
        errors: list[FieldError] = []

        def when(field: DateField, label: str, key: str) -> date | None:
            return read_date(field, label, key, errors)

        try:
            parties = self.party_rows()
        except FieldError as err:
            parties = []
            errors.append(FieldError("Các bên", f"{err.field}: {err.message}", key="parties"))
        data = CaseData(
            id=self.data.id, team_id=self.team.currentData(),
            received_on=when(self.received, "Ngày tiếp nhận", "received_on"),
            origin=self.origin.value(), case_type=self.case_type.value(),
            content=self.content.toPlainText(), parties=parties,
            mediator_ids=self.checked_mediators(), invited=self.invited.text(),
            assigned_on=when(self.assigned, "Ngày phân công", "assigned_on"),
            started_on=when(self.started, "Ngày bắt đầu hòa giải", "started_on"),
            status=self.status.value(), closed_on=when(self.closed, "Ngày kết thúc", "closed_on"),
            agreement=self.agreement.toPlainText(), compliance=self.compliance.value(),
            compliance_note=self.compliance_note.text(), notes=self.notes.text(),
            version=self.data.version)  # read when the dialog opened (or last saved it)
        return data, errors

    def current_data(self) -> CaseData:
        data, errors = self.read()
        if errors:
            raise errors[0]
        return data

    def live_errors(self) -> list[FieldError]:
        data, read = self.read()
        found = []
        for e in case_errors_as_typed(data):
            if e.row:  # a party's field: said under the parties, naming the party
                e = FieldError("Các bên", f"{e.row} — {e.field}: {e.message}", key="parties")
            found.append(e)
        return merge(read, found)

    def _store(self) -> bool:
        if self.locked:
            return False
        try:
            self.saved_id = self.service.save(self.current_data())
        except FieldError as err:
            self.field_form.show([err])
            self.error.setText(f"Chưa lưu. {err}")
            self.saved_note.setText("")
            return False
        return True

    def save(self) -> None:
        if self._store():
            self.accept()

    def save_in_place(self) -> None:
        """Ctrl+S: save and stay, the case read back (its parties' ids, its version)."""
        if not self._store():
            return
        self.data = self.service.get(self.saved_id)
        self.parties.blockSignals(True)
        self.parties.setRowCount(0)
        self.parties.blockSignals(False)
        for p in self.data.parties:
            self._append_party(p)
        self.setWindowTitle("Vụ việc hòa giải")
        self.history_button.setEnabled(True)
        self.error.setText("")
        self.saved_note.setText("Đã lưu vụ việc.")
        self.mark_clean()
