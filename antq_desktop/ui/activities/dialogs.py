"""One dialog per kind of movement activity, and ending a movement model.

Every dialog is a FormDialog that remembers its size: each field has its error line under it,
filled as you type by the service's pure rule (``activity_errors``, ``end_model_errors``); Esc
asks before typed input is lost; Ctrl+S and Ctrl+Enter save and close. A stored record has a
"Lịch sử" button, and one dated in a signed-off period opens read-only with a padlock, as
every record does for an account that may not write (ui/widgets/dialogs.py ``view_only``).
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...enums import AwardLevel, OutreachKind, TipResult, WeaponKind
from ...services.activities import (
    MAX_ATTENDANCE,
    MAX_MEMBERS,
    MAX_PARTICIPANTS,
    MAX_PERSONS,
    PERSON_RESULTS,
    SPECS,
    VALUABLE_RESULTS,
    WARD_LABEL,
    ActivityData,
    ActivityService,
    AwardData,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
    activity_errors,
    end_model_errors,
    format_number,
)
from ...services.periods import ACTIVITIES
from ...services.unit import AreaInfo
from ...validation import FieldError
from ..audit.history import history_button
from ..permissions import period_lock
from ..widgets.dialogs import (
    FormDialog,
    RememberedDialog,
    field_error_line,
    inline,
    view_only,
    with_error_lines,
)
from ..widgets.fields import DateField, EnumCombo

WEAPON_UNITS = ["khẩu", "viên", "quả", "kg", "chiếc", "cái", "bộ"]
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def parse_quantity(text: str) -> float | None:
    """"3,5" or "3.5" → 3.5; "1.200" (Vietnamese thousands) → 1200; "" → None."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        raise FieldError("Số lượng", "phải là một số (ví dụ 12 hoặc 3,5).") from None


def _spin(name: str, top: int, blank_zero: bool = False) -> QSpinBox:
    box = QSpinBox(objectName=name)
    box.setRange(0, top)
    box.setGroupSeparatorShown(True)
    if blank_zero:
        box.setSpecialValueText(" ")  # 0 shows empty: "not typed yet"
    box.setFixedWidth(box.fontMetrics().horizontalAdvance(format_number(top)) + 50)
    return box


