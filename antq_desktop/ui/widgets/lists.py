"""The list view, its sorting and selection, and the area filter the work-area tabs share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView

from ...services.unit import AreaInfo
from .lazy_model import LazyRowsModel

RowKey = Callable[[Any], Any]


def list_view(model: LazyRowsModel, name: str) -> QTableView:
    """A read-only table of whole rows with fixed row height (never resized to contents, which
    would read every row), the model's column widths and resizable headers."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    rows = view.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, col in enumerate(model.columns):
        view.setColumnWidth(i, col.width)
    return view


def fill_area_filter(combo: QComboBox, areas: list[AreaInfo]) -> None:
    """Refill an area filter ("Tất cả khu dân cư" first), keeping the choice, without signals."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("Tất cả khu dân cư", None)
    for a in areas:
        combo.addItem(a.name + ("" if a.active else " (thôi sử dụng)"), a.id)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ClickSort:
    """Sorting a tab's rows by the clicked column, in Python (lists of a few thousand rows at
    most; the households list sorts in SQL instead). A second click on a column reverses it.
    ``keys`` maps a column's ``sort_key`` to the row's sort key: a dict, or a function of the
    sort_key (for columns that change, as the activity kinds' do)."""

    def __init__(self, view: QTableView,
                 keys: Mapping[str, RowKey] | Callable[[str], RowKey],
                 on_change: Callable[[], None]):
        self.view, self.on_change = view, on_change
        self.key_for = keys.get if isinstance(keys, Mapping) else keys
        self.key: str | None = None
        self.descending = False
        view.horizontalHeader().sectionClicked.connect(self.clicked)

    def clicked(self, section: int) -> None:
        key = self.view.model().columns[section].sort_key
        if key is None or self.key_for(key) is None:
            return
        self.descending = (not self.descending) if key == self.key else False
        self.key = key
        header = self.view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(section, Qt.SortOrder.DescendingOrder if self.descending
                                else Qt.SortOrder.AscendingOrder)
        self.on_change()

    def reset(self) -> None:
        """Back to the service's order (the columns changed)."""
        self.key, self.descending = None, False
        self.view.horizontalHeader().setSortIndicatorShown(False)

    def apply(self, rows: list) -> None:
        """Sort ``rows`` in place by the chosen column, if any."""
        if self.key is not None:
            rows.sort(key=self.key_for(self.key), reverse=self.descending)


def selected_id(view: QTableView) -> int | None:
    """The id of the selected row of a LazyRowsModel view, or None."""
    selection = view.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    return view.model().id_at(rows[0].row()) if rows else None


def on_enter(view: QTableView, slot: Callable[[], None]) -> None:
    """Enter on the list opens the selected row, as a double-click does."""
    for key in ("Return", "Enter"):  # the main keyboard's and the keypad's
        action = QAction(view)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        view.addAction(action)
    view.doubleClicked.connect(lambda _index: slot())
