"""Search-as-you-type over the household register, shared by the dialogs that pick a person."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem

from ...services.households import ResidentChoice


class ResidentSearch(QObject):
    """Fills ``results`` with the residents ``find(text)`` returns, 200 ms after typing stops."""

    def __init__(self, edit: QLineEdit, results: QListWidget,
                 find: Callable[[str], list[ResidentChoice]], not_found: str = ""):
        super().__init__(edit)
        self.edit, self.results, self.find, self.not_found = edit, results, find, not_found
        self.timer = QTimer(self, singleShot=True, interval=200)
        self.timer.timeout.connect(self.run)
        edit.textEdited.connect(lambda _t: self.timer.start())

    def run(self) -> None:
        self.results.clear()
        for choice in self.find(self.edit.text()):
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        if self.results.count() == 0 and self.not_found and len(self.edit.text().strip()) >= 2:
            self.results.addItem(self.not_found)

    @staticmethod
    def choice(item: QListWidgetItem | None) -> ResidentChoice | None:
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, ResidentChoice) else None