def _text_box(name: str, height: int = 64) -> QPlainTextEdit:
    box = QPlainTextEdit(objectName=name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class ActivityDialog(FormDialog, RememberedDialog):
    """A record of one kind: ``build`` lays out the fields, ``load`` shows a record,
    ``read`` turns the fields into the kind's data; OK saves through the service."""

    kind: Kind
    noun = ""  # "tin báo" in "Thêm tin báo"
    intro = ""
    width_hint = 560

    def __init__(self, service: ActivityService, areas: list[AreaInfo],
                 data: ActivityData | None = None, record_id: int | None = None,
                 area_id: int | None = None, parent: QWidget | None = None,
                 version: int | None = None):
        title = (f"Thêm {self.noun}" if record_id is None
                 else f"{self.noun[:1].upper()}{self.noun[1:]}")
        super().__init__(title, self.intro, parent)
        self.setObjectName(f"{self.kind.value}Dialog")
        self.service, self.record_id = service, record_id
        self.version = version  # the record's, read with ``data`` when the dialog opened
        self.saved_id: int | None = None
        self.locked: str | None = None  # the lock's message when the record's period is signed off
        self._lenient: list[FieldError] | None = None  # collects unreadable input (live rule)

        own = data.area_id if data is not None else None
        self.area = QComboBox(objectName="activityArea")
        self.area.addItem(f"{WARD_LABEL} (không riêng khu dân cư nào)", None)
        for a in areas:
            if a.active or a.id == own:
                self.area.addItem(a.name + ("" if a.active else " (thôi sử dụng)"), a.id)
        self.build()
        if data is not None:
            self.load(data)
        else:
            self.area.setCurrentIndex(max(0, self.area.findData(area_id)))
        self.table = SPECS[self.kind].model.__tablename__  # the audit trail's record kind
        if record_id is not None:
            self.history = history_button(self, service.db, title, [(self.table, record_id)])
            self.buttons.addButton(self.history, QDialogButtonBox.ButtonRole.ResetRole)
        self.finish_layout()
        message = None
        if record_id is not None:
            when = getattr(data, SPECS[self.kind].date_column, None)
            message = period_lock(service.db, ACTIVITIES, when, data.area_id) if when else None
        view_only(self, service.db, message)  # a signed-off year, or an account that only reads
        self.remember_size(f"activities/{self.kind.value}Dialog", self.width_hint,
                           self.sizeHint().height())

    # -- to be filled in per kind ------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def load(self, data: ActivityData) -> None:
        raise NotImplementedError

    def read(self) -> ActivityData:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------
    def add(self, label: str, widget, key: str, *aliases: str,
            more: tuple[tuple[str, QWidget, tuple[str, ...]], ...] = (),
            target: QWidget | None = None) -> None:
        """A form row "label:" for the field ``key`` (the data attribute; ``label`` and
        ``aliases`` are the names the service's FieldErrors give it), its error line under it.
        A row of several widgets (a layout) names the one the error is about (``target``) and
        the other fields on it (``more``: key, widget, aliases), each with its own line."""
        if target is None:
            self.field_row(label, key, widget, *aliases)
            return
        lines = []
        for k, w, names in ((key, target, (label, *aliases)), *more):
            line = field_error_line(w.objectName() or k)
            self.field_form.bind(k, w, line, *names)
            lines.append(line)
        text = QLabel(label + ":")
        text.setBuddy(target)
        self.form.addRow(text, with_error_lines(widget, lines))

    def date_field(self, name: str) -> DateField:
        return DateField(self, date.today(), objectName=name)

    def read_date(self, field: DateField, label: str, required: bool = True) -> date | None:
        """The date typed in ``field``; while the live rule reads the form, an unreadable
        date is collected (and read as none) instead of raised."""
        try:
            return FormDialog.read_date(field, label, required)
        except FieldError as err:
            if self._lenient is None:
                raise
            if err.message != "chưa nhập.":  # the rule says that one itself
                self._lenient.append(err)
            return None

    def live_errors(self) -> list[FieldError]:
        """The kind's rule (services/activities.activity_errors) on what is typed now."""
        self._lenient = []
        try:
            data = self.read()
        finally:
            unreadable, self._lenient = self._lenient, None
        taken = {e.field for e in unreadable}
        return unreadable + [e for e in activity_errors(self.kind, data, date.today())
                             if e.field not in taken]

    def save_and_close(self) -> None:
        if self.locked is None:  # a signed-off record offers no save
            super().save_and_close()

    def check(self) -> None:
        if self.locked is not None:
            raise FieldError("Khóa sổ", self.locked)
        self.saved_id = self.service.save(self.kind, self.read(), self.record_id,
                                          version=self.version)


class TipDialog(ActivityDialog):
    kind, noun = Kind.TIP, "tin báo"
    width_hint = 600

    def build(self) -> None:
        self.received = self.date_field("tipReceived")
        self.content = _text_box("tipContent", 90)
        self.content.setPlaceholderText("Nội dung tin báo của quần chúng nhân dân")
        self.valuable = QCheckBox("Tin có giá trị", objectName="tipValuable")
        self.tip_result = EnumCombo(TipResult, objectName="tipResult")
        self.persons = _spin("tipPersons", MAX_PERSONS)
        self.persons_label = QLabel("số đối tượng:")
        self.note = QLineEdit(objectName="tipNote", maxLength=300)
        self.note.setPlaceholderText("Ví dụ: chuyển Đội Cảnh sát hình sự, đã khởi tố vụ án")
        self.add("Ngày tiếp nhận", self.received, "received_on")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Nội dung tin báo", self.content, "content")
        self.add("Đánh giá", self.valuable, "valuable", "Tin có giá trị")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.tip_result, 1)
        row.addWidget(self.persons_label)
        row.addWidget(self.persons)
        self.add("Kết quả xử lý", row, "result", target=self.tip_result,
                 more=(("persons", self.persons, ("Số đối tượng",)),))
        self.add("Ghi chú kết quả", self.note, "result_note")
        self.tip_result.currentIndexChanged.connect(self._result_changed)
        self._result_changed()

    def _result_changed(self, *_args) -> None:
        result = self.tip_result.value()
        with_persons = result in PERSON_RESULTS
        self.persons.setEnabled(with_persons)
        self.persons_label.setEnabled(with_persons)
        if with_persons and self.persons.value() == 0:
            self.persons.setValue(1)
        elif not with_persons:
            self.persons.setValue(0)
        if result in VALUABLE_RESULTS:
            self.valuable.setChecked(True)

    def load(self, d: TipData) -> None:
        self.received.set_date(d.received_on)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.content.setPlainText(d.content)
        self.tip_result.set_value(d.result)
        self.valuable.setChecked(d.valuable)
        self.persons.setValue(d.persons)
        self.note.setText(d.result_note)

    def read(self) -> TipData:
        return TipData(self.read_date(self.received, "Ngày tiếp nhận"), self.area.currentData(),
                       self.content.toPlainText(), self.valuable.isChecked(), self.tip_result.value(),
                       self.persons.value(), self.note.text())


