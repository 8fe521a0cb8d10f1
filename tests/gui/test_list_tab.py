"""ListTab: the one list skeleton every work-area tab is built on, and how the lists behave."""

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableView, QWidget

from antq_desktop.enums import Relationship, Sex
from antq_desktop.ui.main_window import AREAS, MainWindow
from antq_desktop.ui.widgets.lazy_model import Column
from antq_desktop.ui.widgets.lists import ListTab, header_text_width
from tests.conftest import household, member
from tests.gui.conftest import type_text


@dataclass
class Row:
    id: int
    name: str
    number: int


class DemoTab(ListTab):
    """The smallest list tab: 60 rows, two sortable columns, a filter-free search."""

    AREA = "demo"

    def __init__(self):
        self.opened: list[int | None] = []
        self.data = [Row(i, f"Người {i:02d}", (i * 37) % 60) for i in range(60)]
        super().__init__(services=None)
        self.add_button.setText("Thêm")
        self.build([], [self.add_button], legend="Chú thích")
        self.start()

    def columns(self):
        return [Column("Họ và tên", "name", lambda r: r.name),
                Column("Số", "number", lambda r: str(r.number))]

    def sort_keys(self):
        return {"name": lambda r: r.name, "number": lambda r: r.number}

    def query(self):
        return [r for r in self.data if self.search.text() in r.name]

    def count_text(self, rows):
        return f"{len(rows)} người"

    def open_selected(self):
        self.opened.append(self.selected_id())


def _shown(qtbot, tab: QWidget) -> QWidget:
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    tab.activateWindow()  # shortcuts go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    return tab


def _names(tab) -> list[str]:
    return [tab.model.index(i, 0).data() for i in range(tab.model.rowCount())]


def _window(qtbot, db) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_every_work_tab_is_a_list_tab_with_derived_names(qtbot, db, ward):
    window = _window(qtbot, db)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == \
        [a.title for a in AREAS]
    lists = [a for a in AREAS if a.key != "overview"]  # Tổng quan: cards and charts
    assert [a.key for a in lists] == ["households", "rehabilitation", "mediation",
                                      "certification", "activities"]
    for area in lists:
        tab = getattr(window, f"{area.key}_tab")
        assert isinstance(tab, ListTab), area.key
        assert tab.objectName() == f"{area.key}Tab"
        assert tab.findChild(QTableView, f"{area.key}Table") is tab.table
        assert tab.findChild(QLineEdit, f"{area.key}Search") is tab.search
        assert tab.findChild(QPushButton, f"{area.key}Add") is tab.add_button
        assert tab.services is window.services  # one bundle, made once
    assert window.list_tabs() == [getattr(window, f"{a.key}_tab") for a in lists]


