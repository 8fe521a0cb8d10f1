"""Starting the GUI: open the database with clear messages, first-start setup, main window."""

from __future__ import annotations

import dataclasses

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ..config import APP_NAME, ORG_NAME, default_db_path, resources_dir, sqlite_path
from ..reports.fonts import FontError, register_fonts
from .widgets.lifetime import collect_on_gui_thread

# Nothing at module level here imports SQLAlchemy, the models or the services: on a store with
# accounts the login dialog is shown before them (run_gui, ui/opening.py; docs/ARCHITECTURE.md)
if TYPE_CHECKING:
    from ..db.engine import Database, DatabaseOpenError
    from ..services.activities import ActivityService
    from ..services.certification import CertificationService
    from ..services.duplicates import DuplicateService
    from ..services.households import HouseholdService
    from ..services.mediation import MediationService
    from ..services.rehabilitation import RehabilitationService
    from ..services.settings import SettingsService
    from ..services.unit import UnitService

# Quit this many milliseconds after the main window shows (smoke tests of a build, start-up
# timing); unset in normal use.
QUIT_AFTER_ENV = "ANTQ_QUIT_AFTER_MS"


@dataclass(frozen=True)
class Services:
    """The services of one database, made once at start-up (and again on a restored one) and
    handed to the main window, its tabs and the dialogs they open."""

    db: Database
    units: UnitService
    households: HouseholdService
    rehabilitation: RehabilitationService
    mediation: MediationService
    certification: CertificationService
    activities: ActivityService
    settings: SettingsService
    duplicates: DuplicateService

    @classmethod
    def build(cls, db: Database) -> "Services":
        from ..services.activities import ActivityService
        from ..services.certification import CertificationService
        from ..services.duplicates import DuplicateService
        from ..services.households import HouseholdService
        from ..services.mediation import MediationService
        from ..services.rehabilitation import RehabilitationService
        from ..services.settings import SettingsService
        from ..services.unit import UnitService

        return cls(db, UnitService(db), HouseholdService(db), RehabilitationService(db),
                   MediationService(db), CertificationService(db), ActivityService(db),
                   SettingsService(db), DuplicateService(db))


log = logging.getLogger(__name__)

def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the program's names, icon, style sheet and printing fonts.

    Raises FontError when the fonts shipped with the program cannot be read."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    icon = resources_dir() / "icon.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    style = (resources_dir() / "style.qss").read_text(encoding="utf-8")
    if app.styleSheet() != style:  # set once: setting it again repolishes every live widget
        app.setStyleSheet(style)
    install_qt_translation(app)
    register_fonts()
    collect_on_gui_thread(app)  # Qt objects are never freed off the GUI thread (lifetime.py)
    return app


QT_TRANSLATION = "translations/qt_vi.qm"  # under resources/; built from qt_vi.ts (docs/TRANSLATION.md)


def install_qt_translation(app: QApplication) -> bool:
    """Qt's own texts (standard buttons, the text fields' menu, the file and print dialogs)
    in Vietnamese: Qt ships no Vietnamese translation, so the program carries its own. Installed
    once per application; False when the file is missing or unreadable (Qt then speaks English,
    nothing else breaks)."""
    if getattr(app, "_antq_translator", None) is not None:
        return True
    translator = QTranslator(app)
    if not translator.load(str(resources_dir() / QT_TRANSLATION)):
        return False
    app.installTranslator(translator)
    app._antq_translator = translator  # kept alive with the application
    return True


def install_error_handler(url: str) -> None:
    """Show an unexpected error as a Vietnamese message instead of a traceback in a console.

    The message names the kind of failure only: no record content is shown or logged.
    """

    def handler(kind, exc, tb) -> None:
        from ..db.engine import database_error_message

        text = database_error_message(exc, url)
        if text is not None:
            text += "\nThao tác vừa rồi chưa được lưu."
        else:
            text = ("Đã xảy ra lỗi không mong muốn; thao tác vừa rồi chưa được lưu. "
                    f"Chi tiết kỹ thuật: {kind.__name__}.")
        QMessageBox.critical(QApplication.activeWindow(), APP_NAME, text)

    sys.excepthook = handler