class ModelDialog(ActivityDialog):
    kind, noun = Kind.MODEL, "mô hình"
    intro = ("Mô hình, tổ tự quản không xóa được: khi thôi duy trì, ghi ngày kết thúc để nó "
             "vẫn được tính cho những năm đã hoạt động.")
    width_hint = 600

    def build(self) -> None:
        self.name = QLineEdit(objectName="modelName", maxLength=200)
        self.name.setPlaceholderText("Ví dụ: Camera an ninh; Tổ an ninh tự quản; "
                                     "Cổng trường an toàn giao thông")
        self.started = self.date_field("modelStarted")
        self.members = _spin("modelMembers", MAX_MEMBERS)
        self.ended = DateField(self, objectName="modelEnded")
        self.notes = _text_box("modelNotes")
        self.notes.setPlaceholderText("Địa điểm, cách thức hoạt động, kết quả")
        self.add("Tên mô hình", self.name, "name")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Ngày thành lập", self.started, "started_on")
        self.add("Số thành viên", self.members, "members")
        self.add("Ngày kết thúc", self.ended, "ended_on")
        self.add("Ghi chú", self.notes, "notes")

    def load(self, d: ModelData) -> None:
        self.name.setText(d.name)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.started.set_date(d.started_on)
        self.members.setValue(d.members)
        self.ended.set_date(d.ended_on)
        self.notes.setPlainText(d.notes)

    def read(self) -> ModelData:
        return ModelData(self.name.text(), self.area.currentData(),
                         self.read_date(self.started, "Ngày thành lập"), self.members.value(),
                         self.read_date(self.ended, "Ngày kết thúc", required=False),
                         self.notes.toPlainText())


class PatrolDialog(ActivityDialog):
    kind, noun = Kind.PATROL, "lượt tuần tra"
    width_hint = 520

    def build(self) -> None:
        self.held = self.date_field("patrolDate")
        self.participants = _spin("patrolParticipants", MAX_PARTICIPANTS, blank_zero=True)
        self.notes = _text_box("patrolNotes")
        self.notes.setPlaceholderText("Ví dụ: tuần tra đêm các tuyến phố, nhắc nhở 3 trường "
                                      "hợp tụ tập")
        self.add("Ngày tuần tra", self.held, "held_on")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Số người tham gia", self.participants, "participants")
        self.add("Ghi chú", self.notes, "notes")

    def load(self, d: PatrolData) -> None:
        self.held.set_date(d.held_on)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.participants.setValue(d.participants or 0)
        self.notes.setPlainText(d.notes)

    def read(self) -> PatrolData:
        return PatrolData(self.read_date(self.held, "Ngày tuần tra"), self.area.currentData(),
                          self.participants.value() or None, self.notes.toPlainText())


