"""The main window: the work areas as tabs, menus, and a status bar with the unit and counts."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from .. import __version__
from ..config import APP_NAME
from ..db.engine import Database, checkpoint
from ..services.activities import SPECS as ACTIVITY_SPECS
from ..services.changes import ChangeWatch
from . import backup_dialog
from .activities.tab import ActivitiesTab
from .app import Services
from .certification.tab import CertificationTab
from .households.tab import HouseholdsTab
from .mediation.tab import MediationTab
from .overview import navigate as overview_navigate
from .overview.tab import OverviewTab
from .rehabilitation.tab import RehabilitationTab
from .widgets.dialogs import screen_area
from .widgets.lists import ListTab, first_reads_on_show

if TYPE_CHECKING:
    from .duplicates.dialog import DuplicatesDialog

CHECKPOINT_MINUTES = 5  # how often the WAL is copied back while the program runs
SAVED_MESSAGE_MS = 8000  # how long a save's confirmation stays in the status bar
# How often the lists ask whether another session saved something (QSettings
# "lists/changePollSeconds"; 0: never). One indexed query (docs/PERFORMANCE.md).
CHANGE_POLL_SECONDS = 3


def shown_url(url: str) -> str:
    """The database's address as the About box shows it: never a password."""
    from ..db.engine import masked_url

    return masked_url(url)


@dataclass(frozen=True)
class Area:
    """A work area: the window's tab ``<key>_tab`` (the name Tổng quan's targets use)."""

    key: str
    title: str
    make: Callable[[Services], QWidget]
    rows: str | Callable = ""  # the table its list shows (ListTab.RECORD_KIND), for changes


# The work areas in tab order: the main window, its status bar and the tests iterate this.
AREAS: tuple[Area, ...] = (
    Area("overview", "Tổng quan", lambda s: OverviewTab(s.db)),  # cards and charts, no list
    Area("households", "Hộ gia đình", HouseholdsTab, "household"),
    Area("rehabilitation", "Quản lý, giáo dục, giúp đỡ", RehabilitationTab, "rehab_case"),
    Area("mediation", "Hòa giải ở cơ sở", MediationTab, "mediation_case"),
    Area("certification", "An toàn về ANTT", CertificationTab, "cert_unit"),
    Area("activities", "Phong trào", ActivitiesTab,
         lambda tab: ACTIVITY_SPECS[tab.kind].model.__tablename__),  # the kind shown
)


ALL_WARDS = "Tất cả phường, xã"  # the ward chooser's first item (a province account)

# the status bar's counts wait for the first paint, but never longer than this after showing
COUNTS_LATEST_MS = 500


