"""The unit's named settings (``setting`` table: key → text), with typed keys and defaults.

The deadlines and the decider of the certification (docs/DOMAIN.md §4) are settings rather than
constants: Thông tư 48/2025/TT-BCA changed who recognises wards and may have moved the dates,
and provinces set their own. A missing or unreadable value reads as its default.

Settings are the ward's (``setting.unit_id``, migration 0018): each ward of a province store has
its own deadlines, deciders, "Nơi nhận", idle lock and import mappings, read and written for the
current ward (db/guard.session_ward; a province account that chose no ward: the store's first,
as services/unit.py). The few keys in :data:`STORE_KEYS` belong to the store itself, whichever
ward is working: where its backups go and their size cap (a backup copies the whole store).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from contextlib import contextmanager

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..access import Permission, require
from ..db.engine import Database
from ..db.guard import ensure_unit, first_unit, session_ward
from ..db.models import Setting
from ..enums import CertCategory
from ..text import normalize
from ..validation import FieldError
from .children import unique_errors
from .versions import StaleRecord, local_time

DayMonth = tuple[int, int]  # (day, month)

# Keys of the certification settings.
REGISTRATION_DEADLINE = "cert.registration_deadline"
RECOGNITION_DEADLINE = "cert.recognition_deadline"  # KDC and the units the ward manages
OTHER_RECOGNITION_DEADLINE = "cert.other_recognition_deadline"  # units decided elsewhere
DECIDER_TITLE = "cert.decider_title"  # the ward chairman: KDC and the units the ward manages
DECIDER_PREFIX = "cert.decider."  # + a category's code: who recognises that category
NEAR_DAYS = "cert.near_days"
CERT_KEYS = [REGISTRATION_DEADLINE, RECOGNITION_DEADLINE, OTHER_RECOGNITION_DEADLINE,
             DECIDER_TITLE, NEAR_DAYS, *(DECIDER_PREFIX + c.value for c in CertCategory)]

MAX_NEAR_DAYS = 90
WARD_DECIDER = "Chủ tịch UBND tỉnh, thành phố"
MAX_DECIDER = 150
_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")


@dataclass(frozen=True)
class CertSettings:
    """Deadlines of the certification cycle and who signs the recognition."""

    registration_deadline: DayMonth = (31, 3)  # bản đăng ký phấn đấu: in the first quarter
    recognition_deadline: DayMonth = (15, 11)  # KDC and units the ward manages
    other_recognition_deadline: DayMonth = (20, 11)  # other units (e.g. the ward itself)
    decider_title: str = "Chủ tịch UBND phường"
    near_days: int = 14  # a deadline this close is shown as "near"
    # Who recognises each category, where it is not ``decider_title``: the ward itself is
    # recognised by a higher body than the units it recognises (docs/DOMAIN.md §4).
    deciders: Mapping[CertCategory, str] = field(
        default_factory=lambda: {CertCategory.WARD: WARD_DECIDER})
    # The stored settings' versions when read ((key, version) pairs, a missing key absent);
    # None: not read, no check. A dialog keeps those it opened with (services/versions.py).
    versions: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)

    def decider_for(self, category: CertCategory) -> str:
        return normalize(self.deciders.get(category, "")) or self.decider_title

    def registration_on(self, year: int) -> date:
        return _on(self.registration_deadline, year)

    def recognition_on(self, year: int) -> date:
        return _on(self.recognition_deadline, year)

    def other_recognition_on(self, year: int) -> date:
        return _on(self.other_recognition_deadline, year)


DEFAULTS = CertSettings()

# Field labels, as the settings dialog shows them (and FieldError names them).
LABELS = {
    "registration_deadline": "Hạn đăng ký phấn đấu",
    "recognition_deadline": "Hạn công nhận khu dân cư và đơn vị do phường quản lý",
    "other_recognition_deadline": "Hạn công nhận các đơn vị khác",
    "decider_title": "Chức danh người ký quyết định công nhận",
    "near_days": "Số ngày báo trước hạn",
}


def _on(day_month: DayMonth, year: int) -> date:
    day, month = day_month
    return date(year, month, day)


def format_day_month(value: DayMonth) -> str:
    """(5, 1) → "05/01"."""
    return f"{value[0]:02d}/{value[1]:02d}"


def day_month_error(value: DayMonth) -> str | None:
    """Message for a day and month that is not a date of every year, or None. 29/02 is refused:
    a deadline must exist each year."""
    day, month = value
    if not 1 <= month <= 12:
        return f"tháng {month} không tồn tại."
    try:
        date(2001, month, day)  # not a leap year
    except ValueError:
        if (day, month) == (29, 2):
            return "ngày 29/02 không có ở mọi năm; hãy chọn ngày khác."
        return f"ngày {day:02d}/{month:02d} không tồn tại."
    return None


def parse_day_month(text: str) -> DayMonth:
    """"31/03" → (31, 3). Raises ValueError with a Vietnamese message."""
    m = _DAY_MONTH.fullmatch((text or "").strip())
    if not m:
        raise ValueError("không đúng dạng ngày/tháng (ví dụ 31/03).")
    value = (int(m.group(1)), int(m.group(2)))
    message = day_month_error(value)
    if message:
        raise ValueError(message)
    return value


def cert_settings_errors(c: CertSettings) -> list[FieldError]:
    errors = []
    for name in ("registration_deadline", "recognition_deadline", "other_recognition_deadline"):
        message = day_month_error(getattr(c, name))
        if message:
            errors.append(FieldError(LABELS[name], message))
    if not normalize(c.decider_title):
        errors.append(FieldError(LABELS["decider_title"], "chưa nhập."))
    for category, title in c.deciders.items():
        if len(normalize(title)) > MAX_DECIDER:
            errors.append(FieldError(f"Người quyết định công nhận ({category.label.lower()})",
                                     f"tối đa {MAX_DECIDER} ký tự."))
    if not 1 <= c.near_days <= MAX_NEAR_DAYS:
        errors.append(FieldError(LABELS["near_days"], f"phải từ 1 đến {MAX_NEAR_DAYS}."))
    return errors


# -- reading and writing inside a session ---------------------------------------------------------
def setting_ward(s: Session) -> int | None:
    """The ward whose settings a session reads: the current one, else (a province account
    that chose no ward) the store's first; None before any unit."""
    unit = session_ward(s)
    return unit if unit is not None else first_unit(s.connection())