class OutreachDialog(ActivityDialog):
    kind, noun = Kind.OUTREACH, "buổi tuyên truyền"
    width_hint = 560

    def build(self) -> None:
        self.held = self.date_field("outreachDate")
        self.outreach_kind = EnumCombo(OutreachKind, allow_empty="— chọn hình thức —",
                                       objectName="outreachKind")
        self.topic = QLineEdit(objectName="outreachTopic", maxLength=300)
        self.topic.setPlaceholderText("Ví dụ: phòng chống lừa đảo qua mạng, Luật Cư trú")
        self.attendance = _spin("outreachAttendance", MAX_ATTENDANCE)
        self.add("Ngày tuyên truyền", self.held, "held_on")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Hình thức", self.outreach_kind, "kind")
        self.add("Nội dung tuyên truyền", self.topic, "topic")
        self.add("Số người dự", self.attendance, "attendance")

    def load(self, d: OutreachData) -> None:
        self.held.set_date(d.held_on)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.outreach_kind.set_value(d.kind)
        self.topic.setText(d.topic)
        self.attendance.setValue(d.attendance)

    def read(self) -> OutreachData:
        return OutreachData(self.read_date(self.held, "Ngày tuyên truyền"),
                            self.area.currentData(), self.outreach_kind.value(),
                            self.topic.text(), self.attendance.value())


class WeaponDialog(ActivityDialog):
    kind, noun = Kind.WEAPON, "lượt giao nộp vũ khí, vật liệu nổ"
    width_hint = 580

    def build(self) -> None:
        self.received = self.date_field("weaponReceived")
        self.weapon_kind = EnumCombo(WeaponKind, allow_empty="— chọn loại —",
                                     objectName="weaponKind")
        self.quantity = QLineEdit(objectName="weaponQuantity")
        self.quantity.setPlaceholderText("ví dụ 12 hoặc 3,5")
        self.quantity.setFixedWidth(  # the whole placeholder shows (issue 14)
            self.quantity.fontMetrics().horizontalAdvance(self.quantity.placeholderText()) + 16)
        self.unit = QComboBox(objectName="weaponUnit", editable=True)
        self.unit.addItems(WEAPON_UNITS)
        self.unit.setMinimumContentsLength(6)
        self.unit.setCurrentText("")
        self.description = QLineEdit(objectName="weaponDescription", maxLength=300)
        self.description.setPlaceholderText("Ví dụ: ông Nguyễn Văn A tự nguyện giao nộp súng "
                                            "hơi tự chế")
        self.add("Ngày tiếp nhận", self.received, "received_on")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Loại", self.weapon_kind, "kind")
        row = inline(self.quantity, "đơn vị tính:", self.unit, None)
        row.setContentsMargins(0, 0, 0, 0)
        self.add("Số lượng", row, "quantity", target=self.quantity,
                 more=(("unit", self.unit, ("Đơn vị tính",)),))
        self.add("Mô tả", self.description, "description")
        self.weapon_kind.currentIndexChanged.connect(self._kind_changed)

    def _kind_changed(self, *_args) -> None:
        """The unit follows the kind unless one of the officer's own was typed."""
        kind = self.weapon_kind.value()
        defaults = {k.default_unit for k in WeaponKind}
        if kind is not None and self.unit.currentText().strip() in defaults | {""}:
            self.unit.setCurrentText(kind.default_unit)

    def load(self, d: WeaponData) -> None:
        self.received.set_date(d.received_on)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.weapon_kind.set_value(d.kind)
        self.quantity.setText(format_number(d.quantity) if d.quantity is not None else "")
        self.unit.setCurrentText(d.unit)
        self.description.setText(d.description)

    def read(self) -> WeaponData:
        try:
            quantity = parse_quantity(self.quantity.text())
        except FieldError as err:
            if self._lenient is None:
                raise
            self._lenient.append(err)
            quantity = None
        return WeaponData(self.read_date(self.received, "Ngày tiếp nhận"),
                          self.area.currentData(), self.weapon_kind.value(),
                          quantity, self.unit.currentText(), self.description.text())


