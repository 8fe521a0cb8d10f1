"""Dialogs of the rehabilitation tab: the case, an evaluation, support given, closing."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import Classification, EndReason, Regime, Sex, SupportKind
from ...regimes import REGIMES, Period, add_months, next_due, periods_between
from ...services.duplicates import DuplicateService
from ...services.periods import EVALUATIONS, PeriodService
from ...services.rehabilitation import (
    CaseData,
    CaseLocks,
    EvaluationData,
    RehabilitationService,
    SupportData,
    case_errors_as_typed,
    close_errors,
    evaluation_errors,
    support_errors,
    void_errors,
)
from ...services.unit import AreaInfo
from ...validation import FieldError, parse_whole_number
from ..audit.history import history_button
from ..duplicates.hint import DuplicateHint
from ..permissions import PADLOCK, mark_locked, padlock_icon
from ..widgets import messages
from ..widgets.dialogs import (
    FieldForm,
    FormDialog,
    RememberedDialog,
    button_row,
    error_label,
    fit_placeholder,
    open_read_only,
    read_only_note,
    scrolled,
    view_only,
)
from ..widgets.fields import DateField, EnumCombo, format_date
from ..widgets.resident_search import ResidentSearch
from .forms import (
    TOP,
    SteadyForm,
    field_label,
    merge,
    read_date,
    steady_lines,
    tie_to,
    top_row,
)


def _money(amount: int | None) -> str:
    return f"{amount:,}".replace(",", ".") + " đ" if amount else ""


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1,
                                                  QHeaderView.ResizeMode.Stretch)
    return table


VOIDED_COLOR = QColor("#808080")


def void_note(entry) -> str:
    """"Đã hủy 20/11/2026: nhập nhầm kỳ", for an evaluation or support voided by mistake."""
    return f"Đã hủy {format_date(entry.voided_on)}: {entry.void_reason}"


def _fill(table: QTableWidget, rows: list[list[str]], voided: list[str] | None = None) -> None:
    """``voided``: per row "" or the void note; a voided row is greyed and struck through, with
    the note in front of its last column and as its tooltip."""
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        note = voided[i] if voided else ""
        if note:
            cells = cells[:-1] + [f"[{note}] {cells[-1]}".rstrip()]
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if note:
                font = item.font()
                font.setStrikeOut(True)
                item.setFont(font)
                item.setForeground(QBrush(VOIDED_COLOR))
                item.setToolTip(note)
            table.setItem(i, j, item)
    table.resizeColumnsToContents()



DECISION_LABEL = "Quyết định số:"
CERTIFICATE_LABEL = "Giấy chứng nhận số:"
CERTIFICATE_TIP = "Giấy chứng nhận chấp hành xong án phạt tù, hoặc giấy chứng nhận đặc xá"


def evaluation_lock(service: RehabilitationService, case: CaseData, on: date | None) -> str | None:
    """The sign-off of the quarter ``on`` falls in (services/periods.py: evaluations lock per
    quarter, for the ward or the case's area), as its refusal message; None when open."""
    if on is None:
        return None
    return PeriodService(service.db).is_locked(EVALUATIONS, on, case.area_id)


def support_lock(service: RehabilitationService, case: CaseData, on: date | None) -> str | None:
    """The sign-off of the quarter or year a support entry given ``on`` falls in: support
    belongs to the evaluations' lock (services/rehabilitation.py), as its refusal; or None."""
    if on is None:
        return None
    return service.support_lock(case, on)


class _EntryDialog(SteadyForm, FormDialog):
    """A form about one entry of a case; ``lock(message)`` turns it read-only with a padlock."""

    locked: str | None = None

    def field_row(self, label: str, key: str, widget: QWidget, *aliases: str) -> QWidget:
        tie_to(self.field_form, self)
        if isinstance(widget, QLineEdit):
            fit_placeholder(widget)
        return super().field_row(label, key, widget, *aliases)

    def finish_layout(self) -> None:
        super().finish_layout()
        steady_lines(self.field_form)

    def lock(self, message: str) -> None:
        open_read_only(self, message, locked=True)

    def save_and_close(self) -> None:
        if self.locked is None:  # a signed-off entry offers no save, not even from the keyboard
            super().save_and_close()


class EvaluationDialog(_EntryDialog):
    """One periodic evaluation; saved by the service when OK is pressed. An evaluation of a
    signed-off quarter opens read-only, with the padlock."""

    def __init__(self, service: RehabilitationService, case: CaseData,
                 parent: QWidget | None = None, today: date | None = None,
                 existing: EvaluationData | None = None):
        info = REGIMES[case.regime]
        super().__init__("Sửa đánh giá, xếp loại" if existing else "Đánh giá, xếp loại",
                         f"{case.person_name} — {case.regime.label} "
                         f"(đánh giá {info.cycle_label}).", parent)
        self.setObjectName("rehabEvaluationDialog")
        self.service, self.case, self.existing, self.today = service, case, existing, today
        today = today or date.today()
        self.on = DateField(self, existing.evaluated_on if existing else today,
                            objectName="evaluationDate")
        self.period = QComboBox(objectName="evaluationPeriod")
        first = Period.containing(case.start_date, info.months_per_period)
        last = Period.containing(today, info.months_per_period)
        done = {e.period for e in case.live_evaluations}
        latest = max(done) if done else None
        suggested = next_due(case.regime, case.start_date, latest, today).period
        if existing is not None:  # a correction may keep its period or move to a free one
            done.discard(existing.period)
            suggested = existing.period
        for p in reversed(periods_between(first, max(last, suggested))):
            if p not in done:
                self.period.addItem(p.label, p)
        self.period.setCurrentIndex(max(0, self.period.findText(suggested.label)))
        self.classification = QComboBox(objectName="evaluationClass")
        for c in info.classes:
            self.classification.addItem(c.label, c.value)
        self.remarks = QPlainTextEdit(objectName="evaluationRemarks")
        self.remarks.setFixedHeight(70)
        if existing is not None:
            self.classification.setCurrentIndex(
                max(0, self.classification.findData(existing.classification.value)))
            self.remarks.setPlainText(existing.remarks)
        self.field_row("Ngày đánh giá", "evaluated_on", self.on)
        self.field_row("Kỳ đánh giá", "period", self.period)
        self.field_row("Xếp loại", "classification", self.classification)
        self.field_row("Nhận xét", "remarks", self.remarks)
        self.field_form.aliases["Khóa sổ"] = "evaluated_on"  # a signed-off quarter
        self.finish_layout()
        self.saved_id: int | None = None
        if existing is not None:
            message = evaluation_lock(service, case, existing.evaluated_on)
            if message:
                self.lock(message)

    def evaluation(self, errors: list[FieldError]) -> EvaluationData:
        data = self.classification.currentData()
        return EvaluationData(
            read_date(self.on, "Ngày đánh giá", "evaluated_on", errors),
            self.period.currentData(), Classification(data) if data else None,
            self.remarks.toPlainText())

    def live_errors(self) -> list[FieldError]:
        read: list[FieldError] = []
        ev = self.evaluation(read)
        found = evaluation_errors(self.case, ev, self.today)
        message = evaluation_lock(self.service, self.case, ev.evaluated_on)
        if message:  # the service refuses it on save: say so as the date is typed
            found.insert(0, FieldError("Ngày đánh giá", message, key="evaluated_on"))
        return merge(read, found)

    def check(self) -> None:
        read: list[FieldError] = []
        ev = self.evaluation(read)
        if read:
            raise read[0]
        if ev.evaluated_on is None:
            raise FieldError("Ngày đánh giá", "chưa nhập.", key="evaluated_on")
        if self.existing is None:
            self.saved_id = self.service.add_evaluation(self.case.id, ev, today=self.today)
        else:  # the correction replaces the values, at the version read
            ev.id, ev.version = self.existing.id, self.existing.version
            self.saved_id = self.service.update_evaluation(self.case.id, ev, today=self.today)


class SupportDialog(_EntryDialog):
    def __init__(self, service: RehabilitationService, case: CaseData,
                 parent: QWidget | None = None, existing: SupportData | None = None):
        super().__init__("Sửa hỗ trợ, giúp đỡ" if existing else "Hỗ trợ, giúp đỡ",
                         f"{case.person_name} — {case.regime.label}.", parent)
        self.setObjectName("rehabSupportDialog")
        self.service, self.case, self.existing = service, case, existing
        self.on = DateField(self, date.today(), objectName="supportDate")
        self.kind = EnumCombo(SupportKind, objectName="supportKind")
        self.details = QLineEdit(objectName="supportDetails")
        self.details.setPlaceholderText("Ví dụ: lớp sửa xe máy 3 tháng tại trung tâm GDNN quận")
        self.amount = QLineEdit(objectName="supportAmount")
        self.amount.setPlaceholderText("đồng, ví dụ 30.000.000")
        self.lender = QLineEdit(objectName="supportLender")
        self.lender.setPlaceholderText("Ví dụ: Ngân hàng Chính sách xã hội")
        self.field_row("Ngày", "given_on", self.on, "Ngày hỗ trợ")
        self.field_row("Hình thức", "kind", self.kind, "Hình thức hỗ trợ")
        self.field_row("Nội dung", "details", self.details, "Nội dung hỗ trợ")
        self.field_row("Số tiền", "amount", self.amount, "Số tiền vay")
        self.field_row("Nơi cho vay", "lender", self.lender)
        if existing is not None:
            self.on.set_date(existing.given_on)
            self.kind.set_value(existing.kind)
            self.details.setText(existing.details)
            self.amount.setText(f"{existing.amount:,}".replace(",", ".")
                                if existing.amount else "")
            self.lender.setText(existing.lender)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.field_form.aliases["Khóa sổ"] = "given_on"  # a signed-off quarter or year
        self.finish_layout()
        self.saved_id: int | None = None
        if existing is not None:
            message = support_lock(service, case, existing.given_on)
            if message:
                self.lock(message)

    def _kind_changed(self, *_args) -> None:
        loan = self.kind.value() is SupportKind.LOAN
        self.lender.setEnabled(loan)

    def support(self, errors: list[FieldError]) -> SupportData:
        try:
            amount = parse_whole_number(self.amount.text(), "Số tiền")  # "²" is no digit here
        except FieldError as err:
            amount = None
            errors.append(FieldError(err.field, err.message, key="amount"))
        return SupportData(read_date(self.on, "Ngày hỗ trợ", "given_on", errors),
                           self.kind.value(), self.details.text(), amount, self.lender.text())

    def live_errors(self) -> list[FieldError]:
        read: list[FieldError] = []
        sp = self.support(read)
        found = support_errors(self.case, sp)
        message = support_lock(self.service, self.case, sp.given_on)
        if message:  # the service refuses it on save: say so as the date is typed
            found.insert(0, FieldError("Ngày hỗ trợ", message, key="given_on"))
        return merge(read, found)

    def check(self) -> None:
        read: list[FieldError] = []
        sp = self.support(read)
        if read:
            raise read[0]
        if self.existing is None:
            self.saved_id = self.service.add_support(self.case.id, sp)
        else:
            sp.id, sp.version = self.existing.id, self.existing.version
            self.saved_id = self.service.update_support(self.case.id, sp)


class VoidDialog(_EntryDialog):
    """Void an evaluation or support entered by mistake: it stays in the history, struck
    through, and counts nowhere. The reason is required. An entry of a signed-off quarter or
    year cannot be voided: the dialog shows the padlock and offers no void."""

    def __init__(self, service: RehabilitationService, case: CaseData, entry,
                 what: str, parent: QWidget | None = None):
        super().__init__(f"Hủy {what}", f"Hủy {what} nhập nhầm của {case.person_name}: "
                         f"{what} vẫn hiện (gạch ngang) trong hồ sơ nhưng không được tính "
                         "vào danh sách, báo cáo và chỉ tiêu nào.", parent)
        self.setObjectName("rehabVoidDialog")
        self.service, self.case, self.entry = service, case, entry
        self.reason = QLineEdit(objectName="voidReason", maxLength=300)
        self.reason.setPlaceholderText("Ví dụ: nhập nhầm kỳ, nhầm người")
        self.field_row("Lý do hủy", "reason", self.reason)
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Hủy mục này")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Không hủy")
        message = (evaluation_lock(service, case, entry.evaluated_on)
                   if isinstance(entry, EvaluationData)
                   else support_lock(service, case, getattr(entry, "given_on", None)))
        if message:
            self.lock(message)

    def live_errors(self) -> list[FieldError]:
        return void_errors(self.reason.text())

    def check(self) -> None:
        void = (self.service.void_evaluation if isinstance(self.entry, EvaluationData)
                else self.service.void_support)
        void(self.case.id, self.entry.id, self.reason.text(), version=self.entry.version)


