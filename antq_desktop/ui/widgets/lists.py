"""The list view and the area filter every work-area tab shares."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView

from ...services.unit import AreaInfo
from .lazy_model import LazyRowsModel


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