class AwardDialog(ActivityDialog):
    kind, noun = Kind.AWARD, "khen thưởng"
    width_hint = 600

    def build(self) -> None:
        self.awarded = self.date_field("awardDate")
        self.recipient = QLineEdit(objectName="awardRecipient", maxLength=200)
        self.recipient.setPlaceholderText("Họ tên cá nhân hoặc tên tập thể")
        self.collective = QCheckBox("Tập thể", objectName="awardCollective")
        self.level = EnumCombo(AwardLevel, allow_empty="— chọn hình thức —",
                               objectName="awardLevel")
        self.decision = QLineEdit(objectName="awardDecision", maxLength=50)
        self.decision.setPlaceholderText("Ví dụ: 125/QĐ-UBND")
        self.reason = QLineEdit(objectName="awardReason", maxLength=300)
        self.reason.setPlaceholderText("Ví dụ: xuất sắc trong phong trào bảo vệ ANTQ năm 2025")
        self.add("Ngày khen thưởng", self.awarded, "awarded_on")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.recipient, 1)
        row.addWidget(self.collective)
        self.add("Được khen", row, "recipient", "Tập thể, cá nhân được khen",
                 target=self.recipient)
        self.field_form.watch(self.collective)
        self.add("Hình thức khen thưởng", self.level, "level")
        self.add("Số quyết định", self.decision, "decision_number")
        self.add("Khu dân cư", self.area, "area_id")
        self.add("Thành tích", self.reason, "reason")

    def load(self, d: AwardData) -> None:
        self.awarded.set_date(d.awarded_on)
        self.recipient.setText(d.recipient)
        self.collective.setChecked(d.collective)
        self.level.set_value(d.level)
        self.decision.setText(d.decision_number)
        self.area.setCurrentIndex(max(0, self.area.findData(d.area_id)))
        self.reason.setText(d.reason)

    def read(self) -> AwardData:
        return AwardData(self.read_date(self.awarded, "Ngày khen thưởng"), self.recipient.text(),
                         self.level.value(), self.collective.isChecked(),
                         self.area.currentData(), self.decision.text(), self.reason.text())


DIALOGS: dict[Kind, type[ActivityDialog]] = {
    d.kind: d for d in (TipDialog, ModelDialog, PatrolDialog, OutreachDialog, WeaponDialog,
                        AwardDialog)
}


class EndModelDialog(FormDialog):
    """Record that a movement model stopped; it stays in the list for the years it ran."""

    def __init__(self, service: ActivityService, model_id: int, name: str,
                 parent: QWidget | None = None, started_on: date | None = None):
        super().__init__("Kết thúc mô hình", f"Mô hình “{name}” thôi duy trì từ ngày:", parent)
        self.setObjectName("endModelDialog")
        self.service, self.model_id, self.started_on = service, model_id, started_on
        self.on = self.field_row("Ngày kết thúc", "ended_on",
                                 DateField(self, date.today(), objectName="endModelDate"))
        self.finish_layout()

    def live_errors(self) -> list[FieldError]:
        """services/activities.end_model_errors on the typed day."""
        try:
            on = self.read_date(self.on, "Ngày kết thúc", required=False)
        except FieldError as err:
            return [err]
        return end_model_errors(on, self.started_on, date.today())

    def check(self) -> None:
        self.service.end_model(self.model_id, self.read_date(self.on, "Ngày kết thúc"))
