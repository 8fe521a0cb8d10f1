"""Accounts: the first administrator, login with lock-out, password change and reset, roles and
areas (docs/USERS.md). Passwords are kept as argon2id hashes only.

Rule for a database without accounts (an older file, a new one, the demo): it is in
single-user mode, every caller works as the system user, until the first account (a Quản trị)
is made. The GUI asks for that administrator on open; the command line says how to make one
(``antq-desktop users add TÊN --role admin``).

In a province store (docs/ARCHITECTURE.md §6) an account works in the ward it was made in
(``app_user.unit_id``): a ward's Quản trị lists and manages its own ward's accounts only. A
province account (``province``) has a role as any other but reads every ward and writes
nothing; it has no areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..access import (
    CurrentUser,
    Permission,
    PermissionDenied,
    Role,
    require,
    user_of,
)
from ..db.engine import Database
from ..db.guard import scope_of
from ..db.models import Area, LoginFailure, User, UserArea
from ..db.models.base import utc_now
from ..text import fold, normalize
from ..validation import FieldError
from . import audit
from .children import unique_violation

MAX_FAILURES = 5  # in a row: then the account is locked for LOCK_MINUTES
LOCK_MINUTES = 5
MIN_PASSWORD = 8
MAX_NAME = 50
IDLE_LOCK_KEY = "security.idle_lock_minutes"
IDLE_LOCK_DEFAULT = 10
_HASHER = []


def _errors() -> tuple:
    from argon2.exceptions import InvalidHashError, VerificationError

    return VerificationError, InvalidHashError


def _hasher():
    """argon2id with the library's recommended parameters (RFC 9106 low-mem), loaded when a
    password is first hashed or checked: opening a database never needs the compiled binding."""
    if not _HASHER:
        from argon2 import PasswordHasher

        _HASHER.append(PasswordHasher())
    return _HASHER[0]

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."


class LoginError(FieldError):
    """A login refused; the message never tells whether the name exists."""

    def __init__(self, message: str = LOGIN_FAILED):
        super().__init__("Đăng nhập", message)


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    display_name: str
    role: Role
    area_ids: tuple[int, ...]  # empty: every area
    disabled: bool
    must_change: bool
    locked_until: datetime | None  # UTC
    last_login_at: datetime | None  # UTC
    unit_id: int | None = None  # the account's ward (None: the store's, or a province account)
    province: bool = False  # reads every ward, writes nothing


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_errors(password: str, again: str | None = None) -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD:
        errors.append(FieldError("Mật khẩu", f"cần ít nhất {MIN_PASSWORD} ký tự."))
    elif password.strip() != password:
        errors.append(FieldError("Mật khẩu", "không bắt đầu hay kết thúc bằng dấu cách."))
    if again is not None and again != password:
        errors.append(FieldError("Nhập lại mật khẩu", "không khớp với mật khẩu."))
    return errors


def _name_error(name: str) -> FieldError | None:
    if not name:
        return FieldError("Tên đăng nhập", "chưa nhập.")
    if len(name) > MAX_NAME:
        return FieldError("Tên đăng nhập", f"dài quá {MAX_NAME} ký tự.")
    if any(ch.isspace() for ch in name):
        return FieldError("Tên đăng nhập", "không có dấu cách (ví dụ: nguyenvana).")
    return None


def account_errors(name: str, display_name: str = "", password: str | None = None,
                   again: str | None = None) -> list[FieldError]:
    """The problems of an account as typed on the accounts screen (nothing needing the
    database): the name, the full name and, for a new account, the password twice."""
    errors = []
    error = _name_error(normalize(name))
    if error is not None:
        errors.append(error)
    if len(normalize(display_name)) > 100:
        errors.append(FieldError("Họ và tên", "dài quá 100 ký tự."))
    if password is not None:
        errors += password_errors(password, again)
    return errors


def role_of(text: str) -> Role:
    """A Role from its code ("clerk") or its Vietnamese label, with or without diacritics."""
    key = fold(text)
    for role in Role:
        if key in (role.value, fold(role.label)):
            return role
    choices = ", ".join(f"{r.value} ({r.label})" for r in Role)
    raise FieldError("Vai trò", f"không có vai trò “{text}”: chọn một trong {choices}.")


def _area_ids(u: User) -> tuple[int, ...]:
    """The areas of account ``u``, read as table rows: ``u.areas`` goes through the session's
    ward criteria (db/guard.py), and a handle opened in another ward (a fresh one works in the
    store's first) would see none of them, which means every area."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    table = UserArea.__table__
    session = object_session(u)
    if session is None:
        return tuple(a.area_id for a in u.areas)
    return tuple(session.execute(select(table.c.area_id).where(table.c.user_id == u.id)
                                 .order_by(table.c.area_id)).scalars())


def current_user(u: User) -> CurrentUser:
    areas = frozenset(_area_ids(u)) or None
    return CurrentUser(id=u.id, name=u.name, display_name=u.display_name or u.name,
                       role=Role(u.role), area_ids=None if u.province else areas,
                       unit_id=None if u.province else u.unit_id, province=bool(u.province))


def _info(u: User) -> UserInfo:
    return UserInfo(id=u.id, name=u.name, display_name=u.display_name, role=Role(u.role),
                    area_ids=_area_ids(u), disabled=u.disabled,
                    must_change=u.must_change, locked_until=u.locked_until,
                    last_login_at=u.last_login_at, unit_id=u.unit_id,
                    province=bool(u.province))


class UserService:
    def __init__(self, db: Database):
        self.db = db

    # -- reading ---------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self.db.session() as s:
            return bool(s.scalar(select(func.count()).select_from(User)))

    def list(self) -> list[UserInfo]:
        """The accounts of the current ward, and the province accounts."""
        require(self.db, Permission.USERS)
        stmt = select(User).order_by(User.name_folded)
        ward = scope_of(self.db)
        if ward is not None:
            stmt = stmt.where((User.unit_id == ward) | User.unit_id.is_(None))
        with self.db.session() as s:
            return [_info(u) for u in s.scalars(stmt)]

    def get(self, name: str) -> UserInfo:
        with self.db.session() as s:
            return _info(self._find(s, name))

    def failures(self, name: str) -> int:
        """How many failed logins were recorded for ``name``."""
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(LoginFailure)
                            .where(LoginFailure.name_typed == fold(name)))

    @staticmethod
    def _find(s, name: str) -> User:
        u = s.scalar(select(User).where(User.name_folded == fold(normalize(name))))
        if u is None:
            raise FieldError("Tên đăng nhập", f"không có tài khoản “{normalize(name)}”.")
        return u

    def _find_managed(self, s, name: str) -> User:
        """The account ``name`` if it is the current ward's (or a province account, or one
        made before the ward was set up); another ward's account is not found."""
        u = self._find(s, name)
        ward = scope_of(self.db)
        if ward is not None and u.unit_id not in (ward, None):
            raise FieldError("Tên đăng nhập", f"không có tài khoản “{normalize(name)}”.")
        return u

    # -- accounts --------------------------------------------------------------------------
    def add(self, name: str, password: str, role: Role, display_name: str = "",
            area_ids: tuple[int, ...] = (), must_change: bool = False,
            again: str | None = None, province: bool = False) -> int:
        """A new account. The first account of a database must be a Quản trị and may be made
        by anyone (single-user mode); later ones only by a Quản trị. ``again``: the password
        typed a second time (the accounts screen), which must match. It works in the current
        ward; ``province``: a province account instead (every ward, read-only, no areas)."""
        name = normalize(name)
        error = _name_error(name)
        if error is not None:
            raise error
        if len(normalize(display_name)) > 100:
            raise FieldError("Họ và tên", "dài quá 100 ký tự.")
        errors = password_errors(password, again)
        if errors:
            raise errors[0]
        if province and area_ids:
            raise FieldError("Khu dân cư", "tài khoản cấp tỉnh xem mọi phường, xã: không giao "
                                           "khu dân cư.")
        try:
            return self._add(name, password, role, display_name, area_ids, must_change,
                             province)
        except IntegrityError as exc:  # the same name made by another program at once
            if unique_violation(exc) != "user_name":
                raise
            raise FieldError("Tên đăng nhập", f"đã có tài khoản “{name}”.") from None

    def _add(self, name, password, role, display_name, area_ids, must_change,
             province=False) -> int:
        with self.db.session.begin() as s:
            first = not s.scalar(select(func.count()).select_from(User))
            if first and role is not Role.ADMIN:
                raise FieldError("Vai trò", "tài khoản đầu tiên phải là Quản trị.")
            if first and province:
                raise FieldError("Phạm vi", "tài khoản đầu tiên là Quản trị của phường, xã, "
                                            "không phải tài khoản cấp tỉnh.")
            if not first:
                require(self.db, Permission.USERS)
            if s.scalar(select(User.id).where(User.name_folded == fold(name))) is not None:
                raise FieldError("Tên đăng nhập", f"đã có tài khoản “{name}”.")
            self._check_areas(s, area_ids)
            u = User(name=name, name_folded=fold(name), display_name=normalize(display_name),
                     role=role.value, password_hash=hash_password(password),
                     must_change=must_change, province=province,
                     unit_id=None if province else scope_of(self.db),
                     areas=[UserArea(area_id=a) for a in sorted(set(area_ids))])
            s.add(u)
            s.flush()
            return u.id

    @staticmethod
    def _check_areas(s, area_ids) -> None:
        for area_id in area_ids:
            if s.get(Area, area_id) is None:
                raise FieldError("Khu dân cư", f"không có khu dân cư mã {area_id}.")

    def set_role(self, name: str, role: Role, area_ids: tuple[int, ...] | None = None,
                 display_name: str | None = None) -> None:
        """Change an account's role, and (when given) its areas (empty: every area) and full
        name. The last active Quản trị cannot be made something else."""
        require(self.db, Permission.USERS)
        if display_name is not None and len(normalize(display_name)) > 100:
            raise FieldError("Họ và tên", "dài quá 100 ký tự.")
        with self.db.session.begin() as s:
            u = self._find_managed(s, name)
            if u.role == Role.ADMIN.value and role is not Role.ADMIN and not u.disabled:
                self._keep_an_admin(s, u)
            u.role = role.value
            if display_name is not None:
                u.display_name = normalize(display_name)
            if area_ids is not None:
                self._check_areas(s, area_ids)
                wanted = sorted(set(area_ids))
                if wanted != sorted(a.area_id for a in u.areas):
                    u.areas = [UserArea(area_id=a) for a in wanted]

    def disable(self, name: str, disabled: bool = True) -> None:
        user = require(self.db, Permission.USERS)
        with self.db.session.begin() as s:
            u = self._find_managed(s, name)
            if disabled and u.id == user.id:
                raise FieldError("Tài khoản", "không tự khóa tài khoản đang dùng.")
            if disabled and u.role == Role.ADMIN.value:
                self._keep_an_admin(s, u)
            u.disabled = disabled

    @staticmethod
    def _keep_an_admin(s, u: User) -> None:
        others = s.scalar(select(func.count()).select_from(User).where(
            User.role == Role.ADMIN.value, User.disabled.is_(False), User.id != u.id))
        if not others:
            raise FieldError("Vai trò", "phải còn ít nhất một Quản trị đang hoạt động.")

    def reset_password(self, name: str, temporary: str, again: str | None = None) -> None:
        """An administrator sets a temporary password; the user must choose a new one at the
        next login. Also lifts a lock-out. Recorded in the trail as "password_reset" (the
        hash itself never is)."""
        require(self.db, Permission.USERS)
        errors = password_errors(temporary, again)
        if errors:
            raise errors[0]
        with self.db.session.begin() as s:
            u = self._find_managed(s, name)
            u.password_hash = hash_password(temporary)
            u.must_change = True
            u.failed_count = 0
            u.locked_until = None
            audit.record(s, "password_reset", "app_user", u.id, account=u.name)

    def change_password(self, name: str, old: str, new: str, again: str | None = None) -> None:
        """The user's own change: the old password first (a lock-out counts here too)."""
        errors = password_errors(new, again)
        if errors:
            raise errors[0]
        if new == old:
            raise FieldError("Mật khẩu mới", "phải khác mật khẩu cũ.")
        self.authenticate(name, old)
        with self.db.session.begin() as s:
            u = self._find(s, name)
            u.password_hash = hash_password(new)
            u.must_change = False
            audit.record(s, "password_change", "app_user", u.id, actor=u.name, account=u.name)

    # -- login -----------------------------------------------------------------------------
    def authenticate(self, name: str, password: str, now: datetime | None = None) -> CurrentUser:
        """The account for ``name`` and ``password``, or LoginError. Every failure is recorded;
        MAX_FAILURES in a row lock the account for LOCK_MINUTES. ``now``: UTC (tests)."""
        now = now or utc_now()
        folded = fold(normalize(name))[:MAX_NAME]
        error = None
        with self.db.session.begin() as s:  # a failure is committed, then raised
            u = s.scalar(select(User).where(User.name_folded == folded))
            if u is None:
                self._failed(s, None, folded, now, "unknown")
                error = LoginError()
            elif u.disabled:
                self._failed(s, u, folded, now, "disabled")
                error = LoginError("Tài khoản này đã bị khóa; hãy hỏi người quản trị.")
            elif u.locked_until is not None and u.locked_until > now:
                self._failed(s, u, folded, now, "locked")
                error = LoginError(self._locked_message(u.locked_until, now))
            elif not self._verify(u, password):
                u.failed_count = (u.failed_count or 0) + 1
                self._failed(s, u, folded, now, "password")
                error = LoginError()
                if u.failed_count >= MAX_FAILURES:
                    u.failed_count = 0
                    u.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    error = LoginError(f"Sai mật khẩu {MAX_FAILURES} lần liên tiếp: tài khoản "
                                       f"bị khóa {LOCK_MINUTES} phút.")
            else:
                audit.suppress(s)  # one "login" entry, by the account, for the counters' update
                audit.record(s, "login", "app_user", u.id, actor=u.name)
                u.failed_count = 0
                u.locked_until = None
                u.last_login_at = now
                if _hasher().check_needs_rehash(u.password_hash):
                    u.password_hash = hash_password(password)
                user = current_user(u)
        if error is not None:
            raise error
        return user

    def sign_out(self) -> bool:
        """The signed-in account ends its work (Tệp → Đăng xuất, or closing the program):
        one "logout" entry in the trail. Single-user mode records nothing. True: recorded."""
        user = user_of(self.db)
        if user.system:
            return False
        with self.db.session.begin() as s:
            audit.record(s, "logout", "app_user", user.id, actor=user.name)
        return True

    @staticmethod
    def _verify(u: User, password: str) -> bool:
        try:
            return _hasher().verify(u.password_hash, password)
        except _errors():
            return False

    @staticmethod
    def _locked_message(until: datetime, now: datetime) -> str:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        return (f"Tài khoản đang bị khóa do nhập sai mật khẩu nhiều lần; thử lại sau {minutes} "
                "phút.")

    @staticmethod
    def _failed(s, u: User | None, folded: str, now: datetime, reason: str) -> None:
        """A failure: its login_failure row, and one "login_failed" entry in the trail (the
        row's own entry and the counter's are left out). The entry names the account only
        when one exists: a name typed that matches none may be a password typed in the
        wrong box."""
        s.add(LoginFailure(user_id=u.id if u else None, name_typed=folded, at=now,
                           reason=reason))
        audit.suppress(s)
        audit.record(s, "login_failed", "app_user", u.id if u else None,
                     actor=u.name if u else None, reason=reason)

    def must_change(self, name: str) -> bool:
        with self.db.session() as s:
            return self._find(s, name).must_change

    def verify_current(self, password: str) -> bool:
        """The idle lock: whether ``password`` is that of the signed-in user (failures are
        recorded and count towards the lock-out like a login's)."""
        user = user_of(self.db)
        if user.system:
            return True
        try:
            self.authenticate(user.name, password)
        except LoginError:
            return False
        return True

    # -- the idle lock's setting -----------------------------------------------------------
    def idle_minutes(self) -> int:
        from .settings import SettingsService

        text = SettingsService(self.db).get_text(IDLE_LOCK_KEY, "")
        return int(text) if text.strip().isdigit() else IDLE_LOCK_DEFAULT

    def set_idle_minutes(self, minutes: int) -> None:
        from .settings import SettingsService

        require(self.db, Permission.SETTINGS)
        if not 1 <= minutes <= 240:
            raise FieldError("Tự khóa sau", "từ 1 đến 240 phút.")
        SettingsService(self.db).set_text(IDLE_LOCK_KEY, str(minutes))


def login(db: Database, name: str, password: str) -> CurrentUser:
    """Sign ``db`` in as ``name``: later calls through it work for that user."""
    user = UserService(db).authenticate(name, password)
    db.user = user
    return user


__all__ = ["LoginError", "PermissionDenied", "UserInfo", "UserService", "login", "role_of"]
