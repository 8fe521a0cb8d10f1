""""Lịch sử" in a record dialog: the record's changes from the audit trail, oldest first, one
line per field with its Vietnamese label, old → new (services/audit.history_lines, which masks
what the user may not see)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import audit

HEAD = ("Thời gian", "Người thực hiện", "Thao tác", "Bản ghi", "Trường", "Giá trị cũ",
        "Giá trị mới")


class HistoryDialog(QDialog):
    def __init__(self, db, title: str, targets: list[tuple[str, int]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"Lịch sử — {title}")
        rows = audit.history_lines(db, targets)
        self.table = QTableWidget(len(rows), len(HEAD), objectName="historyTable")
        self.table.setHorizontalHeaderLabels(HEAD)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        note = QLabel("Chưa có thay đổi nào được ghi lại cho hồ sơ này." if not rows else
                      f"{len(rows)} dòng, cũ nhất ở trên.", objectName="historyCount")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        self.resize(900, 480)


def history_button(parent: QWidget, db, title: str, targets) -> QPushButton:
    """A "Lịch sử…" button for a record dialog. ``targets`` is a list of (table, id) pairs or a
    callable returning one (read when clicked, so a record saved meanwhile is included); it is
    disabled for a record not saved yet."""
    button = QPushButton("Lịc&h sử…", objectName="historyButton")
    button.setToolTip("Các thay đổi của hồ sơ này: ai sửa, khi nào, giá trị cũ → mới")

    def current():
        return targets() if callable(targets) else targets

    def show():
        HistoryDialog(db, title, current(), parent).exec()

    button.clicked.connect(show)
    button.setEnabled(any(rid is not None for _k, rid in current()))
    return button
