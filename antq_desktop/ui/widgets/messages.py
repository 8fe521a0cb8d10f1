"""Messages to the user, in Vietnamese, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def error(parent: QWidget | None, text: str, title: str = "Lỗi") -> None:
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, text: str, title: str = "Thông báo") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "Xác nhận",
            yes_text: str = "Đồng ý") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


def save_failure(exc: BaseException, url: str) -> str | None:
    """The message for a save that the database refused for a reason outside the record (another
    program holds the write lock, the disk is full, the file is damaged, the server went away),
    or None when ``exc`` is not such a failure. The transaction was rolled back: nothing of the
    save is kept, and the dialog keeps what was typed for another try."""
    from ...db.engine import connection_lost_message, database_error_message, is_connection_lost

    if is_connection_lost(exc, url):  # the server went away: the next try may well work
        return (f"{connection_lost_message(url)}; chưa lưu gì, dữ liệu đang nhập vẫn giữ "
                "nguyên, hãy thử lại.")
    text = database_error_message(exc, url)
    if text is None:
        return None
    return f"{text} Chưa lưu gì; dữ liệu vừa nhập vẫn còn trong cửa sổ này."