def _owner(s: Session, key: str, unit: int | None):
    """The condition selecting the row of ``key``: the store's (STORE_KEYS) or the ward's."""
    if key in STORE_KEYS:
        return Setting.unit_id.is_(None)
    return Setting.unit_id == unit


def _scoped(s: Session, keys: list[str] | None, unit: int | None = None):
    """A WHERE clause for ``keys`` (None: every key) of ward ``unit`` (None: the session's)
    and of the store."""
    if unit is None:
        unit = setting_ward(s)
    if keys is None:
        return or_(Setting.unit_id.is_(None), Setting.unit_id == unit)
    store = [k for k in keys if k in STORE_KEYS]
    ward = [k for k in keys if k not in STORE_KEYS]
    parts = []
    if ward:
        parts.append(and_(Setting.unit_id == unit, Setting.key.in_(ward)))
    if store:
        parts.append(and_(Setting.unit_id.is_(None), Setting.key.in_(store)))
    return or_(*parts) if parts else Setting.key.is_(None)  # no keys: no row


def read_texts(s: Session, keys: list[str] | None = None, *,
               unit: int | None = None) -> dict[str, str]:
    """The stored texts of ``keys`` (None: every setting) of ward ``unit`` (None: the
    current one) and of the store."""
    stmt = select(Setting.key, Setting.value).where(_scoped(s, keys, unit))
    return dict(iter(s.execute(stmt)))


