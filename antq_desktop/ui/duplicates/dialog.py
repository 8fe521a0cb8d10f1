"""Tệp → Tìm người trùng…: scored pairs of probable duplicates in the ward or one area, the
hand-typed people of rehabilitation and mediation records who are probably in the register,
and the merges done (with "Hoàn tác gộp")."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...services.duplicates import (
    DuplicatePair,
    DuplicateService,
    LinkCandidate,
    MergeRow,
)
from ...services.unit import AreaInfo
from ...validation import FieldError
from ..widgets import messages
from ..widgets.dialogs import RememberedDialog, error_label
from ..widgets.fields import format_date
from ..widgets.worker import Worker
from .merge_dialog import MergeDialog


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], widths: list[int],
          tips: list[list[str]] | None = None) -> None:
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tips[i][j] if tips else text)
            table.setItem(i, j, item)
    for j, width in enumerate(widths):
        table.setColumnWidth(j, width)


def _button(text: str, name: str, slot) -> QPushButton:
    button = QPushButton(text, objectName=name)
    button.clicked.connect(slot)
    return button


class DuplicatesDialog(RememberedDialog):
    """``changed`` is emitted after a merge, an undo or a link: lists and counts must reload."""

    guard_edits = False  # a list to look through: its filters are no input to lose

    changed = Signal()
    scanned = Signal()

    def __init__(self, service: DuplicateService, areas: list[AreaInfo],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle("Tìm người trùng")
        self.service = service
        self.pairs: list[DuplicatePair] = []
        self.candidates: list[LinkCandidate] = []
        self.merge_rows: list[MergeRow] = []
        self._worker: Worker | None = None

        self.area = QComboBox(objectName="duplicatesArea")
        self.area.addItem("Toàn phường", None)
        for a in areas:
            self.area.addItem(a.name, a.id)
        self.scan_button = _button("&Tìm", "duplicatesScan", self.scan)
        self.status = QLabel(objectName="duplicatesStatus")
        top = QHBoxLayout()
        top.addWidget(QLabel("Phạm vi:"))
        top.addWidget(self.area)
        top.addWidget(self.scan_button)
        top.addWidget(self.status, 1)

        # -- pairs of residents --------------------------------------------------------------
        self.pair_table = _table(["Điểm", "Người thứ nhất", "Người thứ hai", "Lý do"],
                                 "duplicatesPairs")
        self.pair_table.doubleClicked.connect(lambda _i: self.merge_selected())
        self.merge_button = _button("&Gộp…", "duplicatesMerge", self.merge_selected)
        self.distinct_button = _button("&Không trùng", "duplicatesNotDuplicate",
                                       self.not_duplicate_selected)
        pairs_page = self._page(
            "Hai hồ sơ có thể là một người. “Không trùng”: cặp này không hiện lại nữa.",
            self.pair_table, self.merge_button, self.distinct_button)

        # -- hand-typed people -----------------------------------------------------------------
        self.typed_table = _table(["Điểm", "Người nhập tay", "Hồ sơ", "Người trong sổ hộ khẩu",
                                   "Lý do"], "duplicatesHandTyped")
        self.link_button = _button("&Liên kết với sổ hộ khẩu", "duplicatesLink",
                                   self.link_selected)
        self.not_link_button = _button("Không phải người này", "duplicatesNotLink",
                                       self.not_link_selected)
        typed_page = self._page(
            "Người nhập tay trong hồ sơ quản lý, giúp đỡ và vụ việc hòa giải, có thể là người "
            "đã có trong sổ hộ khẩu.", self.typed_table, self.link_button, self.not_link_button)

        # -- merges done -----------------------------------------------------------------------
        self.merge_table = _table(["Ngày gộp", "Hồ sơ giữ lại", "Hồ sơ đã gộp", "Tình trạng"],
                                  "duplicatesMerges")
        self.undo_button = _button("&Hoàn tác gộp", "duplicatesUndo", self.undo_selected)
        merges_page = self._page("Các lần gộp: hoàn tác để trả lại cả hai hồ sơ như trước khi "
                                 "gộp.", self.merge_table, self.undo_button)

        self.tabs = QTabWidget(objectName="duplicatesTabs")
        self.tabs.addTab(pairs_page, "Người có thể trùng")
        self.tabs.addTab(typed_page, "Người nhập tay")
        self.tabs.addTab(merges_page, "Đã gộp")
        self.error = error_label("duplicatesError", bold=True)
        close = _button("Đóng", "duplicatesClose", self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.remember_size("duplicatesDialog", 1300, 640)  # fits a 1366×768 screen
        self.load_merges()

    @staticmethod
    def _page(intro: str, table: QTableWidget, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(QLabel(intro, wordWrap=True))
        v.addWidget(table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        for b in buttons:
            row.addWidget(b)
        v.addLayout(row)
        return page

    # -- the scan (a worker: ~2 s at 100,000 households) ----------------------------------------
    def scan(self) -> None:
        area_id = self.area.currentData()
        self.scan_button.setEnabled(False)
        self.status.setText("Đang tìm…")
        self._progress = QProgressDialog("Đang tìm người trùng…", "", 0, 0, self)
        self._progress.setWindowTitle("Tìm người trùng")
        self._progress.setCancelButton(None)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)

        def work(_report):
            return self.service.scan(area_id), self.service.hand_typed(area_id)

        self._worker = Worker(work)
        self._worker.signals.finished.connect(self._scanned)
        self._worker.signals.failed.connect(self._scan_failed)
        self._worker.start()

    def _scan_failed(self, _exc) -> None:
        self._progress.close()
        self.scan_button.setEnabled(True)
        self.status.setText("")
        self.error.setText("Không tìm được: lỗi khi đọc cơ sở dữ liệu.")

    def _scanned(self, result) -> None:
        self._progress.close()
        self.scan_button.setEnabled(True)
        self.pairs, self.candidates = result
        self._show_pairs()
        self._show_candidates()
        self.status.setText(f"{len(self.pairs)} cặp có thể trùng, {len(self.candidates)} người "
                            "nhập tay có thể đã có trong sổ.")
        self.scanned.emit()

    def _show_pairs(self) -> None:
        _fill(self.pair_table, [[str(p.score), p.a.short, p.b.short, p.reason_text]
                                for p in self.pairs], [50, 480, 480],
              [["", p.a.label, p.b.label, p.reason_text] for p in self.pairs])
        if self.pairs:
            self.pair_table.selectRow(0)

    def _show_candidates(self) -> None:
        _fill(self.typed_table, [[str(c.match.score), c.name, c.detail, c.match.person.short,
                                  c.match.reason_text] for c in self.candidates],
              [50, 150, 290, 380],
              [["", c.name, c.detail, c.match.person.label, c.match.reason_text]
               for c in self.candidates])
        if self.candidates:
            self.typed_table.selectRow(0)

    def load_merges(self) -> None:
        self.merge_rows = self.service.merges()
        _fill(self.merge_table, [[format_date(m.merged_on), m.survivor, m.merged,
                                  f"Đã hoàn tác {format_date(m.undone_on)}" if m.undone_on
                                  else "Đã gộp"] for m in self.merge_rows], [100, 260, 260])

    @staticmethod
    def _row(table: QTableWidget, items: list):
        rows = table.selectionModel().selectedRows()
        return items[rows[0].row()] if rows and rows[0].row() < len(items) else None

    # -- actions --------------------------------------------------------------------------------
    def _run(self, action) -> bool:
        try:
            action()
        except FieldError as err:
            self.error.setText(str(err))
            return False
        self.error.setText("")
        return True

    def merge_selected(self) -> MergeDialog | None:
        pair = self._row(self.pair_table, self.pairs)
        if pair is None:
            return None
        dialog = self.merge_dialog(pair)
        if dialog is not None and dialog.exec():
            self.after_merge(pair)
        return dialog

    def merge_dialog(self, pair: DuplicatePair) -> MergeDialog | None:
        try:
            return MergeDialog(self.service, pair.a.id, pair.b.id, self)
        except FieldError as err:
            self.error.setText(str(err))
            return None

    def after_merge(self, pair: DuplicatePair) -> None:
        gone = {pair.a.id, pair.b.id}
        self.pairs = [p for p in self.pairs if not {p.a.id, p.b.id} & gone]
        self._show_pairs()
        self.load_merges()
        self.error.setText("")
        self.changed.emit()

    def not_duplicate_selected(self) -> None:
        pair = self._row(self.pair_table, self.pairs)
        if pair is not None and self._run(
                lambda: self.service.mark_not_duplicate(pair.a.id, pair.b.id)):
            self.pairs.remove(pair)
            self._show_pairs()

    def link_selected(self) -> None:
        c = self._row(self.typed_table, self.candidates)
        if c is None or not messages.confirm(
                self, f"Gắn “{c.name}” ({c.detail}) với {c.match.person.label}?"):
            return
        if self._run(lambda: self.service.link(c.kind, c.record_id, c.match.resident_id)):
            self.candidates.remove(c)
            self._show_candidates()
            self.changed.emit()

    def not_link_selected(self) -> None:
        c = self._row(self.typed_table, self.candidates)
        if c is not None and self._run(lambda: self.service.mark_not_duplicate(
                c.record_id, c.match.resident_id, kind=c.kind)):
            self.candidates.remove(c)
            self._show_candidates()

    def undo_selected(self, confirmed: bool = False) -> None:
        m = self._row(self.merge_table, self.merge_rows)
        if m is None or m.undone_on is not None:
            return
        if not confirmed and not messages.confirm(
                self, f"Hoàn tác lần gộp “{m.merged}” vào “{m.survivor}” ngày "
                      f"{format_date(m.merged_on)}? Cả hai hồ sơ và mọi liên kết trở lại như "
                      "trước khi gộp.", "Hoàn tác gộp"):
            return
        if self._run(lambda: self.service.undo(m.id)):
            self.load_merges()
            self.changed.emit()