class CloseDialog(_EntryDialog):
    def __init__(self, service: RehabilitationService, case_id: int, person: str,
                 parent: QWidget | None = None):
        super().__init__("Kết thúc quản lý", f"Kết thúc hồ sơ của {person}. Hồ sơ vẫn được "
                         "giữ và tìm được ở bộ lọc “Đã kết thúc”.", parent)
        self.setObjectName("rehabCloseDialog")
        self.service, self.case_id = service, case_id
        self.case = service.get(case_id)  # its dates bound the close day, as you type
        self.on = DateField(self, date.today(), objectName="closeDate")
        self.reason = EnumCombo(EndReason, allow_empty="— chọn lý do —", objectName="closeReason")
        self.note = QLineEdit(objectName="closeNote", maxLength=300)
        self.field_row("Ngày kết thúc", "on", self.on)
        self.field_row("Lý do", "reason", self.reason, "Lý do kết thúc")
        self.field_row("Ghi chú", "note", self.note, "Ghi chú kết thúc")
        self.field_form.aliases["Khóa sổ"] = "on"
        self.finish_layout()

    def live_errors(self) -> list[FieldError]:
        read: list[FieldError] = []
        on = read_date(self.on, "Ngày kết thúc", "on", read)
        found = close_errors(self.case, on, self.reason.value(), self.note.text())
        message = evaluation_lock(self.service, self.case, on)
        if message:  # a close dated in a signed-off quarter or year is refused on save
            found.insert(0, FieldError("Ngày kết thúc", message, key="on"))
        return merge(read, found)

    def check(self) -> None:
        read: list[FieldError] = []
        on = read_date(self.on, "Ngày kết thúc", "on", read)
        if read:
            raise read[0]
        self.service.close(self.case_id, on, self.reason.value(), self.note.text())


