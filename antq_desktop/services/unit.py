"""The unit's settings and its residential areas; the wards of a province store (every call
works in the handle's current ward, docs/ARCHITECTURE.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import places
from ..db.engine import Database
from ..db.guard import scope_of, session_ward
from ..db.models import Area, Household, Unit
from ..text import clean_line, lower, normalize, normalize_compat
from ..validation import (
    EARLIEST_RECORD,
    LEN_LABEL,
    LEN_NAME,
    FieldError,
    check_event_date,
    check_label,
    check_person_name,
)
from .children import unique_errors
from .settings import read_texts, setting_races, write_text
from .versions import StaleRecord, changed_at, check_version, stale_errors, touch
from .lookup import get_or_raise


@dataclass
class UnitInfo:
    province_code: int
    province_name: str
    ward_code: int
    ward_name: str
    header_superior: str
    header_issuer: str
    place_name: str
    commander_name: str = ""
    commander_title: str = ""
    # "Nơi nhận" of the unit's documents, one recipient a line; empty: default_recipients()
    recipients: tuple[str, ...] = ()
    version: int | None = None  # the unit's, as read by get(); see services/versions.py


RECIPIENTS_KEY = "doc.recipients"


def recipients_key(unit: int | None) -> str:
    """The setting of a ward's "Nơi nhận": the same key in every ward, since settings are the
    ward's (services/settings.py; migration 0018 moved the other wards' ``doc.recipients.N``)."""
    return RECIPIENTS_KEY
MAX_RECIPIENTS = 10
MAX_RECIPIENT_LENGTH = 200


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def default_recipients(info: UnitInfo) -> tuple[str, ...]:
    """Who the ward police's documents go to, named after its own province and ward:
    "Công an thành phố Hà Nội (để báo cáo);", "Đảng ủy, UBND phường Hoàn Kiếm;", "Lưu: VT, …"."""
    province = _lower_first(normalize(info.province_name))
    ward = _lower_first(normalize(info.ward_name))
    return (f"Công an {province} (để báo cáo);", f"Đảng ủy, UBND {ward};",
            "Lưu: VT, hồ sơ phong trào.")


def recipient_lines(text: str) -> tuple[str, ...]:
    """The lines of a "Nơi nhận" box, without a leading dash and without empty lines."""
    lines = (clean_line(line).lstrip("-–").strip() for line in (text or "").splitlines())
    return tuple(line for line in lines if line)


def recipients_error(recipients: tuple[str, ...]) -> str | None:
    if len(recipients) > MAX_RECIPIENTS:
        return f"tối đa {MAX_RECIPIENTS} nơi nhận."
    for line in recipients:
        if len(line) > MAX_RECIPIENT_LENGTH:
            return f"dòng “{line[:40]}…” dài quá {MAX_RECIPIENT_LENGTH} ký tự."
    return None


def unit_errors(info: UnitInfo) -> list[FieldError]:
    """Every problem with the unit's setup as typed (nothing needing the database), in the
    dialog's order; each error's ``key`` is the UnitInfo attribute it is about."""
    errors = []
    try:
        places.ward(info.province_code, info.ward_code)
    except StopIteration:
        errors.append(FieldError("Phường/xã", "không có trong danh mục đơn vị hành chính.",
                                 key="ward_code"))
    for key, label, value, limit, required in (
            ("province_name", "Tỉnh/thành phố", info.province_name, LEN_NAME, False),
            ("ward_name", "Phường/xã", info.ward_name, LEN_NAME, False),
            ("header_superior", "Dòng cơ quan cấp trên", info.header_superior, LEN_LABEL, True),
            ("header_issuer", "Dòng cơ quan ban hành", info.header_issuer, LEN_LABEL, True),
            ("place_name", "Địa danh", info.place_name, LEN_NAME, True),
            ("commander_title", "Chức danh người ký", info.commander_title, LEN_LABEL, False)):
        message = check_label(value, limit, required)
        if message:
            errors.append(FieldError(label, message, key=key))
    if normalize(info.commander_name):
        message = check_person_name(info.commander_name)
        if message:
            errors.append(FieldError("Họ tên người ký", message, key="commander_name"))
    problem = recipients_error(tuple(recipient_lines("\n".join(info.recipients))))
    if problem:
        errors.append(FieldError("Nơi nhận", problem, key="recipients"))
    return errors


@dataclass
class AreaInfo:
    id: int
    name: str
    retired_on: date | None
    household_count: int = 0
    version: int | None = None  # as read by areas(); see services/versions.py

    @property
    def active(self) -> bool:
        return self.retired_on is None


def is_blank(row: Unit) -> bool:
    """A unit row made before the unit was set up (migration 0016, db/guard.py)."""
    return row.ward_code == 0 and not row.ward_name


@dataclass(frozen=True)
class WardInfo:
    id: int
    ward_code: int
    ward_name: str
    province_name: str


class UnitService:
    def __init__(self, db: Database):
        self.db = db

    def _unit_id(self, s: Session) -> int | None:
        """The current ward's unit; a province account's: the store's first."""
        unit = session_ward(s)
        if unit is None:
            unit = s.scalar(select(func.min(Unit.id)))
        return unit

    def get(self) -> UnitInfo | None:
        with self.db.session() as s:
            unit = self._unit_id(s)
            row = s.get(Unit, unit) if unit is not None else None
            if row is None or is_blank(row):
                return None
            key = recipients_key(unit)
            stored = read_texts(s, [key], unit=unit).get(key)
            info = UnitInfo(
                row.province_code, row.province_name, row.ward_code, row.ward_name,
                row.header_superior, row.header_issuer, row.place_name,
                row.commander_name, row.commander_title, version=row.version,
            )
            info.recipients = (recipient_lines(stored) if stored is not None
                               else default_recipients(info))
            return info

    def save(self, info: UnitInfo) -> None:
        """Raises FieldError (nothing saved), StaleRecord when ``info.version`` is no longer
        the unit's (changed elsewhere since it was read)."""
        unit = scope_of(self.db) or 1
        races = {**setting_races(self.db),
                 "unit_row": lambda: StaleRecord(changed_at(self.db, Unit, unit))}
        with stale_errors(self.db, Unit, unit), unique_errors(races), \
                self.db.session.begin() as s:
            self.save_in(s, info)

    @staticmethod
    def save_in(s: Session, info: UnitInfo) -> None:
        """Validate and write the current ward's unit inside the caller's transaction."""
        recipients = UnitService._checked(info)
        unit = session_ward(s)
        row = s.get(Unit, unit) if unit is not None else None
        if row is None:
            row = Unit(id=1)  # the first start: the store's first ward
        else:
            if not is_blank(row):
                check_version(row, info.version)
            touch(row)  # its version moves with its recipients (a setting)
        UnitService._write(s, row, info, recipients)

    @staticmethod
    def _checked(info: UnitInfo) -> tuple[str, ...]:
        """The unit's rules (``unit_errors``: the first is raised); returns its recipients,
        cleaned."""
        errors = unit_errors(info)
        if errors:
            raise errors[0]
        return tuple(recipient_lines("\n".join(info.recipients)))

    @staticmethod
    def _write(s: Session, row: Unit, info: UnitInfo, recipients: tuple[str, ...]) -> None:
        row.province_code = info.province_code
        row.province_name = normalize(info.province_name)
        row.ward_code = info.ward_code
        row.ward_name = normalize(info.ward_name)
        row.header_superior = normalize(info.header_superior).upper()
        row.header_issuer = normalize(info.header_issuer).upper()
        row.place_name = normalize(info.place_name)
        row.commander_name = normalize(info.commander_name)
        row.commander_title = normalize(info.commander_title)
        s.add(row)
        s.flush()
        write_text(s, recipients_key(row.id),
                   "\n".join(recipients or default_recipients(info)), unit=row.id)

    # -- the wards of the store ----------------------------------------------------------------
    def wards(self) -> list[WardInfo]:
        """Every ward of the store (a province account's list; one row in a ward's own file)."""
        with self.db.session() as s:
            return [WardInfo(*r) for r in s.execute(
                select(Unit.id, Unit.ward_code, Unit.ward_name, Unit.province_name)
                .order_by(Unit.ward_name, Unit.id))]

    def add_ward(self, info: UnitInfo) -> int:
        """Another ward in this store (a province server): its own areas, records and
        accounts. The unit's rules apply; a ward already in the store is refused."""
        recipients = self._checked(info)
        with unique_errors({"unit_row": lambda: FieldError(
                "Phường/xã", "một phường, xã khác vừa được thêm cùng lúc; hãy thử lại.")}), \
                self.db.session.begin() as s:
            if s.scalar(select(Unit.id).where(Unit.province_code == info.province_code,
                                              Unit.ward_code == info.ward_code)) is not None:
                raise FieldError("Phường/xã", "đã có trong cơ sở dữ liệu này.")
            row = Unit(id=(s.scalar(select(func.max(Unit.id))) or 0) + 1)
            self._write(s, row, info, recipients)
            return row.id

    # -- residential areas -------------------------------------------------------------------
    def areas(self, include_retired: bool = False) -> list[AreaInfo]:
        counts = (
            select(Household.area_id, func.count().label("n"))
            .where(Household.moved_out_on.is_(None))
            .group_by(Household.area_id)
            .subquery()
        )
        stmt = (
            select(Area.id, Area.name, Area.retired_on, func.coalesce(counts.c.n, 0),
                   Area.version)
            .outerjoin(counts, counts.c.area_id == Area.id)
            .order_by(Area.sort_order, Area.id)
        )
        if not include_retired:
            stmt = stmt.where(Area.retired_on.is_(None))
        with self.db.session() as s:
            return [AreaInfo(*r) for r in s.execute(stmt)]

    def _check_name(self, s, name: str, own_id: int | None = None) -> str:
        message = check_label(name, LEN_NAME)
        if message:
            raise FieldError("Tên khu dân cư", message)
        name = normalize_compat(name)  # "Tổ số １" (full-width) is "Tổ số 1"
        # Compared in Python: SQL lower() does not fold Vietnamese capitals such as "Đ".
        clash = next((i for i, n in s.execute(select(Area.id, Area.name))
                      if lower(normalize_compat(n)) == lower(name)), None)
        if clash is not None and clash != own_id:
            raise FieldError("Tên khu dân cư", f"“{name}” đã có.")
        return name

    def add_area(self, name: str) -> int:
        with unique_errors({"area_name": lambda: _area_taken(name)}), \
                self.db.session.begin() as s:
            name = self._check_name(s, name)
            order = (s.scalar(select(func.max(Area.sort_order))) or 0) + 1
            area = Area(name=name, sort_order=order)
            s.add(area)
            s.flush()
            return area.id

    def rename_area(self, area_id: int, name: str, version: int | None = None) -> None:
        """``version``: AreaInfo.version as listed; StaleRecord when the area changed since."""
        with unique_errors({"area_name": lambda: _area_taken(name)}), \
                stale_errors(self.db, Area, area_id), self.db.session.begin() as s:
            area = get_or_raise(s, Area, area_id)
            check_version(area, version)
            area.name = self._check_name(s, name, area_id)

    def retire_area(self, area_id: int, on: date | None = None,
                    today: date | None = None) -> None:
        """Stop using an area (it merged or was renamed away). Its records stay."""
        if on is not None:
            message = check_event_date(on, None, today, earliest=EARLIEST_RECORD)
            if message:
                raise FieldError("Ngày thôi sử dụng", message)
        with self.db.session.begin() as s:
            active = s.scalar(
                select(func.count()).select_from(Household)
                .where(Household.area_id == area_id, Household.moved_out_on.is_(None))
            )
            if active:
                raise FieldError(
                    "Khu dân cư",
                    f"còn {active} hộ đang cư trú; hãy chuyển các hộ sang khu khác trước khi "
                    "thôi sử dụng.",
                )
            get_or_raise(s, Area, area_id).retired_on = on or date.today()

    def restore_area(self, area_id: int) -> None:
        with self.db.session.begin() as s:
            get_or_raise(s, Area, area_id).retired_on = None


def _area_taken(name: str) -> FieldError:
    return FieldError("Tên khu dân cư", f"“{normalize(name)}” đã có.")
