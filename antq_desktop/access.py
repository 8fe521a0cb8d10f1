"""Who is working and what they may do: roles, permissions, the current user (docs/USERS.md).

Core: imports nothing of ours but validation. The database carries the user it works for
(``Database.user``, set at login); db/guard.py checks every write of a session against it, and
the services call :func:`require` where a rule is finer than "may write".
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from dataclasses import dataclass

from .validation import FieldError


class Role(enum.Enum):
    ADMIN = "admin"
    CLERK = "clerk"
    LEADER = "leader"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Quản trị",
    Role.CLERK: "Cán bộ nhập liệu",
    Role.LEADER: "Lãnh đạo",
    Role.VIEWER: "Chỉ xem",
}


class Permission(enum.Enum):
    READ = "read"  # see the lists and records
    WRITE = "write"  # enter, edit, close, import, merge
    EXPORT = "export"  # print and export forms
    SENSITIVE = "sensitive"  # see ID numbers, regimes, case notes, ethnicity, religion whole
    BACKUP = "backup"  # back up now
    LOCK = "lock"  # sign off and lock a period, reopen it, approve
    SETTINGS = "settings"  # the unit, its areas, deadlines, backup settings
    RESTORE = "restore"  # replace the data with a backup
    USERS = "users"  # accounts: add, disable, reset passwords, roles, areas


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.CLERK: frozenset({Permission.READ, Permission.WRITE, Permission.EXPORT,
                           Permission.SENSITIVE, Permission.BACKUP}),
    Role.LEADER: frozenset({Permission.READ, Permission.EXPORT, Permission.SENSITIVE,
                            Permission.BACKUP, Permission.LOCK}),
    Role.VIEWER: frozenset({Permission.READ}),
}

# Why a permission is missing, as the end of "Tài khoản … không được …" (messages, tooltips).
DENIED = {
    Permission.READ: "xem dữ liệu",
    Permission.WRITE: "nhập hoặc sửa dữ liệu (chỉ được xem)",
    Permission.EXPORT: "in hoặc xuất biểu mẫu",
    Permission.SENSITIVE: "xem số định danh và thông tin nhạy cảm",
    Permission.BACKUP: "sao lưu dữ liệu",
    Permission.LOCK: "khóa sổ, mở khóa sổ hoặc phê duyệt",
    Permission.SETTINGS: "thay đổi cài đặt, thông tin đơn vị và khu dân cư",
    Permission.RESTORE: "khôi phục dữ liệu từ bản sao lưu",
    Permission.USERS: "quản lý tài khoản người dùng",
}


class PermissionDenied(FieldError):
    """A call refused because of the user's role or areas; shown like any FieldError."""

    def __init__(self, message: str):
        super().__init__("Quyền", message)


# What a province account (issue 18) may do, whatever its role: read every ward, never write.
PROVINCE_PERMISSIONS = frozenset({Permission.READ, Permission.EXPORT, Permission.SENSITIVE,
                                  Permission.BACKUP})
PROVINCE_DENIED = ("Tài khoản “{name}” là tài khoản cấp tỉnh: chỉ xem dữ liệu của các phường, "
                   "xã, không được nhập, sửa hay thay đổi cài đặt.")
OTHER_WARD = ("Bản ghi này thuộc phường, xã khác: tài khoản “{name}” chỉ làm việc với dữ liệu "
              "của phường, xã mình.")


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in account as the services see it. ``area_ids`` None: every area.
    ``unit_id``: the ward it works in (None: the database's ward); ``province``: reads every
    ward of the store, writes nothing (docs/ARCHITECTURE.md §6)."""

    id: int | None
    name: str
    display_name: str
    role: Role
    area_ids: frozenset[int] | None = None
    system: bool = False  # no account: single-user mode, the demo, migrations, tests
    unit_id: int | None = None
    province: bool = False

    def can(self, permission: Permission) -> bool:
        if self.province and permission not in PROVINCE_PERMISSIONS:
            return False
        return permission in ROLE_PERMISSIONS[self.role]

    def may_area(self, area_id: int | None) -> bool:
        """May work on a record of ``area_id`` (None: a ward-wide record)."""
        return self.area_ids is None or (area_id is not None and area_id in self.area_ids)

    def why_not(self, permission: Permission) -> str:
        if self.province and permission not in PROVINCE_PERMISSIONS:
            return PROVINCE_DENIED.format(name=self.name)
        return (f"Tài khoản “{self.name}” ({self.role.label}) không được "
                f"{DENIED[permission]}.")


SYSTEM = CurrentUser(id=None, name="hệ thống", display_name="Hệ thống", role=Role.ADMIN,
                     system=True)
# The user a newly opened database works for: the command line's --user sets it before the
# commands open the database; everything else gets the system user.
CURRENT_USER: ContextVar[CurrentUser] = ContextVar("antq_user", default=SYSTEM)
AREA_DENIED = ("Tài khoản “{name}” chỉ làm việc với các khu dân cư được giao; bản ghi này thuộc "
               "khu dân cư khác (hoặc của cả phường).")


def user_of(db) -> CurrentUser:
    """The user ``db`` works for (SYSTEM when none is set)."""
    return getattr(db, "user", None) or SYSTEM


def require(db, permission: Permission, area_id: int | None = ...) -> CurrentUser:
    """Raise PermissionDenied unless the user of ``db`` has ``permission`` (and, when
    ``area_id`` is given, may work on that area). Returns the user."""
    user = user_of(db)
    if not user.can(permission):
        raise PermissionDenied(user.why_not(permission))
    if area_id is not ... and not user.may_area(area_id):
        raise PermissionDenied(AREA_DENIED.format(name=user.name))
    return user


def area_filter(db, column):
    """A WHERE clause limiting ``column`` (an area_id column) to the user's areas, or None.
    Records of no area (ward-wide) stay visible: they belong to everybody's ward."""
    user = user_of(db)
    if user.area_ids is None:
        return None
    return column.in_(sorted(user.area_ids)) | column.is_(None)


# -- masking -----------------------------------------------------------------------------------
MASK = "•••"
SHOWN_DIGITS = 4


def sees_sensitive(db) -> bool:
    return user_of(db).can(Permission.SENSITIVE)


def mask_number(number: str | None) -> str | None:
    """"001080012345" → "••••••••2345"; a number already masked stays as it is."""
    if not number:
        return number
    return "•" * max(0, len(number) - SHOWN_DIGITS) + number[-SHOWN_DIGITS:]


def mask_text(text: str | None) -> str | None:
    """A sensitive free text (case notes, ethnicity, religion): hidden whole."""
    return MASK if text else text


class MaskedLabel:
    """Stands in for an enum value that must not be shown (a rehabilitation regime): the UI
    and the reports read ``.label`` (and ``.value``) as they do from the enum."""

    label = "(ẩn)"
    value = ""

    def __repr__(self) -> str:
        return "MaskedLabel()"


MASKED = MaskedLabel()


def masked_for(db, value):
    """``value`` itself for a user who may see sensitive data, else its mask."""
    if sees_sensitive(db) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return MASKED
    return mask_text(value) if isinstance(value, str) else MASKED
