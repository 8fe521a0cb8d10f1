"""The movement activities tab ("Phong trào"): tips, models, patrols, outreach, weapons handed in
and awards, one kind at a time, with the year's count of each kind beside the list."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from enum import Enum

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from ...numbers import number_text as num
from ...services.activities import WARD_LABEL, WARD_ONLY, ActivityRow, Kind
from ...text import fold
from ...validation import FieldError
from ..permissions import opener
from ..widgets import messages
from ..widgets.fields import format_date
from ..widgets.lazy_model import Column
from ..widgets.lists import ListTab, fill_area_filter, refill_combo
from .dialogs import DIALOGS, EndModelDialog

if TYPE_CHECKING:
    from ..app import Services

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def _line(text: str) -> str:
    """Multi-line text on one table line."""
    return " ".join(text.split())


def _area(width: int = 130) -> Column:
    return Column("Khu dân cư", "area_name", lambda r: r.area_name, width=width)


# Each column's sort_key is the row attribute it sorts by.
COLUMNS: dict[Kind, list[Column]] = {
    Kind.TIP: [
        Column("Ngày tiếp nhận", "received_on", lambda r: format_date(r.received_on), width=100),
        _area(),
        Column("Nội dung tin báo", "content", lambda r: _line(r.content), width=360),
        Column("Có giá trị", "valuable", lambda r: "✓" if r.valuable else "", CENTER, width=70),
        Column("Kết quả xử lý", "result", lambda r: r.result_text, width=250),
        Column("Ghi chú", "result_note", lambda r: r.result_note, width=200),
    ],
    Kind.MODEL: [
        Column("Tên mô hình", "name", lambda r: r.name, width=340),
        _area(),
        Column("Thành lập", "started_on", lambda r: format_date(r.started_on), width=90),
        Column("Thành viên", "members", lambda r: num(r.members) if r.members else "", RIGHT,
               width=80),
        Column("Tình trạng", "ended_on", lambda r: r.status, width=170),
        Column("Ghi chú", "notes", lambda r: _line(r.notes), width=250),
    ],
    Kind.PATROL: [
        Column("Ngày tuần tra", "held_on", lambda r: format_date(r.held_on), width=100),
        _area(),
        Column("Số người", "participants", lambda r: num(r.participants), RIGHT, width=80),
        Column("Ghi chú", "notes", lambda r: _line(r.notes), width=400),
    ],
    Kind.OUTREACH: [
        Column("Ngày", "held_on", lambda r: format_date(r.held_on), width=90),
        _area(),
        Column("Hình thức", "kind", lambda r: r.kind.label, width=180),
        Column("Số người dự", "attendance", lambda r: num(r.attendance) if r.attendance else "",
               RIGHT, width=90),
        Column("Nội dung tuyên truyền", "topic", lambda r: r.topic, width=400),
    ],
    Kind.WEAPON: [
        Column("Ngày tiếp nhận", "received_on", lambda r: format_date(r.received_on), width=100),
        _area(),
        Column("Loại", "kind", lambda r: r.kind.label, width=190),
        Column("Số lượng", "quantity", lambda r: r.quantity_text, RIGHT, width=90),
        Column("Mô tả", "description", lambda r: r.description, width=380),
    ],
    Kind.AWARD: [
        Column("Ngày", "awarded_on", lambda r: format_date(r.awarded_on), width=90),
        Column("Tập thể, cá nhân được khen", "recipient", lambda r: r.recipient, width=210),
        Column("Tập thể/cá nhân", "collective", lambda r: r.recipient_kind, width=65),
        Column("Hình thức khen thưởng", "level", lambda r: r.level.label, width=240),
        Column("Số quyết định", "decision_number", lambda r: r.decision_number, width=110),
        _area(),
        Column("Thành tích", "reason", lambda r: r.reason, width=250),
    ],
}

ADD_TEXT = {Kind.TIP: "&Thêm tin báo", Kind.MODEL: "&Thêm mô hình",
            Kind.PATROL: "&Thêm lượt tuần tra", Kind.OUTREACH: "&Thêm buổi tuyên truyền",
            Kind.WEAPON: "&Thêm lượt giao nộp", Kind.AWARD: "&Thêm khen thưởng"}
SEARCH_HINT = {Kind.TIP: "nội dung, kết quả", Kind.MODEL: "tên mô hình, ghi chú",
               Kind.PATROL: "ghi chú", Kind.OUTREACH: "nội dung, hình thức",
               Kind.WEAPON: "loại, mô tả", Kind.AWARD: "tên, số quyết định, thành tích"}


def _sort_value(value):
    if value is None:
        return (1, "")
    if isinstance(value, Enum):
        return (0, fold(value.label))
    if isinstance(value, str):
        return (0, fold(value), value)
    return (0, value)


def summary(kind: Kind, rows: list[ActivityRow]) -> str:
    """The list's totals in a line: "12 tin báo · 7 có giá trị · 3 đối tượng bị bắt giữ"."""
    n = num(len(rows))
    if kind is Kind.TIP:
        arrested = sum(r.persons for r in rows if r.result.value == "arrest")
        surrendered = sum(r.persons for r in rows if r.result.value == "surrender")
        parts = [f"{n} tin báo", f"{num(sum(r.valuable for r in rows))} có giá trị"]
        parts += [f"{num(arrested)} đối tượng bị bắt giữ"] if arrested else []
        parts += [f"{num(surrendered)} đối tượng đầu thú"] if surrendered else []
        return " · ".join(parts)
    if kind is Kind.MODEL:
        active = [r for r in rows if r.active]
        return (f"{n} mô hình · {num(len(active))} đang duy trì · "
                f"{num(sum(r.members for r in active))} thành viên")
    if kind is Kind.PATROL:
        return f"{n} lượt tuần tra · {num(sum(r.participants for r in rows))} lượt người"
    if kind is Kind.OUTREACH:
        return f"{n} buổi tuyên truyền · {num(sum(r.attendance for r in rows))} lượt người dự"
    if kind is Kind.WEAPON:
        totals: dict[tuple[str, str], float] = defaultdict(float)
        for r in rows:
            totals[(r.kind.label, r.unit)] += r.quantity
        items = "; ".join(f"{label} {num(q)} {unit}" for (label, unit), q in totals.items())
        return f"{n} lượt giao nộp" + (f": {items}" if items else "")
    collective = sum(r.collective for r in rows)
    return (f"{n} khen thưởng · {num(collective)} tập thể, "
            f"{num(len(rows) - collective)} cá nhân")


