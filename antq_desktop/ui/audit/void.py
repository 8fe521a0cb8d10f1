"""The question before voiding a record entered by mistake: a reason is required (issue 15)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def ask_void_reason(parent: QWidget | None, question: str) -> str | None:
    """The reason typed, or None when the officer cancelled or left it empty."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("voidReasonDialog")
    dialog.setWindowTitle("Hủy bản ghi nhập nhầm")
    dialog.setLabelText(f"{question}\nBản ghi được chuyển sang “Đã hủy” (không xóa khỏi cơ sở "
                        "dữ liệu, không còn được đếm trong báo cáo).\nLý do hủy:")
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("Hủy bản ghi")
    dialog.setCancelButtonText("Không")
    if not dialog.exec():
        return None
    reason = " ".join(dialog.textValue().split())
    return reason or None
