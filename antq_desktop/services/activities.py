"""Movement activities (docs/DOMAIN.md §5): tips from the public, movement models, patrols, outreach
sessions, weapons handed in and awards — the records the year-end report counts that the
other areas do not hold.

One service for the six kinds. Each kind has a frozen dataclass for what the dialog edits
(``TipData`` …), whose fields are the table's own column names, and one for a list line
(``TipRow`` …: the same fields plus ``id`` and ``area_name``). A record belongs to a
residential area or, with ``area_id`` None, to the whole ward. These are not people or cases: a
record entered by mistake is voided with a reason (issue 15: listed under "Đã hủy", never
removed, left out of every list, count and report) — a movement model is ended with a date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.models import Area, Award, MovementModel, Outreach, Patrol, Tip, WeaponHandover
from ..enums import AwardLevel, LabeledEnum, OutreachKind, TipResult, WeaponKind
from ..text import clean_line, clean_multiline, fold, like_escape, normalize
from ..validation import (
    EARLIEST_RECORD,
    MAX_FREE_TEXT,
    ErrorList,
    FieldError,
    check_event_date,
    check_label,
)
from ..db.models.base import utc_now
from .periods import ACTIVITIES, ensure_open
from .versions import check_version, stale_errors
from .lookup import get_or_raise
from ..numbers import number_text

EARLIEST = EARLIEST_RECORD  # older dates are typing mistakes (01/01/1099 for 01/01/2024)
LABEL_FIELDS = frozenset({"name", "recipient", "decision_number", "unit"})  # refused, not cleaned
MULTI_LINE_FIELDS = frozenset({"content", "notes"})
WARD_ONLY = "ward"  # area filter of rows()/counts(): records of the whole ward only
WARD_LABEL = "Toàn phường"
MAX_PERSONS = 100  # arrested or surrendered on one tip
MAX_PARTICIPANTS = 1000  # on one patrol
MAX_MEMBERS = 10_000  # of one model
MAX_ATTENDANCE = 100_000  # of one outreach session (an online post reaches many)
MAX_QUANTITY = 100_000
COUNTED_UNITS = frozenset({"khẩu", "viên", "chiếc", "quả", "cái", "khối", "bộ"})  # whole numbers
PERSON_RESULTS = frozenset({TipResult.ARREST, TipResult.SURRENDER})
VALUABLE_RESULTS = frozenset({TipResult.CASE_SOLVED, TipResult.ARREST, TipResult.SURRENDER})


class Kind(LabeledEnum):
    TIP = ("tip", "Tin báo")
    MODEL = ("model", "Mô hình")
    PATROL = ("patrol", "Tuần tra")
    OUTREACH = ("outreach", "Tuyên truyền")
    WEAPON = ("weapon", "Thu hồi vũ khí, vật liệu nổ")
    AWARD = ("award", "Khen thưởng")


format_number = number_text  # the name the tabs and dialogs import


# -- form data and list rows -----------------------------------------------------------------
@dataclass(frozen=True)
class TipData:
    received_on: date | None
    area_id: int | None
    content: str
    valuable: bool = False
    result: TipResult | None = TipResult.PENDING
    persons: int = 0  # arrested (ARREST) or wanted persons surrendered (SURRENDER)
    result_note: str = ""


@dataclass(frozen=True, kw_only=True)
class TipRow(TipData):
    id: int
    area_name: str

    @property
    def result_text(self) -> str:
        """The result, with how many were arrested or surrendered."""
        if self.result is TipResult.ARREST and self.persons:
            return f"Bắt giữ {self.persons} đối tượng"
        if self.result is TipResult.SURRENDER and self.persons:
            return f"Vận động {self.persons} đối tượng truy nã đầu thú"
        return self.result.label


@dataclass(frozen=True)
class ModelData:
    name: str
    area_id: int | None
    started_on: date | None
    members: int = 0
    ended_on: date | None = None
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ModelRow(ModelData):
    id: int
    area_name: str

    @property
    def active(self) -> bool:
        return self.ended_on is None

    @property
    def status(self) -> str:
        if self.ended_on is None:
            return "Đang duy trì"
        return f"Đã kết thúc {self.ended_on:%d/%m/%Y}"


@dataclass(frozen=True)
class PatrolData:
    held_on: date | None
    area_id: int | None
    participants: int | None
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class PatrolRow(PatrolData):
    id: int
    area_name: str


@dataclass(frozen=True)
class OutreachData:
    held_on: date | None
    area_id: int | None
    kind: OutreachKind | None
    topic: str
    attendance: int = 0


@dataclass(frozen=True, kw_only=True)
class OutreachRow(OutreachData):
    id: int
    area_name: str


@dataclass(frozen=True)
class WeaponData:
    received_on: date | None
    area_id: int | None
    kind: WeaponKind | None
    quantity: float | None
    unit: str = ""  # empty: the kind's default unit
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class WeaponRow(WeaponData):
    id: int
    area_name: str

    @property
    def quantity_text(self) -> str:
        """"12 viên", "3,5 kg"."""
        return f"{format_number(self.quantity)} {self.unit}"


@dataclass(frozen=True)
class AwardData:
    awarded_on: date | None
    recipient: str
    level: AwardLevel | None
    collective: bool = False  # a collective (tập thể) rather than a person (cá nhân)
    area_id: int | None = None
    decision_number: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class AwardRow(AwardData):
    id: int
    area_name: str

    @property
    def recipient_kind(self) -> str:
        return "Tập thể" if self.collective else "Cá nhân"


ActivityData = TipData | ModelData | PatrolData | OutreachData | WeaponData | AwardData
ActivityRow = TipRow | ModelRow | PatrolRow | OutreachRow | WeaponRow | AwardRow


# -- validation (pure; in dialog order) ------------------------------------------------------
def _date(errors: ErrorList, label: str, value: date | None, today: date,
          not_before: date | None = None) -> None:
    message = check_event_date(value, not_before, today, required=True)
    if message is None and value < EARLIEST:
        message = f"không được trước ngày {EARLIEST:%d/%m/%Y}."
    errors.add(label, message)


def _count(errors: ErrorList, label: str, value: int | None, low: int, high: int) -> None:
    if value is None:
        errors.add(label, "chưa nhập.")
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.add(label, "phải là số nguyên.")
    elif value < low:
        errors.add(label, "không được âm." if low == 0 else f"phải từ {low} trở lên.")
    elif value > high:
        errors.add(label, f"không được quá {format_number(high)}.")


def _label(errors: ErrorList, label: str, value: str, limit: int, required: bool = False) -> None:
    """A name or number (model, recipient, decision number, unit): see validation.check_label."""
    errors.add(label, check_label(value, limit, required))


def _text(errors: ErrorList, label: str, value: str, limit: int, required: bool = False) -> None:
    if required and not value:
        errors.add(label, "chưa nhập.")
    elif len(value) > limit:
        errors.add(label, f"không quá {limit} ký tự (đang có {len(value)}).")


def _tip_errors(d: TipData, today: date) -> ErrorList:
    errors = ErrorList()
    _date(errors, "Ngày tiếp nhận", d.received_on, today)
    _text(errors, "Nội dung tin báo", d.content, 5000, required=True)
    if d.result is None:
        errors.add("Kết quả xử lý", "chưa chọn.")
    elif d.result in PERSON_RESULTS:
        _count(errors, "Số đối tượng", d.persons, 1, MAX_PERSONS)
    elif d.persons:
        errors.add("Số đối tượng", "chỉ ghi khi kết quả là bắt giữ hoặc vận động đầu thú.")
    if d.result in VALUABLE_RESULTS and not d.valuable:
        errors.add("Tin có giá trị", f"tin đã “{d.result.label.lower()}” là tin có giá trị.")
    _text(errors, "Ghi chú kết quả", d.result_note, 300)
    return errors


def _model_errors(d: ModelData, today: date) -> ErrorList:
    errors = ErrorList()
    _label(errors, "Tên mô hình", d.name, 200, required=True)
    _date(errors, "Ngày thành lập", d.started_on, today)
    _count(errors, "Số thành viên", d.members, 0, MAX_MEMBERS)
    if d.ended_on is not None:
        _date(errors, "Ngày kết thúc", d.ended_on, today, d.started_on)
    _text(errors, "Ghi chú", d.notes, MAX_FREE_TEXT)
    return errors


def _patrol_errors(d: PatrolData, today: date) -> ErrorList:
    errors = ErrorList()
    _date(errors, "Ngày tuần tra", d.held_on, today)
    _count(errors, "Số người tham gia", d.participants, 1, MAX_PARTICIPANTS)
    _text(errors, "Ghi chú", d.notes, MAX_FREE_TEXT)
    return errors


def _outreach_errors(d: OutreachData, today: date) -> ErrorList:
    errors = ErrorList()
    _date(errors, "Ngày tuyên truyền", d.held_on, today)
    if d.kind is None:
        errors.add("Hình thức", "chưa chọn.")
    _text(errors, "Nội dung tuyên truyền", d.topic, 300, required=True)
    _count(errors, "Số người dự", d.attendance, 0, MAX_ATTENDANCE)
    return errors


def _weapon_errors(d: WeaponData, today: date) -> ErrorList:
    errors = ErrorList()
    _date(errors, "Ngày tiếp nhận", d.received_on, today)
    if d.kind is None:
        errors.add("Loại", "chưa chọn.")
    if d.quantity is None:
        errors.add("Số lượng", "chưa nhập.")
    elif not d.quantity > 0:
        errors.add("Số lượng", "phải lớn hơn 0.")
    elif d.quantity > MAX_QUANTITY:
        errors.add("Số lượng", f"không được quá {format_number(MAX_QUANTITY)}.")
    elif d.unit in COUNTED_UNITS and d.quantity != int(d.quantity):
        errors.add("Số lượng", f"đếm theo {d.unit} phải là số nguyên.")
    _label(errors, "Đơn vị tính", d.unit, 20, required=True)
    _text(errors, "Mô tả", d.description, 300)
    return errors


def _award_errors(d: AwardData, today: date) -> ErrorList:
    errors = ErrorList()
    _date(errors, "Ngày khen thưởng", d.awarded_on, today)
    _label(errors, "Tập thể, cá nhân được khen", d.recipient, 200, required=True)
    if d.level is None:
        errors.add("Hình thức khen thưởng", "chưa chọn.")
    _label(errors, "Số quyết định", d.decision_number, 50)
    _text(errors, "Thành tích", d.reason, 300)
    return errors


# -- cleaning and search text ----------------------------------------------------------------
def _clean(kind: Kind, d: ActivityData) -> ActivityData:
    """Trim the typed text; a weapon's empty unit becomes its kind's default."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(d):
        value = getattr(d, f.name)
        if isinstance(value, str) and not isinstance(value, LabeledEnum):
            if f.name in LABEL_FIELDS:  # a control character here is refused, not hidden
                changes[f.name] = normalize(value)
            elif f.name in MULTI_LINE_FIELDS:
                changes[f.name] = clean_multiline(value)
            else:
                changes[f.name] = clean_line(value)
        elif value is None and f.name in ("content", "topic", "recipient", "name"):
            changes[f.name] = ""
    d = dataclasses.replace(d, **changes)
    if kind is Kind.WEAPON and not d.unit and d.kind is not None:
        d = dataclasses.replace(d, unit=d.kind.default_unit)
    return d


