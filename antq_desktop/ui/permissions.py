"""Greys out what the signed-in account may not do, with a tooltip saying why (docs/USERS.md).

One walk over the main window by objectName: its actions (``action…``) and each tab's buttons
(``<area>Add``, ``<area>Edit``…), so the tabs themselves know nothing about roles. The services
refuse the same calls anyway (db/guard.py); this only spares the officer a refused save. A tab
that re-enables a button on a selection change is held back by a small event filter.

A tab's button that opens the selected record (its "Sửa", marked by :func:`opener`) is not
greyed out: for an account that may not write it reads "Xem" and the record opens read-only
(ui/widgets/dialogs.py ``view_only``), for Chỉ xem must be able to read every record.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QMenu, QWidget

from ..access import CurrentUser, Permission, user_of

# objectName of a main-window action → the permission it needs
ACTIONS = {
    "actionUnit": Permission.SETTINGS,
    "actionImport": Permission.WRITE,
    "actionDuplicates": Permission.WRITE,
    "actionBackupNow": Permission.BACKUP,
    "actionRestore": Permission.RESTORE,
    "actionReports": Permission.EXPORT,
    "actionUsers": Permission.USERS,
}
# the end of a tab button's objectName → the permission it needs
BUTTON_SUFFIXES = [
    ("Print", Permission.EXPORT), ("Export", Permission.EXPORT),
    ("Add", Permission.WRITE), ("Edit", Permission.WRITE), ("EditUnit", Permission.WRITE),
    ("Move", Permission.WRITE), ("Signup", Permission.WRITE), ("SignupArea", Permission.WRITE),
    ("Evaluate", Permission.WRITE), ("Support", Permission.WRITE), ("Close", Permission.WRITE),
    ("Reopen", Permission.WRITE), ("Delete", Permission.WRITE), ("Void", Permission.WRITE),
    ("AddMediator", Permission.WRITE), ("TeamEdit", Permission.WRITE),
    ("Import", Permission.WRITE), ("EndModel", Permission.WRITE), ("Retire", Permission.WRITE),
    ("Settings", Permission.SETTINGS), ("Papers", Permission.EXPORT),
]
AREAS = ("households", "rehabilitation", "mediation", "certification", "activities", "team")


def button_permission(name: str) -> Permission | None:
    if not name.startswith(AREAS):
        return None
    for suffix, permission in BUTTON_SUFFIXES:
        if name.endswith(suffix):
            return permission
    return None


def cannot_write(db) -> str | None:
    """Why the account ``db`` works for may not change records (a role without WRITE, a
    province account), as a tooltip; None when it may. The services refuse its saves anyway."""
    user = user_of(db)
    return None if user.can(Permission.WRITE) else user.why_not(Permission.WRITE)


def opener(button: QAbstractButton, db, view_text: str = "Xem") -> bool:
    """Mark a tab's button that opens the selected record (Enter and a double-click do the
    same): :func:`apply` leaves it to the tab's selection, and for an account that may not
    write it reads ``view_text``, its tooltip saying why nothing can be changed. True when the
    account may only look (the tab's other labels of the button should say so too)."""
    button.setProperty("opensRecord", True)
    reason = cannot_write(db)
    if reason is not None:
        button.setText(view_text)
        button.setToolTip(reason)
    return reason is not None


class HeldOff(QObject):
    """Keeps a widget disabled when its owner (a tab on a selection change, a dialog's own code)
    enables it again."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.EnabledChange and watched.isEnabled():
            watched.setEnabled(False)
        return False


def apply(window: QWidget, user: CurrentUser) -> list[str]:
    """Disable what ``user`` may not use in ``window``; the objectNames disabled."""
    disabled = []
    for action in window.findChildren(QAction):
        permission = ACTIONS.get(action.objectName())
        if permission is not None and not user.can(permission):
            action.setEnabled(False)
            action.setToolTip(user.why_not(permission))
            disabled.append(action.objectName())
    for menu in window.findChildren(QMenu):
        menu.setToolTipsVisible(True)
    holder = getattr(window, "_permission_filter", None) or HeldOff(window)
    window._permission_filter = holder
    for button in window.findChildren(QAbstractButton):
        permission = button_permission(button.objectName())
        if button.property("opensRecord"):  # "Xem" for who may not write: it opens read-only
            continue
        if permission is not None and not user.can(permission):
            button.setEnabled(False)
            button.setToolTip(user.why_not(permission))
            button.installEventFilter(holder)
            disabled.append(button.objectName())
    return disabled


# -- locked periods (khóa sổ) --------------------------------------------------------------------
def _padlock_file():
    from ..config import resources_dir

    return resources_dir() / "padlock.png"


# The padlock mark, as rich text for labels and tooltips: a picture shipped with the program,
# not the emoji 🔒, which shows as an empty box on a machine without an emoji font. Plain-text
# places (window titles, table items, menu entries) say "đã khóa sổ" or take padlock_icon().
PADLOCK = f'<img src="{_padlock_file().as_uri()}" width="13" height="13">'
LOCKED_TITLE = "chỉ xem, đã khóa sổ"  # after a locked record dialog's title


def padlock_icon():
    """The padlock as a QIcon (table items, menu entries)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(_padlock_file()))


def period_lock(db, kind: str, year: int, area_id: int | None = None) -> str | None:
    """The refusal a change of ``kind`` in ``year`` would get (services/periods.py), or None:
    for a padlock mark before the officer opens a dialog the service would refuse."""
    from ..services.periods import PeriodService

    return PeriodService(db).is_locked(kind, year, area_id)


def mark_locked(widgets, message: str | None) -> None:
    """Disable ``widgets`` with the padlock and the lock's message as their tooltip (call
    after the tab enabled them for its selection); ``message`` None: their own tooltip back."""
    for widget in widgets:
        if widget.property("unlockedTip") is None:
            widget.setProperty("unlockedTip", widget.toolTip())
        if message:
            widget.setEnabled(False)
            widget.setToolTip(f"{PADLOCK} {message}")
        else:
            widget.setToolTip(widget.property("unlockedTip"))