def describe(kind: Kind, r: ActivityRow) -> str:
    """A record in a few words, for the delete question."""
    what = {
        Kind.TIP: lambda: f"ngày {format_date(r.received_on)}: “{_short(r.content)}”",
        Kind.PATROL: lambda: (f"ngày {format_date(r.held_on)} ở {r.area_name} "
                              f"({num(r.participants)} người)"),
        Kind.OUTREACH: lambda: f"ngày {format_date(r.held_on)}: “{_short(r.topic)}”",
        Kind.WEAPON: lambda: (f"ngày {format_date(r.received_on)}: {r.kind.label.lower()} "
                              f"{r.quantity_text}"),
        Kind.AWARD: lambda: f"ngày {format_date(r.awarded_on)} cho {r.recipient}",
    }
    return what[kind]()


def _short(text: str, limit: int = 60) -> str:
    text = _line(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# The row's longer text, in full in a tooltip (the columns cut it).
TOOLTIP_TEXT = ("content", "name", "topic", "description", "recipient", "notes", "result_note",
                "reason")


class VoidedRow:
    """A voided record as the "Đã hủy" view lists it: the record's row (its fields read
    through) with when it was voided (UTC) and why."""

    def __init__(self, row: ActivityRow, voided_at: datetime, void_reason: str):
        self.row, self.voided_at, self.void_reason = row, voided_at, void_reason

    def __getattr__(self, name: str):
        return getattr(self.row, name)


def _local_time(moment: datetime) -> str:
    return f"{moment.replace(tzinfo=timezone.utc).astimezone():%d/%m/%Y %H:%M}"


VOID_COLUMNS = [
    Column("Ngày hủy", "voided_at", lambda r: _local_time(r.voided_at), width=120),
    Column("Lý do hủy", "void_reason", lambda r: _line(r.void_reason), width=300),
]
VOID_TIP = ("Xem các bản ghi đã hủy vì nhập nhầm, với ngày và lý do hủy. Bản ghi đã hủy chỉ để "
            "xem: không sửa được, không được đếm trong báo cáo.")
MODEL_NO_VOID = "Mô hình không bị hủy: mô hình thôi duy trì được ghi ngày kết thúc."
GREY = QColor("#888888")


def _struck_font() -> QFont:
    font = QFont()
    font.setStrikeOut(True)
    return font


def _voided_style(row: VoidedRow, role: int):
    """A voided record: grey and struck through; its tooltip says when and why."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(GREY)
    if role == Qt.ItemDataRole.FontRole:
        return _struck_font()
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"Đã hủy lúc {_local_time(row.voided_at)}. Lý do: {row.void_reason}"
    return None


class _PlainText(QStyledItemDelegate):
    """The "Ngày hủy" and "Lý do hủy" cells of a struck-through voided row: plain and
    readable (the row's own fields stay struck and grey)."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.font.setStrikeOut(False)
        option.palette.setColor(QPalette.ColorRole.Text, QColor("#202020"))


def _row_style(row: ActivityRow, role: int):
    if isinstance(row, VoidedRow):
        return _voided_style(row, role)
    if role == Qt.ItemDataRole.ForegroundRole and getattr(row, "ended_on", None) is not None:
        return QBrush(QColor("#888888"))
    if role == Qt.ItemDataRole.ToolTipRole:
        return "\n".join(getattr(row, f) for f in TOOLTIP_TEXT if getattr(row, f, "")) or None
    return None


class ActivitiesTab(ListTab):
    AREA = "activities"

    def __init__(self, services: Services, parent: QWidget | None = None):
        self.kind = Kind.TIP
        self.show_voided = False  # the "Đã hủy" view: voided records, read-only
        super().__init__(services, parent)
        self.service, self.units = services.activities, services.units

        self.kinds = QListWidget(objectName="activitiesKind")
        for kind in Kind:
            item = QListWidgetItem(kind.label)
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            self.kinds.addItem(item)
        self.kinds.setSpacing(3)
        self.kinds.setFixedWidth(self.kinds.fontMetrics().horizontalAdvance(
            "Thu hồi vũ khí, vật liệu nổ (0000)") + 30)
        self.kinds.setCurrentRow(0)

        self.year = QComboBox(objectName="activitiesYear")
        self.area = QComboBox(objectName="activitiesArea")
        self.edit_button = QPushButton("Xem, sửa", objectName="activitiesEdit")
        self.view_only = opener(self.edit_button, self.service.db)  # "Xem": may not write
        self.delete_button = QPushButton("Xóa…", objectName="activitiesDelete")
        self.delete_button.setToolTip("Xóa bản ghi nhập nhầm (phím Delete)")
        self.end_button = QPushButton("Kết thúc mô hình…", objectName="activitiesEndModel")
        self.voided_box = QCheckBox("Đã hủy", objectName="activitiesVoided")
        self.voided_box.setToolTip(VOID_TIP)
        self._plain = _PlainText(self)
        self.table.horizontalHeader().setStretchLastSection(True)
        delete = QAction(self.table)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.delete_selected)
        self.table.addAction(delete)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Hoạt động</b>"))
        left_layout.addWidget(self.kinds, 1)
        self.build([(QLabel("Năm:"), 0), (self.year, 0), self.area],
                   [self.add_button, self.edit_button, self.delete_button, self.end_button,
                    self.voided_box],
                   left=left)

        self.kinds.currentRowChanged.connect(self._kind_changed)
        self.add_button.clicked.connect(self.add_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.end_button.clicked.connect(self.end_selected_model)
        self.voided_box.toggled.connect(self._voided_toggled)
        self._show_kind()
        self.start()

    # -- data -----------------------------------------------------------------------------------
    def columns(self) -> list[Column]:
        return COLUMNS[self.kind] + (VOID_COLUMNS if self.show_voided else [])

    def sort_keys(self):
        return lambda key: lambda r: _sort_value(getattr(r, key))

    def row_style(self, row: ActivityRow, role: int):
        return _row_style(row, role)

    def layout_key(self) -> str:
        # each kind has its own columns, and the "Đã hủy" view two more
        return f"activities/header/{self.kind.value}" + ("/voided" if self.show_voided else "")

    def reload(self, select_id: int | None = None) -> None:
        """Re-read everything: areas, years, the counts per kind and the list."""
        self.areas = self.units.areas(include_retired=True)
        fill_area_filter(self.area, self.areas, [(WARD_LABEL, WARD_ONLY)])
        if not self.year.count():  # this year is chosen at first
            self.year.blockSignals(True)
            self.year.addItem("", date.today().year)
            self.year.blockSignals(False)
        refill_combo(self.year, [("Mọi năm", None), *((str(y), y) for y in self.service.years())])
        self.refresh(select_id)

    def query(self) -> list[ActivityRow]:
        """The counts per kind, then the list of the chosen kind."""
        year, area = self.year.currentData(), self.area.currentData()
        counts = self.service.counts(year, area)
        for i, kind in enumerate(Kind):
            self.kinds.item(i).setText(f"{kind.label} ({num(counts[kind])})")
        if not self.show_voided:
            return self.service.rows(self.kind, year, area, self.search.text())
        rows = self.service.rows(self.kind, year, area, self.search.text(), voided=True)
        marks = {r.id: (at, why) for r, at, why in self.service.voided(self.kind)}
        return [VoidedRow(r, *marks[r.id]) for r in rows if r.id in marks]

    def count_text(self, rows: list[ActivityRow]) -> str:
        if self.show_voided:
            return f"{num(len(rows))} bản ghi đã hủy (chỉ xem)"
        return summary(self.kind, rows)

    def open_selected(self) -> None:
        if self.show_voided:
            self.show_voided_record()
            return
        self.edit_selected()

    def show_voided_record(self) -> None:
        """A voided record opens read-only: what it was, when and why it was voided."""
        record_id = self.selected_id()
        if record_id is None:
            return
        row = self.rows[record_id]
        messages.info(self, f"Bản ghi {DIALOGS[self.kind].noun} "
                            f"{describe(self.kind, row.row)} đã hủy lúc "
                            f"{_local_time(row.voided_at)}.\nLý do hủy: {row.void_reason}\n\n"
                            "Bản ghi đã hủy chỉ để xem, không sửa được và không được đếm trong "
                            "báo cáo.", "Bản ghi đã hủy")

    def _voided_toggled(self, on: bool) -> None:
        if on == self.show_voided:
            return
        self._reset_columns(lambda: setattr(self, "show_voided", on))

    def _kind_changed(self, row: int) -> None:
        if row < 0:
            return
        self._reset_columns(lambda: setattr(self, "kind", list(Kind)[row]))

    def _reset_columns(self, change) -> None:
        """Another kind, or the "Đã hủy" view on or off: other columns, their own layout."""
        self.save_layout()  # the widths and sort the officer gave this kind
        change()
        if self.kind is Kind.MODEL and self.show_voided:
            self.show_voided = False
        self.sort.reset()
        self.model.set_ids([])  # no row of the old kind is painted under the new columns
        self.model.beginResetModel()
        self.model.columns = self.columns()
        self.model.endResetModel()
        for column in range(self.table.model().columnCount()):
            self.table.setItemDelegateForColumn(column, None)
        if self.show_voided:
            count = len(self.model.columns)
            for column in range(count - len(VOID_COLUMNS), count):
                self.table.setItemDelegateForColumn(column, self._plain)
        self._show_kind()
        restored = self.restore_layout()
        self.refresh_from_top()
        if not restored and self.isVisible():
            self.size_columns()

    def _show_kind(self) -> None:
        self.add_button.setText(ADD_TEXT[self.kind])
        self.search.setPlaceholderText(f"Tìm theo {SEARCH_HINT[self.kind]} "
                                       "(có dấu hoặc không dấu)…")
        self.delete_button.setVisible(self.kind is not Kind.MODEL and not self.show_voided)
        self.end_button.setVisible(self.kind is Kind.MODEL)
        self.edit_button.setText("Xem" if self.show_voided or self.view_only else "Xem, sửa")
        self.voided_box.blockSignals(True)
        self.voided_box.setChecked(self.show_voided)
        self.voided_box.blockSignals(False)
        self.voided_box.setEnabled(self.kind is not Kind.MODEL)
        self.voided_box.setToolTip(MODEL_NO_VOID if self.kind is Kind.MODEL else VOID_TIP)

    def update_buttons(self) -> None:
        record_id = self.selected_id()
        self.edit_button.setEnabled(record_id is not None)
        self.delete_button.setEnabled(record_id is not None)
        self.end_button.setEnabled(record_id is not None and self.rows[record_id].ended_on is None
                                   if self.kind is Kind.MODEL else False)

    def _changed(self, select_id: int | None = None) -> None:
        self.reload(select_id)
        if select_id is not None and self.model.row_of(select_id) < 0:
            # The record just saved is outside the filters (another year, area or search):
            # widen them so that it shows, rather than have it seem lost.
            for combo in (self.year, self.area):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.search.clear()
            self.refresh(select_id)
        self.countsChanged.emit()

    # -- actions --------------------------------------------------------------------------------
    def open_dialog(self, record_id: int | None = None):
        """The kind's dialog for a new record (the filtered area preselected) or one to edit."""
        self.read_if_unread()  # the areas it offers
        data, version = (self.service.get_versioned(self.kind, record_id)
                         if record_id is not None else (None, None))
        area = self.area.currentData()
        return DIALOGS[self.kind](self.service, self.areas, data, record_id,
                                  area if isinstance(area, int) else None, self, version=version)

    def add_record(self) -> None:
        dialog = self.open_dialog()
        if dialog.exec() and dialog.saved_id is not None:
            self._changed(dialog.saved_id)
            self.announce(f"Đã lưu {DIALOGS[self.kind].noun}.")

    def edit_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            return
        if self.show_voided:  # never edited
            self.show_voided_record()
            return
        dialog = self.open_dialog(record_id)
        if dialog.exec():
            self._changed(record_id)
            self.announce(f"Đã lưu {DIALOGS[self.kind].noun}.")

    def delete_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is None or self.show_voided:
            return
        if self.kind is Kind.MODEL:
            messages.info(self, "Mô hình không xóa được. Khi mô hình thôi duy trì, hãy dùng "
                                "“Kết thúc mô hình”.")
            return
        noun = DIALOGS[self.kind].noun
        from ..audit.void import ask_void_reason  # the void question (issue 15)

        reason = ask_void_reason(self, f"Hủy {noun} {describe(self.kind, self.rows[record_id])}?")
        if reason is None:
            return
        try:
            self.service.void(self.kind, record_id, reason)
        except (FieldError, LookupError) as err:
            messages.error(self, str(err) if isinstance(err, FieldError)
                           else "Bản ghi không còn (đã bị hủy).")
        self._changed()

    def end_selected_model(self) -> None:
        record_id = self.selected_id()
        if self.kind is not Kind.MODEL or record_id is None:
            return
        row = self.rows[record_id]
        if EndModelDialog(self.service, record_id, row.name, self,
                          started_on=row.started_on).exec():
            self._changed(record_id)
