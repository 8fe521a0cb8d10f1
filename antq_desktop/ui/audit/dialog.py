"""Tệp → Nhật ký thao tác: the whole audit trail, filterable by user, date, area of work, record
kind and action, one line per changed field, exportable to .xlsx (services/audit.py)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...services import audit
from ..widgets import messages

MAX_SHOWN = 5000  # newest first; the export writes every entry that matches
HEAD = ("Thời gian", "Người thực hiện", "Thao tác", "Loại bản ghi", "Mã", "Trường / tham số",
        "Giá trị cũ", "Giá trị mới")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class AuditDialog(QDialog):
    def __init__(self, db, parent=None, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("Nhật ký thao tác")
        self.db = db
        today = today or date.today()
        self.user = QComboBox(objectName="auditUser")
        self.user.addItem("Tất cả", None)
        for name in audit.actors(db):
            self.user.addItem(name, name)
        self.since = QDateEdit(_qdate(today - timedelta(days=30)), objectName="auditSince")
        self.until = QDateEdit(_qdate(today), objectName="auditUntil")
        for edit in (self.since, self.until):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.area = QComboBox(objectName="auditArea")
        self.area.addItem("Tất cả", None)
        for key, (label, _kinds) in audit.AREAS.items():
            self.area.addItem(label, key)
        self.kind = QComboBox(objectName="auditKind")
        self.kind.addItem("Tất cả", None)
        for key, label in sorted(audit.KINDS.items(), key=lambda kv: kv[1]):
            self.kind.addItem(label, key)
        self.action = QComboBox(objectName="auditAction")
        self.action.addItem("Tất cả", None)
        for key, label in audit.ACTIONS.items():
            self.action.addItem(label, key)

        filters = QFormLayout()
        dates = QHBoxLayout()
        dates.addWidget(self.since)
        dates.addWidget(QLabel("đến"))
        dates.addWidget(self.until)
        dates.addStretch(1)
        filters.addRow("Người thực hiện:", self.user)
        filters.addRow("Từ ngày:", dates)
        filters.addRow("Lĩnh vực:", self.area)
        filters.addRow("Loại bản ghi:", self.kind)
        filters.addRow("Thao tác:", self.action)

        self.table = QTableWidget(0, len(HEAD), objectName="auditTable")
        self.table.setHorizontalHeaderLabels(HEAD)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        for col, width in enumerate((150, 110, 110, 140, 50, 150, 180)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(len(HEAD) - 1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(objectName="auditSummary")

        self.export_button = QPushButton("Xuất Excel…", objectName="auditExport")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.export)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        for combo in (self.user, self.area, self.kind, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.resize(1100, 600)
        self.refresh()

    def filter(self, limit: int | None = None) -> audit.Filter:
        return audit.Filter(user=self.user.currentData(), since=_pydate(self.since.date()),
                            until=_pydate(self.until.date()), area=self.area.currentData(),
                            kind=self.kind.currentData(), action=self.action.currentData(),
                            limit=limit)

    def refresh(self) -> None:
        found = audit.entries(self.db, self.filter(MAX_SHOWN))
        lines = []
        for e in found:
            base = [e.at.strftime("%d/%m/%Y %H:%M:%S"), e.actor, e.action_label, e.kind_label,
                    "" if e.record_id is None else str(e.record_id)]
            for c in e.changes or (audit.Change("", "", ""),):
                lines.append(base + [c.field, c.old, c.new])
        self.table.setRowCount(len(lines))
        for row, values in enumerate(lines):
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        more = " (chỉ hiện 5.000 thao tác mới nhất)" if len(found) >= MAX_SHOWN else ""
        self.summary.setText(f"{len(found):,}".replace(",", ".") + f" thao tác{more}.")

    def export(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Xuất nhật ký thao tác",
                                                  "nhat-ky-thao-tac.xlsx", "Excel (*.xlsx)")
        if not path:
            return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            found = audit.entries(self.db, self.filter())
            audit.write_xlsx(found, path)
            audit.record_now(self.db, "export", "report", None, None, form="audit",
                             file=path.replace("\\", "/").rsplit("/", 1)[-1], rows=len(found))
        except Exception as exc:  # a file that cannot be written, a busy database
            messages.error(self, str(exc) if str(exc) else "Không ghi được tệp.")
            return None
        return path
