"""Signing in: the first administrator, the login, the password change and the idle lock."""

from .dialogs import ChangePasswordDialog, FirstAdminDialog, LoginDialog
from .lock import IdleLock, LockDialog

__all__ = ["ChangePasswordDialog", "FirstAdminDialog", "IdleLock", "LockDialog", "LoginDialog"]
