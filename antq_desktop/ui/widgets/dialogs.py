"""Pieces every dialog shares: the OK/Cancel row and the red error line, in Vietnamese."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialogButtonBox, QLabel

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


def error_label(name: str, bold: bool = False) -> QLabel:
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet(ERROR_STYLE + (" font-weight: bold;" if bold else ""))
    return label