def search_text(kind: Kind, d: ActivityData) -> str:
    """What the search box finds a record by, folded."""
    parts = {
        Kind.TIP: lambda: [d.content, d.result_note],
        Kind.MODEL: lambda: [d.name, d.notes],
        Kind.PATROL: lambda: [d.notes],
        Kind.OUTREACH: lambda: [d.topic, d.kind.label],
        Kind.WEAPON: lambda: [d.kind.label, d.description],
        Kind.AWARD: lambda: [d.recipient, d.decision_number, d.reason],
    }[kind]()
    return fold(" ".join(p for p in parts if p))


@dataclass(frozen=True)
class _Spec:
    model: type
    date_column: str
    data: type
    row: type
    errors: Callable[[Any, date], ErrorList]


SPECS: dict[Kind, _Spec] = {
    Kind.TIP: _Spec(Tip, "received_on", TipData, TipRow, _tip_errors),
    Kind.MODEL: _Spec(MovementModel, "started_on", ModelData, ModelRow, _model_errors),
    Kind.PATROL: _Spec(Patrol, "held_on", PatrolData, PatrolRow, _patrol_errors),
    Kind.OUTREACH: _Spec(Outreach, "held_on", OutreachData, OutreachRow, _outreach_errors),
    Kind.WEAPON: _Spec(WeaponHandover, "received_on", WeaponData, WeaponRow, _weapon_errors),
    Kind.AWARD: _Spec(Award, "awarded_on", AwardData, AwardRow, _award_errors),
}