def _quit_after() -> int | None:
    value = os.environ.get(QUIT_AFTER_ENV, "").strip()
    return int(value) if value.isdigit() else None


def _stop(text: str) -> int:
    """Tell the user why the program cannot start; in a smoke test (ANTQ_QUIT_AFTER_MS set)
    on stderr instead of a box nobody will close."""
    if _quit_after() is not None:
        print(f"antq-desktop: {text}", file=sys.stderr)
    else:
        QMessageBox.critical(None, APP_NAME, text)
    return 1


def start_in_ward(db: Database, wanted: str) -> bool:
    """``antq-desktop --unit CODE`` without a command: the window opens on that ward (a
    province account; a ward account may name only its own). False, with the message shown,
    when no such ward is in the store or the account may not choose it."""
    from ..access import PermissionDenied
    from ..cli_ward import find_ward
    from ..db.guard import choose_ward
    from ..services.unit import UnitService

    try:
        choose_ward(db, find_ward(UnitService(db).wards(), wanted).id)
    except (ValueError, PermissionDenied) as exc:
        _stop(str(exc))
        return False
    return True


def run_gui(url: str, ward: str | None = None) -> int:
    """The windowed program on ``url``; ``ward``: the ``--unit`` it was started with. A SQLite
    store with accounts and a set-up ward shows the login dialog first and opens the database
    behind it (db/peek.py, ui/opening.py); anything else is opened first, then set up or
    signed into (docs/ARCHITECTURE.md)."""
    try:
        app = make_app()
    except (FontError, OSError) as exc:
        return _stop(str(exc) if isinstance(exc, FontError) else
                     "Không đọc được tệp giao diện đi kèm chương trình; hãy cài lại chương trình.")
    install_error_handler(url)
    services = error = None
    first = None if _env_sign_in() else _peek(url)
    if first is not None:
        from .opening import login_first

        outcome = login_first(url, first.ward_name, os.environ.get(USER_ENV) or "")
        if outcome.signed_in:
            return _run_window(app, outcome.services.db, outcome.services, ward)
        if outcome.cancelled:
            return 0
        # the opening failed (its message follows, as in the ordinary order), or found no
        # accounts or no ward after all: the ordinary order goes on from there
        services, error = outcome.services, outcome.error
    elif (question := creation_question(url)) is not None:
        if _quit_after() is not None:  # a smoke test: nobody to answer, so nothing is created
            return _stop(question.replace("\n\n", " ") + " (Không có ai trả lời: không tạo.)")
        if not ask_create(question):
            return 0
    if services is None:
        from ..db.engine import (
            GUI_BUSY_TIMEOUT_MS,
            DatabaseOpenError,
            open_database,
            set_busy_timeout,
        )

        try:
            if error is not None:
                raise error
            db = open_database(url)
        except DatabaseOpenError as exc:
            db = _offer_restore(url, exc)
            if db is None:
                return 1
        set_busy_timeout(db, GUI_BUSY_TIMEOUT_MS)  # a save during another program's write: at once
        clean_export_leftovers()
        services = Services.build(db)
    db = services.db
    if services.units.get() is None:
        from .unit_dialog import UnitDialog  # and the official list of places: only to set up

        if not UnitDialog(services.units, first_start=True).exec():
            db.dispose()
            return 0
    if not sign_in(db):
        db.dispose()
        return 0
    return _run_window(app, db, services, ward)


def _peek(url: str):
    """The login-first start's look into the file (db/peek.py), None: open first."""
    from ..db.peek import peek_sign_in

    return peek_sign_in(url)


def _run_window(app: QApplication, db: Database, services: Services,
                ward: str | None = None) -> int:
    """The signed-in start: the main window on ``db`` (on the ward of ``--unit``, when
    given) until the program ends."""
    if ward and not start_in_ward(db, ward):
        db.dispose()
        return 1
    prepare_backups(db)
    window = open_main_window(db, services=services)
    window.show()
    quit_after = _quit_after()
    if quit_after is not None:
        QTimer.singleShot(quit_after, window.close)
    if db.backup_path is not None:
        window.statusBar().showMessage(
            f"Đã nâng cấp cơ sở dữ liệu; bản sao trước khi nâng cấp: {db.backup_path}", 15000)
    code = app.exec()
    for open_window in _windows:  # after a restore, the window open last has the data
        if not getattr(open_window, "signed_out", False):
            _record_sign_out(open_window.db)
        open_window.db.dispose()
    _windows.clear()
    return code


