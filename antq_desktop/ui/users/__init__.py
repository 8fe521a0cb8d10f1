"""The administrator's accounts screen (Tệp → Tài khoản người dùng…)."""

from .dialog import AccountDialog, ResetPasswordDialog, UsersDialog

__all__ = ["AccountDialog", "ResetPasswordDialog", "UsersDialog"]
