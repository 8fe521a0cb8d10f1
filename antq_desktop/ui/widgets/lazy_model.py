"""A table model over the ids of a query; rows are fetched in blocks as the view paints them.

After Anki's browser table model: the list holds only ids, so 100,000 rows cost a list of ints,
and a screenful costs one small query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str | None
    value: Callable[[Any], str]
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    width: int = 120


class LazyRowsModel(QAbstractTableModel):
    BLOCK = 200

    def __init__(self, columns: Sequence[Column], fetch: Callable[[Sequence[int]], dict[int, Any]],
                 parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self._ids: list[int] = []
        self._cache: dict[int, Any] = {}
        self.row_style: Callable[[Any, int], Any] | None = None  # (row, role) → value or None

    # -- content --------------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._cache.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Forget fetched rows (after an edit) and repaint."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1,
                                                               len(self.columns) - 1))

    def ids(self) -> list[int]:
        return self._ids

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, item_id: int) -> int:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def item(self, row: int) -> Any:
        item_id = self._ids[row]
        found = self._cache.get(item_id)
        if found is None:
            start = (row // self.BLOCK) * self.BLOCK
            block = self._ids[start:start + self.BLOCK]
            self._cache.update(self._fetch(block))
            found = self._cache.get(item_id)
        return found

    # -- Qt API ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.item(index.row())
        if row is None:  # removed since the ids were read
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return col.align
        if self.row_style is not None:
            return self.row_style(row, role)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None
