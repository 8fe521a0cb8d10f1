"""Pieces every dialog shares: the OK/Cancel row and the red error line, in Vietnamese."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from ...validation import FieldError
from .fields import DateField
from .messages import save_failure

ERROR_STYLE = "color: #b00020;"


def button_row(ok_text: str, on_ok: Callable[[], None], on_cancel: Callable[[], None],
               ok_name: str = "", cancel_text: str = "Hủy") -> QDialogButtonBox:
    """An OK/Cancel row whose OK runs ``on_ok`` (which validates and closes, or not)."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    if ok_name:
        ok.setObjectName(ok_name)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    box.accepted.connect(on_ok)
    box.rejected.connect(on_cancel)
    return box


def inline(*parts: QWidget | str | tuple[QWidget, int] | None) -> QHBoxLayout:
    """Fields on one form line: a widget, ``(widget, stretch)``, a text (shown as a label), or
    None for a stretch that keeps the rest to the left."""
    row = QHBoxLayout()
    for part in parts:
        if part is None:
            row.addStretch(1)
        elif isinstance(part, str):
            row.addWidget(QLabel(part))
        elif isinstance(part, tuple):
            row.addWidget(*part)
        else:
            row.addWidget(part)
    return row


def error_label(name: str, bold: bool = False) -> QLabel:
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet(ERROR_STYLE + (" font-weight: bold;" if bold else ""))
    return label


class FormDialog(QDialog):
    """A titled form with OK/Cancel and a red error line.

    ``check()`` validates (and may save) before the dialog closes; a FieldError it raises keeps
    the dialog open with the message, so a failed save never loses what was typed.
    """

    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        if intro:
            label = QLabel(intro, wordWrap=True)
            self.form.addRow(label)
        self.error = error_label("dialogError")
        self.buttons = button_row("Đồng ý", self._ok, self.reject, "dialogOk")

    def finish_layout(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def check(self) -> None:
        """Raise FieldError to keep the dialog open with the message."""

    def _ok(self) -> None:
        try:
            self.check()
        except FieldError as err:
            self.error.setText(str(err))
            return
        except Exception as exc:  # the database is busy, full or damaged: say so, keep the data
            text = save_failure(exc, self._database_url())
            if text is None:
                raise
            self.error.setText(text)
            return
        self.accept()

    def _database_url(self) -> str:
        """The database the dialog saves to (its service's), for the failure's message."""
        db = getattr(getattr(self, "service", None), "db", None)
        return getattr(db, "url", "") or ""

    @staticmethod
    def read_date(field: DateField, label: str, required: bool = True) -> date | None:
        try:
            value = field.date()
        except ValueError as exc:
            raise FieldError(label, str(exc)) from None
        if value is None and required:
            raise FieldError(label, "chưa nhập.")
        return value


class RememberedDialog(QDialog):
    """A dialog that reopens at the size and place the officer last gave it."""

    _size_key = ""

    def remember_size(self, key: str, width: int, height: int) -> None:
        self._size_key = f"{key}/geometry"
        self.resize(width, height)
        geometry = QSettings().value(self._size_key)
        if geometry is not None:
            self.restoreGeometry(geometry)

    def done(self, result: int) -> None:
        if self._size_key:
            QSettings().setValue(self._size_key, self.saveGeometry())
        super().done(result)
