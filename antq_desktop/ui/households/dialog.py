"""Add or edit a household together with its members, in one dialog and one save."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...enums import Relationship, ResidenceKind, Sex
from ...peoples import ethnic_groups, religions
from ...services.duplicates import DuplicateService
from ...services.households import (
    HouseholdData,
    HouseholdService,
    MemberData,
    household_errors,
    member_errors,
    signup_date_error,
)
from ...services.unit import AreaInfo
from ...text import title_name
from ...validation import FieldError, parse_date
from ..audit.history import history_button
from ..duplicates.hint import DuplicateHint
from ..permissions import PADLOCK, period_lock
from ..widgets.dialogs import (
    FieldForm,
    RememberedDialog,
    button_row,
    error_label,
    field_error_line,
    view_only,
)
from ..widgets.fields import DateField, EnumCombo, format_date
from ..widgets.lifetime import run_modal
from .actions import MoveAwayDialog

MEMBER_COLUMNS = ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Quan hệ", "Cư trú",
                  "Tình trạng", "Dân tộc", "Tôn giáo"]
UNNAMED = "Nhân khẩu chưa có tên"
BAD_ROW = QColor("#b00020")


def _member_cells(m: MemberData) -> list[str]:
    return [
        m.full_name or "(chưa có tên)",
        m.birth_text,  # "1985" when only the year is known
        m.sex.label if m.sex else "",
        m.id_number or "",
        m.relation.label,
        m.residence_kind.label,
        "Đã gộp" if m.merged else  # "Đã gộp vào …" is its reason, shown in the form
        f"Chuyển đi {format_date(m.moved_out_on)}" if m.moved_out_on else
        "Chưa lưu" if m.id is None else "Đang ở",
        m.ethnicity,  # "•••" for an account without the right (db/guard.py)
        m.religion,
    ]


def place_field(grid: QGridLayout, fields: FieldForm, row: int, col: int, key: str,
                widget: QWidget, label: str, *aliases: str, span: int = 1,
                beside: QWidget | None = None) -> None:
    """``label:`` and ``widget`` on grid row ``row``, the field's error line on the row under
    them across the label's column too (a long message stays one line, so nothing below
    moves); bound to ``fields`` under ``key`` (``label`` and ``aliases`` as its aliases). A
    fixed-width field (a date) keeps to the left."""
    text = QLabel(label + ":")
    text.setBuddy(widget)
    line = field_error_line(widget.objectName() or key)
    fields.bind(key, widget, line, label, *aliases)
    top = Qt.AlignmentFlag.AlignTop if isinstance(widget, QPlainTextEdit) else \
        Qt.AlignmentFlag.AlignVCenter
    grid.addWidget(text, row, col * 2, top)
    if beside is not None:  # e.g. a padlock mark right after the field
        holder = QWidget()
        line_up = QHBoxLayout(holder)
        line_up.setContentsMargins(0, 0, 0, 0)
        line_up.addWidget(widget)
        line_up.addWidget(beside, 1)
        widget = holder
    grid.addWidget(widget, row, col * 2 + 1, 1, span,
                   Qt.AlignmentFlag.AlignLeft if isinstance(widget, DateField)
                   else Qt.Alignment())
    grid.addWidget(line, row + 1, col * 2, 1, span + 1)


class BirthField(DateField):
    """A birth date, or the year alone ("1985") when only the year is known: ``date()`` is
    then 01/01 of it and ``year_only()`` is true."""

    YEAR = re.compile(r"\s*(\d{4})\s*")

    def __init__(self, parent: QWidget | None = None, **kw):
        super().__init__(parent, past=True, **kw)
        self.setToolTip("Ngày sinh dd/mm/yyyy. Chỉ biết năm sinh thì gõ năm, ví dụ 1985.")

    def year_only(self) -> bool:
        return self.YEAR.fullmatch(self.text()) is not None

    def date(self) -> date | None:
        found = self.YEAR.fullmatch(self.text())
        if found is None:
            return super().date()
        year = int(found.group(1))
        if year < 1000:
            raise ValueError(f"năm sinh {year} không hợp lệ.")
        return date(year, 1, 1)

    def set_birth(self, born: date | None, year_only: bool) -> None:
        self.setText(str(born.year) if born is not None and year_only else format_date(born))


def people_combo(items, name: str, placeholder: str) -> QComboBox:
    """An editable combo of ``items`` (the 54 ethnic groups, the religions: peoples.py) that
    completes what is typed from any part of a name; free text stays (the service checks it)."""
    combo = QComboBox(objectName=name, editable=True)
    combo.addItem("")
    combo.addItems(list(items))
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMaxVisibleItems(15)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
    combo.lineEdit().setPlaceholderText(placeholder)
    return combo


def set_combo_text(combo: QComboBox, text: str) -> None:
    index = combo.findText(text) if text else 0
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(text)  # another religion, or "•••" (masked)


class MemberForm(QGroupBox):
    """The fields of one member; edits go straight into the bound MemberData. Each field's
    error shows under it as you type (a ``FieldForm`` over the service's ``member_errors``)."""

    # (MemberData attribute = the FieldError key, the label the rules use)
    FIELDS = (("full_name", "Họ và tên"), ("birth_date", "Ngày sinh"), ("sex", "Giới tính"),
              ("id_number", "Số định danh cá nhân"), ("old_id_number", "Số CMND cũ"),
              ("relation", "Quan hệ với chủ hộ"), ("residence_kind", "Loại cư trú"),
              ("residence_from", "Cư trú từ ngày"), ("residence_to", "Cư trú đến ngày"),
              ("phone", "Số điện thoại"), ("occupation", "Nghề nghiệp"),
              ("ethnicity", "Dân tộc"), ("religion", "Tôn giáo"), ("notes", "Ghi chú"),
              ("moved_out_on", "Ngày chuyển đi"), ("moved_out_reason", "Lý do chuyển đi"))
    DATE_FIELDS = (("Ngày sinh", "birth_date"), ("Cư trú từ ngày", "residence_from"),
                   ("Cư trú đến ngày", "residence_to"), ("Ngày chuyển đi", "moved_out_on"))
    COLUMNS = 3  # fields side by side: the whole dialog fits a 1366×768 screen

    def __init__(self, parent: QWidget | None = None, find_matches=None,
                 today: date | None = None):
        super().__init__("Thông tin nhân khẩu", parent)
        self.member: MemberData | None = None
        self.today = today
        self.unreadable: dict[int, dict[str, str]] = {}  # id(member) → {date attr: typed text}
        self.touched: dict[int, set[str]] = {}  # id(member) → the fields edited in it
        self.tried = False  # a save was tried: every member's errors show
        self._loading = False

        self.full_name = QLineEdit(objectName="memberName", maxLength=100)
        self.birth_date = BirthField(objectName="memberBirthDate")
        self.sex = EnumCombo(Sex, allow_empty="— chọn —", objectName="memberSex")
        self.id_number = QLineEdit(objectName="memberIdNumber", maxLength=14)
        self.id_number.setPlaceholderText("12 chữ số; trẻ em: để trống")
        self.id_number.setToolTip("12 chữ số; trẻ em chưa có số định danh thì để trống")
        self.old_id_number = QLineEdit(objectName="memberOldId", maxLength=12)
        self.relation = EnumCombo(Relationship, objectName="memberRelation")
        self.residence_kind = EnumCombo(ResidenceKind, objectName="memberResidence")
        self.residence_from = DateField(objectName="memberResidenceFrom")
        self.residence_to = DateField(objectName="memberResidenceTo")
        self.phone = QLineEdit(objectName="memberPhone", maxLength=20)
        self.occupation = QLineEdit(objectName="memberOccupation", maxLength=100)
        # sensitive (docs/DOMAIN.md §1): "•••" for an account without the right
        self.ethnicity = people_combo(ethnic_groups(), "memberEthnicity", "chọn hoặc gõ")
        self.ethnicity.setToolTip("Một trong 54 dân tộc Việt Nam (Quyết định 121-TCTK/PPCĐ); "
                                  "để trống nếu chưa rõ.")
        self.religion = people_combo(religions(), "memberReligion", "chọn hoặc ghi")
        self.religion.setToolTip("Chọn trong danh sách hoặc ghi tôn giáo khác; không theo "
                                 "tôn giáo nào: Không; để trống nếu chưa rõ.")
        self.notes = QLineEdit(objectName="memberNotes")
        self.moved_out_on = DateField(objectName="memberMovedOn")
        self.moved_out_reason = QLineEdit(objectName="memberMovedReason", maxLength=300)
        self.errors = error_label("memberErrors")  # what no field is bound to

        self.fields = FieldForm(self._live_errors, self.errors)
        self.widget_for: dict[str, QWidget] = {}
        # a probable duplicate of someone registered, shown under the name (issue 13)
        self.duplicate = DuplicateHint(find_matches or (lambda **_q: []), "memberDuplicate")
        self.household_id: int | None = None
        self.not_same: dict[int, set[int]] = {}  # id(member) → residents dismissed for them
        grid = QGridLayout(self)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.duplicate, 2, 0, 1, 2 * self.COLUMNS)  # under the name's row
        for i, (key, label) in enumerate(self.FIELDS):
            widget = getattr(self, key)
            self.widget_for[label] = widget
            row, col = divmod(i, self.COLUMNS)
            place_field(grid, self.fields, 2 * row + (row >= 1), col, key, widget, label)
        rows = -(-len(self.FIELDS) // self.COLUMNS)
        grid.addWidget(self.errors, 2 * rows + 1, 0, 1, 2 * self.COLUMNS)
        for col in range(self.COLUMNS):
            grid.setColumnStretch(col * 2 + 1, 1)

        for w in (self.full_name, self.id_number, self.old_id_number, self.phone,
                  self.occupation, self.notes, self.moved_out_reason, self.birth_date,
                  self.residence_from, self.residence_to, self.moved_out_on):
            w.textEdited.connect(self._changed)
        for w in (self.sex, self.relation, self.residence_kind):
            w.currentIndexChanged.connect(self._changed)
        for w in (self.ethnicity, self.religion):
            w.editTextChanged.connect(self._changed)
        self.errors.hide()  # shown only when it has something to say
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.on_change = lambda: None
        self.setEnabled(False)

    def _date_field(self, attr: str) -> DateField:
        return getattr(self, attr)

    def bind(self, member: MemberData | None) -> None:
        self._loading = True
        self.member = member
        self.duplicate.clear()  # "Đây là người khác" holds for the member it was said of
        self.duplicate.skipped = self.not_same.setdefault(id(member), set())
        self.setEnabled(member is not None and not member.merged)
        m = member or MemberData("", None, None, Relationship.HEAD)
        blockers = [QSignalBlocker(w) for w in (self.sex, self.relation, self.residence_kind,
                                                 self.ethnicity, self.religion)]
        self.full_name.setText(m.full_name)
        self.sex.set_value(m.sex)
        self.id_number.setText(m.id_number)
        self.old_id_number.setText(m.old_id_number)
        self.relation.set_value(m.relation)
        self.residence_kind.set_value(m.residence_kind)
        self.phone.setText(m.phone)
        self.occupation.setText(m.occupation)
        set_combo_text(self.ethnicity, m.ethnicity)
        set_combo_text(self.religion, m.religion)
        self.notes.setText(m.notes)
        self.moved_out_reason.setText(m.moved_out_reason)
        raw = self.unreadable.get(id(m), {})
        for _label, attr in self.DATE_FIELDS:
            field = self._date_field(attr)
            if attr in raw:
                field.setText(raw[attr])
            elif attr == "birth_date":
                self.birth_date.set_birth(m.birth_date, m.birth_year_only)
            else:
                field.setText(format_date(getattr(m, attr)))
        del blockers
        self._loading = False
        # the member's own edits mark its fields; a stored member's problems show at once
        self.fields.touched = self.touched.setdefault(id(m), set())
        self.fields.show_all = self.tried or (member is not None and member.id is not None)
        self.show_errors()

    def _changed(self, *_args) -> None:
        if self._loading or self.member is None:
            return
        m = self.member
        m.full_name = self.full_name.text()
        m.sex = self.sex.value()
        m.id_number = self.id_number.text().strip()
        m.old_id_number = self.old_id_number.text().strip()
        m.relation = self.relation.value()
        m.residence_kind = self.residence_kind.value()
        m.phone, m.occupation = self.phone.text(), self.occupation.text()
        m.ethnicity, m.religion = self.ethnicity.currentText(), self.religion.currentText()
        m.notes, m.moved_out_reason = self.notes.text(), self.moved_out_reason.text()
        raw: dict[str, str] = {}
        for _label, attr in self.DATE_FIELDS:
            field = self._date_field(attr)
            try:
                setattr(m, attr, field.date())
            except ValueError:
                setattr(m, attr, None)
                raw[attr] = field.text()  # kept, so the typed text survives switching members
        # a year alone keeps the flag; a full date (or none) clears it
        m.birth_year_only = m.birth_date is not None and self.birth_date.year_only()
        self.unreadable[id(m)] = raw
        self.show_errors()
        self.duplicate.request(name=m.full_name, birth_date=m.birth_date, id_number=m.id_number,
                               sex=m.sex, household_id=self.household_id, resident_id=m.id)
        self.on_change()

    def problems_of(self, m: MemberData) -> list[FieldError]:
        """Errors of one member: dates that cannot be read first, then the field rules."""
        who = m.full_name.strip() or UNNAMED
        found = []
        for label, attr in self.DATE_FIELDS:
            text = self.unreadable.get(id(m), {}).get(attr)
            if text is not None:
                try:
                    self._read_birth(text) if attr == "birth_date" else parse_date(text)
                except ValueError as exc:
                    found.append(FieldError(label, str(exc), who, attr))
        taken = {e.key for e in found}
        return found + [e for e in member_errors(m, self.today) if e.key not in taken]

    @staticmethod
    def _read_birth(text: str) -> None:
        if BirthField.YEAR.fullmatch(text):
            if int(text.strip()) < 1000:
                raise ValueError(f"năm sinh {text.strip()} không hợp lệ.")
            return
        parse_date(text)

    def _live_errors(self) -> list[FieldError]:
        return self.problems_of(self.member) if self.member is not None else []

    def show_errors(self) -> None:
        self.fields.revalidate()
        self.errors.setVisible(bool(self.errors.text()))

    def show_refused(self, err: FieldError) -> None:
        """A refused save: every error of this member under its field, ``err``'s focused."""
        self.fields.show([err])
        self.errors.setVisible(bool(self.errors.text()))


class HouseholdDialog(RememberedDialog):
    """``HouseholdDialog(service, areas, data=None)``; ``saved_id`` is set after a good save
    (also by Ctrl+S, which saves and keeps the dialog open). ``year``: the sign-up year the
    dialog shows (the tab's)."""

    def __init__(self, service: HouseholdService, areas: list[AreaInfo],
                 data: HouseholdData | None = None, parent: QWidget | None = None,
                 year: int | None = None, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("householdDialog")
        self.service = service
        self.today = today
        self.year = year or (today or date.today()).year
        self.saved_id: int | None = None
        self.data = copy.deepcopy(data) if data else HouseholdData(
            code=service.next_code(), area_id=None, address="")
        new = data is None
        self.since_error: FieldError | None = None
        self.signup_error: FieldError | None = None

        self.code = QLineEdit(self.data.code, objectName="householdCode", maxLength=30)
        self.area = QComboBox(objectName="householdArea")
        self.area.addItem("— chọn khu dân cư —", None)
        for a in areas:
            if a.active or a.id == self.data.area_id:
                self.area.addItem(a.name, a.id)
        if self.data.area_id is not None:
            self.area.setCurrentIndex(self.area.findData(self.data.area_id))
        elif len(areas) == 1:
            self.area.setCurrentIndex(1)
        self.address = QLineEdit(self.data.address, objectName="householdAddress", maxLength=300)
        self.address.setPlaceholderText("Số nhà, ngõ/ngách, đường phố")
        self.notes = QPlainTextEdit(self.data.notes, objectName="householdNotes")
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 12)
        self.since = DateField(self, self.data.since, objectName="householdSince")
        self.since.setToolTip("Ngày hộ đến cư trú (hoặc đăng ký cư trú) tại đây; để trống nếu "
                              "đã ở từ lâu. Dùng để tính tỷ lệ hộ đăng ký của những năm trước.")
        # the year's sign-up, saved with the household; read-only in a signed-off year
        self.signup = DateField(self, self.data.signups.get(self.year),
                                objectName="householdSignup")
        self.signup.setToolTip(f"Ngày hộ đăng ký xây dựng khu dân cư “An toàn về ANTT” năm "
                               f"{self.year}; để trống nếu chưa đăng ký.")
        self.signup_lock = QLabel(objectName="householdSignupLock")
        self.status = QLabel(objectName="householdStatus", wordWrap=True)

        self.top_fields = FieldForm(self._household_errors)
        top = QGridLayout()
        top.setVerticalSpacing(0)

        def put(row: int, col: int, label: str, key: str, widget: QWidget, *aliases: str,
                span: int = 1, beside: QWidget | None = None) -> None:
            place_field(top, self.top_fields, 2 * row, col, key, widget, label, *aliases,
                        span=span, beside=beside)

        put(0, 0, "Số hộ", "code", self.code)
        put(0, 1, "Khu dân cư", "area_id", self.area)
        put(1, 0, "Địa chỉ", "address", self.address)
        put(1, 1, "Đến cư trú từ ngày", "since", self.since, "Ngày đến cư trú")
        put(2, 0, "Ghi chú", "notes", self.notes, span=3)
        put(3, 0, f"Đăng ký năm {self.year}", "signup", self.signup, "Ngày đăng ký", "Đăng ký",
            "Khóa sổ", span=3, beside=self.signup_lock)
        top.setColumnStretch(1, 2)
        top.setColumnStretch(3, 1)
        self.status.hide()
        if self.data.moved_out_on:
            self.status.show()
            self.status.setText(
                f"Hộ đã chuyển đi ngày {format_date(self.data.moved_out_on)}"
                + (f" — {self.data.moved_out_reason}" if self.data.moved_out_reason else ""))

        self.members = QTableWidget(0, len(MEMBER_COLUMNS), objectName="householdMembers")
        self.members.setHorizontalHeaderLabels(MEMBER_COLUMNS)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        self.members.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.members.setMinimumHeight(self.fontMetrics().height() * 6 + 30)
        self.members.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.members.customContextMenuRequested.connect(self._member_menu)

        self.add_member_button = QPushButton("&Thêm nhân khẩu", objectName="householdAddMember")
        self.add_member_button.setToolTip("Thêm một dòng nhân khẩu (Ctrl+Shift+N)")
        self.add_member_button.clicked.connect(self.add_member)
        # a row added by mistake is dropped; a stored member is moved out, never deleted
        self.remove_action = QAction("&Bỏ nhân khẩu này", self.members,
                                     objectName="householdRemoveMemberAction")
        self.remove_action.triggered.connect(self.remove_member)
        self.members.installEventFilter(self)  # the Delete key on the list (eventFilter)
        self.remove_member_button = QPushButton("&Bỏ nhân khẩu",
                                                objectName="householdRemoveMember")
        self.remove_member_button.clicked.connect(self.remove_member)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(QLabel("Nhân khẩu (đúng một chủ hộ):"))
        member_buttons.addStretch(1)
        member_buttons.addWidget(self.remove_member_button)
        member_buttons.addWidget(self.add_member_button)

        self.areas = areas
        self.duplicates = DuplicateService(service.db)
        self.form = MemberForm(self, self.duplicates.matches, today)
        self.form.household_id = self.data.id
        self.form.on_change = self._member_changed
        self.form.duplicate.openRequested.connect(self.open_existing)
        self.form.duplicate.dismissed.connect(self._not_duplicate)

        self.error = error_label("householdError", bold=True)
        self.notice = QLabel(objectName="householdNotice")
        self.notice.setStyleSheet("color: #1b5e20;")
        buttons = button_row("&Lưu", self.save, self.reject, "householdSave")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(
            "Lưu và đóng (Ctrl+Enter); Ctrl+S lưu mà không đóng")
        self.history = history_button(self, service.db, f"hộ {self.data.code}",
                                      lambda: self.service.history_targets(self.data.id))
        buttons.addButton(self.history, QDialogButtonBox.ButtonRole.ResetRole)
        self.history.setVisible(self.data.id is not None)  # only a stored household has one
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.add_member)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(top)
        body.addWidget(self.status)
        body.addLayout(member_buttons)
        body.addWidget(self.members, 1)
        body.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)
        self.remember_size("householdDialog", 1120, 700)

        for first, then in ((self.code, self.area), (self.area, self.address),
                            (self.address, self.since), (self.since, self.notes),
                            (self.notes, self.signup)):
            QWidget.setTabOrder(first, then)  # as the fields are laid out
        self.notes.setTabChangesFocus(True)
        self.members.itemSelectionChanged.connect(self._select_member)
        self.area.currentIndexChanged.connect(self._update_lock)
        for widget in (self.code, self.address, self.since, self.signup):
            widget.textEdited.connect(lambda _text: self.top_fields.revalidate())
        view_only(self, service.db)  # an account that may not write: read-only, never checked
        self._show_data(select_row=0)
        if not self.data.members and self.read_only is None:
            self.add_member()
        (self.address if new else self.members).setFocus()
        self.mark_clean()  # Cancel asks once this differs (GuardedDialog)

    def _show_data(self, select_row: int) -> None:
        """Fill the title, the marks and the member list from ``self.data``."""
        self.setWindowTitle("Thêm hộ gia đình" if self.data.id is None else
                            f"{'Sửa' if self.read_only is None else 'Xem'} hộ {self.data.code}")
        self.form.household_id = self.data.id
        self._update_lock()
        self.members.setRowCount(0)
        for m in self.data.members:
            self._append_row(m)
        if self.data.members:
            self.members.selectRow(min(max(select_row, 0), len(self.data.members) - 1))
        self._update_remove()

    def _update_lock(self, *_args) -> None:
        """A signed-off sign-up year (periods.py): the sign-up field is read-only, padlocked."""
        self.locked = period_lock(self.service.db, "signups", self.year,
                                  self.area.currentData())
        moved = self.data.moved_out_on is not None
        read_only = bool(self.locked) or moved or self.read_only is not None
        self.signup.setReadOnly(read_only)
        self.signup.calendar_action.setEnabled(not read_only)
        palette = self.signup.palette()  # greyed as read-only (the error frame is a style sheet)
        palette.setColor(QPalette.ColorRole.Base, self.palette().color(
            QPalette.ColorRole.Window) if read_only else self.palette().color(
            QPalette.ColorRole.Base))
        self.signup.setPalette(palette)
        if self.locked:
            self.signup_lock.setText(f"{PADLOCK} Năm {self.year} đã khóa sổ")
            self.signup_lock.setToolTip(self.locked)
            self.signup.setToolTip(f"{PADLOCK} {self.locked}")
        else:
            self.signup_lock.setText("Hộ đã chuyển đi: không ghi đăng ký." if moved else "")
            self.signup_lock.setToolTip("")

    # -- members ------------------------------------------------------------------------------
    def _append_row(self, m: MemberData) -> None:
        row = self.members.rowCount()
        self.members.insertRow(row)
        self._fill_row(row, m)

    def _fill_row(self, row: int, m: MemberData) -> None:
        problems = [] if m.merged or self.read_only is not None else self.form.problems_of(m)
        shown = self.form.tried or m.id is not None or bool(self.form.touched.get(id(m)))
        bad = bool(problems) and shown
        for col, text in enumerate(_member_cells(m)):
            item = self.members.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                self.members.setItem(row, col, item)
            item.setText(text)
            color = BAD_ROW if bad else QColor("#888888") if m.moved_out_on else QColor("black")
            item.setForeground(QBrush(color))
            item.setToolTip("\n".join(f"{e.field}: {e.message}" for e in problems) if bad else "")

    def add_member(self) -> None:
        has_head = any(m.relation is Relationship.HEAD and m.active for m in self.data.members)
        m = MemberData("", None, None, Relationship.CHILD if has_head else Relationship.HEAD)
        self.data.members.append(m)
        self._append_row(m)
        self.members.selectRow(len(self.data.members) - 1)
        self.form.full_name.setFocus()

    def current_member_row(self) -> int | None:
        rows = self.members.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _select_member(self) -> None:
        row = self.current_member_row()
        self.form.bind(self.data.members[row] if row is not None else None)
        self._update_remove()

    def _update_remove(self) -> None:
        row = self.current_member_row()
        m = self.data.members[row] if row is not None else None
        can = m is not None and not m.merged and m.active
        for target in (self.remove_action, self.remove_member_button):
            target.setEnabled(can)
        if m is None:
            tip = ""
        elif m.id is None:
            tip = "Bỏ dòng nhân khẩu chưa lưu này (Delete)"
        elif can:
            tip = ("Ghi người này chuyển khỏi hộ (Delete): hồ sơ được giữ, không xóa")
        else:
            tip = "Người này đã chuyển đi hoặc đã gộp: không bỏ thêm được"
        self.remove_member_button.setToolTip(tip)
        self.remove_action.setText("&Bỏ dòng nhập nhầm" if m is not None and m.id is None
                                   else "&Ghi chuyển khỏi hộ…")

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.members and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self.remove_member()
            return True
        return super().eventFilter(watched, event)

    def _member_menu(self, pos) -> None:
        index = self.members.indexAt(pos)
        if index.isValid():
            self.members.selectRow(index.row())
        if self.current_member_row() is None:
            return
        menu = QMenu(self.members)
        menu.setObjectName("householdMemberMenu")
        menu.addAction(self.remove_action)
        menu.addAction("&Thêm nhân khẩu", self.add_member)
        menu.exec(self.members.viewport().mapToGlobal(pos))

    def remove_member(self) -> None:
        """A row added by mistake is dropped; a stored member is moved out of the household
        (asked for the day and the reason), never deleted: the save records it."""
        row = self.current_member_row()
        if row is None or self.read_only is not None:
            return
        m = self.data.members[row]
        if m.merged or not m.active:
            return
        if m.id is None:
            del self.data.members[row]
            self.form.unreadable.pop(id(m), None)
            self.members.removeRow(row)
            if self.data.members:
                self.members.selectRow(min(row, len(self.data.members) - 1))
            else:
                self.form.bind(None)
                self._update_remove()
            self.members.setFocus()
            return
        name = title_name(m.full_name) or UNNAMED
        head = m.relation is Relationship.HEAD

        def record(on: date, reason: str) -> None:
            trial = replace(m, moved_out_on=on, moved_out_reason=reason)
            for err in member_errors(trial, self.today):
                if err.key in ("moved_out_on", "moved_out_reason"):
                    raise err
            m.moved_out_on, m.moved_out_reason = on, reason.strip()

        dialog = MoveAwayDialog(
            name, record, self, title="Nhân khẩu chuyển đi",
            intro=f"Ghi {name} chuyển khỏi hộ {self.data.code}. Hồ sơ của người này vẫn được "
                  "giữ, không xóa; thay đổi được ghi khi bấm “Lưu”."
                  + (" Đây là chủ hộ: hãy chọn chủ hộ mới trong các nhân khẩu còn lại."
                     if head else ""),
            on=self.today)
        if run_modal(dialog):
            self._fill_row(row, m)
            self.form.bind(m)
            self._update_remove()

    def _member_changed(self) -> None:
        m = self.form.member
        row = next(i for i, x in enumerate(self.data.members) if x is m)
        self._fill_row(row, m)

    # -- a probable duplicate ------------------------------------------------------------------
    def open_existing(self, match) -> None:
        """"Mở hồ sơ có sẵn": the household of the person already registered."""
        hid = match.person.household_id
        if hid == self.data.id:
            row = next((i for i, m in enumerate(self.data.members)
                        if m.id == match.resident_id), None)
            if row is not None:
                self.members.selectRow(row)
            return
        run_modal(HouseholdDialog(self.service, self.areas, self.service.get(hid), self,
                                  self.year, self.today))

    def _not_duplicate(self, match) -> None:
        """"Đây là người khác": kept for good when the member is already saved."""
        m = self.form.member
        if m is not None and m.id is not None:
            self.duplicates.mark_not_duplicate(m.id, match.resident_id)

    # -- validation ---------------------------------------------------------------------------
    def current_data(self) -> HouseholdData:
        self.data.code = self.code.text()
        self.data.area_id = self.area.currentData()
        self.data.address = self.address.text()
        self.data.notes = self.notes.toPlainText()
        try:
            self.data.since, self.since_error = self.since.date(), None
        except ValueError as exc:
            self.data.since = None
            self.since_error = FieldError("Ngày đến cư trú", str(exc), key="since")
        self.signup_error = None
        if not self.signup.isReadOnly():
            try:
                self.data.signups[self.year] = self.signup.date()
            except ValueError as exc:
                self.signup_error = FieldError("Ngày đăng ký", str(exc), key="signup")
        return self.data

    TOP_KEYS = frozenset({"code", "area_id", "address", "since", "notes", "signup"})

    def _household_errors(self) -> list[FieldError]:
        """The household's own fields, as typed (the members' are the member form's)."""
        data = self.current_data()
        found = [e for e in (self.since_error, self.signup_error) if e is not None]
        taken = {e.key for e in found}
        on = data.signups.get(self.year)
        if self.signup_error is None and on is not None and not self.signup.isReadOnly():
            msg = signup_date_error(self.year, on, self.today)
            if msg:
                found.append(FieldError("Ngày đăng ký", msg, key="signup"))
                taken.add("signup")
        return found + [e for e in household_errors(data, self.today)
                        if e.row is None and e.key in self.TOP_KEYS and e.key not in taken]

    def _show_error(self, err: FieldError, member: MemberData | None = None) -> None:
        self.error.setText(f"Chưa lưu. {err}")
        self.notice.setText("")
        self.form.tried = True
        if err.row:
            if member is None:
                member = next((m for m in self.data.members
                               if title_name(m.full_name) == err.row
                               or (not m.full_name.strip() and err.row == UNNAMED)), None)
            if member is not None:
                self.members.selectRow(next(i for i, m in enumerate(self.data.members)
                                            if m is member))
            self.form.fields.show_all = True
            self.form.show_refused(err)
        elif self.top_fields.key_of(err) is not None:
            self.top_fields.show([err])
        elif err.key == "relation" and self.form.member is not None:
            self.form.fields.show_all = True
            self.form.show_refused(err)
        for row, m in enumerate(self.data.members):  # every member with a problem turns red
            self._fill_row(row, m)

    guard_question = "Bỏ các thay đổi chưa lưu của hộ này?"

    def state(self) -> object:
        """What Cancel would lose: the household as typed (the member form edits it in place;
        choosing another member changes the form's widgets, not the data)."""
        data = copy.deepcopy(self.current_data())
        return (data, self.since.text() if self.since_error is not None else None,
                self.signup.text() if self.signup_error is not None else None)

    # -- saving -------------------------------------------------------------------------------
    def _save(self) -> bool:
        data = self.current_data()
        for err in (self.since_error, self.signup_error):
            if err is not None:
                self._show_error(err)
                return False
        for m in data.members:  # dates that cannot be read are reported before anything else
            if self.form.unreadable.get(id(m)):
                self._show_error(self.form.problems_of(m)[0], m)
                return False
        try:
            self.saved_id = self.service.save(copy.deepcopy(data), self.today)
        except FieldError as err:
            self._show_error(err)
            return False
        return True

    def save(self) -> None:
        """"Lưu" and Ctrl+Enter: save and close."""
        if self._save():
            self.accept()

    def save_in_place(self) -> None:
        """Ctrl+S: save, then show the household as stored (new members get their ids, the
        version moves on) and keep the dialog open, clean."""
        row = self.current_member_row() or 0
        if not self._save():
            return
        self.data = self.service.get(self.saved_id)
        self.code.setText(self.data.code)
        self.address.setText(self.data.address)
        self.notes.setPlainText(self.data.notes)
        self.since.set_date(self.data.since)
        self.signup.set_date(self.data.signups.get(self.year))
        self.form.unreadable.clear()
        self.form.touched.clear()
        self.form.tried = False
        self.history.setVisible(True)
        self.history.setEnabled(True)
        self._show_data(select_row=row)
        self.top_fields.touched.clear()
        self.top_fields.show_all = False
        self.top_fields.revalidate()
        self.error.setText("")
        self.notice.setText(f"Đã lưu hộ {self.data.code} lúc {datetime.now():%H:%M}.")
        self.mark_clean()
