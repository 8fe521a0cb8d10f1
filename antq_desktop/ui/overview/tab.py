"""The "Tổng quan" tab (issue 16): figure cards for the chosen year against the year before,
today's due work, and charts. Its data is read in the background (ui/widgets/worker.py) the
first time the tab is shown and whenever the year changes; the window never waits for it. A click
on a card, a due item or a bar emits ``openRequested(Target)``: the main window shows that tab
with the filters set (ui/overview/navigate.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QThreadPool, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...access import Permission, user_of
from ...db.engine import Database
from ...services.overview import Card, Overview, OverviewService
from ...services.unit import UnitService
from ..widgets import messages
from ..widgets.lists import fill_area_filter
from ..widgets.worker import Worker
from .charts import ChartView

YEARS_BACK = 6
CARD_COLUMNS = 7
WARN = "#b00020"
CHART_KEYS = ("signup", "months_tips", "months_patrols", "months_mediation", "rehab_classes",
              "certification")
CARD_STYLE = """
QFrame#overviewCard { border: 1px solid #cfd4da; border-radius: 4px; background: palette(base); }
QFrame#overviewCard:hover { border-color: palette(highlight); }
"""


class CardView(QFrame):
    """One figure card; a click emits ``clicked(Target)``."""

    clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("overviewCard")
        self.card: Card | None = None
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title = QLabel(wordWrap=True)
        self.title.setStyleSheet("color: #444;")
        self.value = QLabel()
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        self.change = QLabel()
        self.change.setStyleSheet("color: #444;")
        value_row = QHBoxLayout()
        value_row.setSpacing(8)
        value_row.addWidget(self.value)
        value_row.addWidget(self.change, 1, Qt.AlignmentFlag.AlignBottom)
        self.unit = QLabel(wordWrap=True)
        self.unit.setStyleSheet("color: #555;")
        self.compare = QLabel(wordWrap=True)
        self.details = QLabel(wordWrap=True)
        self.details.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addLayout(value_row)
        for w in (self.unit, self.compare, self.details):
            layout.addWidget(w)
        layout.addStretch(1)

    def set_card(self, card: Card) -> None:
        self.card = card
        self.setProperty("key", card.key)
        self.title.setText(card.title)
        self.value.setText(card.text)
        self.value.setStyleSheet(f"color: {WARN};" if card.warn else "")
        self.unit.setText(card.unit)
        self.unit.setVisible(bool(card.unit))
        self.change.setText(card.change)
        self.compare.setText(card.compare)
        self.compare.setVisible(bool(card.compare))
        lines = list(card.details)
        if card.line is not None and card.key == "certification":
            lines.append("Cần ít nhất 70 % được công nhận")
        self.details.setText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self.setToolTip("Bấm để mở danh sách")

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.card and self.card.target:
            self.clicked.emit(self.card.target)
            return
        super().mousePressEvent(event)


class ChartPanel(QFrame):
    """A chart with its "Lưu hình…" button (``saveRequested(key)``)."""

    saveRequested = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.chart = ChartView(objectName=f"overviewChart_{key}")
        self.save_button = QPushButton("Lưu hình…", objectName=f"overviewSave_{key}")
        self.save_button.setToolTip("Lưu biểu đồ thành ảnh PNG hoặc tệp PDF")
        self.save_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addWidget(self.chart, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.save_button.clicked.connect(self._save_clicked)

    def _save_clicked(self) -> None:
        self.saveRequested.emit(self.key)


class OverviewTab(QWidget):
    """``openRequested(Target)``: a card, due item or bar was clicked. ``loaded`` after the
    figures of a load are shown; ``backupRequested`` for the stale-backup item."""

    openRequested = Signal(object)
    backupRequested = Signal()
    loaded = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("overviewTab")
        self.service = OverviewService(db)
        self.data: Overview | None = None
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0
        self._started = False
        self.setStyleSheet(CARD_STYLE)

        self.year = QComboBox(objectName="overviewYear")
        this_year = date.today().year
        for y in range(this_year, this_year - YEARS_BACK - 1, -1):
            self.year.addItem(f"Năm {y}", y)
        self.units = UnitService(db)
        self.area = QComboBox(objectName="overviewArea")
        self.area.setToolTip("Số liệu của cả phường hoặc của một khu dân cư")
        self.area.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.refresh_button = QPushButton("Làm mới", objectName="overviewRefresh")
        self.refresh_button.setToolTip("Đọc lại số liệu (F5)")
        self.status = QLabel(objectName="overviewStatus")
        self.status.setStyleSheet("color: #555;")
        self.error = QLabel(objectName="overviewError", wordWrap=True)
        self.error.setStyleSheet(f"color: {WARN};")
        self.error.hide()

        self.cards_box = QWidget()
        self.cards_grid = QGridLayout(self.cards_box)
        self.cards_grid.setContentsMargins(0, 0, 0, 0)
        self.cards_grid.setSpacing(6)
        self.cards: dict[str, CardView] = {}

        self.due = QListWidget(objectName="overviewDue")
        self.due.setWordWrap(True)
        self.due.setMinimumWidth(300)
        self.due.itemActivated.connect(self._due_clicked)
        self.due.itemClicked.connect(self._due_clicked)
        self.due_title = QLabel("<b>Việc cần làm</b>", objectName="overviewDueTitle")

        self.panels = {key: ChartPanel(key) for key in CHART_KEYS}
        for panel in self.panels.values():
            panel.chart.barClicked.connect(self.openRequested)
            panel.saveRequested.connect(self.ask_save)
        charts = QGridLayout()
        charts.setSpacing(6)
        charts.addWidget(self.panels["signup"], 0, 0, 1, 2)
        for i, key in enumerate(CHART_KEYS[1:]):
            charts.addWidget(self.panels[key], 1 + i // 2, i % 2)
        for r in range(4):
            charts.setRowMinimumHeight(r, 250)

        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Tổng quan</b>"))
        top.addWidget(self.year)
        top.addWidget(self.area)
        top.addWidget(self.refresh_button)
        top.addWidget(self.status, 1)
        due_box = QVBoxLayout()
        due_box.addWidget(self.due_title)
        due_box.addWidget(self.due, 1)
        lower = QHBoxLayout()
        lower.addLayout(due_box, 2)
        lower.addLayout(charts, 5)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.cards_box)
        body_layout.addLayout(lower, 1)
        scroll = QScrollArea(objectName="overviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(scroll, 1)

        refresh = QAction(self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.triggered.connect(self.reload)
        self.addAction(refresh)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.area.currentIndexChanged.connect(self._year_changed)
        self.reload_areas()
        self.refresh_button.clicked.connect(self.reload)

    # -- loading ----------------------------------------------------------------------------
    def _year_changed(self, _index: int) -> None:
        self.reload()

    def reload_areas(self) -> None:
        """Refill the area choice (the unit's areas changed), keeping the one chosen."""
        fill_area_filter(self.area, self.units.areas())
        self.area.setItemText(0, "Toàn phường")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self.reload()

    def reload(self) -> None:
        """Read the figures again in the background; a later reload supersedes this one."""
        self._started = True
        self._generation += 1
        generation, year, service = self._generation, self.year.currentData(), self.service
        area_id = self.area.currentData()
        self.status.setText("Đang tải số liệu…")

        def work(_report):
            try:
                return generation, service.load(year, area_id=area_id), None
            except Exception as exc:  # noqa: BLE001 — shown as a message, never a traceback
                return generation, None, exc

        worker = Worker(work)
        # a slot of this widget: Qt drops the connection if the tab is gone when it ends
        worker.signals.finished.connect(self._arrived)
        self.pool.start(worker)

    def wait_idle(self, msecs: int = -1) -> bool:
        """Wait for a running load to end (before the window closes the database)."""
        return self.pool.waitForDone(msecs)

    @Slot(object)
    def _arrived(self, result) -> None:
        generation, data, exc = result
        if generation != self._generation:
            return  # a later reload is on its way
        if exc is not None:
            self.status.setText("")
            text = str(exc) if exc.__class__.__name__ == "IndicatorError" else (
                "Không đọc được số liệu tổng quan. Hãy thử lại (F5).")
            self.error.setText(text)
            self.error.show()
        else:
            self.error.hide()
            self.show_data(data)
        self.loaded.emit()

    # -- showing ------------------------------------------------------------------------------
    def show_data(self, data: Overview) -> None:
        self.data = data
        note = "" if data.cutoff.month == 12 and data.cutoff.day == 31 else \
            f" (số liệu tính đến ngày {data.cutoff:%d/%m/%Y})"
        where = "" if data.area_id is None else f"{self.area.currentText()}: "
        self.status.setText(f"{where}Năm {data.year} so với năm {data.year - 1}{note}")
        for view in self.cards.values():
            view.deleteLater()
        self.cards = {}
        for i, card in enumerate(data.cards):
            view = CardView()
            view.setObjectName("overviewCard")
            view.set_card(card)
            view.clicked.connect(self.openRequested)
            self.cards[card.key] = view
            self.cards_grid.addWidget(view, i // CARD_COLUMNS, i % CARD_COLUMNS)
        self.due.clear()
        self.due_title.setText(f"<b>Việc cần làm</b> (hôm nay {data.today:%d/%m/%Y})")
        for item in data.due:
            text = f"{item.date_text}  {item.text}" if item.date_text else item.text
            row = QListWidgetItem("⚠ " + text)
            row.setData(Qt.ItemDataRole.UserRole, item)
            row.setForeground(QColor(WARN if item.past else "#7a4a00"))
            row.setToolTip("Bấm để mở danh sách" if item.target.tab != "backup"
                           else "Bấm để sao lưu ngay")
            self.due.addItem(row)
        if not data.due:
            empty = QListWidgetItem("Không có việc đến hạn.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.due.addItem(empty)
        for key, panel in self.panels.items():
            chart = next((c for c in data.charts if c.key == key), None)
            panel.chart.set_data(chart)
            panel.setVisible(chart is not None)

    def _due_clicked(self, row: QListWidgetItem) -> None:
        item = row.data(Qt.ItemDataRole.UserRole)
        if item is None:
            return
        if item.target.tab == "backup":
            if user_of(self.service.db).can(Permission.BACKUP):  # else the item says whom to ask
                self.backupRequested.emit()
        else:
            self.openRequested.emit(item.target)

    # -- Lưu hình ------------------------------------------------------------------------------
    def save_chart(self, key: str, path: str | Path) -> Path:
        return self.panels[key].chart.save(path)

    def ask_save(self, key: str) -> None:
        chart = self.panels[key].chart
        if chart.data is None:
            return
        suggested = f"bieu-do-{key.replace('_', '-')}-{self.year.currentData()}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Lưu hình", suggested,
                                              "Ảnh PNG (*.png);;Tệp PDF (*.pdf)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".pdf"):
            path += ".png"
        try:
            self.save_chart(key, path)
        except OSError:
            messages.error(self, "Không lưu được hình. Hãy chọn thư mục khác.")