class MainWindow(QMainWindow):
    """``auto_backup``: back up every 30 minutes while the data changed and on closing (the
    program turns it on; tests that only look at a tab leave it off). ``databaseReplaced`` is
    emitted after a restore: the data must be reopened (ui.app opens a new window on it)."""

    databaseReplaced = Signal()
    signOutRequested = Signal()  # Tệp → Đăng xuất (ui.app signs the next officer in)

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 auto_backup: bool = False, services: Services | None = None):
        super().__init__(parent)
        self._counts_after_paint = False  # set at the end of the construction
        self.setObjectName("mainWindow")
        self.db = db
        self.backups = backup_dialog.BackupController(db, self)
        self.backups.finished.connect(self._backed_up)
        self.backups.failed.connect(self._backup_failed)
        self.auto_backup = auto_backup and self.backups.enabled
        self._exit_ready = False  # the exit backup is done (or not wanted): closing may go on
        self._manual_backup = False
        self._closing = False
        self.services = services if services is not None else Services.build(db)
        self.units = self.services.units
        self.households = self.services.households
        self.rehabilitation = self.services.rehabilitation
        self.mediation = self.services.mediation
        self._remembered_ward()  # before any tab reads: a province officer's last ward

        self.tabs = QTabWidget(objectName="mainTabs")
        self.area_tabs: dict[str, QWidget] = {}
        with first_reads_on_show():  # a list tab reads its data when first shown
            for area in AREAS:
                tab = area.make(self.services)
                if isinstance(tab, ListTab) and area.rows and not tab.RECORD_KIND:
                    tab.RECORD_KIND = area.rows
                setattr(self, f"{area.key}_tab", tab)
                self.area_tabs[area.key] = tab
                self.tabs.addTab(tab, area.title)
        self.overview_tab.openRequested.connect(self.open_target)
        self.overview_tab.backupRequested.connect(self.backup_now)
        self.setCentralWidget(self.tabs)

        self.unit_label = QLabel(objectName="statusUnit")
        self.count_label = QLabel(objectName="statusCounts")
        self.statusBar().addWidget(self.unit_label, 1)
        self.backup_label = QLabel(objectName="statusBackup")
        self.statusBar().addPermanentWidget(self.backup_label)
        self.statusBar().addPermanentWidget(self.count_label)
        for tab in self.list_tabs():
            tab.countsChanged.connect(self.update_status)
            tab.saved.connect(self.show_saved)

        file_menu = self.menuBar().addMenu("&Tệp")
        self._action(file_menu, "Thông tin đơn vị và khu dân cư…", self.edit_unit,
                     "Ctrl+,").setObjectName("actionUnit")
        self._action(file_menu, "Nhập từ Excel…", self.open_import).setObjectName("actionImport")
        self._action(file_menu, "Tìm người trùng…", self.find_duplicates).setObjectName(
            "actionDuplicates")
        file_menu.addSeparator()
        self.backup_action = self._action(file_menu, "Sao lưu ngay", self.backup_now, "Ctrl+S")
        self.backup_action.setObjectName("actionBackupNow")
        self.restore_action = self._action(file_menu, "Khôi phục…", self.restore_data)
        self.restore_action.setObjectName("actionRestore")
        for action in (self.backup_action, self.restore_action):
            action.setEnabled(self.backups.enabled)
            if not self.backups.enabled:
                action.setToolTip(backup_dialog.svc.POSTGRES_MESSAGE)
        file_menu.addSeparator()
        self._action(file_menu, "Nhật ký thao tác…", self.open_audit).setObjectName("actionAudit")
        self._action(file_menu, "Khóa sổ…", self.open_periods).setObjectName("actionPeriods")
        self._action(file_menu, "Tài khoản người dùng…", self.open_users).setObjectName(
            "actionUsers")  # Quản trị only (ui/permissions.py)
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", self.close, QKeySequence.StandardKey.Quit)
        reports_menu = self.menuBar().addMenu("&Báo cáo")
        self._action(reports_menu, "Báo cáo, biểu mẫu (Excel, PDF, in)…", self.open_reports,
                     "Ctrl+E").setObjectName("actionReports")
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        self._action(help_menu, "&Hướng dẫn sử dụng", self.open_help, "F1").setObjectName(
            "actionHelp")  # F1: the page of the tab shown (ui.help)
        self._action(help_menu, "Giới thiệu", self.about)

        # the counts of the status bar (~0.1 s on 100,000 households) once the window has
        # been painted: the first tab shows without waiting for them (docs/PERFORMANCE.md)
        self._counts_after_paint = True
        self.update_status(counts=False)
        self.update_backup_status()
        # The WAL is copied back into the file every few minutes while the program is idle, so
        # it does not grow while another program holds a read transaction (never waits).
        self.checkpoint_timer = QTimer(self, objectName="checkpointTimer")
        self.checkpoint_timer.setInterval(CHECKPOINT_MINUTES * 60_000)
        self.checkpoint_timer.timeout.connect(self.idle_checkpoint)
        if self.auto_backup:
            self.backups.start()
            self.checkpoint_timer.start()
        self.restore_geometry()
        self.households_tab.search.setFocus()  # most work starts with finding a household
        self._households_shortcuts()
        self._signed_in(file_menu)
        self._ward_chooser(file_menu)
        self._watch_changes()

    # -- changes saved by other sessions (services/changes.py) ------------------------------------
    def _watch_changes(self) -> None:
        """Poll the change counter every few seconds: the lists learn what other sessions
        saved, and rows another account changed a moment ago show who did it."""
        self.changes = ChangeWatch(self.db)
        for tab in self.list_tabs():
            tab.changed_by = self.changes.touched
        self.changes_timer = QTimer(self, objectName="changesTimer")
        seconds = QSettings().value("lists/changePollSeconds", CHANGE_POLL_SECONDS, type=int)
        self.changes_timer.setInterval(max(1, seconds) * 1000)
        self.changes_timer.timeout.connect(self.poll_changes)
        if seconds > 0:
            self.changes_timer.start()

    def poll_changes(self) -> bool:
        """One tick: the lists another session's saves concern are marked stale; the shown
        one reads again at once unless a dialog is open (then at a later tick), the hidden
        ones when shown. True when something changed elsewhere."""
        changes = self.changes.poll()
        if changes is not None:
            for tab in self.list_tabs():
                if changes.concerns(tab.record_kind()):
                    tab.mark_stale(changes.wide)
        current = self.tabs.currentWidget()
        if isinstance(current, ListTab) and current.isVisible() and current.reload_if_stale():
            self.update_status()
        return changes is not None

    def _signed_in(self, file_menu) -> None:
        """The account's part: what it may not use greyed out (ui/permissions.py), its name
        in the status bar, the password change and the idle lock (none in single-user mode)."""
        from ..services.users import UserService
        from . import permissions

        user = self.db.user
        self.idle_lock = None
        permissions.apply(self, user)
        if user.system:
            return
        self.user_label = QLabel(f"{user.display_name} ({user.role.label})",
                                 objectName="statusUser")
        self.statusBar().addPermanentWidget(self.user_label)
        change = QAction("Đổi mật khẩu…", self, objectName="actionChangePassword")
        change.triggered.connect(self.change_password)
        file_menu.insertAction(file_menu.actions()[-1], change)
        sign_out = QAction("Đăng xuất", self, objectName="actionSignOut")
        sign_out.setShortcut(QKeySequence("Ctrl+Shift+L"))
        sign_out.setToolTip("Kết thúc phiên làm việc để cán bộ khác đăng nhập trên máy này")
        sign_out.triggered.connect(self.signOutRequested.emit)
        file_menu.insertAction(file_menu.actions()[-1], sign_out)
        from .login import IdleLock

        users = UserService(self.db)
        self.idle_lock = IdleLock(users, users.idle_minutes(), self)

    # -- the ward looked at (a province account; docs/ARCHITECTURE.md §6) --------------------------
    def _ward_chooser(self, file_menu) -> None:
        """A province account (or single-user mode on a store of several wards) chooses the
        ward it looks at: the combo ``wardChooser`` at the left of the status bar (type a
        name with or without diacritics), and Tệp → Chọn phường, xã… (Ctrl+K) to reach it.
        A ward account works in its own ward and gets neither."""
        self.ward_chooser = None
        user = self.db.user
        wards = self.units.wards()
        if user is None or not (user.province or (user.system and len(wards) > 1)):
            return
        from .widgets.place_picker import PlacePicker

        chooser = PlacePicker(objectName="wardChooser")
        chooser.setToolTip("Phường, xã đang xem: danh sách, Tổng quan và báo cáo là của phường, "
                           "xã này (gõ tên, có dấu hay không dấu, để tìm)")
        names = [w.ward_name for w in wards]
        if user.province:
            chooser.addItem(ALL_WARDS, 0)
        for w in wards:
            shown = w.ward_name if names.count(w.ward_name) == 1 else \
                f"{w.ward_name} ({w.province_name})"
            chooser.addItem(shown or f"Phường, xã số {w.id} (chưa thiết lập)", w.id)
        chooser.setMinimumContentsLength(min(28, max(len(chooser.itemText(i))
                                                     for i in range(chooser.count()))))
        current = user.unit_id if user.unit_id is not None else (None if user.province else
                                                                 wards[0].id)
        chooser.setCurrentIndex(max(0, chooser.findData(current or 0)))
        chooser.currentIndexChanged.connect(self._ward_picked)
        label = QLabel("Phường, xã:", objectName="wardChooserLabel")
        label.setBuddy(chooser)
        self.statusBar().insertWidget(0, label)
        self.statusBar().insertWidget(1, chooser)
        self.ward_chooser = chooser
        action = QAction("Chọn phường, xã…", self, objectName="actionChooseWard")
        action.setShortcut(QKeySequence("Ctrl+K"))
        action.triggered.connect(self.open_ward_chooser)
        file_menu.insertAction(file_menu.actions()[0], action)
        self.update_status(counts=False)

    def _ward_key(self) -> str | None:
        """Where this PC remembers the ward a province officer looked at last (QSettings,
        per account name; the ward's national code, the same in every store); None for an
        account that has no chooser."""
        user = self.db.user
        return f"ward/{user.name}" if user is not None and user.province else None

    def _remembered_ward(self) -> None:
        """A province officer starts in the ward they looked at last (0: every ward), when it
        is still in the store and no ward was named at the start (``--unit``)."""
        key = self._ward_key()
        if key is None or self.db.user.unit_id is not None:
            return
        code = QSettings().value(key)
        try:
            code = int(code)
        except (TypeError, ValueError):
            return
        ward = next((w for w in self.units.wards() if w.ward_code == code), None)
        if ward is not None:
            from ..db.guard import choose_ward

            choose_ward(self.db, ward.id)

    def _remember_ward(self, unit_id: int | None) -> None:
        key = self._ward_key()
        if key is None:
            return
        code = next((w.ward_code for w in self.units.wards() if w.id == unit_id), 0)
        QSettings().setValue(key, code)

    def open_ward_chooser(self) -> None:
        """Tệp → Chọn phường, xã…: the chooser focused, its text selected to type a name."""
        if self.ward_chooser is None:
            return
        self.ward_chooser.setFocus()
        self.ward_chooser.lineEdit().selectAll()
        self.ward_chooser.showPopup()

    def _ward_picked(self, index: int) -> None:
        if index >= 0:
            self.set_ward(self.ward_chooser.itemData(index) or None)

    def set_ward(self, unit_id: int | None) -> None:
        """Look at ward ``unit_id`` (None: every ward): the session's ward changes
        (db/guard.choose_ward) and every tab reads again, each list from its first row; a tab
        never shown reads when it is; the reports dialog reads the ward's figures when opened."""
        from ..db.guard import choose_ward

        choose_ward(self.db, unit_id)
        self._remember_ward(unit_id)
        if self.ward_chooser is not None:
            index = self.ward_chooser.findData(unit_id or 0)
            if index != self.ward_chooser.currentIndex():
                self.ward_chooser.blockSignals(True)
                self.ward_chooser.setCurrentIndex(index)
                self.ward_chooser.blockSignals(False)
        for tab in self.list_tabs():
            tab.stale = tab._stale_wide = False
            if not tab.unread:
                tab.reload_all()
        self.overview_tab.reload_areas()
        self.overview_tab.reload()
        self.update_status()

    def change_password(self) -> None:
        from ..services.users import UserService
        from .login import ChangePasswordDialog

        if ChangePasswordDialog(UserService(self.db), self.db.user.name, self).exec():
            self.statusBar().showMessage("Đã đổi mật khẩu.", 5000)

    def list_tabs(self) -> list[ListTab]:
        """The work areas' list tabs, in tab order."""
        return [t for t in self.area_tabs.values() if isinstance(t, ListTab)]

    def show_saved(self, text: str) -> None:
        """A save's confirmation ("Đã lưu hộ HK000123.") in the status bar."""
        self.statusBar().showMessage(text, SAVED_MESSAGE_MS)

    def _households_shortcuts(self) -> None:
        """Ctrl+F and Ctrl+N of the households tab from the other tabs (Tổng quan comes
        first): a hidden tab's shortcuts do not fire. Ctrl+F is off while a list tab is shown
        (its own goes to its search box, ListTab), Ctrl+N while the households tab is (two live
        ones would be ambiguous). Bound methods, not closures over the window (those would
        keep it alive in a cycle)."""
        self._household_actions = []
        for keys, slot in (("Ctrl+F", self._find_household), ("Ctrl+N", self._add_household)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)
            self._household_actions.append(action)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, _index: int) -> None:
        find, add = self._household_actions
        find.setEnabled(not isinstance(self.tabs.currentWidget(), ListTab))
        add.setEnabled(self.tabs.currentWidget() is not self.households_tab)

    def _find_household(self) -> None:
        self.show_tab(self.households_tab)
        self.households_tab.search.setFocus()
        self.households_tab.search.selectAll()

    def _add_household(self) -> None:
        self.show_tab(self.households_tab)
        self.households_tab.add_household()

    def idle_checkpoint(self) -> bool:
        """Checkpoint the SQLite WAL unless a backup is running; False when it had to stop
        short (another program reading or writing) or there was nothing to do here."""
        if self.backups.busy:
            return False
        return checkpoint(self.db)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def event(self, event) -> bool:
        if self._counts_after_paint and event.type() == QEvent.Type.Paint:
            self._counts_after_paint = False
            QTimer.singleShot(0, self, self.update_status)  # the next turn, after this paint
        elif self._counts_after_paint and event.type() == QEvent.Type.Show:
            # a platform that paints late (or not at all while covered) still gets its counts
            QTimer.singleShot(COUNTS_LATEST_MS, self, self._counts_without_paint)
        return super().event(event)

    def _counts_without_paint(self) -> None:
        if self._counts_after_paint:
            self._counts_after_paint = False
            self.update_status()

    def update_status(self, counts: bool = True) -> None:
        """The unit in the status bar and the window's title; ``counts``: the lists' counts
        too."""
        info = self.units.get()
        title = f"{info.ward_name}, {info.province_name}" if info else "Chưa thiết lập đơn vị"
        user = self.db.user
        every = user is not None and user.province and user.unit_id is None
        if getattr(self, "ward_chooser", None) is not None:  # it names the ward already
            wards = self.units.wards()
            provinces = sorted({w.province_name for w in wards if w.province_name})
            title = f"{', '.join(provinces)} · {len(wards)} phường, xã" if every else \
                (info.province_name if info else title)
        self.unit_label.setText(title)
        if every:
            self.setWindowTitle(f"{APP_NAME} — {ALL_WARDS}")
        else:
            self.setWindowTitle(f"{APP_NAME} — {info.ward_name}" if info else APP_NAME)
        if not counts:
            return
        self.count_label.setText(" · ".join(
            tab.status_text() for tab in self.list_tabs() if hasattr(tab, "status_text")))

    # -- backups ----------------------------------------------------------------------------------
    def update_backup_status(self, now: datetime | None = None) -> None:
        text, warning = backup_dialog.status_text(self.db, now)
        self.backup_label.setText(text)
        self.backup_label.setProperty("warning", warning)
        self.backup_label.setStyleSheet("color: #b00020; font-weight: bold" if warning else "")

    def backup_now(self) -> None:
        if not self.backups.run(backup_dialog.svc.MANUAL):
            if self.backups.busy:
                self.statusBar().showMessage("Đang sao lưu, hãy đợi xong.", 5000)
            return
        self._manual_backup = True
        self._progress = backup_dialog.busy_dialog(self, "Đang sao lưu và kiểm tra bản sao…")

    def _backed_up(self, made) -> None:
        self.update_backup_status()
        if self._manual_backup:
            self._manual_backup = False
            self._progress.close()
            backup_dialog.show_backup_result(self, made)
        else:
            self.statusBar().showMessage(
                f"Đã tự động sao lưu lúc {backup_dialog.svc.format_time(made.created)}.", 10000)

    def _backup_failed(self, text: str) -> None:
        self.update_backup_status()
        if self._manual_backup:
            self._manual_backup = False
            self._progress.close()
        if not self._closing:
            backup_dialog.show_backup_failure(self, text)

    def restore_data(self) -> None:
        self.backups.timer.stop()
        self.backups.when_idle(self._open_restore)

    def _open_restore(self) -> None:
        dialog = backup_dialog.RestoreDialog(self.db, self)
        if dialog.exec() and dialog.result is not None:
            self._exit_ready = True  # the data was just copied; the old window has nothing new
            self.databaseReplaced.emit()
            return
        if self.auto_backup:
            self.backups.start()

    def close_without_backup(self) -> None:
        self._exit_ready = True
        self.close()

    def show_tab(self, tab: QWidget) -> bool:
        """Make ``tab`` the current one, its data read (a first show reads it; so does this
        when the window is hidden); True when it was read for the first time now."""
        fresh = isinstance(tab, ListTab) and tab.unread
        self.tabs.setCurrentWidget(tab)
        if fresh:
            tab.read_if_unread()
        return fresh

    def reload_lists(self) -> None:
        """Every list tab read again (a tab not yet shown reads when it is)."""
        for tab in self.list_tabs():
            if not tab.unread:
                tab.reload_all()

    def edit_unit(self) -> None:
        from .unit_dialog import UnitDialog  # and the official list of places: on first use

        if UnitDialog(self.units, parent=self).exec():
            self.update_status()
        self.reload_lists()  # areas are saved as they change, even on Cancel
        self.overview_tab.reload_areas()
        self.overview_tab.reload()

    def open_target(self, target) -> None:
        """Show the work tab a Tổng quan card, bar or due item points to, filtered."""
        tab = self.area_tabs.get(target.tab)
        if isinstance(tab, ListTab):
            tab.read_if_unread()  # its filters (teams, years, areas) filled before they are set
        overview_navigate.open_target(self, target)

    def open_import(self) -> None:
        from .importing.dialog import ImportDialog

        dialog = ImportDialog(self.db, self)
        dialog.imported.connect(lambda: self.households_tab.reload_areas())
        dialog.showRecords.connect(self.show_imported)
        dialog.showKind.connect(self.show_imported_kind)
        dialog.exec()

    def show_imported(self, area_id: int) -> None:
        """The households tab, filtered to the area an import went into (0: every area)."""
        self.show_tab(self.households_tab)
        index = self.households_tab.area.findData(area_id or None)
        self.households_tab.area.setCurrentIndex(max(0, index))
        self.households_tab.reload()

    def open_audit(self):
        from .audit.dialog import AuditDialog  # the audit trail (issue 15)

        dialog = AuditDialog(self.db, self)
        dialog.exec()
        return dialog

    def open_periods(self):
        from .audit.periods import PeriodsDialog  # period locking (issue 15)

        dialog = PeriodsDialog(self.db, self.units.areas(), self)
        dialog.exec()
        self._people_changed()
        return dialog

    def open_users(self):
        from .users.dialog import UsersDialog  # the accounts (issue 15)

        dialog = UsersDialog(self.db, self)
        dialog.exec()
        return dialog

    def find_duplicates(self) -> DuplicatesDialog:
        from .duplicates.dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.services.duplicates, self.units.areas(), self)
        dialog.changed.connect(self._people_changed)
        dialog.exec()
        return dialog

    def _people_changed(self) -> None:
        """After a merge, an undo or a link: the lists and counts change."""
        self.reload_lists()
        self.update_status()

    def show_imported_kind(self, kind: str) -> None:
        """The tab of an imported kind other than households, reloaded."""
        tab = {"rehabilitation": self.rehabilitation_tab, "mediators": self.mediation_tab,
               "cert_units": self.certification_tab}.get(kind, self.activities_tab)
        if not self.show_tab(tab):  # else it has just been read for the first time
            tab.reload_all()

    def open_reports(self) -> None:
        from .reports.dialog import ReportsDialog  # the forms and openpyxl: on first use

        ReportsDialog(self.db, self).exec()

    def open_help(self):
        from .help.window import show_help

        return show_help(self, self.tabs.currentWidget())

    def about(self) -> None:
        QMessageBox.about(
            self, "Giới thiệu",
            f"<b>{APP_NAME}</b> {__version__}<br>Sổ sách phong trào Toàn dân bảo vệ an ninh "
            f"Tổ quốc.<br><br>Cơ sở dữ liệu: {html.escape(shown_url(self.db.url))}<br>"
            "Dữ liệu chỉ lưu trên máy này, "
            "không gửi đi đâu.")

    # -- remembered size and layout -------------------------------------------------------------
    def restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # first start: most of the screen, never more than it (read through
            # QGuiApplication, screen_area: a QScreen wrapper from QWidget.screen() left a
            # freed screen in Qt's list, and the next window's constructor crashed on it)
            area = screen_area(self)
            self.resize(min(1400, int(area.width() * 0.92)), min(860, int(area.height() * 0.9)))
        splitter = settings.value("households/splitter")
        if splitter is not None:
            self.households_tab.splitter.restoreState(splitter)
        # each list restores its own columns and sort (ListTab.restore_layout)

    def closeEvent(self, event) -> None:
        if self.auto_backup and not self._exit_ready:
            event.ignore()  # back up first (in the worker), then close for good
            if not self._closing:
                self._closing = True
                self.backups.timer.stop()
                self.backups.when_idle(self._backup_on_exit)
            return
        if self.idle_lock is not None:
            self.idle_lock.stop()
        self.changes_timer.stop()
        self.changes.close()
        self.overview_tab.wait_idle()  # its background read ends before the data is closed
        # and its result is taken now, while the tab is alive (a queued result reaching a
        # deleted tab fails: "Target signal has been deleted")
        QCoreApplication.sendPostedEvents()
        settings = QSettings()
        settings.setValue("mainWindow/geometry", self.saveGeometry())
        settings.setValue("households/splitter", self.households_tab.splitter.saveState())
        for tab in self.list_tabs():
            tab.save_layout()
        super().closeEvent(event)

    def _backup_on_exit(self) -> None:
        if not self.backups.changed():
            self.close_without_backup()
            return
        progress = backup_dialog.busy_dialog(self, "Đang sao lưu trước khi thoát…")

        def done(*_args) -> None:
            self.backups.finished.disconnect(done)
            self.backups.failed.disconnect(failed)
            progress.close()
            self.close_without_backup()

        def failed(text: str) -> None:
            progress.close()
            backup_dialog.show_backup_failure(
                self, text + "\nChương trình vẫn thoát; dữ liệu đã lưu không bị ảnh hưởng.")
            done()

        self.backups.finished.connect(done)
        self.backups.failed.connect(failed)
        self.backups.run(backup_dialog.svc.ON_EXIT)
