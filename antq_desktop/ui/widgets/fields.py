"""Small input widgets shared by the dialogs."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCalendarWidget, QComboBox, QLineEdit, QVBoxLayout, QWidget

from ...access import MaskedLabel
from ...enums import LabeledEnum
from ...validation import parse_date


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# How far ahead a two-digit year may reach: "15/3/30" typed in 2026 is 2030, "15/3/32" is 1932.
# Birth dates never reach ahead: "15/3/26" typed in 2026 is 2026, "15/3/27" is 1927.
FUTURE_YEARS = 5

_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{2}|\d{4})")
_SEPARATED = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})")


def full_year(two_digits: int, today: date, past: bool = False) -> int:
    """The four-digit year of a two-digit one: the year ending in those digits in the 100 years
    that end ``FUTURE_YEARS`` after today's year (``past``: end with today's year)."""
    last = today.year + (0 if past else FUTURE_YEARS)
    year = last - (last - two_digits) % 100
    return year


def expand_date(text: str, today: date | None = None, past: bool = False) -> str:
    """A date typed the short way as dd/mm/yyyy: "15031985", "150385", "15/3/85", "15.3.1985",
    "15 3 85" all become "15/03/1985". Text that is no such date is returned as it was (so the
    reader's message names it); an impossible day such as 31/02 too."""
    raw = (text or "").strip()
    m = _DIGITS.fullmatch(raw) or _SEPARATED.fullmatch(raw)
    if not m:
        return text
    day, month, year = m.groups()
    number = int(year)
    if len(year) == 2:
        number = full_year(number, today or date.today(), past)
    try:
        date(number, int(month), int(day))
    except ValueError:
        return text
    return f"{int(day):02d}/{int(month):02d}/{number:04d}"


def _calendar_icon() -> QIcon:
    """A small calendar drawn here (the program ships no icon set)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#44546a"), 1.2))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(QRectF(1.5, 2.5, 13, 12), 1.5, 1.5)
    painter.fillRect(QRectF(2, 3, 12, 3.5), QColor("#c0392b"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#44546a"))
    for row in range(2):
        for col in range(3):
            painter.drawRect(QRectF(4 + col * 3.2, 8 + row * 3, 2, 2))
    painter.end()
    return QIcon(pixmap)


class CalendarPopup(QWidget):
    """The month calendar a date field opens: Vietnamese month and day names, weeks start on
    Monday; a click or Enter on a day picks it, Esc closes."""

    picked = Signal(date)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("dateCalendarPopup")
        self.calendar = QCalendarWidget(objectName="dateCalendar")
        self.calendar.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.activated.connect(self._pick)
        self.calendar.clicked.connect(self._pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(date(day.year(), day.month(), day.day()))


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy; empty means no date.

    The short ways of typing one ("15031985", "15/3/85") become dd/mm/yyyy when the field is
    left or Enter is pressed (``expand_date``; two-digit years: ``full_year``, and birth dates,
    fields named "…Birth…" or made with ``past=True``, never land in the future). The calendar
    button at the end of the field (or Alt+Down, F4) picks a day from a month calendar."""

    def __init__(self, parent: QWidget | None = None, value: date | None = None, *,
                 past: bool | None = None, **kw):
        super().__init__(parent, **kw)
        self.past = past if past is not None else "birth" in self.objectName().lower()
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.calendar_action = QAction(_calendar_icon(), "Chọn ngày trên lịch", self)
        self.calendar_action.setObjectName("dateCalendarButton")
        self.calendar_action.setToolTip("Chọn ngày trên lịch (Alt+↓)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16 + 24)
        self._popup: CalendarPopup | None = None
        self.editingFinished.connect(self.tidy)
        self.set_date(value)

    def set_date(self, value: date | None) -> None:
        self.setText(format_date(value))

    def date(self) -> date | None:
        """The typed date; raises ValueError with a Vietnamese message if it is not one."""
        return parse_date(expand_date(self.text(), past=self.past))

    def tidy(self) -> None:
        """Write a date typed the short way in full (as a person edits: undo brings it back)."""
        full = expand_date(self.text(), past=self.past)
        if full != self.text() and not self.isReadOnly():
            self.selectAll()
            self.insert(full)  # an edit: textEdited fires, Ctrl+Z undoes it

    def keyPressEvent(self, event) -> None:
        alt_down = (event.key() == Qt.Key.Key_Down
                    and event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if not self.isReadOnly() and (alt_down or event.key() == Qt.Key.Key_F4):
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> CalendarPopup:
        if self._popup is None:
            self._popup = CalendarPopup(self)
            self._popup.picked.connect(self._picked)
        try:
            current = self.date()
        except ValueError:
            current = None
        current = current or date.today()
        self._popup.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self._popup.adjustSize()
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self._popup.calendar.setFocus()
        return self._popup

    def _picked(self, day: date) -> None:
        self.setFocus()
        self.selectAll()
        self.insert(format_date(day))  # an edit, like typing it
        self.editingFinished.emit()


class EnumCombo(QComboBox):
    """A combo box over a LabeledEnum, showing the Vietnamese labels."""

    def __init__(self, enum_cls: type[LabeledEnum], parent: QWidget | None = None,
                 allow_empty: str | None = None, **kw):
        super().__init__(parent, **kw)
        self.enum_cls = enum_cls
        if allow_empty is not None:
            self.addItem(allow_empty, None)
        for member in enum_cls:
            self.addItem(member.label, member.value)  # Qt would turn the member into a plain str

    def value(self):
        data = self.currentData()
        return None if data is None else self.enum_cls(data)

    def set_value(self, member) -> None:
        if isinstance(member, MaskedLabel):  # a value the account may not see: "(ẩn)"
            index = self.findText(member.label)
            if index < 0:
                self.addItem(member.label, None)
                index = self.count() - 1
            self.setCurrentIndex(index)
            return
        self.setCurrentIndex(max(0, self.findData(None if member is None else member.value)))


class SearchBox(QLineEdit):
    """A search field that reports its text once typing pauses (debounced)."""

    searchChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, delay_ms: int = 200, **kw):
        super().__init__(parent, **kw)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(lambda: self.searchChanged.emit(self.text()))
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Report now (Enter pressed)."""
        self._timer.stop()
        self.searchChanged.emit(self.text())
