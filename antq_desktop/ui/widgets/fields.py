"""Small input widgets shared by the dialogs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ...enums import LabeledEnum
from ...validation import parse_date


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy; empty means no date."""

    def __init__(self, parent: QWidget | None = None, value: date | None = None, **kw):
        super().__init__(parent, **kw)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.set_date(value)

    def set_date(self, value: date | None) -> None:
        self.setText(format_date(value))

    def date(self) -> date | None:
        """The typed date; raises ValueError with a Vietnamese message if it is not one."""
        return parse_date(self.text())


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