class CaseDialog(SteadyForm, RememberedDialog):
    """Open or edit a case. For a saved case, evaluations and support are added from here too
    (each saved at once, in its own transaction)."""

    def __init__(self, service: RehabilitationService, areas: list[AreaInfo],
                 data: CaseData | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rehabCaseDialog")
        self.service = service
        self.saved_id: int | None = data.id if data else None
        self.data = data
        self.locks: list[str | None] = []  # per evaluation: its quarter's sign-off, or None
        self.support_locks: list[str | None] = []  # per support entry, the same
        self.case_locks = CaseLocks()  # the case's own facts a sign-off holds
        self.setWindowTitle("Mở hồ sơ quản lý, giúp đỡ" if data is None
                            else f"Hồ sơ: {data.person_name}")

        # -- the person ------------------------------------------------------------------
        self.registered = QRadioButton("Người đang cư trú trong phường (tìm trong sổ hộ khẩu)",
                                       objectName="rehabRegistered")
        self.unregistered = QRadioButton("Người không đăng ký cư trú tại phường (nhập tay)",
                                         objectName="rehabUnregistered")
        group = QButtonGroup(self)
        group.addButton(self.registered)
        group.addButton(self.unregistered)
        self.person_search = QLineEdit(objectName="rehabPersonSearch")
        self.person_search.setPlaceholderText("Gõ họ tên (có dấu hoặc không dấu) hoặc số định danh")
        self.person_results = QListWidget(objectName="rehabPersonResults")
        self.person_results.setFixedHeight(80)  # a list that grows would move the fields
        self.people = ResidentSearch(
            self.person_search, self.person_results, service.find_residents,
            "(không tìm thấy; nếu người này không cư trú tại phường, hãy chọn nhập tay)")
        self.person_results.currentItemChanged.connect(self._pick_person)

        self.name = QLineEdit(objectName="rehabName", maxLength=100)
        self.birth = DateField(objectName="rehabBirthDate")
        self.sex = EnumCombo(Sex, allow_empty="—", objectName="rehabSex")
        self.id_number = QLineEdit(objectName="rehabIdNumber", maxLength=14)
        self.address = QLineEdit(objectName="rehabAddress", maxLength=300)
        self.area = QComboBox(objectName="rehabArea")
        self.area.addItem("— ngoài các khu dân cư —", None)
        for a in areas:
            if a.active or (data and a.id == data.area_id):
                self.area.addItem(a.name, a.id)
        self.resident_id: int | None = data.resident_id if data else None

        fit_placeholder(self.person_search)
        self.error = error_label("rehabCaseError", bold=True)
        self.field_form = tie_to(FieldForm(self.live_errors, self.error), self)
        add = self.field_form.add
        person_box = QGroupBox("Người được quản lý, giáo dục, giúp đỡ")
        grid = QGridLayout(person_box)
        grid.addWidget(self.registered, 0, 0, 1, 4)
        grid.addWidget(add("resident_id", self.person_search, "Người được quản lý"), 1, 0, 1, 4)
        grid.addWidget(self.person_results, 2, 0, 1, 4)
        grid.addWidget(self.unregistered, 3, 0, 1, 4)
        for i, (label, key, widget, alias) in enumerate((
                ("Họ và tên", "person_name", self.name, "Họ và tên"),
                ("Ngày sinh", "birth_date", self.birth, "Ngày sinh"),
                ("Giới tính", "sex", self.sex, "Giới tính"),
                ("Số định danh", "id_number", self.id_number, "Số định danh cá nhân"),
                ("Địa chỉ", "address", self.address, "Địa chỉ"),
                ("Khu dân cư", "area_id", self.area, "Khu dân cư"))):
            row, col = divmod(i, 2)
            row += 4 + (row >= 1)  # row 5 is the duplicate hint's, under the name
            grid.addWidget(field_label(label + ":", widget), row, col * 2, TOP)
            grid.addWidget(add(key, widget, alias), row, col * 2 + 1, TOP)
        # a hand-typed person who is probably in the register (issue 13)
        self.duplicate = DuplicateHint(DuplicateService(service.db).matches, "rehabDuplicate")
        grid.addWidget(self.duplicate, 5, 0, 1, 4)
        self.duplicate.openRequested.connect(self._use_registered)
        for w in (self.name, self.birth, self.id_number):
            w.textEdited.connect(self._typed_person)
        self.area.currentIndexChanged.connect(self._typed_person)
        self.sex.currentIndexChanged.connect(self._typed_person)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.registered.toggled.connect(self._mode_changed)

        # -- the decision ---------------------------------------------------------------
        self.regime = EnumCombo(Regime, allow_empty="— chọn diện —", objectName="rehabRegime")
        self.regime_info = QLabel(objectName="rehabRegimeInfo", wordWrap=True)
        self.regime_info.setStyleSheet("color: #555;")
        self.regime_info.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.decision_number = QLineEdit(objectName="rehabDecisionNumber", maxLength=50)
        self.decision_number.setPlaceholderText("Ví dụ: 125/QĐ-UBND")
        self.decision_date = DateField(objectName="rehabDecisionDate")
        self.decision_signer = QLineEdit(objectName="rehabDecisionSigner", maxLength=200)
        self.start = DateField(objectName="rehabStart")
        self.planned_end = DateField(objectName="rehabPlannedEnd")
        self.supervisor = QLineEdit(objectName="rehabSupervisor", maxLength=200)
        self.supervisor.setPlaceholderText("Người hoặc tổ chức được giao giúp đỡ")
        self.model = QLineEdit(objectName="rehabModel", maxLength=200)
        self.model.setPlaceholderText("Ví dụ: 3 cộng 1")
        self.notes = QPlainTextEdit(objectName="rehabNotes")
        self.notes.setFixedHeight(50)
        for w in (self.decision_number, self.supervisor, self.model):
            fit_placeholder(w)
        decision_box = QGroupBox("Diện quản lý và quyết định")
        form = QFormLayout(decision_box)
        # a case whose start, decision or years managed are signed off (CaseLocks)
        self.case_lock_note = read_only_note("", name="caseLockedNote")
        self.case_lock_note.hide()
        form.addRow(self.case_lock_note)
        regime_box = QVBoxLayout()
        regime_box.addWidget(add("regime", self.regime, "Diện quản lý"))
        regime_box.addWidget(self.regime_info)
        form.addRow(field_label("Diện quản lý:", self.regime), regime_box)
        self.decision_label = field_label(DECISION_LABEL, self.decision_number)
        self.decision_label.setObjectName("rehabDecisionLabel")
        form.addRow(self.decision_label, top_row(
            (add("decision_number", self.decision_number, "Số quyết định"), 2), "ngày",
            add("decision_date", self.decision_date, "Ngày quyết định")))
        form.addRow(field_label("Người ký:", self.decision_signer),
                    add("decision_signer", self.decision_signer, "Người ký quyết định"))
        form.addRow(field_label("Bắt đầu quản lý:", self.start), top_row(
            add("start_date", self.start, "Ngày bắt đầu"), "dự kiến kết thúc:",
            add("planned_end", self.planned_end, "Dự kiến kết thúc"), None))
        form.addRow(field_label("Người/tổ chức giúp đỡ:", self.supervisor),
                    add("supervisor", self.supervisor, "Người được giao quản lý"))
        form.addRow(field_label("Mô hình:", self.model), add("model", self.model, "Mô hình"))
        form.addRow(field_label("Ghi chú:", self.notes), add("notes", self.notes, "Ghi chú"))
        self.regime.currentIndexChanged.connect(self._regime_changed)
        self.start.editingFinished.connect(self._suggest_end)
        self.registered.toggled.connect(lambda _on: self.field_form.revalidate())

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(person_box)
        details_layout.addWidget(decision_box)
        details_layout.addStretch(1)
        steady_lines(self.field_form)

        # -- history (saved cases) ------------------------------------------------------
        self.evaluations = _table(["Kỳ", "Ngày đánh giá", "Xếp loại", "Nhận xét"],
                                  "rehabEvaluations")
        self.add_evaluation_button = QPushButton("Thêm đánh giá…", objectName="rehabAddEvaluation")
        self.add_evaluation_button.clicked.connect(self.add_evaluation)
        self.edit_evaluation_button = QPushButton("Sửa…", objectName="rehabEditEvaluation")
        self.edit_evaluation_button.clicked.connect(self.edit_evaluation)
        self.void_evaluation_button = QPushButton("Hủy đánh giá…",
                                                  objectName="rehabVoidEvaluation")
        self.void_evaluation_button.clicked.connect(self.void_evaluation)
        self.supports = _table(["Ngày", "Hình thức", "Số tiền", "Nơi cho vay", "Nội dung"],
                               "rehabSupports")
        self.add_support_button = QPushButton("Thêm hỗ trợ…", objectName="rehabAddSupport")
        self.add_support_button.clicked.connect(self.add_support)
        self.edit_support_button = QPushButton("Sửa…", objectName="rehabEditSupport")
        self.edit_support_button.clicked.connect(self.edit_support)
        self.void_support_button = QPushButton("Hủy hỗ trợ…", objectName="rehabVoidSupport")
        self.void_support_button.clicked.connect(self.void_support)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        for title, table, buttons, edit, void in (
                ("Đánh giá, xếp loại", self.evaluations,
                 (self.edit_evaluation_button, self.void_evaluation_button,
                  self.add_evaluation_button), self.edit_evaluation, self.void_evaluation),
                ("Hỗ trợ đã thực hiện", self.supports,
                 (self.edit_support_button, self.void_support_button, self.add_support_button),
                 self.edit_support, self.void_support)):
            history_layout.addWidget(QLabel(f"<b>{title}</b>"))
            history_layout.addWidget(table)
            row = QHBoxLayout()
            row.addStretch(1)
            for button in buttons:
                row.addWidget(button)
            history_layout.addLayout(row)
            table.doubleClicked.connect(edit)
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(
                lambda pos, t=table, e=edit, v=void: self._history_menu(t, pos, e, v))
            table.itemSelectionChanged.connect(self._history_buttons)

        self.pages = QTabWidget(objectName="rehabCasePages")
        self.pages.addTab(scrolled(details, "rehabCaseScroll"), "Thông tin hồ sơ")
        self.pages.addTab(history, "Đánh giá và hỗ trợ")
        self.buttons = button_row("&Lưu", self.save, self.reject, "rehabCaseSave", "Đóng")
        self.history_button = history_button(self, service.db, "hồ sơ cai nghiện",
                                             self.history_targets)
        self.saved_note = QLabel(objectName="rehabCaseSaved")
        self.saved_note.setStyleSheet("color: #2e7d32;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.history_button)
        bottom.addWidget(self.saved_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.remember_size("rehabCaseDialog", 860, 700)

        if data is None:
            self.registered.setChecked(True)
            self.start.set_date(date.today())
            self.person_search.setFocus()
        else:
            self._load(data)
        self._mode_changed()
        self._regime_changed()
        view_only(self, service.db)  # an account that may not write: read-only
        self.mark_clean()  # Esc asks once this differs (GuardedDialog)

    def history_targets(self) -> list[tuple[str, int | None]]:
        """The case, its evaluations and its support entries (read when Lịch sử is clicked)."""
        d = self.data
        if d is None or d.id is None:
            return [("rehab_case", None)]
        return ([("rehab_case", d.id)] + [("rehab_evaluation", e.id) for e in d.evaluations]
                + [("rehab_support", p.id) for p in d.supports])

    # -- loading ----------------------------------------------------------------------------
    def _load(self, d: CaseData) -> None:
        (self.registered if d.resident_id else self.unregistered).setChecked(True)
        if d.resident_id:
            self.person_search.setText(d.person_name)
            item = QListWidgetItem(self.service.resident(d.resident_id).label)
            self.person_results.addItem(item)  # who is linked, shown as the picker shows it
        self.name.setText(d.person_name)
        self.birth.set_date(d.birth_date)
        self.sex.set_value(d.sex)
        self.id_number.setText(d.id_number)
        self.address.setText(d.address)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.regime.set_value(d.regime)
        self.decision_number.setText(d.decision_number)
        self.decision_date.set_date(d.decision_date)
        self.decision_signer.setText(d.decision_signer)
        self.start.set_date(d.start_date)
        self.planned_end.set_date(d.planned_end)
        self.supervisor.setText(d.supervisor)
        self.model.setText(d.model)
        self.notes.setPlainText(d.notes)
        self._fill_history(d)

    def _fill_history(self, d: CaseData) -> None:
        self.locks = [evaluation_lock(self.service, d, e.evaluated_on) for e in d.evaluations]
        self.support_locks = [support_lock(self.service, d, p.given_on) for p in d.supports]
        _fill(self.evaluations, [[e.period.label,
                                  format_date(e.evaluated_on), e.classification.label,
                                  e.remarks] for e in d.evaluations],
              [void_note(e) if e.voided else "" for e in d.evaluations])
        _fill(self.supports, [[format_date(p.given_on), p.kind.label, _money(p.amount),
                               p.lender, p.details] for p in d.supports],
              [void_note(p) if p.voided else "" for p in d.supports])
        for table, entries, locks in ((self.evaluations, d.evaluations, self.locks),
                                      (self.supports, d.supports, self.support_locks)):
            for row, lock in enumerate(locks):
                if lock and not entries[row].voided:
                    table.item(row, 0).setIcon(padlock_icon())
                    table.item(row, 0).setToolTip(f"{PADLOCK} {lock}")
        self._lock_case_fields(d)
        closed = d.closed_on is not None
        self.add_evaluation_button.setEnabled(not closed)
        self.add_support_button.setEnabled(not closed)
        self._history_buttons()
        if closed:
            self.setWindowTitle(f"Hồ sơ: {d.person_name} — đã kết thúc "
                                f"{format_date(d.closed_on)}")

    def _lock_case_fields(self, d: CaseData) -> None:
        """The case's facts a signed-off period holds (services/rehabilitation.py CaseLocks)
        shown read-only with the padlock; the rest of the case stays editable."""
        if d.id is None:
            return
        self.case_locks = locks = self.service.case_locks(d)
        held = []
        if locks.dates:
            held += [self.start, self.decision_number, self.decision_date]
        if locks.counted:
            held += [self.regime, self.area]
        for w in held:
            message = locks.dates if w in (self.start, self.decision_number,
                                           self.decision_date) else locks.counted
            if isinstance(w, QLineEdit):
                w.setReadOnly(True)
                for action in w.actions():  # a date field's calendar button
                    action.setEnabled(False)
            else:
                w.setEnabled(False)
            w.setToolTip(f"{PADLOCK} {message}")
        names = (["ngày bắt đầu, số và ngày quyết định"] if locks.dates else []) + (
            ["diện quản lý, khu dân cư"] if locks.counted else [])
        if names:
            self.case_lock_note.setText(f"{PADLOCK} {locks.dates or locks.counted} "
                                        f"Giữ nguyên: {'; '.join(names)}.")
            self.case_lock_note.setToolTip(self.case_lock_note.text())
        self.case_lock_note.setVisible(bool(names))

    # -- the person ---------------------------------------------------------------------------
    def _mode_changed(self, *_args) -> None:
        registered = self.registered.isChecked()
        self.person_search.setEnabled(registered)
        self.person_results.setEnabled(registered)
        for w in (self.name, self.birth, self.sex, self.id_number, self.address, self.area):
            w.setEnabled(not registered and not (w is self.area and self.case_locks.counted))
        if not registered:
            self.resident_id = None
        else:
            self.duplicate.clear()

    def _typed_person(self, *_args) -> None:
        if self.registered.isChecked():
            return
        try:
            born = self.birth.date()
        except ValueError:
            born = None
        self.duplicate.request(name=self.name.text(), birth_date=born,
                               id_number=self.id_number.text(), area_id=self.area.currentData(),
                               sex=self.sex.value(),
                               record=("rehab", self.data.id) if self.data and self.data.id
                               else None)

    def _use_registered(self, match) -> None:
        """"Mở hồ sơ có sẵn": take the person from the register instead of the typed one."""
        choice = self.service.resident(match.resident_id)
        self.registered.setChecked(True)
        self.person_search.setText(choice.full_name)
        self.person_results.clear()
        item = QListWidgetItem(choice.label)
        item.setData(Qt.ItemDataRole.UserRole, choice)
        self.person_results.addItem(item)
        self.person_results.setCurrentItem(item)

    def _pick_person(self, item: QListWidgetItem | None, _previous=None) -> None:
        choice = ResidentSearch.choice(item)
        if choice is None:
            return
        self.resident_id = choice.id
        self.name.setText(choice.full_name)
        self.birth.set_date(choice.birth_date)
        self.sex.set_value(choice.sex)
        self.id_number.setText(choice.id_number)
        self.address.setText(choice.address)
        self.area.setCurrentIndex(max(0, self.area.findData(choice.area_id)))

    # -- the regime ---------------------------------------------------------------------------
    def _regime_changed(self, *_args) -> None:
        regime = self.regime.value()
        # Someone released from prison or pardoned is managed on the strength of a certificate
        certificate = regime is Regime.REINTEGRATION
        self.decision_label.setText(CERTIFICATE_LABEL if certificate else DECISION_LABEL)
        self.decision_label.setToolTip(CERTIFICATE_TIP if certificate else "")
        self.decision_number.setPlaceholderText("Ví dụ: 25/GCN" if certificate
                                                else "Ví dụ: 125/QĐ-UBND")
        if regime is None:
            self.regime_info.setText("")
            return
        info = REGIMES[regime]
        term = (f"thời hạn mặc định {info.default_term_months} tháng"
                if info.default_term_months else "thời hạn theo quyết định hoặc bản án")
        classes = ", ".join(c.short for c in info.classes)
        self.regime_info.setText(f"Căn cứ: {info.basis}. Đánh giá {info.cycle_label}; "
                                 f"xếp loại: {classes}; {term}.")
        self._suggest_end()

    def _suggest_end(self) -> None:
        regime = self.regime.value()
        if regime is None or self.planned_end.text().strip():
            return
        months = REGIMES[regime].default_term_months
        try:
            start = self.start.date()
        except ValueError:
            return
        if months and start:
            self.planned_end.set_date(add_months(start, months))

    # -- saving -------------------------------------------------------------------------------
    def read(self) -> tuple[CaseData, list[FieldError]]:
        """The case as typed, and what cannot be read from the widgets (a date, no person)."""
        errors: list[FieldError] = []

        def when(field: DateField, label: str, key: str) -> date | None:
            return read_date(field, label, key, errors)

        if self.registered.isChecked() and self.resident_id is None:
            errors.append(FieldError("Người được quản lý", "hãy tìm và chọn một người trong "
                                     "danh sách, hoặc chọn nhập tay.", key="resident_id"))
        base = self.data or CaseData("", None, None)
        data = CaseData(
            id=base.id, person_name=self.name.text(), regime=self.regime.value(),
            start_date=when(self.start, "Ngày bắt đầu", "start_date"),
            resident_id=self.resident_id,
            birth_date=when(self.birth, "Ngày sinh", "birth_date"), sex=self.sex.value(),
            id_number=self.id_number.text(), address=self.address.text(),
            area_id=self.area.currentData(), decision_number=self.decision_number.text(),
            decision_date=when(self.decision_date, "Ngày quyết định", "decision_date"),
            decision_signer=self.decision_signer.text(),
            planned_end=when(self.planned_end, "Dự kiến kết thúc", "planned_end"),
            supervisor=self.supervisor.text(), model=self.model.text(),
            notes=self.notes.toPlainText(), evaluations=base.evaluations, supports=base.supports,
            version=base.version)  # as read when the dialog opened (or last saved it)
        return data, errors

    def current_data(self) -> CaseData:
        data, errors = self.read()
        if errors:
            raise errors[0]
        return data

    def live_errors(self) -> list[FieldError]:
        data, read = self.read()
        found = case_errors_as_typed(data)
        if any(e.key == "resident_id" for e in read):  # no one picked: the name is not typed
            found = [e for e in found if e.key != "person_name"]
        return merge(read, found)

    def _store(self) -> bool:
        try:
            self.saved_id = self.service.save(self.current_data())
        except FieldError as err:
            self.pages.setCurrentIndex(0)
            self.field_form.show([err])
            self.error.setText(f"Chưa lưu. {err}")
            self.saved_note.setText("")
            return False
        self.data = self.service.get(self.saved_id)
        self.error.setText("")
        return True

    def save(self) -> None:
        if self._store():
            self.accept()

    def save_in_place(self) -> None:
        """Ctrl+S: save and stay, the case read back (its version, its history)."""
        if not self._store():
            return
        self.setWindowTitle(f"Hồ sơ: {self.data.person_name}")
        self._fill_history(self.data)
        self.history_button.setEnabled(True)
        self.saved_note.setText(f"Đã lưu hồ sơ của {self.data.person_name}.")
        self.mark_clean()

    def _ensure_saved(self) -> bool:
        """Evaluations and support belong to a saved case: save a new one first."""
        if self.data is not None and self.data.id is not None:
            return True
        if not messages.confirm(self, "Cần lưu hồ sơ trước khi thêm đánh giá hoặc hỗ trợ. "
                                      "Lưu ngay?"):
            return False
        return self._store()

    def _reload_history(self) -> None:
        """The case's evaluations and support afresh; the version stays the one this dialog
        read, so a change made elsewhere meanwhile still refuses this dialog's save."""
        version = self.data.version
        self.data = self.service.get(self.data.id)
        self.data.version = version
        self._fill_history(self.data)

    def add_evaluation(self) -> None:
        if self._ensure_saved() and EvaluationDialog(self.service, self.data, self).exec():
            self._reload_history()

    def add_support(self) -> None:
        if self._ensure_saved() and SupportDialog(self.service, self.data, self).exec():
            self._reload_history()

    # -- correcting and voiding entries ----------------------------------------------------
    def _selected(self, table: QTableWidget, entries: list):
        """The entry of the table's current row, or None (a voided one included)."""
        row = table.currentRow() if table.selectionModel().hasSelection() else -1
        return entries[row] if 0 <= row < len(entries) else None

    def _history_buttons(self) -> None:
        """Sửa and Hủy act on a selected entry that is not voided."""
        data = self.data
        for table, entries, buttons in (
                (self.evaluations, data.evaluations if data else [],
                 (self.edit_evaluation_button, self.void_evaluation_button)),
                (self.supports, data.supports if data else [],
                 (self.edit_support_button, self.void_support_button))):
            entry = self._selected(table, entries)
            for button in buttons:
                button.setEnabled(entry is not None and not entry.voided)
        for table, entries, locks, edit, void in (
                (self.evaluations, data.evaluations if data else [], self.locks,
                 self.edit_evaluation_button, self.void_evaluation_button),
                (self.supports, data.supports if data else [], self.support_locks,
                 self.edit_support_button, self.void_support_button)):
            row = table.currentRow() if self._selected(table, entries) is not None else -1
            lock = locks[row] if 0 <= row < len(locks) else None
            mark_locked([void], lock)
            edit.setText("Xem…" if lock else "Sửa…")

    def _history_menu(self, table: QTableWidget, pos, edit, void) -> None:
        index = table.indexAt(pos)
        if not index.isValid():
            return
        table.selectRow(index.row())
        evaluations = table is self.evaluations
        entries = self.data.evaluations if evaluations else self.data.supports
        locks = self.locks if evaluations else self.support_locks
        entry = self._selected(table, entries)
        lock = locks[index.row()] if index.row() < len(locks) else None
        menu = QMenu(table)
        for text, slot in (("Xem…" if lock else "Sửa…", edit),
                           ("Hủy (nhập nhầm)… — đã khóa sổ" if lock else "Hủy (nhập nhầm)…",
                            void)):
            action = QAction(text, menu)
            action.setEnabled(entry is not None and not entry.voided
                              and not (lock and slot is void))
            if lock and slot is void:
                action.setIcon(padlock_icon())
                action.setToolTip(lock)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.popup(table.viewport().mapToGlobal(pos))
        self._menu = menu  # kept for tests and until it closes

    def _live_selected(self, table: QTableWidget, entries: list):
        entry = self._selected(table, entries)
        return entry if entry is not None and not entry.voided else None

    def edit_evaluation(self, *_args) -> None:
        entry = self._live_selected(self.evaluations, self.data.evaluations if self.data else [])
        if entry is not None and EvaluationDialog(self.service, self.data, self,
                                                  existing=entry).exec():
            self._reload_history()

    def void_evaluation(self, *_args) -> None:
        entry = self._live_selected(self.evaluations, self.data.evaluations if self.data else [])
        if entry is not None and VoidDialog(self.service, self.data, entry, "đánh giá",
                                            self).exec():
            self._reload_history()

    def edit_support(self, *_args) -> None:
        entry = self._live_selected(self.supports, self.data.supports if self.data else [])
        if entry is not None and SupportDialog(self.service, self.data, self,
                                               existing=entry).exec():
            self._reload_history()

    def void_support(self, *_args) -> None:
        entry = self._live_selected(self.supports, self.data.supports if self.data else [])
        if entry is not None and VoidDialog(self.service, self.data, entry, "hỗ trợ",
                                            self).exec():
            self._reload_history()