USER_ENV, PASSWORD_ENV = "ANTQ_USER", "ANTQ_PASSWORD"


def _env_sign_in() -> bool:
    """Whether ANTQ_USER and ANTQ_PASSWORD sign in (scripts, smoke tests): no dialog."""
    return bool(os.environ.get(USER_ENV)) and os.environ.get(PASSWORD_ENV) is not None


def sign_in(db: Database) -> bool:
    """Who works on ``db``: ANTQ_USER/ANTQ_PASSWORD (scripts, smoke tests), else the login
    dialog; a database without accounts asks for the first administrator, or, when nobody can
    answer (ANTQ_QUIT_AFTER_MS), opens in single-user mode (docs/USERS.md). False: quit."""
    from ..services.unit import UnitService
    from ..services.users import LoginError, UserService
    from .login import FirstAdminDialog, LoginDialog

    users = UserService(db)
    name = os.environ.get(USER_ENV)
    if _env_sign_in():
        try:
            db.user = users.authenticate(name, os.environ[PASSWORD_ENV])
        except LoginError as exc:
            _stop(exc.message)
            return False
        return True
    if not users.has_users():
        if _quit_after() is not None:
            return True  # single-user mode: nobody to make the administrator
        dialog = FirstAdminDialog(users)
    else:
        info = UnitService(db).get()
        dialog = LoginDialog(users, info.ward_name if info else "", name=name or "")
    if not dialog.exec() or dialog.user is None:
        return False
    db.user = dialog.user
    return True


def _record_sign_out(db: Database) -> None:
    """The "logout" entry of the account that worked on ``db`` (closing the program ends its
    session too); a database gone or locked by then must not turn the exit into an error."""
    from ..services.users import UserService

    try:
        UserService(db).sign_out()
    except Exception:  # noqa: BLE001 - the program is closing; the entry is a courtesy
        log.warning("the sign-out could not be recorded", exc_info=False)


def sign_out(window, login=None) -> None:
    """Tệp → Đăng xuất: the trail records the logout, the window is covered at once (nothing
    of the records stays on screen) and the login dialog asks who works next. The same
    officer goes on in the same window; another one gets a new window, with their own rights
    and masking; Hủy closes the program (with its exit backup). ``login``: the dialog's seam
    for tests, ``login(db) -> bool`` (default: :func:`sign_in`)."""
    from .login.lock import _Cover

    db = window.db
    before = db.user
    _record_sign_out(db)
    window.signed_out = True
    if window.idle_lock is not None:
        window.idle_lock.stop()
    cover = _Cover(window)
    db.user = None
    if not (login or sign_in)(db):
        db.user = before  # the exit backup and the settings still run as the last officer
        window.close()  # covered, it stays the last window: the program ends after its backup
        return
    if before is not None and db.user.id == before.id:
        if before.province:  # a province officer goes on with the ward they had chosen
            db.user = dataclasses.replace(db.user, unit_id=before.unit_id)
        window.removeEventFilter(cover)
        cover.hide()
        cover.deleteLater()
        window.signed_out = False
        if window.idle_lock is not None:  # a fresh countdown (the old lock was stopped)
            from ..services.users import UserService
            from .login import IdleLock

            users = UserService(db)
            window.idle_lock = IdleLock(users, users.idle_minutes(), window)
        return
    successor = open_main_window(db, auto_backup=window.auto_backup)
    successor.show()
    window.close_without_backup()
    if window in _windows:
        _windows.remove(window)


def creation_question(url: str) -> str | None:
    """The question to ask before the program creates a new database for ``url``: a file that
    does not exist anywhere but the default place (a mistyped --db must not silently become an
    empty database), or a zero-byte file (not a database yet). None: nothing to ask."""
    from ..db.engine import file_state

    state = file_state(url)
    path = sqlite_path(url)
    if state == "empty":
        return (f"Tệp {path} trống (0 byte), chưa phải là cơ sở dữ liệu.\n\n"
                "Tạo cơ sở dữ liệu mới, chưa có dữ liệu, trong tệp này?")
    if state == "missing" and path is not None and path != default_db_path().resolve() \
            and path != default_db_path():
        return (f"Chưa có cơ sở dữ liệu tại {path}.\n\n"
                "Tạo cơ sở dữ liệu mới, chưa có dữ liệu, ở đó? Nếu đường dẫn bị gõ nhầm, hãy "
                "chọn Hủy.")
    return None


