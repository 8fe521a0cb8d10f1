"""Certification dialogs: a unit (agency, enterprise, school), a unit's year (registration,
criteria checklist, evaluation, result, decision), and the deadline settings."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
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
)
from ...services.settings import MAX_DECIDER, SettingsService
from ...validation import FieldError
from ..widgets import messages
from ..widgets.dialogs import FormDialog, RememberedDialog, button_row, error_label, inline
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
        self.form.addRow("Loại đơn vị:", self.category)
        self.form.addRow("Tên đơn vị:", self.name)
        self.form.addRow("Địa chỉ:", self.address)
        self.form.addRow("Người đứng đầu:" if not follows_setup or unit.category
                         is not CertCategory.AREA else "Trưởng khu dân cư:", self.head)
        self.form.addRow("Điện thoại:", self.phone)
        self.finish_layout()

    def check(self) -> None:
        data = CertUnitData(category=CertCategory(self.category.currentData()),
                            name=self.name.text(), address=self.address.text(),
                            head_name=self.head.text(), phone=self.phone.text(),
                            id=self.unit_id, version=self.version)
        self.saved_id = self.service.save_unit(data)


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

    def ticks(self) -> list[bool]:
        return [self.item(r, 0).checkState() == Qt.CheckState.Checked
                for r in range(self.rowCount())]

    def set_tick(self, row: int, met: bool) -> None:
        self.item(row, 0).setCheckState(Qt.CheckState.Checked if met else Qt.CheckState.Unchecked)

    def notes(self) -> list[str]:
        return [(self.item(r, 2).text() if self.item(r, 2) else "").strip()
                for r in range(self.rowCount())]


class CertRecordDialog(RememberedDialog):
    """One unit in one year: registration, checklist, evaluation, result, decision."""

    def __init__(self, service: CertificationService, record: CertRecordInfo,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("certRecordDialog")
        self.service = service
        self.record = record
        self.saved = False
        unit = record.unit
        self.setWindowTitle(f"{unit.name} — năm {record.year}")

        title = QLabel(f"<b>{unit.name}</b> · {unit.category.label} · năm {record.year}")
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
        self.notes.setFixedHeight(50)
        self.error = error_label("certError")

        pledge = QGroupBox("1. Đăng ký phấn đấu (quý I)")
        form = QFormLayout(pledge)
        form.addRow("Ngày đăng ký:", self.registered)
        criteria = QGroupBox("2. Tự đánh giá theo tiêu chuẩn (Thông tư 124/2021/TT-BCA)")
        v = QVBoxLayout(criteria)
        v.addWidget(self.checklist)
        evaluation = QGroupBox("3. Họp đánh giá, kết quả và công nhận")
        form = QFormLayout(evaluation)
        form.addRow("Ngày họp đánh giá:", self.evaluated)
        row = QHBoxLayout()
        row.addWidget(self.result, 1)
        row.addWidget(self.use_proposal)
        form.addRow("Kết quả:", row)
        form.addRow("", self.proposal)
        form.addRow("Quyết định công nhận số:",
                    inline((self.decision_number, 1), "ngày", self.decision_date))
        form.addRow("Số Giấy công nhận:", self.certificate)
        form.addRow("Ghi chú:", self.notes)

        self.clear_button = QPushButton("Xóa hồ sơ năm này…", objectName="certClear")
        self.clear_button.setEnabled(record.exists)
        self.clear_button.clicked.connect(self.clear)
        self.buttons = button_row("&Lưu", self.save, self.reject, "certSave")
        bottom = QHBoxLayout()
        bottom.addWidget(self.clear_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(pledge)
        layout.addWidget(criteria, 1)
        layout.addWidget(evaluation)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self.checklist.itemChanged.connect(lambda _i: self._update_proposal())
        self.result.currentIndexChanged.connect(lambda _i: self._update_proposal())
        self.use_proposal.clicked.connect(self._take_proposal)
        self._update_proposal()
        self.remember_size("certRecordDialog", 860, 720)

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

    def _date(self, field: DateField, label: str) -> date | None:
        return FormDialog.read_date(field, label, required=False)

    def data(self) -> RecordData:
        return RecordData(
            registered_on=self._date(self.registered, "Ngày đăng ký"),
            evaluated_on=self._date(self.evaluated, "Ngày họp đánh giá"),
            result=self.result.value(),
            decision_number=self.decision_number.text().strip(),
            decision_date=self._date(self.decision_date, "Ngày quyết định"),
            certificate_number=self.certificate.text().strip(),
            notes=self.notes.toPlainText().strip(),
            criteria=[CriterionData(s.criterion.code, s.met, s.note)
                      for s in self.ticks_as_states()],
            version=self.record.version,  # as read when the dialog opened
        )

    def save(self) -> None:
        try:
            self.service.save_record(self.record.unit.id, self.record.year, self.data())
        except FieldError as err:
            self.error.setText(str(err))
            return
        self.saved = True
        self.accept()

    def clear(self) -> None:
        if not messages.confirm(self, f"Xóa toàn bộ hồ sơ năm {self.record.year} của "
                                      f"{self.record.unit.name} (đăng ký, tiêu chuẩn, kết quả, "
                                      "quyết định)? Chỉ dùng khi đã nhập nhầm."):
            return
        self.service.clear_record(self.record.unit.id, self.record.year)
        self.saved = True
        self.accept()


class CertSettingsDialog(FormDialog):
    """The deadlines and the decider, which Thông tư 48/2025 may have changed
    (docs/DOMAIN.md §4)."""

    def __init__(self, settings: SettingsService, parent: QWidget | None = None):
        super().__init__("Thời hạn xét công nhận",
                         "Thời hạn theo Thông tư 124/2021/TT-BCA; nếu văn bản mới hoặc tỉnh quy "
                         "định khác, sửa tại đây.", parent)
        self.setObjectName("certSettingsDialog")
        self.settings = settings
        current = settings.cert_settings()
        self.current = current
        self.fields: dict[str, tuple[QSpinBox, QSpinBox]] = {}
        for key, label in (("registration", "Hạn đăng ký phấn đấu:"),
                           ("recognition", "Hạn công nhận khu dân cư, đơn vị do phường quản lý:"),
                           ("other_recognition", "Hạn công nhận các đơn vị khác:")):
            day, month = getattr(current, f"{key}_deadline")
            d = QSpinBox(minimum=1, maximum=31, value=day, objectName=f"{key}Day")
            m = QSpinBox(minimum=1, maximum=12, value=month, objectName=f"{key}Month")
            self.fields[key] = (d, m)
            self.form.addRow(label, inline("ngày", d, "tháng", m, None))
        self.window_days = QSpinBox(minimum=0, maximum=90, value=current.near_days,
                                    objectName="nearDays", suffix=" ngày")
        self.form.addRow("Nhắc trước hạn:", self.window_days)
        self.decider = QLineEdit(current.decider_title, objectName="deciderTitle")
        self.decider.setMinimumWidth(300)
        self.form.addRow("Người quyết định công nhận:", self.decider)
        # A category recognised by someone else (the ward itself by a higher body)
        self.deciders: dict[CertCategory, QLineEdit] = {}
        for category in (CertCategory.AGENCY, CertCategory.ENTERPRISE, CertCategory.SCHOOL,
                         CertCategory.WARD):
            edit = QLineEdit(current.deciders.get(category, ""),
                             objectName=f"decider_{category.value}", maxLength=MAX_DECIDER)
            edit.setPlaceholderText("như trên")
            edit.setMinimumWidth(300)
            self.deciders[category] = edit
            self.form.addRow(f"    — {category.label}:", edit)
        self.finish_layout()

    def check(self) -> None:
        from dataclasses import replace

        values = {f"{key}_deadline": (d.value(), m.value()) for key, (d, m) in self.fields.items()}
        self.settings.save_cert_settings(replace(
            self.current, near_days=self.window_days.value(), decider_title=self.decider.text(),
            deciders={c: e.text() for c, e in self.deciders.items()}, **values))
