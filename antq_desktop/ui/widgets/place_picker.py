"""A picker for a long list of place names (provinces, wards) that finds a name however it is
typed: with or without diacritics, any case, any part ("da nang", "hoan kiem", "kiếm")."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...text import fold


class FoldedFilter(QSortFilterProxyModel):
    """Keeps the rows whose folded text contains every folded word of the query."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 on; invalidateFilter() is deprecated
            self.beginFilterChange()
            self._words = fold(text).split()
            self.endFilterChange()
        else:
            self._words = fold(text).split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self._words:
            return True
        index = self.sourceModel().index(row, 0, parent)
        name = fold(str(self.sourceModel().data(index) or ""))
        return all(word in name for word in self._words)


class PlacePicker(QComboBox):
    """An editable combo box over its items (addItem(name, code), like any QComboBox) whose
    pop-up, while typing, lists the items matching the typed words folded (text.fold); picking
    one (click, or arrows and Enter) makes it the current item. Typed text is never added."""

    def __init__(self, parent: QWidget | None = None, **kw):
        super().__init__(parent, **kw)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.filter = FoldedFilter(self)
        self.filter.setSourceModel(self.model())
        completer = QCompleter(self.filter, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        completer.activated[QModelIndex].connect(self._picked)
        self.lineEdit().textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        self.filter.set_query(text)
        if self.filter.rowCount():
            self.completer().complete()
        else:
            self.completer().popup().hide()

    def _picked(self, index: QModelIndex) -> None:
        # the index is the completer's (its own proxy over our filter): back to our rows
        completion = self.completer().completionModel()
        if index.model() is completion:
            index = completion.mapToSource(index)
        if index.model() is self.filter:
            index = self.filter.mapToSource(index)
        if index.isValid():
            self.setCurrentIndex(index.row())
        self.filter.set_query("")

    def matches(self, text: str) -> list[str]:
        """The names the pop-up lists for ``text`` (for tests and the keyboard-only check)."""
        self.filter.set_query(text)
        return [str(self.filter.index(r, 0).data()) for r in range(self.filter.rowCount())]
