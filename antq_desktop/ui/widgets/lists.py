"""The list view, its sorting and selection, the area filter, and :class:`ListTab`: the one
skeleton every work-area tab with a list is built on (docs/ARCHITECTURE.md, "List tabs")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.unit import AreaInfo
from .fields import SearchBox
from .lazy_model import Column, LazyRowsModel

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


def refill_combo(combo: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """Refill ``combo`` with (text, data) items, keeping the chosen data if it is still there
    (else the first item), without emitting its signals."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def fill_area_filter(combo: QComboBox, areas: list[AreaInfo],
                     extra: Iterable[tuple[str, Any]] = ()) -> None:
    """Refill an area filter ("Tất cả khu dân cư" first, then ``extra``), keeping the choice,
    without signals."""
    refill_combo(combo, [("Tất cả khu dân cư", None), *extra,
                         *((a.name + ("" if a.active else " (thôi sử dụng)"), a.id)
                           for a in areas)])


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

    def set(self, key: str | None, descending: bool = False) -> None:
        """Sort by ``key`` (None: the service's order), with the arrow on its column."""
        self.key, self.descending = key, descending
        self.show_arrow()

    def show_arrow(self) -> None:
        """The header's arrow on the column the rows are sorted by (none when unsorted)."""
        header = self.view.horizontalHeader()
        keys = [c.sort_key for c in self.view.model().columns]
        if self.key is None or self.key not in keys:
            header.setSortIndicatorShown(False)
            return
        header.setSortIndicatorShown(True)
        header.setSortIndicator(keys.index(self.key), Qt.SortOrder.DescendingOrder
                                if self.descending else Qt.SortOrder.AscendingOrder)

    def from_header(self) -> None:
        """Take the order from the header's arrow (a restored header state), so that the rows
        are sorted the way the arrow says; an arrow on a column that cannot sort is put back
        where the rows' order is."""
        header = self.view.horizontalHeader()
        section = header.sortIndicatorSection()
        columns = self.view.model().columns
        if header.isSortIndicatorShown() and 0 <= section < len(columns):
            key = columns[section].sort_key
            if key is not None and self.key_for(key) is not None:
                self.key = key
                self.descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self.show_arrow()

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


HEADER_ROOM = 30  # the header's padding (style.qss: 6 px a side) and the sort arrow
CELL_ROOM = 12  # a cell's padding and a margin
MAX_AUTO_WIDTH = 380  # a column sized to its content is never wider (long text is cut, tooltip)
SIZED_ROWS = 100  # how many rows the first sizing reads


def header_text_width(header: QHeaderView, text: str) -> int:
    """The width the header's (bold, style.qss) font needs for ``text``."""
    font = header.font()
    font.setBold(True)
    return QFontMetrics(font).horizontalAdvance(text)


_deferring = 0  # > 0 while first_reads_on_show() is active


@contextmanager
def first_reads_on_show() -> Iterator[None]:
    """The ListTabs made inside read their data when first shown (or asked to by
    :meth:`ListTab.read_if_unread`), not in their constructor: the main window builds its tabs
    inside, so that starting the program reads only what the first tab shows
    (docs/PERFORMANCE.md, "Cold start"). A tab made outside reads at once, as before."""
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1


