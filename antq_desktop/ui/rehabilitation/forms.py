"""Form pieces the rehabilitation and mediation dialogs share (issue 14, 15):

- labels and rows that line up with fields carrying their error line under them (FieldForm:
  a field's box is its widget plus a line, so a label centred on the box would sit low);
- dates read for a live check without raising.

The read-only mode of a record (a signed-off period, an account that may not write) is
ui/widgets/dialogs.py's ``view_only``, shared by every record dialog.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ...validation import FieldError
from ..widgets.fields import DateField

_line_height: int | None = None


def line_height() -> int:
    """The height of a one-line field: what a label beside a field box is centred on."""
    global _line_height
    if _line_height is None:
        _line_height = QLineEdit().sizeHint().height()
    return _line_height


def field_label(text: str, buddy: QWidget | None = None) -> QLabel:
    """A label for a grid cell or a row: as tall as a one-line field, to be put at the top of
    its cell, so it stays level with its field whatever the error line under the field says."""
    label = QLabel(text)
    if buddy is not None:
        label.setBuddy(buddy)
    label.setFixedHeight(line_height())
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return label


TOP = Qt.AlignmentFlag.AlignTop


def top_row(*parts: QWidget | str | tuple[QWidget, int] | None) -> QHBoxLayout:
    """Like widgets.dialogs.inline (a widget, ``(widget, stretch)``, a text, or None for a
    stretch), every part at the top of the row: field boxes and their labels stay level."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if part is None:
            row.addStretch(1)
        elif isinstance(part, str):
            row.addWidget(field_label(part), 0, TOP)
        elif isinstance(part, tuple):
            row.addWidget(part[0], part[1], TOP)
        else:
            row.addWidget(part, 0, TOP)
    return row


def read_date(field: DateField, label: str, key: str, errors: list[FieldError]) -> date | None:
    """The field's date, or None with a FieldError (under ``key``) added to ``errors``."""
    try:
        return field.date()
    except ValueError as exc:
        errors.append(FieldError(label, str(exc), key=key))
        return None


def merge(read: list[FieldError], found: list[FieldError]) -> list[FieldError]:
    """Errors of reading the widgets first; the rule's errors of the same fields left out (a
    date that cannot be read is "chưa nhập" to the rule)."""
    bad = {e.ident for e in read}
    return list(read) + [e for e in found if e.ident not in bad]


def tie_to(form, dialog: QWidget):
    """The FieldForm's revalidation timer made ``dialog``'s child: a check queued by the last
    keystroke never runs on the widgets of a dialog already deleted (it has no parent of its
    own; FieldForm could take one)."""
    form._timer.setParent(dialog)
    return form


DATE_LINE_WIDTH = 250
ROW_SPACING = 6


def steady_lines(form) -> None:
    """Nothing moves when the first message comes (call once the form is laid out):

    - a fixed-width field's (a date's) error line is as wide as a date's usual message
      ("không được trước ngày bắt đầu 01/06/2025."): squeezed under the narrow field it would
      wrap to two lines and push the fields below down;
    - every field starts with the (empty) style sheet the first check gives it;
    - the forms' rows keep one spacing: left to the style, it shrank from 9 to 6 pixels
      once a field first got its red frame (a style sheet).
    """
    for key, widget in form.widgets.items():
        if widget.minimumWidth() == widget.maximumWidth():
            line = form.lines[key]
            line.setMinimumWidth(max(line.minimumWidth(), DATE_LINE_WIDTH))
        holder = widget.parentWidget()  # the field's box; its parent holds the form's layout
        outer = holder.parentWidget() if holder is not None else None
        while outer is not None:
            layout = outer.layout()
            if isinstance(layout, (QFormLayout, QGridLayout)):
                layout.setVerticalSpacing(ROW_SPACING)
                break
            outer = outer.parentWidget()
    form.display([])


class SteadyForm:
    """Mixed into a dialog with a ``field_form``: the form's first check runs as soon as the
    dialog is shown (it shows nothing on an untouched form). Run later, at the first
    keystroke, it re-polished the fields and every row moved up by a few pixels."""

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.field_form.revalidate)
