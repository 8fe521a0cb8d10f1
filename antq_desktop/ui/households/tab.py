"""The households tab: a lazy list of 100,000 households, search, filters and sign-up counts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.certification_rules import percent
from ...services.households import HouseholdRow, HouseholdService, Status
from ...services.unit import UnitService
from ..widgets import messages
from ..widgets.fields import SearchBox, format_date
from ..widgets.lazy_model import Column, LazyRowsModel
from ..widgets.lists import fill_area_filter, list_view
from .actions import MoveAwayDialog, SignupDialog
from .dialog import HouseholdDialog

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def _columns() -> list[Column]:
    return [
        Column("Số hộ", "code", lambda r: r.code, width=90),
        Column("Chủ hộ", "head", lambda r: r.head_name, width=190),
        Column("Địa chỉ", "address", lambda r: r.address, width=260),
        Column("Khu dân cư", "area", lambda r: r.area_name, width=150),
        Column("Nhân khẩu", "members", lambda r: str(r.member_count), RIGHT, width=80),
        Column("Cư trú", "residence", lambda r: r.residence_kind.label, width=90),
        Column("Đăng ký", "signup",
               lambda r: format_date(r.signed_on) if r.signed_on else "Chưa", CENTER, width=115),
    ]


def _row_style(row: HouseholdRow, role: int):
    if row.moved_out_on is None:
        return None
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor("#888888"))
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"Hộ đã chuyển đi ngày {format_date(row.moved_out_on)}"
    return None


class HouseholdsTab(QWidget):
    countsChanged = Signal()

    def __init__(self, households: HouseholdService, units: UnitService,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdsTab")
        self.service = households
        self.units = units
        self.sort_key, self.descending = "code", False

        self.search = SearchBox(objectName="householdsSearch")
        self.search.setPlaceholderText(
            "Tìm theo họ tên (có dấu hoặc không dấu), số định danh, điện thoại, địa chỉ…  (Ctrl+F)")
        self.area = QComboBox(objectName="householdsArea")
        self.status = QComboBox(objectName="householdsStatus")
        for text, value in (("Đang cư trú", Status.ACTIVE), ("Đã chuyển đi", Status.MOVED),
                            ("Tất cả", Status.ALL)):
            self.status.addItem(text, value)
        self.year = QSpinBox(objectName="householdsYear", minimum=2000, maximum=2100)
        self.year.setValue(date.today().year)
        self.year.setPrefix("Năm ")
        self.year.setToolTip("Năm đăng ký xây dựng khu dân cư “An toàn về ANTT”")
        self.count_label = QLabel(objectName="householdsCount")

        self.add_button = QPushButton("&Thêm hộ", objectName="householdsAdd")
        self.add_button.setToolTip("Thêm hộ gia đình (Ctrl+N)")
        self.edit_button = QPushButton("&Sửa", objectName="householdsEdit")
        self.move_button = QPushButton("Chuyển đi…", objectName="householdsMove")
        self.signup_button = QPushButton("Đăng ký năm…", objectName="householdsSignup")
        self.signup_button.setToolTip("Ghi đăng ký xây dựng KDC an toàn cho các hộ đang chọn")
        self.signup_area_button = QPushButton("Đăng ký cả khu…", objectName="householdsSignupArea")
        self.signup_area_button.setToolTip("Ghi đăng ký cho mọi hộ chưa đăng ký của một khu")

        self.model = LazyRowsModel(_columns(), self._fetch, self)
        self.model.row_style = _row_style
        self.table = list_view(self.model, "householdsTable")
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the address takes the rest
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        hh.sectionClicked.connect(self._header_clicked)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.summary = QTableWidget(0, 3, objectName="householdsSignupSummary")
        self.summary.setHorizontalHeaderLabels(["Khu dân cư", "Đã đăng ký", "Tỷ lệ"])
        self.summary.verticalHeader().setVisible(False)
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.setWordWrap(False)
        self.summary.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        sh = self.summary.horizontalHeader()
        sh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        sh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        sh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.summary_title = QLabel(objectName="householdsSignupTitle", wordWrap=True)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.area, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.year)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.move_button, self.signup_button,
                  self.signup_area_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.summary_title)
        side_layout.addWidget(self.summary)
        self.splitter = QSplitter(objectName="householdsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([920, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

        self._shortcut("Ctrl+N", self.add_household, window_wide=True)
        self._shortcut("Ctrl+F", self._focus_search, window_wide=True)
        self._shortcut("Return", self.edit_selected, self.table)
        self._shortcut("F5", self.reload)

        self.search.searchChanged.connect(lambda _t: self.reload())
        self.area.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.year.valueChanged.connect(lambda _v: self.reload(with_summary=True))
        self.add_button.clicked.connect(self.add_household)
        self.edit_button.clicked.connect(self.edit_selected)
        self.move_button.clicked.connect(self.move_selected)
        self.signup_button.clicked.connect(self.signup_selected)
        self.signup_area_button.clicked.connect(self.signup_area)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.reload_areas()

    def _shortcut(self, keys: str, slot, widget: QWidget | None = None,
                  window_wide: bool = False) -> None:
        action = QAction(widget or self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut if window_wide
                                  else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        (widget or self).addAction(action)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- data -----------------------------------------------------------------------------------
    def _fetch(self, ids):
        return self.service.rows(ids, self.year.value())

    def reload_areas(self) -> None:
        """Refill the area filter (after the unit's areas changed) and reload everything."""
        self.areas = self.units.areas(include_retired=True)
        fill_area_filter(self.area, self.areas)
        self.reload(with_summary=True)

    def reload(self, with_summary: bool = False, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        ids = self.service.query_ids(
            self.search.text(), self.area.currentData(), self.status.currentData(),
            self.sort_key, self.descending, self.year.value())
        self.model.columns[-1] = Column(
            f"Đăng ký {self.year.value()}", "signup", self.model.columns[-1].value, CENTER, 115)
        self.model.set_ids(ids)
        self.count_label.setText(f"{len(ids):,} hộ".replace(",", "."))
        if keep is not None:
            row = self.model.row_of(keep)
            if row >= 0:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        if with_summary:
            self.reload_summary()
        self._update_buttons()

    def reload_summary(self) -> None:
        year = self.year.value()
        rows = self.service.signup_summary(year)
        signed = sum(r.signed for r in rows)
        total = sum(r.total for r in rows)
        self.summary_title.setText(
            f"<b>Đăng ký xây dựng KDC “An toàn về ANTT” năm {year}</b><br>"
            f"Toàn phường: {signed:,}/{total:,} hộ".replace(",", "."))
        self.summary.setRowCount(len(rows))
        for i, r in enumerate(rows):
            ratio = percent(r.signed, r.total) if r.total else "—"
            for col, text in enumerate((r.area_name, f"{r.signed}/{r.total}", ratio)):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(RIGHT)
                if col == 2 and r.total and r.signed < r.total:
                    item.setForeground(QBrush(QColor("#b00020")))
                self.summary.setItem(i, col, item)

    def _header_clicked(self, section: int) -> None:
        key = self.model.columns[section].sort_key
        if key is None:
            return
        self.descending = (not self.descending) if key == self.sort_key else False
        self.sort_key = key
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder)
        self.reload()

    # -- selection and actions -----------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return [self.model.id_at(i.row()) for i in self.table.selectionModel().selectedRows()]

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if self.table.selectionModel() is None or not index.isValid():
            return None
        if not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.id_at(index.row())

    def _update_buttons(self) -> None:
        chosen = self.selected_ids()
        self.edit_button.setEnabled(len(chosen) == 1)
        self.move_button.setEnabled(len(chosen) == 1)
        self.signup_button.setEnabled(bool(chosen))
        self.add_button.setEnabled(any(a.active for a in self.areas))
        self.signup_area_button.setEnabled(self.add_button.isEnabled())
        self.add_button.setToolTip("Thêm hộ gia đình (Ctrl+N)" if self.add_button.isEnabled()
                                   else "Hãy thêm khu dân cư trong Tệp → Thông tin đơn vị trước")

    def _context_menu(self, pos) -> None:
        chosen = self.selected_ids()
        if not chosen:
            return
        year = self.year.value()
        menu = QMenu(self)
        menu.addAction("Sửa…", self.edit_selected).setEnabled(len(chosen) == 1)
        menu.addAction("Chuyển đi…", self.move_selected).setEnabled(len(chosen) == 1)
        menu.addSeparator()
        menu.addAction(f"Đăng ký năm {year}…", self.signup_selected)
        menu.addAction(f"Hủy đăng ký năm {year}…", self.cancel_signup_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def cancel_signup_selected(self) -> None:
        ids = self.selected_ids()
        year = self.year.value()
        if not ids or not messages.confirm(
                self, f"Hủy đăng ký năm {year} của {len(ids)} hộ đang chọn? Chỉ dùng khi đã ghi "
                      "nhầm."):
            return
        n = self.service.cancel_sign_up(ids, year)
        self._changed()
        self.window().statusBar().showMessage(f"Đã hủy đăng ký năm {year} của {n} hộ.", 5000)

    def _changed(self, select_id: int | None = None) -> None:
        self.reload(with_summary=True, select_id=select_id)
        self.countsChanged.emit()

    def open_dialog(self, household_id: int | None = None) -> HouseholdDialog:
        """Build (not run) the add/edit dialog; the caller runs it."""
        data = self.service.get(household_id) if household_id is not None else None
        return HouseholdDialog(self.service, self.areas, data, self)

    def add_household(self) -> None:
        if not self.add_button.isEnabled():
            messages.info(self, "Chưa có khu dân cư. Hãy thêm khu dân cư trong "
                                "Tệp → Thông tin đơn vị và khu dân cư.")
            return
        dialog = self.open_dialog()
        if dialog.exec() and dialog.saved_id is not None:
            self._changed(dialog.saved_id)

    def edit_selected(self) -> None:
        hid = self.selected_id()
        if hid is None:
            return
        dialog = self.open_dialog(hid)
        if dialog.exec() and dialog.saved_id is not None:
            self._changed(dialog.saved_id)

    def move_selected(self) -> None:
        hid = self.selected_id()
        if hid is None:
            return
        row = self.model.item(self.model.row_of(hid))
        if row.moved_out_on is not None:
            messages.info(self, f"Hộ {row.code} đã chuyển đi ngày {format_date(row.moved_out_on)}.")
            return
        dialog = MoveAwayDialog(f"hộ {row.code} (chủ hộ {row.head_name})",
                                lambda on, reason: self.service.move_away(hid, on, reason), self)
        if dialog.exec():
            self._changed()

    def _future_year(self, year: int) -> bool:
        """A sign-up is dated in its own year and not after today: a later year cannot be
        signed yet, which is said instead of opening a dialog whose every date is refused."""
        if year <= date.today().year:
            return False
        messages.error(self, f"Chưa đến năm {year}: chưa ghi được đăng ký của năm này (ngày "
                             "đăng ký phải thuộc năm đăng ký và không sau hôm nay).")
        return True

    def signup_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        year = self.year.value()
        if self._future_year(year):
            return
        dialog = SignupDialog(year, f"Ghi đăng ký cho {len(ids)} hộ đang chọn.",
                              lambda on, _area: self.service.sign_up(ids, year, on), parent=self)
        if dialog.exec():
            self._changed()

    def signup_area(self) -> None:
        active = [a for a in self.areas if a.active]
        if not active:
            return
        year = self.year.value()
        if self._future_year(year):
            return
        dialog = SignupDialog(year, "Ghi đăng ký cho mọi hộ đang cư trú trong khu chưa đăng ký "
                                    f"năm {year}. Hộ đã đăng ký giữ nguyên ngày cũ.",
                              lambda on, area_id: self.service.sign_up_area(area_id, year, on),
                              active, self)
        current = self.area.currentData()
        if current is not None and dialog.area is not None:
            dialog.area.setCurrentIndex(max(0, dialog.area.findData(current)))
        if not dialog.exec():
            return
        self._changed()
        messages.info(self, f"Đã ghi đăng ký cho {dialog.result_value} hộ của "
                            f"{dialog.area.currentText()}.")
