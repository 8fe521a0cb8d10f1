"""Add or edit a household together with its members, in one dialog and one save."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...enums import Relationship, ResidenceKind, Sex
from ...services.duplicates import DuplicateService
from ...services.households import (
    HouseholdData,
    HouseholdService,
    MemberData,
    member_errors,
)
from ...services.unit import AreaInfo
from ...text import title_name
from ...validation import FieldError, parse_date
from ..duplicates.hint import DuplicateHint
from ..widgets.dialogs import RememberedDialog, button_row, error_label
from ..widgets.fields import DateField, EnumCombo, format_date

MEMBER_COLUMNS = ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Quan hệ", "Cư trú",
                  "Tình trạng"]


def _member_cells(m: MemberData) -> list[str]:
    return [
        m.full_name or "(chưa có tên)",
        format_date(m.birth_date),
        m.sex.label if m.sex else "",
        m.id_number or "",
        m.relation.label,
        m.residence_kind.label,
        "Đã gộp" if m.merged else  # "Đã gộp vào …" is its reason, shown in the form
        f"Chuyển đi {format_date(m.moved_out_on)}" if m.moved_out_on else "Đang ở",
    ]


class MemberForm(QGroupBox):
    """The fields of one member; edits go straight into the bound MemberData."""

    def __init__(self, parent: QWidget | None = None, find_matches=None):
        super().__init__("Thông tin nhân khẩu", parent)
        self.member: MemberData | None = None
        self.unreadable: dict[int, dict[str, str]] = {}  # id(member) → {date attr: typed text}
        self._loading = False

        self.full_name = QLineEdit(objectName="memberName", maxLength=100)
        self.birth_date = DateField(objectName="memberBirthDate")
        self.sex = EnumCombo(Sex, allow_empty="— chọn —", objectName="memberSex")
        self.id_number = QLineEdit(objectName="memberIdNumber", maxLength=14)
        self.id_number.setPlaceholderText("12 chữ số; trẻ em chưa có thì để trống")
        self.old_id_number = QLineEdit(objectName="memberOldId", maxLength=12)
        self.relation = EnumCombo(Relationship, objectName="memberRelation")
        self.residence_kind = EnumCombo(ResidenceKind, objectName="memberResidence")
        self.residence_from = DateField(objectName="memberResidenceFrom")
        self.residence_to = DateField(objectName="memberResidenceTo")
        self.phone = QLineEdit(objectName="memberPhone", maxLength=20)
        self.occupation = QLineEdit(objectName="memberOccupation", maxLength=100)
        self.notes = QLineEdit(objectName="memberNotes")
        self.moved_out_on = DateField(objectName="memberMovedOn")
        self.moved_out_reason = QLineEdit(objectName="memberMovedReason", maxLength=300)
        self.errors = error_label("memberErrors")

        self.widget_for = {
            "Họ và tên": self.full_name, "Ngày sinh": self.birth_date, "Giới tính": self.sex,
            "Số định danh cá nhân": self.id_number, "Số CMND cũ": self.old_id_number,
            "Quan hệ với chủ hộ": self.relation, "Loại cư trú": self.residence_kind,
            "Cư trú từ ngày": self.residence_from, "Cư trú đến ngày": self.residence_to,
            "Số điện thoại": self.phone, "Nghề nghiệp": self.occupation, "Ghi chú": self.notes,
            "Ngày chuyển đi": self.moved_out_on, "Lý do chuyển đi": self.moved_out_reason,
        }
        # a probable duplicate of someone registered, shown under the name (issue 13)
        self.duplicate = DuplicateHint(find_matches or (lambda **_q: []), "memberDuplicate")
        self.household_id: int | None = None
        self.not_same: dict[int, set[int]] = {}  # id(member) → residents dismissed for them
        grid = QGridLayout(self)
        grid.addWidget(self.duplicate, 1, 0, 1, 4)
        fields = list(self.widget_for.items())
        for i, (label, widget) in enumerate(fields):
            row, col = divmod(i, 2)
            row += row >= 1  # row 1 is the duplicate hint's
            text = QLabel(label + ":")
            text.setBuddy(widget)
            grid.addWidget(text, row, col * 2)
            grid.addWidget(widget, row, col * 2 + 1)
        grid.addWidget(self.errors, len(fields) // 2 + 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        for w in (self.full_name, self.id_number, self.old_id_number, self.phone,
                  self.occupation, self.notes, self.moved_out_reason, self.birth_date,
                  self.residence_from, self.residence_to, self.moved_out_on):
            w.textEdited.connect(self._changed)
        for w in (self.sex, self.relation, self.residence_kind):
            w.currentIndexChanged.connect(self._changed)
        self.on_change = lambda: None
        self.setEnabled(False)

    DATE_FIELDS = (("Ngày sinh", "birth_date"), ("Cư trú từ ngày", "residence_from"),
                   ("Cư trú đến ngày", "residence_to"), ("Ngày chuyển đi", "moved_out_on"))

    def _date_field(self, attr: str) -> DateField:
        return getattr(self, attr)

    def bind(self, member: MemberData | None) -> None:
        self._loading = True
        self.member = member
        self.duplicate.clear()  # "Đây là người khác" holds for the member it was said of
        self.duplicate.skipped = self.not_same.setdefault(id(member), set())
        self.setEnabled(member is not None and not member.merged)
        m = member or MemberData("", None, None, Relationship.HEAD)
        self.full_name.setText(m.full_name)
        self.sex.set_value(m.sex)
        self.id_number.setText(m.id_number)
        self.old_id_number.setText(m.old_id_number)
        self.relation.set_value(m.relation)
        self.residence_kind.set_value(m.residence_kind)
        self.phone.setText(m.phone)
        self.occupation.setText(m.occupation)
        self.notes.setText(m.notes)
        self.moved_out_reason.setText(m.moved_out_reason)
        raw = self.unreadable.get(id(m), {})
        for _label, attr in self.DATE_FIELDS:
            field = self._date_field(attr)
            field.setText(raw[attr] if attr in raw else format_date(getattr(m, attr)))
        self._loading = False
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
        m.notes, m.moved_out_reason = self.notes.text(), self.moved_out_reason.text()
        raw: dict[str, str] = {}
        for _label, attr in self.DATE_FIELDS:
            field = self._date_field(attr)
            try:
                setattr(m, attr, field.date())
            except ValueError:
                setattr(m, attr, None)
                raw[attr] = field.text()  # kept, so the typed text survives switching members
        self.unreadable[id(m)] = raw
        self.show_errors()
        self.duplicate.request(name=m.full_name, birth_date=m.birth_date, id_number=m.id_number,
                               sex=m.sex, household_id=self.household_id, resident_id=m.id)
        self.on_change()

    def problems_of(self, m: MemberData) -> list[FieldError]:
        """Errors of one member: dates that cannot be read first, then the field rules."""
        who = m.full_name.strip() or "Nhân khẩu chưa có tên"
        found = []
        for label, attr in self.DATE_FIELDS:
            text = self.unreadable.get(id(m), {}).get(attr)
            if text is not None:
                try:
                    parse_date(text)
                except ValueError as exc:
                    found.append(FieldError(label, str(exc), who))
        taken = {e.field for e in found}
        return found + [e for e in member_errors(m) if e.field not in taken]

    def show_errors(self) -> None:
        problems = self.problems_of(self.member) if self.member is not None else []
        self.errors.setText("\n".join(f"• {e.field}: {e.message}" for e in problems))
        for label, widget in self.widget_for.items():
            bad = any(e.field == label for e in problems)
            widget.setStyleSheet("border: 1px solid #b00020;" if bad else "")

    def focus_field(self, label: str) -> None:
        widget = self.widget_for.get(label)
        if widget is not None:
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()


class HouseholdDialog(RememberedDialog):
    """``HouseholdDialog(service, areas, data=None)``; ``saved_id`` is set after a good save."""

    def __init__(self, service: HouseholdService, areas: list[AreaInfo],
                 data: HouseholdData | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdDialog")
        self.service = service
        self.saved_id: int | None = None
        self.data = copy.deepcopy(data) if data else HouseholdData(
            code=service.next_code(), area_id=None, address="")
        new = data is None
        self.setWindowTitle("Thêm hộ gia đình" if new else f"Sửa hộ {self.data.code}")

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
        self.notes.setFixedHeight(48)
        top = QFormLayout()
        top.addRow("Số hộ:", self.code)
        top.addRow("Khu dân cư:", self.area)
        top.addRow("Địa chỉ:", self.address)
        self.since = DateField(self, self.data.since, objectName="householdSince")
        self.since.setToolTip("Ngày hộ đến cư trú (hoặc đăng ký cư trú) tại đây; để trống nếu "
                              "đã ở từ lâu. Dùng để tính tỷ lệ hộ đăng ký của những năm trước.")
        top.addRow("Đến cư trú từ ngày:", self.since)
        top.addRow("Ghi chú:", self.notes)
        if self.data.moved_out_on:
            top.addRow("Tình trạng:", QLabel(
                f"Hộ đã chuyển đi ngày {format_date(self.data.moved_out_on)}"
                + (f" — {self.data.moved_out_reason}" if self.data.moved_out_reason else "")))

        self.members = QTableWidget(0, len(MEMBER_COLUMNS), objectName="householdMembers")
        self.members.setHorizontalHeaderLabels(MEMBER_COLUMNS)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        self.members.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.members.setMinimumHeight(140)
        self.add_member_button = QPushButton("&Thêm nhân khẩu", objectName="householdAddMember")
        self.add_member_button.clicked.connect(self.add_member)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(QLabel("Nhân khẩu (đúng một chủ hộ):"))
        member_buttons.addStretch(1)
        member_buttons.addWidget(self.add_member_button)

        self.areas = areas
        self.duplicates = DuplicateService(service.db)
        self.form = MemberForm(self, self.duplicates.matches)
        self.form.household_id = self.data.id
        self.form.on_change = self._member_changed
        self.form.duplicate.openRequested.connect(self.open_existing)
        self.form.duplicate.dismissed.connect(self._not_duplicate)

        self.error = error_label("householdError", bold=True)
        buttons = button_row("&Lưu", self.save, self.reject, "householdSave")
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.add_member)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(member_buttons)
        layout.addWidget(self.members, 1)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.remember_size("householdDialog", 900, 720)

        self.members.itemSelectionChanged.connect(self._select_member)
        for m in self.data.members:
            self._append_row(m)
        if self.data.members:
            self.members.selectRow(0)
        else:
            self.add_member()
        (self.address if new else self.members).setFocus()
        self.mark_clean()  # Cancel asks once this differs (GuardedDialog)

    # -- members ------------------------------------------------------------------------------
    def _append_row(self, m: MemberData) -> None:
        row = self.members.rowCount()
        self.members.insertRow(row)
        self._fill_row(row, m)

    def _fill_row(self, row: int, m: MemberData) -> None:
        for col, text in enumerate(_member_cells(m)):
            item = self.members.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                self.members.setItem(row, col, item)
            item.setText(text)
            item.setForeground(Qt.GlobalColor.gray if m.moved_out_on else Qt.GlobalColor.black)

    def add_member(self) -> None:
        has_head = any(m.relation is Relationship.HEAD and m.active for m in self.data.members)
        m = MemberData("", None, None, Relationship.CHILD if has_head else Relationship.HEAD)
        self.data.members.append(m)
        self._append_row(m)
        self.members.selectRow(len(self.data.members) - 1)
        self.form.full_name.setFocus()

    def _select_member(self) -> None:
        rows = self.members.selectionModel().selectedRows()
        self.form.bind(self.data.members[rows[0].row()] if rows else None)

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
        HouseholdDialog(self.service, self.areas, self.service.get(hid), self).exec()

    def _not_duplicate(self, match) -> None:
        """"Đây là người khác": kept for good when the member is already saved."""
        m = self.form.member
        if m is not None and m.id is not None:
            self.duplicates.mark_not_duplicate(m.id, match.resident_id)

    # -- saving -------------------------------------------------------------------------------
    def current_data(self) -> HouseholdData:
        self.data.code = self.code.text()
        self.data.area_id = self.area.currentData()
        self.data.address = self.address.text()
        self.data.notes = self.notes.toPlainText()
        try:
            self.data.since, self.since_error = self.since.date(), None
        except ValueError as exc:
            self.data.since, self.since_error = None, FieldError("Ngày đến cư trú", str(exc))
        return self.data

    def _show_error(self, err: FieldError, member: MemberData | None = None) -> None:
        self.error.setText(f"Chưa lưu. {err}")
        if err.row:
            if member is None:
                member = next((m for m in self.data.members
                               if title_name(m.full_name) == err.row
                               or (not m.full_name.strip() and err.row == "Nhân khẩu chưa có tên")),
                              None)
            if member is not None:
                self.members.selectRow(next(i for i, m in enumerate(self.data.members)
                                            if m is member))
            self.form.focus_field(err.field)
        else:
            target = {"Số hộ": self.code, "Khu dân cư": self.area, "Địa chỉ": self.address,
                      "Ngày đến cư trú": self.since}.get(err.field)
            if target is not None:
                target.setFocus()


    guard_question = "Bỏ các thay đổi chưa lưu của hộ này?"

    def state(self) -> object:
        """What Cancel would lose: the household as typed (the member form edits it in place;
        choosing another member changes the form's widgets, not the data)."""
        data = copy.deepcopy(self.current_data())
        return data, self.since.text() if self.since_error is not None else None

    def save(self) -> None:
        data = self.current_data()
        if self.since_error is not None:
            self._show_error(self.since_error)
            return
        for m in data.members:  # dates that cannot be read are reported before anything else
            if self.form.unreadable.get(id(m)):
                self._show_error(self.form.problems_of(m)[0], m)
                return
        try:
            self.saved_id = self.service.save(copy.deepcopy(data))
        except FieldError as err:
            self._show_error(err)
            return
        self.accept()
