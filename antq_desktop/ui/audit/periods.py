"""Khóa sổ: sign off a period for a kind of data, see the locks, reopen one with a reason, allow
a time-limited exception, and list the changes since sign-off (services/periods.py)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...services.periods import KINDS, QUARTERLY, PeriodService
from ...text import quarter_label
from ...validation import FieldError
from ..widgets import messages

HEAD = ("Dữ liệu", "Kỳ", "Phạm vi", "Khóa ngày", "Người khóa", "Trạng thái")


class PeriodsDialog(QDialog):
    def __init__(self, db, areas, parent=None, today: date | None = None,
                 kind: str | None = None, year: int | None = None):
        super().__init__(parent)
        self.setObjectName("periodsDialog")
        self.setWindowTitle("Khóa sổ")
        self.service = PeriodService(db)
        self.today = today or date.today()
        self.kind = QComboBox(objectName="periodsKind")
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        if kind:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        self.year = QSpinBox(objectName="periodsYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(year or self.today.year - 1)
        self.quarter = QComboBox(objectName="periodsQuarter")
        self.quarter.addItem("Cả năm", None)
        for q in range(1, 5):
            self.quarter.addItem(quarter_label(q), q)
        self.area = QComboBox(objectName="periodsArea")
        self.area.addItem("Toàn phường", None)
        for a in areas:
            self.area.addItem(a.name, a.id)
        form = QFormLayout()
        form.addRow("Loại dữ liệu:", self.kind)
        period = QHBoxLayout()
        period.addWidget(self.year)
        period.addWidget(self.quarter)
        period.addStretch(1)
        form.addRow("Kỳ:", period)
        form.addRow("Phạm vi:", self.area)
        self.lock_button = QPushButton("Khóa sổ kỳ này", objectName="periodsLock")
        self.exception_button = QPushButton("Cho phép sửa tạm thời…",
                                            objectName="periodsException")
        self.reopen_button = QPushButton("Mở lại…", objectName="periodsReopen")
        self.changes_button = QPushButton("Thay đổi từ khi khóa sổ…", objectName="periodsChanges")
        actions = QHBoxLayout()
        for b in (self.lock_button, self.exception_button, self.reopen_button,
                  self.changes_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.table = QTableWidget(0, len(HEAD), objectName="periodsTable")
        self.table.setHorizontalHeaderLabels(HEAD)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((160, 80, 140, 110, 120)):
            self.table.setColumnWidth(col, width)
        self.error = QLabel(objectName="periodsError")
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.lock_button.clicked.connect(self.lock)
        self.exception_button.clicked.connect(self.grant_exception)
        self.reopen_button.clicked.connect(self.reopen)
        self.changes_button.clicked.connect(self.show_changes)
        self._kind_changed()
        self.resize(820, 460)
        self.refresh()

    def _kind_changed(self) -> None:
        quarterly = self.kind.currentData() in QUARTERLY
        self.quarter.setEnabled(quarterly)
        if not quarterly:
            self.quarter.setCurrentIndex(0)

    def refresh(self) -> None:
        self.locks = self.service.locks()
        self.table.setRowCount(len(self.locks))
        for row, lock in enumerate(self.locks):
            state = ("Đang khóa" if lock.active else
                     f"Đã mở lại {lock.reopened_at:%d/%m/%Y} ({lock.reopen_reason})")
            for col, value in enumerate((lock.kind_label, lock.period, lock.area_name,
                                         f"{lock.locked_at:%d/%m/%Y}", lock.locked_by, state)):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def _selected(self):
        row = self.table.currentRow()
        return self.locks[row] if 0 <= row < len(self.locks) else None

    def _run(self, fn) -> bool:
        self.error.setText("")
        try:
            fn()
        except FieldError as err:
            self.error.setText(str(err))
            return False
        self.refresh()
        return True

    def lock(self) -> bool:
        return self._run(lambda: self.service.lock(
            self.kind.currentData(), self.year.value(), self.quarter.currentData(),
            self.area.currentData(), today=self.today))

    def reopen(self) -> None:
        lock = self._selected()
        if lock is None or not lock.active:
            self.error.setText("Hãy chọn một kỳ đang khóa trong danh sách.")
            return
        reason, ok = QInputDialog.getText(self, "Mở lại kỳ đã khóa sổ",
                                          f"Mở lại {lock.kind_label.lower()} {lock.period}?"
                                          "\nLý do mở lại:")
        if ok:
            self._run(lambda: self.service.reopen(lock.id, reason))

    def grant_exception(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Cho phép sửa tạm thời")
        until = QDateEdit(QDate(*(self.today + timedelta(days=7)).timetuple()[:3]))
        until.setDisplayFormat("dd/MM/yyyy")
        until.setCalendarPopup(True)
        reason = QLineEdit(objectName="periodsExceptionReason")
        form = QFormLayout(dialog)
        form.addRow("Đến hết ngày:", until)
        form.addRow("Lý do:", reason)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        if dialog.exec():
            d = until.date()
            self._run(lambda: self.service.grant_exception(
                self.kind.currentData(), self.year.value(), date(d.year(), d.month(), d.day()),
                reason.text(), self.quarter.currentData(), self.area.currentData(),
                today=self.today))

    def show_changes(self) -> None:
        lock = self._selected()
        if lock is None:
            self.error.setText("Hãy chọn một kỳ đã khóa sổ trong danh sách.")
            return
        changes = self.service.changes_since(lock.id, today=self.today)
        if not changes:
            messages.info(self, "Số liệu không thay đổi so với lúc khóa sổ.")
            return
        lines = [f"{d.area} — {d.indicator}: {d.signed or '—'} → {d.now or '—'}"
                 for d in changes[:40]]
        more = f"\n… và {len(changes) - 40} thay đổi khác." if len(changes) > 40 else ""
        messages.info(self, "Thay đổi so với lúc khóa sổ:\n" + "\n".join(lines) + more)
