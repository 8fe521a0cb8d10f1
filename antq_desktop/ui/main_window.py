"""The main window: the work areas as tabs, menus, and a status bar with the unit and counts."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from .. import __version__
from ..config import APP_NAME
from ..db.engine import Database
from ..services.households import HouseholdService
from ..services.mediation import MediationService
from ..services.rehabilitation import RehabilitationService
from ..services.unit import UnitService
from .activities.tab import ActivitiesTab
from .certification.tab import CertificationTab
from .households.tab import HouseholdsTab
from .mediation.tab import MediationTab
from .rehabilitation.tab import RehabilitationTab
from .reports.dialog import ReportsDialog
from .unit_dialog import UnitDialog


class MainWindow(QMainWindow):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.db = db
        self.units = UnitService(db)
        self.households = HouseholdService(db)
        self.rehabilitation = RehabilitationService(db)
        self.mediation = MediationService(db)

        self.tabs = QTabWidget(objectName="mainTabs")
        self.households_tab = HouseholdsTab(self.households, self.units)
        self.tabs.addTab(self.households_tab, "Hộ gia đình")
        self.rehabilitation_tab = RehabilitationTab(self.rehabilitation, self.units)
        self.tabs.addTab(self.rehabilitation_tab, "Quản lý, giáo dục, giúp đỡ")
        self.mediation_tab = MediationTab(self.mediation)
        self.tabs.addTab(self.mediation_tab, "Hòa giải ở cơ sở")
        self.certification_tab = CertificationTab(db)
        self.tabs.addTab(self.certification_tab, "An toàn về ANTT")
        self.activities_tab = ActivitiesTab(db)
        self.tabs.addTab(self.activities_tab, "Phong trào")
        self.setCentralWidget(self.tabs)

        self.unit_label = QLabel(objectName="statusUnit")
        self.count_label = QLabel(objectName="statusCounts")
        self.statusBar().addWidget(self.unit_label, 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self.households_tab.countsChanged.connect(self.update_status)
        self.rehabilitation_tab.countsChanged.connect(self.update_status)
        self.mediation_tab.countsChanged.connect(self.update_status)

        file_menu = self.menuBar().addMenu("&Tệp")
        self._action(file_menu, "Thông tin đơn vị và khu dân cư…", self.edit_unit, "Ctrl+,")
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", self.close, QKeySequence.StandardKey.Quit)
        reports_menu = self.menuBar().addMenu("&Báo cáo")
        self._action(reports_menu, "Báo cáo, biểu mẫu (Excel, PDF, in)…", self.open_reports,
                     "Ctrl+E")
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        self._action(help_menu, "Giới thiệu", self.about)

        self.update_status()
        self.restore_geometry()
        self.households_tab.search.setFocus()  # most work starts with finding a household

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def update_status(self) -> None:
        info = self.units.get()
        title = f"{info.ward_name}, {info.province_name}" if info else "Chưa thiết lập đơn vị"
        self.unit_label.setText(title)
        self.setWindowTitle(f"{APP_NAME} — {info.ward_name}" if info else APP_NAME)
        counts = self.households.counts()
        cases, overdue = self.rehabilitation.counts()
        text = f"{counts.households:,} hộ · {counts.residents:,} nhân khẩu · {cases:,} người " \
               "đang quản lý" + (f" ({overdue} quá hạn đánh giá)" if overdue else "")
        self.count_label.setText(text.replace(",", "."))

    def edit_unit(self) -> None:
        if UnitDialog(self.units, parent=self).exec():
            self.update_status()
        self.households_tab.reload_areas()  # areas are saved as they change, even on Cancel
        self.rehabilitation_tab.reload_areas()
        self.mediation_tab.reload_teams()
        self.certification_tab.reload()  # areas and the ward are units that register
        self.activities_tab.reload()

    def open_reports(self) -> None:
        ReportsDialog(self.db, self).exec()

    def about(self) -> None:
        QMessageBox.about(
            self, "Giới thiệu",
            f"<b>{APP_NAME}</b> {__version__}<br>Sổ sách phong trào Toàn dân bảo vệ an ninh "
            f"Tổ quốc.<br><br>Cơ sở dữ liệu: {self.db.url}<br>Dữ liệu chỉ lưu trên máy này, "
            "không gửi đi đâu.")

    # -- remembered size and layout -------------------------------------------------------------
    def restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # first start: most of the screen, never more than it
            area = self.screen().availableGeometry()
            self.resize(min(1400, int(area.width() * 0.92)), min(860, int(area.height() * 0.9)))
        splitter = settings.value("households/splitter")
        if splitter is not None:
            self.households_tab.splitter.restoreState(splitter)
        header = settings.value("households/header")
        if header is not None:
            self.households_tab.table.horizontalHeader().restoreState(header)

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue("mainWindow/geometry", self.saveGeometry())
        settings.setValue("households/splitter", self.households_tab.splitter.saveState())
        settings.setValue("households/header",
                          self.households_tab.table.horizontalHeader().saveState())
        super().closeEvent(event)