def _offer_restore(url: str, exc: DatabaseOpenError) -> Database | None:
    """A database that cannot be opened: when its message names a backup, offer to restore it
    (a safety copy of the damaged file is kept) and open the restored data; else say why and
    stop (None)."""
    from ..db.engine import DatabaseOpenError, open_database, restore_candidate
    from ..services.backup import BackupError, restore

    copy = restore_candidate(exc, url)
    if copy is None or _quit_after() is not None:  # a smoke test: nobody to answer
        _stop(str(exc))
        return None
    if not ask_restore(str(exc), copy):
        return None
    try:
        result = restore(sqlite_path(url), copy)
        db = open_database(url)
    except (BackupError, DatabaseOpenError) as again:
        _stop(str(again))
        return None
    QMessageBox.information(None, APP_NAME, result.describe())
    return db


def ask_restore(problem: str, copy: Path) -> bool:
    """Ask whether to restore ``copy`` over a database that cannot be opened (a seam for
    tests)."""
    from .widgets import messages

    return messages.confirm(None, f"{problem}\n\nKhôi phục bản sao {copy.name} ngay bây giờ? "
                                  "Tệp hiện tại được giữ lại làm bản an toàn.",
                            "Khôi phục dữ liệu", yes_text="Khôi phục")


def ask_create(question: str) -> bool:
    """Ask whether to create the database (a seam for tests)."""
    from .widgets import messages

    return messages.confirm(None, question, "Tạo cơ sở dữ liệu mới", yes_text="Tạo mới")


def clean_export_leftovers() -> None:
    """Remove the temporary files that an export cut short by a crash left in the folder the
    officer last exported to (each export also cleans its own folder)."""
    from PySide6.QtCore import QSettings

    from ..reports.export import clean_stale_temp_files

    folder = QSettings().value("reports/folder")
    if folder:
        from pathlib import Path

        clean_stale_temp_files(Path(str(folder)))


def prepare_backups(db: Database) -> None:
    """At start: the database files readable by their owner only, and the partial copies a
    crash left behind removed (services.backup)."""
    from ..services import backup

    try:
        path = backup.database_file(db)
    except backup.BackupError:
        return  # PostgreSQL: the server's job
    backup.secure_database(path)
    backup.clean_partial(path, backup.folder_for(path, backup.settings_of(db)))


_windows: list = []  # the main windows alive (a restore opens a new one on the restored data)


def open_main_window(db: Database, *, auto_backup: bool = True,
                     services: Services | None = None):
    """The main window on ``db`` (``services``: made on it, else made here); after a restore
    it is replaced by a new window on the restored file (the old one closes without its exit
    backup, its data are gone)."""
    from ..db.engine import GUI_BUSY_TIMEOUT_MS, DatabaseOpenError, open_database, set_busy_timeout
    from .main_window import MainWindow

    window = MainWindow(db, auto_backup=auto_backup, services=services)
    _windows.append(window)

    def reopen() -> None:
        try:
            new_db = open_database(db.url)  # upgrades a backup of an older schema
        except DatabaseOpenError as exc:
            QMessageBox.critical(window, APP_NAME, str(exc))
            window.close_without_backup()
            return
        set_busy_timeout(new_db, GUI_BUSY_TIMEOUT_MS)
        new_db.user = db.user  # the same officer goes on working on the restored data
        successor = open_main_window(new_db, auto_backup=auto_backup)
        window.successor = successor
        successor.show()
        window.close_without_backup()
        _windows.remove(window)
        db.dispose()
        if new_db.backup_path is not None:
            successor.statusBar().showMessage(
                f"Đã nâng cấp dữ liệu khôi phục; bản sao trước khi nâng cấp: "
                f"{new_db.backup_path}", 15000)

    window.databaseReplaced.connect(reopen)
    window.signOutRequested.connect(lambda: sign_out(window))
    return window