def end_model_errors(on: date | None, started_on: date | None,
                     today: date | None = None) -> list[FieldError]:
    """The problems of the day a movement model ends (the end-model dialog's rule)."""
    errors = ErrorList()
    _date(errors, "Ngày kết thúc", on, today or date.today(), started_on)
    return list(errors)


def activity_errors(kind: Kind, data: ActivityData, today: date | None = None) -> list[FieldError]:
    """Every problem with a record's fields (not those needing the database), in dialog order."""
    return list(SPECS[kind].errors(_clean(kind, data), today or date.today()))


def _field_names(kind: Kind) -> list[str]:
    return [f.name for f in dataclasses.fields(SPECS[kind].data)]


class ActivityService:
    def __init__(self, db: Database):
        self.db = db

    # -- lists ---------------------------------------------------------------------------------
    @staticmethod
    def _filters(kind: Kind, year: int | None, area_id: int | str | None,
                 search: str = "", voided: bool = False) -> list:
        spec = SPECS[kind]
        m = spec.model
        out = []
        if hasattr(m, "voided_at"):
            out.append(m.voided_at.is_not(None) if voided else m.voided_at.is_(None))
        elif voided:
            out.append(m.id.is_(None))
        if year is not None:
            first, last = date(year, 1, 1), date(year, 12, 31)
            if kind is Kind.MODEL:  # a model counts in every year it was kept
                out += [m.started_on <= last, or_(m.ended_on.is_(None), m.ended_on >= first)]
            else:
                column = getattr(m, spec.date_column)
                out += [column >= first, column <= last]
        if area_id == WARD_ONLY:
            out.append(m.area_id.is_(None))
        elif area_id is not None:
            out.append(m.area_id == area_id)
        for word in fold(search).split():
            out.append(m.folded.like(f"%{like_escape(word)}%", escape="\\"))
        return out

    def rows(self, kind: Kind, year: int | None = None, area_id: int | str | None = None,
             search: str = "", voided: bool = False) -> list[ActivityRow]:
        """The kind's records, newest first. ``year``: dated in that year (a model: kept at
        some time in it); ``area_id``: None for every record, WARD_ONLY for the whole ward's
        own, or an area's id; ``search``: every word found in the record's text, with or
        without diacritics; ``voided``: the voided records ("Đã hủy") instead."""
        spec = SPECS[kind]
        m = spec.model
        # Plain columns, not mapped objects: a year of patrols at 100,000 households is
        # some 12,000 rows, read in a third of the time.
        stmt = (select(m.id, Area.name, *(getattr(m, n) for n in _field_names(kind)))
                .outerjoin(Area, Area.id == m.area_id)
                .where(*self._filters(kind, year, area_id, search, voided))
                .order_by(getattr(m, spec.date_column).desc(), m.id.desc()))
        with self.db.session() as s:
            return [spec.row(*values, id=record_id, area_name=area or WARD_LABEL)
                    for record_id, area, *values in s.execute(stmt)]

    def counts(self, year: int | None = None,
               area_id: int | str | None = None) -> dict[Kind, int]:
        """How many records of each kind ``rows`` would list for the year and area."""
        with self.db.session() as s:
            return {kind: s.scalar(select(func.count()).select_from(SPECS[kind].model)
                                   .where(*self._filters(kind, year, area_id)))
                    for kind in Kind}

    def years(self, today: date | None = None) -> list[int]:
        """Years with any record, and the current one, newest first (for the year filter)."""
        today = today or date.today()
        found = {today.year}
        with self.db.session() as s:
            for spec in SPECS.values():
                column = getattr(spec.model, spec.date_column)
                low, high = s.execute(select(func.min(column), func.max(column))).one()
                if low is not None:
                    found.update(range(low.year, max(high.year, today.year) + 1))
        return sorted(found, reverse=True)

    # -- one record -----------------------------------------------------------------------------
    def get(self, kind: Kind, record_id: int) -> ActivityData:
        spec = SPECS[kind]
        with self.db.session() as s:
            r = get_or_raise(s, spec.model, record_id)
            return spec.data(*(getattr(r, n) for n in _field_names(kind)))

    def get_versioned(self, kind: Kind, record_id: int) -> tuple[ActivityData, int]:
        """``get`` and the record's version read with it, for a dialog that will save it."""
        spec = SPECS[kind]
        with self.db.session() as s:
            r = get_or_raise(s, spec.model, record_id)
            return spec.data(*(getattr(r, n) for n in _field_names(kind))), r.version

    def save(self, kind: Kind, data: ActivityData, record_id: int | None = None,
             today: date | None = None, version: int | None = None) -> int:
        """Validate and save one record in one transaction; return its id. Raises FieldError
        naming the field (nothing saved) on the first problem, StaleRecord when ``version``
        (read by ``get_versioned``) is no longer the record's."""
        spec = SPECS[kind]
        if not isinstance(data, spec.data):
            raise TypeError(f"{kind.name} expects {spec.data.__name__}")
        data = _clean(kind, data)
        errors = spec.errors(data, today or date.today())
        if errors:
            raise errors[0]
        with stale_errors(self.db, spec.model, record_id):
            return self._save(kind, data, record_id, version)

    def _save(self, kind: Kind, data: ActivityData, record_id: int | None,
              version: int | None) -> int:
        spec = SPECS[kind]
        with self.db.session.begin() as s:
            if record_id is not None:
                row = s.get(spec.model, record_id)
                if row is None or getattr(row, "voided_at", None) is not None:
                    raise LookupError(record_id)
                check_version(row, version)
                ensure_open(s, ACTIVITIES, getattr(row, spec.date_column), row.area_id)
            ensure_open(s, ACTIVITIES, getattr(data, spec.date_column), data.area_id)
            self._check_area(s, data.area_id)
            if kind is Kind.MODEL:
                self._check_model_name(s, data, record_id)
            if record_id is None:
                row = spec.model()
                s.add(row)
            for name in _field_names(kind):
                setattr(row, name, getattr(data, name))
            row.folded = search_text(kind, data)
            s.flush()
            return row.id

    @staticmethod
    def _check_area(s: Session, area_id: int | None) -> None:
        if area_id is not None and s.get(Area, area_id) is None:
            raise FieldError("Khu dân cư", "không tồn tại.")

    @staticmethod
    def _check_model_name(s: Session, d: ModelData, record_id: int | None) -> None:
        """Two models of one name kept at once in one place are one model typed twice."""
        place = (MovementModel.area_id.is_(None) if d.area_id is None
                 else MovementModel.area_id == d.area_id)
        others = s.execute(select(MovementModel.id, MovementModel.name, MovementModel.ended_on)
                           .where(place, MovementModel.id != (record_id or -1)))
        if d.ended_on is None and any(fold(name) == fold(d.name) and ended is None
                                      for _id, name, ended in others):
            raise FieldError("Tên mô hình", f"“{d.name}” đang được duy trì ở nơi này rồi.")

    def void(self, kind: Kind, record_id: int, reason: str, today: date | None = None) -> None:
        """Void a record entered by mistake (never removed): it leaves every list, count and
        report and is listed under "Đã hủy" with ``reason``. A movement model is ended instead."""
        if kind is Kind.MODEL:
            raise FieldError("Mô hình", "không hủy mô hình; hãy ghi ngày kết thúc mô hình.")
        reason = " ".join((reason or "").split())
        if not reason:
            raise FieldError("Lý do hủy", "cần ghi lý do hủy bản ghi.")
        if len(reason) > 300:
            raise FieldError("Lý do hủy", "dài quá 300 ký tự.")
        spec = SPECS[kind]
        with self.db.session.begin() as s:
            row = s.get(spec.model, record_id)
            if row is None or row.voided_at is not None:
                raise LookupError(record_id)
            ensure_open(s, ACTIVITIES, getattr(row, spec.date_column), row.area_id, today=today)
            row.voided_at = utc_now().replace(microsecond=0)
            row.void_reason = reason

    def delete(self, kind: Kind, record_id: int, reason: str = "") -> None:
        """The delete path: a record is voided with a reason, never removed (:meth:`void`)."""
        self.void(kind, record_id, reason)

    def voided(self, kind: Kind) -> list[tuple[ActivityRow, datetime, str]]:
        """The voided records of ``kind`` ("Đã hủy"), newest voiding first: the row, when it
        was voided (UTC) and why."""
        m = SPECS[kind].model
        if not hasattr(m, "voided_at"):
            return []
        rows = {r.id: r for r in self.rows(kind, voided=True)}
        with self.db.session() as s:
            marks = s.execute(select(m.id, m.voided_at, m.void_reason)
                              .where(m.voided_at.is_not(None))
                              .order_by(m.voided_at.desc(), m.id.desc())).all()
        return [(rows[i], at, why) for i, at, why in marks if i in rows]

    def end_model(self, model_id: int, on: date | None, today: date | None = None) -> None:
        """Record that a model stopped on ``on``."""
        today = today or date.today()
        with self.db.session.begin() as s:
            row = get_or_raise(s, MovementModel, model_id)
            if row.ended_on is not None:
                raise FieldError("Ngày kết thúc",
                                 f"mô hình đã kết thúc từ ngày {row.ended_on:%d/%m/%Y}.")
            errors = end_model_errors(on, row.started_on, today)
            if errors:
                raise errors[0]
            row.ended_on = on


__all__ = [
    "EARLIEST", "WARD_LABEL", "WARD_ONLY", "ActivityData", "ActivityRow", "ActivityService",
    "AwardData", "AwardRow", "Kind", "ModelData", "ModelRow", "OutreachData", "OutreachRow",
    "PatrolData", "PatrolRow", "TipData", "TipRow", "WeaponData", "WeaponRow", "activity_errors",
    "end_model_errors", "format_number", "search_text",
]