def test_enter_keypad_enter_and_double_click_open_the_row(qtbot):
    tab = _shown(qtbot, DemoTab())
    tab.table.setFocus()
    tab.table.selectRow(3)
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    tab.table.selectRow(4)
    QTest.keyClick(tab.table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    rect = tab.table.visualRect(tab.model.index(5, 0))
    QTest.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.opened == [3, 4, 5]


def test_reload_keeps_the_selection_and_counts(qtbot):
    tab = _shown(qtbot, DemoTab())
    assert tab.findChild(QWidget, "demoCount").text() == "60 người"
    assert tab.findChild(QWidget, "demoLegend").text() == "Chú thích"
    tab.table.selectRow(40)
    tab.refresh()
    assert tab.selected_id() == 40


def test_a_new_sort_or_search_goes_back_to_the_top(qtbot):
    tab = _shown(qtbot, DemoTab())
    bar = tab.table.verticalScrollBar()
    tab.table.selectRow(55)
    tab.table.scrollTo(tab.model.index(55, 0))
    assert bar.value() > 0
    tab.table.horizontalHeader().sectionClicked.emit(1)  # by "Số"
    assert bar.value() == 0 and tab.selected_id() is None
    assert [tab.model.item(i).number for i in range(3)] == [0, 1, 2]

    tab.table.selectRow(50)
    tab.table.scrollTo(tab.model.index(50, 0))
    assert bar.value() > 0
    tab.search.setText("Người 5")
    tab.search.flush()
    assert bar.value() == 0 and tab.selected_id() is None
    assert tab.model.rowCount() == 10


def test_down_or_enter_in_the_search_box_moves_to_the_results(qtbot):
    tab = _shown(qtbot, DemoTab())
    tab.search.setFocus()
    type_text(tab.search, "Người 1")
    QTest.keyClick(tab.search, Qt.Key.Key_Down)
    assert tab.table.hasFocus()
    assert tab.selected_id() == 10  # the first result, searched at once
    assert tab.model.rowCount() == 10

    tab.search.setFocus()
    tab.search.clear()
    QTest.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.table.hasFocus() and tab.model.rowCount() == 60


def test_the_restored_sort_arrow_matches_the_rows(qtbot):
    tab = _shown(qtbot, DemoTab())
    header = tab.table.horizontalHeader()
    header.sectionClicked.emit(1)
    header.sectionClicked.emit(1)  # "Số", descending
    tab.table.setColumnWidth(0, 333)
    tab.save_layout()
    tab.close()

    again = _shown(qtbot, DemoTab())
    header = again.table.horizontalHeader()
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    numbers = [again.model.item(i).number for i in range(again.model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)  # the rows, not only the arrow
    assert header.sectionSize(0) == 333  # the officer's width kept


def test_a_saved_layout_of_other_columns_is_not_restored(qtbot):
    QSettings().setValue("demo/header", b"garbage")
    QSettings().setValue("demo/headerColumns", "other|columns")
    tab = _shown(qtbot, DemoTab())
    assert tab.sort.key is None and _names(tab)[0] == "Người 00"


def test_households_sort_restored_with_the_window(qtbot, db, households, ward):
    for i, name in enumerate(["Vũ Văn An", "Lê Thị Yến", "Hà Văn Bình"], 1):
        households.save(household(ward[0], f"HK00000{i}", [member(name, id_number="")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    window.show_tab(tab)  # a tab reads when opened
    tab.table.horizontalHeader().sectionClicked.emit(1)  # "Chủ hộ", by given name
    window.close()

    window = _window(qtbot, db)
    tab = window.households_tab
    window.show_tab(tab)  # a tab reads when opened
    header = tab.table.horizontalHeader()
    assert header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert tab.sort_key == "head"
    assert [tab.model.index(i, 1).data() for i in range(3)] == [
        "Vũ Văn An", "Hà Văn Bình", "Lê Thị Yến"]


def test_a_search_that_finds_a_member_shows_that_member(qtbot, db, households, ward):
    households.save(household(ward[0], "HK000001", [
        member("Đặng Đức Thắng", id_number=""),
        member("Nguyễn Thị Mai", sex=Sex.FEMALE, rel=Relationship.WIFE,
               id_number="")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    window.show_tab(tab)  # a tab reads when opened
    tab.search.setText("thi mai")
    tab.search.flush()
    assert tab.model.index(0, 1).data() == "Đặng Đức Thắng (tìm thấy: Nguyễn Thị Mai)"
    assert "Nguyễn Thị Mai" in tab.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    tab.search.setText("dang duc")  # the head himself: nothing added
    tab.search.flush()
    assert tab.model.index(0, 1).data() == "Đặng Đức Thắng"


def test_a_save_is_confirmed_in_the_status_bar(qtbot, db, households, ward, when_modal):
    households.save(household(ward[0], "HK000123", [member(id_number="")]))
    window = _window(qtbot, db)
    tab = window.households_tab
    window.tabs.setCurrentWidget(tab)
    window.activateWindow()  # shortcuts go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    tab.table.setFocus()
    tab.table.selectRow(0)
    # click() rather than QTest: the dialog is deleted as soon as it closes, and QTest keeps a
    # pointer to the last widget it clicked
    when_modal(lambda dialog: dialog.findChild(QPushButton, "householdSave").click())
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "Đã lưu hộ HK000123."


@pytest.mark.parametrize("key", [a.key for a in AREAS if a.key != "overview"])
def test_no_column_header_is_cut_at_1366x768(qtbot, db, ward, key):
    window = _window(qtbot, db)
    tab = getattr(window, f"{key}_tab")
    window.tabs.setCurrentWidget(tab)
    pages = range(tab.kinds.count()) if key == "activities" else [None]
    for page in pages:
        if page is not None:
            tab.kinds.setCurrentRow(page)
        header = tab.table.horizontalHeader()
        for i, col in enumerate(tab.model.columns):
            assert col.title, f"{key}: column {i} has no header"
            needed = header_text_width(header, col.title) + 12  # style.qss: 6 px a side
            assert header.sectionSize(i) >= needed, f"{key}: “{col.title}” is cut"
