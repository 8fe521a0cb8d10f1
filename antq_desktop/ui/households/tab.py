"""The households tab: a lazy list of 100,000 households, search, filters and sign-up counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from ...services.households import HouseholdRow, Status
from ...numbers import grouped
from ..permissions import opener
from ..widgets import messages
from ..widgets.fields import format_date
from ..widgets.lazy_model import Column
from ..widgets.lifetime import modal, run_modal
from ..widgets.lists import ListTab, fill_area_filter
from .actions import MoveAwayDialog, SignupDialog
from .dialog import HouseholdDialog

if TYPE_CHECKING:
    from ..app import Services

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def _columns(year: int) -> list[Column]:
    return [
        Column("Số hộ", "code", lambda r: r.code, width=90),
        Column("Chủ hộ", "head", lambda r: r.head_name, width=190),
        Column("Địa chỉ", "address", lambda r: r.address, width=260),
        Column("Khu dân cư", "area", lambda r: r.area_name, width=150),
        Column("Nhân khẩu", "members", lambda r: str(r.member_count), RIGHT, width=80),
        Column("Cư trú", "residence", lambda r: r.residence_kind.label, width=90),
        Column(f"Đăng ký {year}", "signup",
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


class HouseholdsTab(ListTab):
    """The households list, sorted in SQL over a lazy model (100,000 rows cost a list of ids);
    the rest is the shared ListTab."""

    AREA = "households"

    def __init__(self, services: Services, parent: QWidget | None = None):
        self.service = services.households
        self.units = services.units
        self.matches: dict[int, str] = {}  # household id → the member the search found
        self.year = QSpinBox(objectName="householdsYear", minimum=2000, maximum=2100)
        self.year.setValue(date.today().year)
        super().__init__(services, parent)
        self.sort.set("code")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.search.setPlaceholderText(
            "Tìm theo họ tên (có dấu hoặc không dấu), số định danh, điện thoại, địa chỉ…  (Ctrl+F)")
        self.area = QComboBox(objectName="householdsArea")
        self.status = QComboBox(objectName="householdsStatus")
        for text, value in (("Đang cư trú", Status.ACTIVE), ("Đã chuyển đi", Status.MOVED),
                            ("Tất cả", Status.ALL)):
            self.status.addItem(text, value)
        self.year.setPrefix("Năm ")
        self.year.setToolTip("Năm đăng ký xây dựng khu dân cư “An toàn về ANTT”")

        self.add_button.setText("&Thêm hộ")
        self.add_button.setToolTip("Thêm hộ gia đình (Ctrl+N)")
        self.edit_button = QPushButton("&Sửa", objectName="householdsEdit")
        # an account that may not write reads the household: "Xem", the dialog read-only
        self.view_only = opener(self.edit_button, self.service.db, "&Xem")
        self.move_button = QPushButton("Chuyển đi…", objectName="householdsMove")
        self.signup_button = QPushButton("Đăng ký năm…", objectName="householdsSignup")
        self.signup_button.setToolTip("Ghi đăng ký xây dựng KDC an toàn cho các hộ đang chọn")
        self.signup_area_button = QPushButton("Đăng ký cả khu…", objectName="householdsSignupArea")
        self.signup_area_button.setToolTip("Ghi đăng ký cho mọi hộ chưa đăng ký của một khu")

        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the address takes the rest
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
        self.build([(self.area, 1), (self.status, 0)],
                   [self.add_button, self.edit_button, self.move_button, self.signup_button,
                    self.signup_area_button],
                   body=self.splitter,
                   legend="Chữ xám: hộ đã chuyển đi · khi tìm thấy một nhân khẩu không phải chủ "
                          "hộ, tên người đó hiện sau tên chủ hộ.")
        self.layout().itemAt(0).layout().addWidget(self.year)

        self._shortcut("Ctrl+N", self.add_household, window_wide=True)
        self._shortcut("Ctrl+F", self._focus_search, window_wide=True)

        self.year.valueChanged.connect(lambda _v: self.reload(with_summary=True))
        self.add_button.clicked.connect(self.add_household)
        self.edit_button.clicked.connect(self.edit_selected)
        self.move_button.clicked.connect(self.move_selected)
        self.signup_button.clicked.connect(self.signup_selected)
        self.signup_area_button.clicked.connect(self.signup_area)

        self.start()

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
    def columns(self) -> list[Column]:
        columns = _columns(self.year.value())
        columns[1] = replace(columns[1], value=self.head_text)
        return columns

    def sort_keys(self):
        return lambda key: key  # every column's key is one the SQL knows

    def fetch(self, ids):
        rows = self.service.rows(ids, self.year.value())
        search = self.search.text()
        if search.strip():
            self.matches.update(self.service.matching_members(list(rows), search))
        return rows

    def load_ids(self) -> list[int]:
        """The households' ids in the SQL order of the clicked column (the one override)."""
        ids = self.service.query_ids(
            self.search.text(), self.area.currentData(), self.status.currentData(),
            self.sort.key or "code", self.sort.descending, self.year.value())
        self.matches = {}
        self.count_label.setText(f"{grouped(len(ids))} hộ")
        return ids

    def row_style(self, row: HouseholdRow, role: int):
        member = self.matches.get(row.id)
        if member and role == Qt.ItemDataRole.ToolTipRole:
            return f"Tìm thấy nhân khẩu {member} trong hộ {row.code} (chủ hộ {row.head_name})"
        return _row_style(row, role)

    def head_text(self, row: HouseholdRow) -> str:
        member = self.matches.get(row.id)
        return f"{row.head_name} (tìm thấy: {member})" if member else row.head_name

    def reload_all(self) -> None:
        self.reload_areas()

    def reload_areas(self) -> None:
        """Refill the area filter (after the unit's areas changed) and reload everything."""
        self.areas = self.units.areas(include_retired=True)
        fill_area_filter(self.area, self.areas)
        self.reload(with_summary=True)

    def reload_if_stale(self) -> bool:
        """Another session's save read again (ListTab), the sign-up summary beside the list
        too: its figures move with every household and sign-up saved elsewhere (a wide change
        reads everything, the summary included)."""
        wide = self._stale_wide
        if not super().reload_if_stale():
            return False
        if not wide:
            self.reload_summary()
        return True

    def reload(self, with_summary: bool = False, select_id: int | None = None) -> None:
        self.model.columns[-1] = replace(self.model.columns[-1],
                                         title=f"Đăng ký {self.year.value()}")
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          len(self.model.columns) - 1)
        self.refresh(select_id)
        if with_summary:
            self.reload_summary()

    def status_text(self) -> str:
        """The households' part of the main window's status bar."""
        counts = self.service.counts()
        return f"{grouped(counts.households)} hộ · {grouped(counts.residents)} nhân khẩu"

    def reload_summary(self) -> None:
        year = self.year.value()
        rows = self.service.signup_summary(year)
        signed = sum(r.signed for r in rows)
        total = sum(r.total for r in rows)
        from ..permissions import PADLOCK, period_lock  # a signed-off year (issue 15)

        self.signup_lock = period_lock(self.service.db, "signups", year)
        self.summary_title.setText(
            f"<b>Đăng ký xây dựng KDC “An toàn về ANTT” năm {year}</b>"
            + (f" {PADLOCK} đã khóa sổ" if self.signup_lock else "") + "<br>"
            f"Toàn phường: {grouped(signed)}/{grouped(total)} hộ")
        self.summary_title.setToolTip(self.signup_lock or "")
        self.update_buttons()
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

    def update_buttons(self) -> None:
        chosen = self.selected_ids()
        self.edit_button.setEnabled(len(chosen) == 1)
        self.move_button.setEnabled(len(chosen) == 1)
        self.signup_button.setEnabled(bool(chosen))
        self.add_button.setEnabled(any(a.active for a in self.areas))
        self.signup_area_button.setEnabled(self.add_button.isEnabled())
        from ..permissions import mark_locked

        mark_locked((self.signup_button, self.signup_area_button),
                    getattr(self, "signup_lock", None))
        self.add_button.setToolTip("Thêm hộ gia đình (Ctrl+N)" if self.add_button.isEnabled()
                                   else "Hãy thêm khu dân cư trong Tệp → Thông tin đơn vị trước")

    def _context_menu(self, pos) -> None:
        chosen = self.selected_ids()
        if not chosen:
            return
        year = self.year.value()
        menu = QMenu(self)
        menu.addAction("Xem…" if self.view_only else "Sửa…",
                       self.edit_selected).setEnabled(len(chosen) == 1)
        move = menu.addAction("Chuyển đi…", self.move_selected)
        move.setEnabled(len(chosen) == 1 and not self.view_only)  # the buttons' rights
        menu.addSeparator()
        locked = getattr(self, "signup_lock", None)  # a signed-off year: both off
        for text, slot in ((f"Đăng ký năm {year}…", self.signup_selected),
                           (f"Hủy đăng ký năm {year}…", self.cancel_signup_selected)):
            action = menu.addAction(text, slot)
            action.setEnabled(not locked and not self.view_only)
            if locked:
                from ..permissions import padlock_icon

                action.setIcon(padlock_icon())
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

    def _saved(self, household_id: int) -> None:
        self._changed(household_id)
        row = self.model.row_of(household_id)
        item = self.model.item(row) if row >= 0 else None
        code = item.code if item is not None else self.service.get(household_id).code
        self.announce(f"Đã lưu hộ {code}.")

    def open_selected(self) -> None:
        self.edit_selected()

    def open_dialog(self, household_id: int | None = None) -> HouseholdDialog:
        """Build (not run) the add/edit dialog; the caller runs it."""
        self.read_if_unread()  # the areas it offers
        data = self.service.get(household_id) if household_id is not None else None
        return HouseholdDialog(self.service, self.areas, data, self, year=self.year.value())

    def add_household(self) -> None:
        if not self.add_button.isEnabled():
            messages.info(self, "Chưa có khu dân cư. Hãy thêm khu dân cư trong "
                                "Tệp → Thông tin đơn vị và khu dân cư.")
            return
        dialog = self.open_dialog()
        with modal(dialog):
            saved_id = dialog.saved_id  # also after Ctrl+S then Esc: it was saved
        if saved_id is not None:
            self._saved(saved_id)

    def edit_selected(self) -> None:
        hid = self.selected_id()
        if hid is None:
            return
        dialog = self.open_dialog(hid)
        with modal(dialog):
            saved_id = dialog.saved_id  # also after Ctrl+S then Esc: it was saved
        if saved_id is not None:
            self._saved(saved_id)

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
        if run_modal(dialog):
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
        if run_modal(dialog):
            self._changed()

    def signup_area(self) -> None:
        self.read_if_unread()
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
        with modal(dialog) as accepted:
            done = accepted and (f"Đã ghi đăng ký cho {dialog.result_value} hộ của "
                                 f"{dialog.area.currentText()}.")
        if not done:
            return
        self._changed()
        messages.info(self, done)
