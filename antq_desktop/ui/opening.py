"""The login-first start (docs/ARCHITECTURE.md, start-up; docs/PERFORMANCE.md, "Cold start"):
on a SQLite store with accounts and a set-up ward (db/peek.py) the login dialog is on screen
before SQLAlchemy, the models and the services are imported; the database is opened behind it,
on the GUI thread, one step per turn of the event loop after the dialog's first paint, so keys
typed meanwhile reach the fields between the steps. A submit before the opening is done
finishes it first, then checks the password.

When the opening fails the dialog closes and ui/app.py's ordinary start says why, with the
same messages (and the same restore offer) as when the database is opened first.

Nothing here imports SQLAlchemy at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

if TYPE_CHECKING:
    from ..db.engine import Database
    from ..services.users import UserService
    from .app import Services
    from .login import LoginDialog

# The opening starts after the dialog's first paint; should no paint come (a platform that
# shows nothing), it starts anyway after this long.
UNPAINTED_START_MS = 1000


class DeferredOpen(QObject):
    """Opens ``url`` behind the login dialog: the SQLAlchemy import, the models, the opening
    and its checks (db/engine.open_database), the services, the accounts' first read, each at
    its own turn of the event loop."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.db: Database | None = None
        self.services: Services | None = None
        self.users: UserService | None = None
        self.error: Exception | None = None  # what stopped the opening
        self.mismatch = False  # opened, but no accounts or no ward after all (changed since)
        self.dialog: LoginDialog | None = None
        self._steps: list[Callable[[], None]] = [
            self._import_sqlalchemy, self._import_orm, self._import_models, self._open,
            self._build, self._first_read, self._import_window]
        self._started = False

    # -- the steps ------------------------------------------------------------------------------
    def _import_sqlalchemy(self) -> None:
        import sqlalchemy  # noqa: F401 - the largest single import of the start (its core)

    def _import_orm(self) -> None:
        import sqlalchemy.orm  # noqa: F401

    def _import_models(self) -> None:
        from ..db import engine  # noqa: F401 - the models' declarative mapping

    def _open(self) -> None:
        from ..db.engine import GUI_BUSY_TIMEOUT_MS, open_database, set_busy_timeout
        from .app import clean_export_leftovers

        self.db = open_database(self.url)
        set_busy_timeout(self.db, GUI_BUSY_TIMEOUT_MS)  # a save during another program's write
        clean_export_leftovers()

    def _build(self) -> None:
        from .app import Services

        self.services = Services.build(self.db)

    def _first_read(self) -> None:
        from ..services.users import UserService

        users = UserService(self.db)
        # the first ORM queries (the mappers are configured here): the ward and the accounts,
        # which the peek saw; another program may have changed them since
        if self.services.units.get() is None or not users.has_users():
            self.mismatch = True
            return
        self.users = users

    def _import_window(self) -> None:
        """The main window's modules (its tabs, their dialogs' shared parts): only imported,
        nothing of the account's is read, so that Enter leaves the window's build alone."""
        if not self.failed:
            from . import main_window  # noqa: F401

    # -- running them ---------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return not self._steps

    @property
    def failed(self) -> bool:
        return self.error is not None or self.mismatch

    def follow(self, dialog: LoginDialog) -> None:
        """Open behind ``dialog``, starting after its first paint."""
        self.dialog = dialog
        dialog.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_START_MS, self, self._start)

    def eventFilter(self, watched, event) -> bool:  # Qt's name
        if event.type() == QEvent.Type.Paint and not self._started:
            QTimer.singleShot(0, self, self._start)  # after this paint pass is on screen
        return False

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._next()

    def _next(self) -> None:
        if self.done:
            return
        self._run_one()
        if self.failed:
            self._close_dialog()
        elif not self.done:
            QTimer.singleShot(0, self, self._next)

    def _run_one(self) -> None:
        step = self._steps.pop(0)
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - reported by the start once the dialog is shut
            self.error = exc
            self._steps.clear()
        if self.failed:
            self._steps.clear()

    def finish(self) -> UserService | None:
        """What is left of the opening, now (the dialog's submit came first): the accounts'
        service, or None when the opening failed (the dialog is then closed)."""
        while not self.done:
            self._run_one()
        if self.failed:
            self._close_dialog()
            return None
        return self.users

    def stop(self) -> None:
        """The dialog is closed: nothing more is opened, and the dialog and this object no
        longer hold each other (both are freed when the start lets go of them, on the GUI
        thread, as a dialog of the ordinary start is)."""
        self._steps.clear()
        if self.dialog is not None:
            self.dialog.removeEventFilter(self)
            self.dialog.opening = None
            self.dialog = None

    def _close_dialog(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()


@dataclass
class Outcome:
    """How the login-first start ended: signed in (``services`` open, ``db.user`` set),
    cancelled (nothing left open), or handed back to the ordinary start (``error``: the
    opening's failure, to be reported; else ``services``: opened, without accounts or ward)."""

    signed_in: bool = False
    cancelled: bool = False
    services: Services | None = None
    error: Exception | None = None


def login_first(url: str, ward_name: str, name: str = "") -> Outcome:
    """The login dialog on screen first, the database opened behind it (DeferredOpen)."""
    from .login import LoginDialog

    opening = DeferredOpen(url)
    dialog = LoginDialog(None, ward_name, name=name, opening=opening)
    opening.follow(dialog)
    accepted = bool(dialog.exec()) and dialog.user is not None
    opening.stop()
    services = opening.services
    if opening.error is not None:
        from ..db.engine import DatabaseOpenError

        if opening.db is not None:
            opening.db.dispose()
        if not isinstance(opening.error, DatabaseOpenError):
            raise opening.error  # as when it is raised opening first (cli.main reports it)
        return Outcome(error=opening.error)
    if accepted:
        services.db.user = dialog.user
        return Outcome(signed_in=True, services=services)
    if opening.mismatch:
        return Outcome(services=services)
    if opening.db is not None:
        opening.db.dispose()
    return Outcome(cancelled=True)