def read_versions(s: Session, keys: list[str]) -> tuple[tuple[str, int], ...]:
    rows = s.execute(select(Setting.key, Setting.version).where(_scoped(s, keys)))
    return tuple(sorted((key, version) for key, version in rows))


def check_versions(s: Session, read: tuple[tuple[str, int], ...] | None,
                   keys: list[str]) -> None:
    """StaleRecord when any of ``keys`` was written (or first stored) since ``read``."""
    if read is None:
        return
    now = dict(read_versions(s, keys))
    changed = [k for k in keys if now.get(k) != dict(read).get(k)]
    if changed:
        stamps = [t for t in s.scalars(select(Setting.updated_at).where(
            _scoped(s, changed))) if t is not None]
        raise StaleRecord(local_time(max(stamps)) if stamps else None)


def setting_races(db: Database) -> dict:
    """For ``unique_errors``: the same setting stored for the first time by two saves at once
    is a change made elsewhere (the other save's)."""
    def stale() -> StaleRecord:
        with db.session() as s:
            last = s.scalar(select(func.max(Setting.updated_at)).where(_scoped(s, None)))
        return StaleRecord(local_time(last))
    return {"setting_key": stale}


def write_text(s: Session, key: str, value: str, *, unit: int | None = None) -> None:
    """Store ``key`` for ward ``unit`` (None: the current one; a store-wide key: the
    store's)."""
    if key in STORE_KEYS:
        owner = None
    else:
        owner = unit if unit is not None else setting_ward(s)
        if owner is None:  # a setting saved before the unit: the store's first, blank
            owner = ensure_unit(s)
    row = s.scalar(select(Setting).where(Setting.key == key, _owner(s, key, owner)))
    if row is None:
        s.add(Setting(unit_id=owner, key=key, value=value))
    else:
        row.value = value


def _day_month_or(texts: dict[str, str], key: str, default: DayMonth) -> DayMonth:
    try:
        return parse_day_month(texts[key])
    except (KeyError, ValueError):
        return default


def read_cert_settings(s: Session) -> CertSettings:
    """The certification settings inside the caller's session (the demo's transaction)."""
    texts = read_texts(s, CERT_KEYS)
    deciders = dict(DEFAULTS.deciders)
    for category in CertCategory:
        stored = normalize(texts.get(DECIDER_PREFIX + category.value))
        if stored:  # empty: the default (the ward chairman; for the ward, WARD_DECIDER)
            deciders[category] = stored
    try:
        near = int(texts[NEAR_DAYS])
        if not 1 <= near <= MAX_NEAR_DAYS:
            raise ValueError(near)
    except (KeyError, ValueError):
        near = DEFAULTS.near_days
    return CertSettings(
        registration_deadline=_day_month_or(texts, REGISTRATION_DEADLINE,
                                            DEFAULTS.registration_deadline),
        recognition_deadline=_day_month_or(texts, RECOGNITION_DEADLINE,
                                           DEFAULTS.recognition_deadline),
        other_recognition_deadline=_day_month_or(texts, OTHER_RECOGNITION_DEADLINE,
                                                 DEFAULTS.other_recognition_deadline),
        decider_title=normalize(texts.get(DECIDER_TITLE)) or DEFAULTS.decider_title,
        near_days=near,
        deciders=deciders,
        versions=read_versions(s, CERT_KEYS),
    )


