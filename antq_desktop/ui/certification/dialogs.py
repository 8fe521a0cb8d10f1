"""Certification dialogs: a unit (agency, enterprise, school), a unit's year (registration,
criteria checklist, evaluation, result, decision), and the deadline settings.

Each is on the form mechanism (ui/widgets/dialogs.py): a field's error shows under it as you
type (the services' pure ``unit_errors``, ``record_errors``, ``cert_settings_errors``), Esc asks
before typed input is lost, Ctrl+Enter saves and closes; the record dialog saves in place with
Ctrl+S. A stored unit or record has "Lịch sử"; a record of a signed-off year opens read-only with
a padlock."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...enums import CertCategory, CertResult
from ...services.certification import (
    CertificationService,
    CertRecordInfo,
    CertUnitData,
    CertUnitInfo,
    CriterionData,
    CriterionState,
    RecordData,
    unit_errors,
)
from ...services.certification_rules import record_errors
from ...services.periods import CERTIFICATION
from ...services.settings import LABELS, MAX_DECIDER, SettingsService, cert_settings_errors
from ...validation import FieldError
from ..audit.history import history_button
from ..permissions import period_lock
from ..widgets import messages
from ..widgets.dialogs import (
    FieldForm,
    FormDialog,
    RememberedDialog,
    button_row,
    error_label,
    field_error_line,
    inline,
    view_only,
    with_error_lines,
)
from ..widgets.fields import DateField, EnumCombo

EDITABLE_CATEGORIES = (CertCategory.AGENCY, CertCategory.ENTERPRISE, CertCategory.SCHOOL)
CHECK_COLUMNS = ["Đạt", "Tiêu chuẩn", "Ghi chú, minh chứng"]
MET_COLOUR = "#1b5e20"
NOT_MET_COLOUR = "#b00020"


class CertUnitDialog(FormDialog):
    """An agency, enterprise or school that registers each year."""

    def __init__(self, service: CertificationService, unit: CertUnitInfo | None = None,
                 parent: QWidget | None = None, category: CertCategory | None = None):
        super().__init__("Đơn vị đăng ký phấn đấu" if unit else "Thêm đơn vị đăng ký phấn đấu",
                         "Cơ quan, doanh nghiệp, cơ sở giáo dục trên địa bàn. Khu dân cư và "
                         "phường được lấy từ Thông tin đơn vị.", parent)
        self.setObjectName("certUnitDialog")
        self.service = service
        self.unit_id = unit.id if unit else None
        self.version = unit.version if unit else None  # as read when the dialog opened
        self.saved_id: int | None = None
        self.category = QComboBox(objectName="certUnitCategory")
        follows_setup = unit is not None and unit.category not in EDITABLE_CATEGORIES
        for c in (unit.category,) if follows_setup else EDITABLE_CATEGORIES:
            self.category.addItem(c.label, c.value)
        chosen = unit.category if unit else category
        if chosen in EDITABLE_CATEGORIES:
            self.category.setCurrentIndex(self.category.findData(chosen.value))
        self.name = QLineEdit(unit.name if unit else "", objectName="certUnitName")
        if follows_setup:  # a residential area or the ward: named in the unit setup
            self.category.setEnabled(False)
            self.name.setReadOnly(True)
            self.name.setToolTip("Tên khu dân cư và phường sửa ở Tệp → Thông tin đơn vị.")
        self.address = QLineEdit(unit.address if unit else "", objectName="certUnitAddress")
        self.head = QLineEdit(unit.head_name if unit else "", objectName="certUnitHead")
        self.phone = QLineEdit(unit.phone if unit else "", objectName="certUnitPhone")
        self.name.setMinimumWidth(380)
        self.field_row("Loại đơn vị", "category", self.category)
        self.field_row("Tên đơn vị", "name", self.name)
        self.field_row("Địa chỉ", "address", self.address)
        self.field_row("Người đứng đầu" if not follows_setup or unit.category
                       is not CertCategory.AREA else "Trưởng khu dân cư", "head_name", self.head,
                       "Thủ trưởng, người đứng đầu")
        self.field_row("Điện thoại", "phone", self.phone, "Số điện thoại")
        if unit is not None:
            self.history = history_button(self, service.db, unit.name, [("cert_unit", unit.id)])
            self.buttons.addButton(self.history, QDialogButtonBox.ButtonRole.ResetRole)
        self.finish_layout()

    def data(self) -> CertUnitData:
        return CertUnitData(category=CertCategory(self.category.currentData()),
                            name=self.name.text(), address=self.address.text(),
                            head_name=self.head.text(), phone=self.phone.text(),
                            id=self.unit_id, version=self.version)

    def live_errors(self) -> list[FieldError]:
        """services/certification.unit_errors on what is typed now."""
        return unit_errors(self.data())

    def check(self) -> None:
        self.saved_id = self.service.save_unit(self.data())


class ChecklistTable(QTableWidget):
    """The criteria of one category: a tick per criterion and a note; computed criteria show
    what the records say under their text."""

    def __init__(self, states: list[CriterionState], parent: QWidget | None = None):
        super().__init__(len(states), len(CHECK_COLUMNS), parent)
        self.setObjectName("certChecklist")
        self.states = states
        self.setHorizontalHeaderLabels(CHECK_COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(2, 240)
        for row, state in enumerate(states):
            tick = QTableWidgetItem(str(state.criterion.number))
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Checked if state.met else Qt.CheckState.Unchecked)
            self.setItem(row, 0, tick)
            text = state.criterion.text
            if state.computed_text:
                mark = "đạt" if state.computed_met else "chưa đạt"
                text += f"\n→ Theo số liệu: {state.computed_text} ({mark})."
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setToolTip(state.criterion.text)
            self.setItem(row, 1, item)
            self.setItem(row, 2, QTableWidgetItem(state.note))
        # A handful of rows: fit their wrapped text whenever the widths change.
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()

    def lock(self) -> None:
        """Read-only: no tick or note can change (a record of a signed-off year)."""
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row in range(self.rowCount()):
            for col in range(self.columnCount()):
                item = self.item(row, col)
                if item is not None:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)

    def ticks(self) -> list[bool]:
        return [self.item(r, 0).checkState() == Qt.CheckState.Checked
                for r in range(self.rowCount())]

    def set_tick(self, row: int, met: bool) -> None:
        self.item(row, 0).setCheckState(Qt.CheckState.Checked if met else Qt.CheckState.Unchecked)

    def notes(self) -> list[str]:
        return [(self.item(r, 2).text() if self.item(r, 2) else "").strip()
                for r in range(self.rowCount())]


class CertRecordDialog(RememberedDialog):
    """One unit in one year: registration, checklist, evaluation, result, decision.

    "Lưu" and Ctrl+Enter save and close; Ctrl+S saves and keeps the record open (the officer
    fills a year's record in several sittings). Each field's error shows under it as you type
    (certification_rules.record_errors). A record of a signed-off year opens read-only."""

    def __init__(self, service: CertificationService, record: CertRecordInfo,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("certRecordDialog")
        self.service = service
        self.record = record
        self.saved = False
        self.locked: str | None = None
        unit = record.unit
        self.setWindowTitle(f"{unit.name} — năm {record.year}")

        title = QLabel(f"<b>{unit.name}</b> · {unit.category.label} · năm {record.year}",
                       wordWrap=True)
        self.registered = DateField(self, record.registered_on, objectName="certRegistered")
        self.checklist = ChecklistTable(record.checklist, self)
        self.evaluated = DateField(self, record.evaluated_on, objectName="certEvaluated")
        self.proposal = QLabel(objectName="certProposal")
        self.result = EnumCombo(CertResult, allow_empty="— chưa có kết quả —",
                                objectName="certResult")
        self.result.set_value(record.result)
        self.use_proposal = QPushButton("Theo đề xuất", objectName="certUseProposal")
        self.decision_number = QLineEdit(record.decision_number, objectName="certDecisionNumber")
        self.decision_number.setPlaceholderText("ví dụ 125/QĐ-UBND")
        self.decision_date = DateField(self, record.decision_date, objectName="certDecisionDate")
        self.certificate = QLineEdit(record.certificate_number, objectName="certCertificate")
        self.notes = QPlainTextEdit(record.notes, objectName="certNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self.error = error_label("certError")
        self.saved_note = QLabel(objectName="certSavedNote", styleSheet="color: #1b5e20;")
        self.saved_note.setProperty("guardIgnore", True)
        self.field_form = ff = FieldForm(self.live_errors, self.error)

        pledge = QGroupBox("1. Đăng ký phấn đấu (quý I)")
        form = QFormLayout(pledge)
        # a field's box spans the row, so its error line never wraps into a second line
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Ngày đăng ký:", ff.add("registered_on", self.registered, "Ngày đăng ký"))
        criteria = QGroupBox("2. Tự đánh giá theo tiêu chuẩn (Thông tư 124/2021/TT-BCA)")
        v = QVBoxLayout(criteria)
        v.addWidget(self.checklist, 1)
        checklist_line = field_error_line("certChecklist")
        v.addWidget(checklist_line)
        ff.bind("criteria", self.checklist, checklist_line, "Tiêu chuẩn", "Ghi chú tiêu chuẩn")
        evaluation = QGroupBox("3. Họp đánh giá, kết quả và công nhận")
        form = QFormLayout(evaluation)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Ngày họp đánh giá:",
                    ff.add("evaluated_on", self.evaluated, "Ngày họp đánh giá"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.result, 1)
        row.addWidget(self.use_proposal)
        result_line = field_error_line("certResult")
        ff.bind("result", self.result, result_line, "Kết quả")
        form.addRow("Kết quả:", with_error_lines(row, [result_line]))
        form.addRow("", self.proposal)
        decision = QHBoxLayout()  # each field with its own line under it, side by side
        decision.setContentsMargins(0, 0, 0, 0)
        decision.addWidget(ff.add("decision_number", self.decision_number, "Số quyết định"), 1)
        on = QLabel("ngày")
        on.setFixedHeight(self.decision_date.sizeHint().height())  # level with the fields
        decision.addWidget(on, 0, Qt.AlignmentFlag.AlignTop)
        decision.addWidget(ff.add("decision_date", self.decision_date, "Ngày quyết định"))
        holder = QWidget()
        holder.setLayout(decision)
        form.addRow("Quyết định công nhận số:", holder)
        form.addRow("Số Giấy công nhận:",
                    ff.add("certificate_number", self.certificate, "Số Giấy công nhận"))
        form.addRow("Ghi chú:", ff.add("notes", self.notes, "Ghi chú"))

        self.clear_button = QPushButton("Xóa hồ sơ năm này…", objectName="certClear")
        self.clear_button.setEnabled(record.exists)
        self.clear_button.clicked.connect(self.clear)
        self.history = history_button(self, service.db, self.windowTitle(),
                                      lambda: service.history_targets(unit.id, record.year))
        self.buttons = button_row("&Lưu", self.save, self.reject, "certSave")
        bottom = QHBoxLayout()
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.history)
        bottom.addWidget(self.saved_note)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        # no scroll area: on a small screen the checklist (which scrolls itself) gives way
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(pledge)
        layout.addWidget(criteria, 1)
        layout.addWidget(evaluation)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self.checklist.itemChanged.connect(self._checklist_edited)
        self.result.currentIndexChanged.connect(lambda _i: self._update_proposal())
        self.use_proposal.clicked.connect(self._take_proposal)
        self._update_proposal()
        ff.display([])  # every field as the rule leaves it (a style sheet set), so none jumps
        self.remember_size("certRecordDialog", 860, 720)
        message = period_lock(service.db, CERTIFICATION, record.year, unit.area_id)
        # a signed-off year, or an account that may not write: read-only, the note under the title
        mark = view_only(self, service.db, message, save_buttons=[self.use_proposal],
                         place=False)
        if mark is not None:
            self.clear_button.setToolTip(mark.toolTip())
            layout.insertWidget(1, mark)

    def _checklist_edited(self, _item=None) -> None:
        self.field_form.touched.add("criteria")
        self.field_form.revalidate()
        self._update_proposal()

    def proposed(self) -> CertResult:
        return self.service.proposed_result(self.ticks_as_states())

    def ticks_as_states(self) -> list[CriterionState]:
        from dataclasses import replace

        return [replace(s, met=met, note=note) for s, met, note in
                zip(self.record.checklist, self.checklist.ticks(), self.checklist.notes(),
                    strict=True)]

    def _update_proposal(self) -> None:
        ticks = self.checklist.ticks()
        proposed = self.proposed()
        text = f"Đề xuất theo tiêu chuẩn: <b>{proposed.label}</b> ({sum(ticks)}/{len(ticks)} " \
               "tiêu chuẩn đạt)."
        chosen = self.result.value()
        if chosen is not None and chosen is not proposed:
            text += " <span style='color:#a05a00'>Kết quả đã chọn khác với đề xuất.</span>"
        self.proposal.setText(text)
        colour = MET_COLOUR if proposed is CertResult.MET else NOT_MET_COLOUR
        self.proposal.setStyleSheet(f"color: {colour};")

    def _take_proposal(self) -> None:
        self.result.set_value(self.proposed())

    def _date(self, field: DateField, label: str, unreadable: list | None = None) -> date | None:
        try:
            return FormDialog.read_date(field, label, required=False)
        except FieldError as err:
            if unreadable is None:
                raise
            unreadable.append(err)
            return None

    def data(self, unreadable: list | None = None) -> RecordData:
        """The record as typed; with ``unreadable`` (the live rule) a date that cannot be
        read is collected there and read as none."""
        return RecordData(
            registered_on=self._date(self.registered, "Ngày đăng ký", unreadable),
            evaluated_on=self._date(self.evaluated, "Ngày họp đánh giá", unreadable),
            result=self.result.value(),
            decision_number=self.decision_number.text().strip(),
            decision_date=self._date(self.decision_date, "Ngày quyết định", unreadable),
            certificate_number=self.certificate.text().strip(),
            notes=self.notes.toPlainText().strip(),
            criteria=[CriterionData(s.criterion.code, s.met, s.note)
                      for s in self.ticks_as_states()],
            version=self.record.version,  # as read when the dialog opened (or last saved)
        )

    def live_errors(self) -> list[FieldError]:
        """certification_rules.record_errors on what is typed now."""
        unreadable: list[FieldError] = []
        data = self.data(unreadable)
        taken = {e.field for e in unreadable}
        return unreadable + [e for e in record_errors(self.record.unit.category,
                                                      self.record.year, data, date.today())
                             if e.field not in taken]

    def _store(self) -> bool:
        """Validate and save; False (the message shown, under its field too) when refused."""
        if self.locked is not None:
            return False
        self.saved_note.setText("")
        try:
            self.service.save_record(self.record.unit.id, self.record.year, self.data())
        except FieldError as err:
            self.field_form.show([err])
            self.error.setText(f"Chưa lưu. {err}")
            return False
        self.saved = True
        return True

    def save(self) -> None:
        if self._store():
            self.accept()

    def save_and_close(self) -> None:
        self.save()

    def save_in_place(self) -> None:
        """Ctrl+S: save and keep the record open, as stored now (its new version)."""
        if not self._store():
            return
        self.record = self.service.record(self.record.unit.id, self.record.year)
        self.fill(self.record)
        self.clear_button.setEnabled(True)
        self.history.setEnabled(True)
        self.error.setText("")
        self.saved_note.setText(f"Đã lưu hồ sơ năm {self.record.year}.")
        self.mark_clean()

    def fill(self, record: CertRecordInfo) -> None:
        """Show ``record`` as stored (the service tidies what was typed)."""
        self.registered.set_date(record.registered_on)
        self.evaluated.set_date(record.evaluated_on)
        self.result.set_value(record.result)
        self.decision_number.setText(record.decision_number)
        self.decision_date.set_date(record.decision_date)
        self.certificate.setText(record.certificate_number)
        if self.notes.toPlainText() != record.notes:
            self.notes.setPlainText(record.notes)
        self.checklist.blockSignals(True)
        for row, state in enumerate(record.checklist):
            self.checklist.set_tick(row, state.met)
            self.checklist.item(row, 2).setText(state.note)
        self.checklist.blockSignals(False)
        self.field_form.show_all = False
        self.field_form.touched.clear()
        self.field_form.display([])
        self._update_proposal()

    def clear(self) -> None:
        if not messages.confirm(self, f"Xóa toàn bộ hồ sơ năm {self.record.year} của "
                                      f"{self.record.unit.name} (đăng ký, tiêu chuẩn, kết quả, "
                                      "quyết định)? Chỉ dùng khi đã nhập nhầm."):
            return
        try:
            self.service.clear_record(self.record.unit.id, self.record.year)
        except FieldError as err:
            self.error.setText(str(err))
            return
        self.saved = True
        self.accept()


class CertSettingsDialog(FormDialog):
    """The deadlines and the decider, which Thông tư 48/2025 may have changed
    (docs/DOMAIN.md §4). The rule is services/settings.cert_settings_errors."""

    def __init__(self, settings: SettingsService, parent: QWidget | None = None):
        super().__init__("Thời hạn xét công nhận",
                         "Thời hạn theo Thông tư 124/2021/TT-BCA; nếu văn bản mới hoặc tỉnh quy "
                         "định khác, sửa tại đây.", parent)
        self.setObjectName("certSettingsDialog")
        self.settings = settings
        current = settings.cert_settings()
        self.current = current
        self.fields: dict[str, tuple[QSpinBox, QSpinBox]] = {}
        for key, label in (("registration", "Hạn đăng ký phấn đấu"),
                           ("recognition", "Hạn công nhận khu dân cư, đơn vị do phường quản lý"),
                           ("other_recognition", "Hạn công nhận các đơn vị khác")):
            day, month = getattr(current, f"{key}_deadline")
            d = QSpinBox(minimum=1, maximum=31, value=day, objectName=f"{key}Day")
            m = QSpinBox(minimum=1, maximum=12, value=month, objectName=f"{key}Month")
            self.fields[key] = (d, m)
            line = field_error_line(f"{key}Deadline")
            name = f"{key}_deadline"
            self.field_form.bind(name, d, line, label, LABELS[name])
            self.field_form.watch(m, name)
            row = inline("ngày", d, "tháng", m, None)
            row.setContentsMargins(0, 0, 0, 0)
            self.form.addRow(label + ":", with_error_lines(row, [line]))
        self.window_days = QSpinBox(minimum=0, maximum=90, value=current.near_days,
                                    objectName="nearDays", suffix=" ngày")
        self.field_row("Nhắc trước hạn", "near_days", self.window_days, LABELS["near_days"])
        self.decider = QLineEdit(current.decider_title, objectName="deciderTitle")
        self.decider.setMinimumWidth(300)
        self.field_row("Người quyết định công nhận", "decider_title", self.decider,
                       LABELS["decider_title"])
        # A category recognised by someone else (the ward itself by a higher body)
        self.deciders: dict[CertCategory, QLineEdit] = {}
        for category in (CertCategory.AGENCY, CertCategory.ENTERPRISE, CertCategory.SCHOOL,
                         CertCategory.WARD):
            edit = QLineEdit(current.deciders.get(category, ""),
                             objectName=f"decider_{category.value}", maxLength=MAX_DECIDER)
            edit.setPlaceholderText("như trên")
            edit.setMinimumWidth(300)
            self.deciders[category] = edit
            self.form.addRow(f"    — {category.label}:", self.field_form.add(
                f"decider_{category.value}", edit,
                f"Người quyết định công nhận ({category.label.lower()})"))
        self.finish_layout()

    def data(self):
        from dataclasses import replace

        values = {f"{key}_deadline": (d.value(), m.value()) for key, (d, m) in self.fields.items()}
        return replace(
            self.current, near_days=self.window_days.value(), decider_title=self.decider.text(),
            deciders={c: e.text() for c, e in self.deciders.items()}, **values)

    def live_errors(self) -> list[FieldError]:
        return cert_settings_errors(self.data())

    def check(self) -> None:
        self.settings.save_cert_settings(self.data())
