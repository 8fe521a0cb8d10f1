"""The line under a person's name that says "this may be someone already registered"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ...services.duplicates import Match

DEBOUNCE_MS = 300


class DuplicateHint(QFrame):
    """Asks ``find(**query)`` (services.duplicates.DuplicateService.matches) 300 ms after the
    last change and shows the best match with "Mở hồ sơ có sẵn" (``openRequested(match)``)
    and "Đây là người khác" (``dismissed(match)``; that person is not offered again in this
    dialog). Hidden when there is nothing to show. ``objectName`` prefixes its children's."""

    openRequested = Signal(object)
    dismissed = Signal(object)

    def __init__(self, find: Callable[..., list[Match]], name: str = "duplicateHint",
                 parent: QWidget | None = None):
        super().__init__(parent, objectName=name)
        self.find = find
        self.query: dict = {}
        self.match: Match | None = None
        self.skipped: set[int] = set()
        self.setStyleSheet(f"QFrame#{name} {{ background: #fff4d6; border: 1px solid #e0b000;"
                           " border-radius: 3px; }")
        self.text = QLabel(objectName=f"{name}Text", wordWrap=True)
        self.open_button = QPushButton("Mở hồ sơ có sẵn", objectName=f"{name}Open")
        self.dismiss_button = QPushButton("Đây là người khác", objectName=f"{name}Dismiss")
        self.open_button.clicked.connect(lambda: self.match and self.openRequested.emit(self.match))
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.dismiss_button)
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.run)
        self.hide()

    def request(self, **query) -> None:
        """A field changed: look again once typing pauses."""
        self.query = query
        self.timer.start()

    def clear(self) -> None:
        self.timer.stop()
        self.query, self.match = {}, None
        self.hide()

    def run(self) -> None:
        self.timer.stop()
        found = [m for m in self.find(**self.query) if m.resident_id not in self.skipped] \
            if self.query else []
        self.match = found[0] if found else None
        if self.match is None:
            self.hide()
            return
        more = f" (và {len(found) - 1} người khác)" if len(found) > 1 else ""
        self.text.setText(f"⚠ Có thể đã có trong sổ: {self.match.label}{more}")
        self.show()

    def dismiss(self) -> None:
        if self.match is None:
            return
        match = self.match
        self.skipped.add(match.resident_id)
        self.dismissed.emit(match)
        self.run()