class SettingsService:
    def __init__(self, db: Database):
        self.db = db

    # -- generic ------------------------------------------------------------------------------
    def get_text(self, key: str, default: str = "") -> str:
        """The current ward's ``key`` (a store-wide key: the store's)."""
        with self.db.session() as s:
            value = read_texts(s, [key]).get(key)
        return default if value is None else value

    @contextmanager
    def _stale_errors(self, keys: list[str]):
        """StaleDataError (a setting written meanwhile) → StaleRecord, with the latest time."""
        try:
            yield
        except StaleDataError:
            with self.db.session() as s:
                last = s.scalar(select(func.max(Setting.updated_at)).where(_scoped(s, keys)))
            raise StaleRecord(local_time(last)) from None

    def set_text(self, key: str, value: str) -> None:
        with self.db.session.begin() as s:
            write_text(s, key, value)

    # -- certification ------------------------------------------------------------------------
    def cert_settings(self) -> CertSettings:
        with self.db.session() as s:
            return read_cert_settings(s)

    def save_cert_settings(self, c: CertSettings) -> None:
        """Validate and write every certification setting in one transaction; raises the first
        FieldError (nothing written)."""
        require(self.db, Permission.SETTINGS)
        errors = cert_settings_errors(c)
        if errors:
            raise errors[0]
        with unique_errors(setting_races(self.db)), self._stale_errors(CERT_KEYS), \
                self.db.session.begin() as s:
            check_versions(s, c.versions, CERT_KEYS)
            write_text(s, REGISTRATION_DEADLINE, format_day_month(c.registration_deadline))
            write_text(s, RECOGNITION_DEADLINE, format_day_month(c.recognition_deadline))
            write_text(s, OTHER_RECOGNITION_DEADLINE,
                       format_day_month(c.other_recognition_deadline))
            write_text(s, DECIDER_TITLE, normalize(c.decider_title))
            write_text(s, NEAR_DAYS, str(c.near_days))
            for category in CertCategory:
                write_text(s, DECIDER_PREFIX + category.value,
                           normalize(c.deciders.get(category, "")))


# -- backups (issue 12) ---------------------------------------------------------------------------
BACKUP_FOLDER = "backup.folder"  # empty: the default folder beside the database (services.backup)
BACKUP_SIZE_CAP_MB = "backup.size_cap_mb"
# The store's own settings, the same for every ward (migration 0018 keeps its own copy):
# a backup copies the whole store, so where it goes and how much room the copies take are the
# store's. Every other key is a ward's.
STORE_KEYS = frozenset({BACKUP_FOLDER, BACKUP_SIZE_CAP_MB})
DEFAULT_BACKUP_SIZE_CAP_MB = 2048
MIN_BACKUP_SIZE_CAP_MB = 10


@dataclass(frozen=True)
class BackupSettings:
    folder: str = ""  # another disk or a USB drive; empty: the default folder
    size_cap_mb: int = DEFAULT_BACKUP_SIZE_CAP_MB  # all backups of the database together


def parse_backup_settings(texts: Mapping[str, str]) -> BackupSettings:
    """The backup settings from stored texts; a missing or unreadable value reads as default."""
    try:
        cap = int(texts[BACKUP_SIZE_CAP_MB])
        if cap < MIN_BACKUP_SIZE_CAP_MB:
            raise ValueError(cap)
    except (KeyError, ValueError):
        cap = DEFAULT_BACKUP_SIZE_CAP_MB
    return BackupSettings(folder=(texts.get(BACKUP_FOLDER) or "").strip(), size_cap_mb=cap)


def backup_settings(db: Database) -> BackupSettings:
    with db.session() as s:
        return parse_backup_settings(read_texts(s, [BACKUP_FOLDER, BACKUP_SIZE_CAP_MB]))


def save_backup_settings(db: Database, b: BackupSettings) -> None:
    require(db, Permission.SETTINGS)
    if b.size_cap_mb < MIN_BACKUP_SIZE_CAP_MB:
        raise FieldError("Dung lượng tối đa của các bản sao lưu",
                         f"phải từ {MIN_BACKUP_SIZE_CAP_MB} MB trở lên.")
    with unique_errors(setting_races(db)), db.session.begin() as s:
        write_text(s, BACKUP_FOLDER, b.folder.strip())
        write_text(s, BACKUP_SIZE_CAP_MB, str(b.size_cap_mb))
