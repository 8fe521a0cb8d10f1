"""Ctrl+F in every list tab goes to that tab's search box, its text selected (issue 14)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from antq_desktop.ui.main_window import AREAS, MainWindow
from antq_desktop.ui.widgets.lists import ListTab
from tests.gui.conftest import type_text

LISTS = [a.key for a in AREAS if a.key != "overview"]


@pytest.fixture
def window(qtbot, db, ward):
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.activateWindow()  # keyboard shortcuts go to the active window only
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_the_areas_checked_are_every_list_tab(window):
    assert LISTS == ["households", "rehabilitation", "mediation", "certification",
                     "activities"]
    assert [t.AREA for t in window.list_tabs()] == LISTS


@pytest.mark.parametrize("area", LISTS)
def test_ctrl_f_selects_the_shown_tabs_search(qtbot, window, area):
    tab = window.area_tabs[area]
    assert isinstance(tab, ListTab)
    window.show_tab(tab)
    search = window.findChild(type(tab.search), f"{area}Search")
    assert search is tab.search and search.isVisible()
    type_text(search, "zz")
    search.flush()
    tab.table.setFocus()
    qtbot.waitUntil(tab.table.hasFocus)
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is tab  # its own search, not the households'
    assert QApplication.focusWidget() is search
    assert search.selectedText() == "zz"  # typed over by the next search
    # from anywhere in the window: the tab bar too
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(window.tabs.tabBar().hasFocus)
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is search


def test_one_ctrl_f_is_live_on_each_tab(window):
    """Two live Ctrl+F shortcuts would be ambiguous and neither would fire."""
    from PySide6.QtGui import QAction, QKeySequence

    keys = QKeySequence("Ctrl+F")
    for tab in [window.overview_tab, *window.list_tabs()]:
        window.show_tab(tab)
        live = [a for a in window.findChildren(QAction) if a.shortcut() == keys
                and a.isEnabled() and all(w.isVisible() for w in a.associatedObjects()
                                          if hasattr(w, "isVisible"))]
        assert len(live) == 1, tab.objectName()
