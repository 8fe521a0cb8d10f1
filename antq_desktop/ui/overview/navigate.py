"""Opening a work tab with the filters a card, a bar or a due item asks for (a
:class:`~antq_desktop.services.overview.Target`). The tabs' own filter widgets are set (signals
held, so the list is read once) and the tab reloads: what the officer sees is the tab's usual
list with its filters showing why."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from ...services.activities import Kind
from ...services.households import Status
from ...services.overview import (
    ACTIVITIES,
    CERTIFICATION,
    HOUSEHOLDS,
    MEDIATION,
    REHABILITATION,
    Target,
)
from ...services.rehabilitation import CaseStatus, DueFilter


@contextmanager
def _quiet(widgets: Iterable[QWidget]):
    widgets = list(widgets)
    for w in widgets:
        w.blockSignals(True)
    try:
        yield
    finally:
        for w in widgets:
            w.blockSignals(False)


def _choose(combo: QComboBox, value) -> None:
    """Select the item holding ``value`` (an enum's value for enum members), else the first."""
    value = getattr(value, "value", value)
    combo.setCurrentIndex(max(0, combo.findData(value)))


def households(tab, f) -> None:
    with _quiet([tab.search, tab.area, tab.status, tab.year]):
        tab.search.setText("")
        _choose(tab.area, f.get("area_id"))
        _choose(tab.status, Status.ACTIVE)
        if "year" in f:
            tab.year.setValue(f["year"])
    if f.get("unsigned_first"):
        # ascending puts the households without a sign-up (NULL) first on SQLite,
        # descending does on PostgreSQL
        tab.sort_key, tab.descending = "signup", not tab.service.db.is_sqlite
        header = tab.table.horizontalHeader()
        header.setSortIndicator(len(tab.model.columns) - 1,
                                Qt.SortOrder.DescendingOrder if tab.descending
                                else Qt.SortOrder.AscendingOrder)
    tab.reload(with_summary=True)


def rehabilitation(tab, f) -> None:
    with _quiet([tab.search, tab.regime, tab.status, tab.area, tab.due]):
        tab.search.setText("")
        tab.regime.set_value(None)
        _choose(tab.status, f.get("status", CaseStatus.OPEN))
        _choose(tab.area, f.get("area_id"))
        _choose(tab.due, f.get("due", DueFilter.ANY))
    tab.reload()


def mediation(tab, f) -> None:
    with _quiet([tab.search, tab.team, tab.case_type, tab.status, tab.year, tab.late_only]):
        tab.search.setText("")
        _choose(tab.team, f.get("team_id"))
        tab.case_type.set_value(None)
        _choose(tab.status, f.get("status"))
        _choose(tab.year, f.get("year"))
        tab.late_only.setChecked(bool(f.get("late_only")))
    tab.reload()


def certification(tab, f) -> None:
    with _quiet([tab.search, tab.year, tab.category, tab.state]):
        tab.search.setText("")
        if "year" in f and tab.year.findData(f["year"]) >= 0:
            _choose(tab.year, f["year"])
        tab.category.set_value(f.get("category"))
        tab.state.set_value(f.get("state"))
    tab.reload()


def activities(tab, f) -> None:
    kinds = list(Kind)
    kind = Kind(f.get("kind", Kind.TIP.value))
    with _quiet([tab.search, tab.year, tab.area]):
        tab.search.setText("")
        _choose(tab.year, f.get("year"))
        _choose(tab.area, f.get("area_id"))
    if tab.kinds.currentRow() != kinds.index(kind):
        tab.kinds.setCurrentRow(kinds.index(kind))  # refreshes the list itself
    else:
        tab.refresh()


APPLY = {HOUSEHOLDS: households, REHABILITATION: rehabilitation, MEDIATION: mediation,
         CERTIFICATION: certification, ACTIVITIES: activities}


def open_target(window, target: Target) -> QWidget | None:
    """Show the tab of ``target`` in the main window with its filters set; returns the tab."""
    tab = getattr(window, f"{target.tab}_tab", None)
    apply = APPLY.get(target.tab)
    if tab is None or apply is None:
        return None
    apply(tab, dict(target.filters))
    window.tabs.setCurrentWidget(tab)
    return tab