class ListTab(QWidget):
    """A work-area tab around one list, built from its area name (``AREA``).

    It makes the parts every list has and names them from the area: ``<area>Tab``,
    ``<area>Table``, ``<area>Search``, ``<area>Add``, ``<area>Count`` (the count label) and
    ``<area>Legend``. A subclass gives its columns (:meth:`columns`), its filters and buttons
    (:meth:`build`), the rows for the current filters (:meth:`query`, sorted here by the
    clicked column with :meth:`sort_keys`) or, for a list sorted in SQL, the ids
    (:meth:`load_ids`), the count text and what Enter opens (:meth:`open_selected`).

    It owns the behaviour: :meth:`refresh` reads the list again keeping the selection; a new
    search, filter or sort goes back to the top; Enter (main or keypad) and a double-click open
    the row; Down or Enter in the search box moves to the results; the columns size to their
    header and content on first show, then keep the officer's widths and sort (QSettings, like
    the window size), the restored arrow always matching the rows' order. ``saved`` carries the
    confirmation of a save for the main window's status bar ("Đã lưu hộ HK000123"). Ctrl+F
    goes to the search box, its text selected.

    Changes from other sessions (services/changes.py, docs/ARCHITECTURE.md §4): the main window
    calls :meth:`mark_stale`; the tab reads again at once when shown and no dialog is open
    (:meth:`reload_if_stale`, keeping the selection and the scroll), else when next shown. A
    row another account changed a moment ago is in italics, its tooltip naming who
    (``changed_by``, given the tab's :meth:`record_kind`)."""

    AREA = ""
    # the table its rows are (the audit trail's kinds: "household"…), or a function of the tab
    # for a list whose rows change kind; "" reads again after any change elsewhere
    RECORD_KIND: str | Callable[[ListTab], str] = ""
    COLUMNS: tuple[Column, ...] | list[Column] = ()  # or columns() for columns that change
    SORT_KEYS: Mapping[str, RowKey] = {}  # or sort_keys()
    countsChanged = Signal()
    saved = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        area = self.AREA
        self.setObjectName(f"{area}Tab")
        self.services = services
        self.rows: dict[int, Any] = {}
        self.search = SearchBox(objectName=f"{area}Search")
        self.count_label = QLabel(objectName=f"{area}Count")
        self.add_button = QPushButton(objectName=f"{area}Add")
        self.model = LazyRowsModel(self.columns(), self.fetch, self)
        self.model.row_style = self._row_style
        self.changed_by: Callable[[str, int], Any] | None = None  # (kind, id) → Touch or None
        self.stale = False  # changed elsewhere since it was read
        self._stale_wide = False  # …and what its filters offer may have changed too
        self.table = list_view(self.model, f"{area}Table")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sort = ClickSort(self.table, self.sort_keys(), self._sort_clicked)
        on_enter(self.table, self.open_selected)
        self._sized = False  # the columns were sized or restored
        self.unread = False  # made by first_reads_on_show(): nothing read yet
        self.search.searchChanged.connect(lambda _t: self.refresh_from_top())
        self.search.returnPressed.connect(self.focus_results)  # after the search ran
        self.search.installEventFilter(self)
        reload = QAction(self)
        reload.setShortcut(QKeySequence("F5"))
        reload.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reload.triggered.connect(lambda: self.reload())
        self.addAction(reload)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())

    # -- what a subclass gives ------------------------------------------------------------------
    def columns(self) -> list[Column]:
        return list(self.COLUMNS)

    def sort_keys(self) -> Mapping[str, RowKey] | Callable[[str], RowKey | None]:
        """A column's sort_key → the row's sort key (see ClickSort)."""
        return self.SORT_KEYS

    def query(self) -> list:
        """The rows for the current filters, in the service's order."""
        raise NotImplementedError

    def row_id(self, row) -> int:
        return row.id

    def count_text(self, rows: list) -> str:
        return f"{len(rows)}"

    def row_style(self, row, role: int):
        """A row's colours and tooltip (LazyRowsModel.row_style); a subclass may set a
        module function: ``row_style = staticmethod(_row_style)``."""
        return None

    def record_kind(self) -> str:
        kind = self.RECORD_KIND
        return kind(self) if callable(kind) else kind

    def open_selected(self) -> None:
        """Open the selected row (Enter, double-click)."""

    def update_buttons(self) -> None:
        """Enable the buttons for the selection."""

    def layout_key(self) -> str:
        """Where the header's widths and sort are kept in QSettings."""
        return f"{self.AREA}/header"

    # -- building -------------------------------------------------------------------------------
    def build(self, filters: Iterable[QWidget | tuple[QWidget, int]], buttons: Iterable[QWidget],
              *, above: Iterable[QWidget] = (), body: QWidget | None = None,
              legend: str = "", left: QWidget | None = None) -> None:
        """Lay the tab out: ``above`` (banners), the search and ``filters`` (a widget or a
        (widget, stretch) pair; a filter's change reloads from the top), ``buttons`` with the
        count at the right, the list (or a ``body`` holding it), the legend; ``left`` beside
        it all."""
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.search, 3)
        for item in filters:
            widget, stretch = item if isinstance(item, tuple) else (item, 1)
            filter_row.addWidget(widget, stretch)
            self.watch(widget)
        button_row = QHBoxLayout()
        for b in buttons:
            button_row.addWidget(b)
        button_row.addStretch(1)
        button_row.addWidget(self.count_label)
        main = QVBoxLayout()
        for w in above:
            main.addWidget(w)
        main.addLayout(filter_row)
        main.addLayout(button_row)
        main.addWidget(body or self.table, 1)
        self.legend = QLabel(legend, objectName=f"{self.AREA}Legend", wordWrap=True)
        self.legend.setStyleSheet("color: #555;")
        self.legend.setVisible(bool(legend))
        main.addWidget(self.legend)
        if left is None:
            self.setLayout(main)
            return
        outer = QHBoxLayout(self)
        outer.addWidget(left)
        outer.addLayout(main, 1)

    def watch(self, widget: QWidget) -> None:
        """A filter: its change reads the list again from the top."""
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i: self.refresh_from_top())
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(lambda _b: self.refresh_from_top())
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(lambda _v: self.refresh_from_top())

    def start(self) -> None:
        """At the end of the subclass's __init__: the saved layout, then the first read (under
        first_reads_on_show(): at the first show)."""
        self.restore_layout()
        self._find_shortcut()
        if _deferring:
            self.unread = True
            return
        self.reload_all()

    def focus_search(self) -> None:
        """Ctrl+F: the search box, its text selected to be typed over."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _find_shortcut(self) -> None:
        """Ctrl+F while the tab is shown (a hidden tab's shortcuts do not fire); a tab that
        binds Ctrl+F itself keeps its own (two would be ambiguous and neither would fire)."""
        keys = QKeySequence("Ctrl+F")
        if any(a.shortcut() == keys for a in self.findChildren(QAction)):
            return
        find = QAction(self, objectName=f"{self.AREA}Find")
        find.setShortcut(keys)
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        if not self.search.toolTip():
            self.search.setToolTip("Tìm kiếm (Ctrl+F)")

    def read_if_unread(self) -> bool:
        """The first read of a tab made by first_reads_on_show(), if it has not happened yet
        (before its filters are set from outside, or when it is first shown); True if it
        read now."""
        if not self.unread:
            return False
        self.unread = False
        self.reload_all()
        return True

    # -- data -----------------------------------------------------------------------------------
    def fetch(self, ids) -> dict[int, Any]:
        return {i: self.rows[i] for i in ids}

    def load_ids(self) -> list[int]:
        """The ids in display order for the current filters and sort; sets the count."""
        rows = self.query()
        self.sort.apply(rows)
        self.rows = {self.row_id(r): r for r in rows}
        self.count_label.setText(self.count_text(rows))
        return list(self.rows)

    def reload(self, select_id: int | None = None) -> None:
        """Re-read what the filters offer (areas, teams, years) and the list; the tabs whose
        filters hold such things override it. Here: the list."""
        self.refresh(select_id)

    def reload_all(self) -> None:
        """After the unit's areas, teams or people changed elsewhere: everything again."""
        self.reload()

    def refresh(self, select_id: int | None = None, *, to_top: bool = False) -> None:
        """Read the list again for the current filters, keeping the selected row (or selecting
        ``select_id``) where it still shows; ``to_top``: a new search, filter or sort, shown
        from its first row with nothing selected."""
        keep = None if to_top else (select_id if select_id is not None else self.selected_id())
        self.model.set_ids(self.load_ids())
        self.stale = self._stale_wide  # the rows are fresh now (the filters' choices maybe not)
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.scrollToTop()
        self.update_buttons()

    # -- changes from other sessions -------------------------------------------------------------
    def mark_stale(self, wide: bool = False) -> None:
        """Another session saved something this list shows (a tab never read stays unread);
        ``wide``: also what its filters offer (areas, teams): everything is read again."""
        if not self.unread:
            self.stale = True
            self._stale_wide = self._stale_wide or wide

    def reload_if_stale(self) -> bool:
        """Read a stale list again, keeping the selection and the scroll, unless a dialog is
        open (never under the officer's open edit: the next try is the next poll or show);
        True if it read now."""
        if not self.stale or self.unread or QApplication.activeModalWidget() is not None:
            return False
        wide, self.stale, self._stale_wide = self._stale_wide, False, False
        bars = (self.table.verticalScrollBar(), self.table.horizontalScrollBar())
        kept = [bar.value() for bar in bars]
        if wide:
            self.reload_all()
        else:  # the rows (and, where a tab's reload reads them, its counts): F5
            self.reload()
        self.table.doItemsLayout()  # the scroll range of the new rows, before it is restored
        for bar, value in zip(bars, kept):
            bar.setValue(value)
        return True

    def _row_style(self, row, role: int):
        """The subclass's style, and the mark of a row another account changed a moment ago:
        italics, and who changed it at the end of the tooltip."""
        style = self.row_style(row, role)
        if self.changed_by is None or role not in (Qt.ItemDataRole.FontRole,
                                                   Qt.ItemDataRole.ToolTipRole):
            return style
        try:
            row_id = self.row_id(row)
        except AttributeError:  # a row of another shape (a voided view's): no mark
            return style
        touch = self.changed_by(self.record_kind(), row_id)
        if touch is None:
            return style
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(style) if isinstance(style, QFont) else QFont(self.table.font())
            font.setItalic(True)
            return font
        from ...services.versions import local_time

        line = f"✎ {touch.actor} vừa sửa lúc {local_time(touch.at):%H:%M}"
        return f"{style}\n{line}" if style else line

    def refresh_from_top(self) -> None:
        self.refresh(to_top=True)

    def _sort_clicked(self) -> None:
        self.refresh_from_top()

    @property
    def sort_key(self) -> str | None:
        return self.sort.key

    @sort_key.setter
    def sort_key(self, key: str | None) -> None:
        self.sort.set(key, self.sort.descending)

    @property
    def descending(self) -> bool:
        return self.sort.descending

    @descending.setter
    def descending(self, value: bool) -> None:
        self.sort.set(self.sort.key, value)

    def selected_id(self) -> int | None:
        return selected_id(self.table)

    def announce(self, text: str) -> None:
        """Confirm a save in the main window's status bar."""
        self.saved.emit(text)

    # -- keyboard -------------------------------------------------------------------------------
    def focus_results(self) -> None:
        """From the search box to the list, on its first row when none is chosen."""
        if self.model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.selected_id() is None:
            self.table.selectRow(0)
            self.table.scrollToTop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down:
            self.search.flush()
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    # -- column widths and sort kept --------------------------------------------------------------
    def _columns_signature(self) -> str:
        return "|".join(str(c.sort_key) for c in self.model.columns)

    def restore_layout(self) -> bool:
        """The officer's widths and sort of this list as saved, the rows sorted as the arrow
        shows; False when nothing fits (then the columns size on first show)."""
        settings = QSettings()
        state = settings.value(self.layout_key())
        header = self.table.horizontalHeader()
        if state is None or settings.value(self.layout_key() + "Columns") != \
                self._columns_signature() or not header.restoreState(state):
            self._sized = False
            self.sort.show_arrow()
            return False
        # widths saved before the list was ever shown are no one's choice: sized on show
        self._sized = settings.value(self.layout_key() + "Sized", False, type=bool)
        self.sort.from_header()
        return True

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue(self.layout_key(), self.table.horizontalHeader().saveState())
        settings.setValue(self.layout_key() + "Columns", self._columns_signature())
        settings.setValue(self.layout_key() + "Sized", self._sized)

    def size_columns(self) -> None:
        """Each column as wide as its header and (up to a limit) its first rows' text; when
        that is wider than the list, the text's share shrinks (never below the header) so
        that the columns fit where they can."""
        header = self.table.horizontalHeader()
        cells = self.table.fontMetrics()
        rows = [self.model.item(r) for r in range(min(self.model.rowCount(), SIZED_ROWS))]
        rows = [r for r in rows if r is not None]
        sized: dict[int, tuple[int, int]] = {}  # column → (header's need, content's wish)
        fixed = 0  # the stretched columns' least width
        for i, col in enumerate(self.model.columns):
            needed = header_text_width(header, col.title) + HEADER_ROOM
            if header.sectionResizeMode(i) != QHeaderView.ResizeMode.Interactive:
                header.setMinimumSectionSize(min(needed, header.minimumSectionSize()))
                fixed += needed
                continue
            if rows:
                content = max(cells.horizontalAdvance(col.value(r)) for r in rows) + CELL_ROOM
            else:
                content = col.width
            sized[i] = (needed, max(needed, min(content, MAX_AUTO_WIDTH)))
        room = self.table.viewport().width() - fixed
        wish = sum(w for _, w in sized.values())
        least = sum(n for n, _ in sized.values())
        share = 1.0 if wish <= room or wish == least else max(0.0, (room - least) / (wish - least))
        for i, (needed, wanted) in sized.items():
            self.table.setColumnWidth(i, needed + int((wanted - needed) * share))
        self._sized = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.reload_if_stale() and self.read_if_unread():
            # before the first paint, laid out for what was read (banners, counts, wrapped
            # titles), innermost first: the tab shows its data at once, not a frame of the
            # empty layout first
            for widget in [*reversed(self.findChildren(QWidget)), self]:
                if widget.layout() is not None:
                    widget.layout().activate()
        if not self._sized:
            self.size_columns()
