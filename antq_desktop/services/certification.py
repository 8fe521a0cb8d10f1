"""The "An toàn về an ninh, trật tự" certification (docs/DOMAIN.md §4): units, yearly records with
their criteria checklist, the ward's ratio, deadlines and the printed lists. The rules that need
no database are in certification_rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..criteria import SIGNUPS, WARD_RATIO, criteria_for
from ..db.guard import housekeeping, session_ward
from ..db.engine import Database
from ..db.models import Area, CertCriterion, CertRecord, CertUnit, Unit
from ..enums import CertCategory, CertResult, CertState
from ..text import clean_line, clean_multiline, fold, lower, normalize
from ..validation import (
    EARLIEST_RECORD,
    LEN_LABEL,
    LEN_LINE,
    LEN_NAME,
    FieldError,
    check_event_date,
    check_free_text,
    check_label,
    check_phone,
    normalize_phone,
)
from .certification_rules import (
    COUNTED_FOR_WARD,
    MANAGED_HERE,
    USE_UNIT_SETUP,
    CertRecordInfo,
    CertRow,
    CertUnitData,
    CertUnitInfo,
    CriterionData,
    CriterionState,
    DeadlineNotice,
    RecordData,
    WardRatio,
    active_in,
    derive_state,
    number,
    proposed_result,
    record_errors,
    signup_text,
    ward_ratio_of,
)
from .children import once_more_on_race, unique_errors
from .versions import StaleRecord, check_version, stale_errors, touch
from .households import HouseholdService
from .settings import read_cert_settings
from .periods import CERTIFICATION, ensure_open
from .lookup import get_or_raise

CATEGORY_ORDER = (CertCategory.AREA, CertCategory.AGENCY, CertCategory.ENTERPRISE,
                  CertCategory.SCHOOL, CertCategory.WARD)
MIN_YEAR = 2000


def unit_errors(data: CertUnitData) -> list[FieldError]:
    """The problems of a unit's own fields (not those needing the database), in dialog order."""
    if data.category is None:
        return [FieldError("Loại đơn vị", "chưa chọn.", key="category")]
    if data.category not in MANAGED_HERE and data.id is None:
        return [FieldError("Loại đơn vị", USE_UNIT_SETUP, key="category")]
    return [FieldError(label, message, key=key) for key, label, message in (
        ("name", "Tên đơn vị", check_label(data.name, LEN_LABEL)),
        ("address", "Địa chỉ", check_free_text(clean_line(data.address), LEN_LINE)),
        ("head_name", "Thủ trưởng, người đứng đầu",
         check_label(data.head_name, LEN_NAME, required=False)),
        ("phone", "Số điện thoại", check_phone(normalize(data.phone)))) if message]


def sync_units_in(s: Session) -> int:
    """Inside the caller's transaction: one AREA unit per residential area (name and retirement
    kept in step) and one WARD unit named after the unit's ward. Returns how many rows were
    added or changed; touches nothing when all is in step."""
    with housekeeping(s):  # the units follow the areas, whoever opens the list
        return _sync_units_in(s)


def _sync_units_in(s: Session) -> int:
    changed = 0
    units = {u.area_id: u for u in s.scalars(
        select(CertUnit).where(CertUnit.category == CertCategory.AREA))}
    for area_id, name, retired_on in s.execute(select(Area.id, Area.name, Area.retired_on)):
        u = units.get(area_id)
        if u is None:
            s.add(CertUnit(category=CertCategory.AREA, area_id=area_id, name=name,
                           name_folded=fold(name), address="", head_name="", phone="",
                           retired_on=retired_on))
            changed += 1
        elif u.name != name or u.retired_on != retired_on:
            u.name, u.name_folded, u.retired_on = name, fold(name), retired_on
            changed += 1
    ward_name = s.scalar(select(Unit.ward_name).where(Unit.id == session_ward(s)))
    if ward_name:
        ward = s.scalar(select(CertUnit).where(CertUnit.category == CertCategory.WARD)
                        .order_by(CertUnit.id).limit(1))
        if ward is None:
            s.add(CertUnit(category=CertCategory.WARD, area_id=None, name=ward_name,
                           name_folded=fold(ward_name), address="", head_name="", phone="",
                           retired_on=None))
            changed += 1
        elif ward.name != ward_name or ward.retired_on is not None:
            ward.name, ward.name_folded, ward.retired_on = ward_name, fold(ward_name), None
            changed += 1
    if changed:
        s.flush()
    return changed


def _unit_info(u: CertUnit) -> CertUnitInfo:
    return CertUnitInfo(u.id, u.category, u.name, u.address, u.head_name, u.phone, u.area_id,
                        u.retired_on, u.version)


@dataclass(frozen=True)
class YearOverview:
    counts: dict[CertState, int]
    ratio: WardRatio
    deadlines: list[DeadlineNotice]


def _state_counts(rows: list[CertRow]) -> dict[CertState, int]:
    counts = dict.fromkeys(CertState, 0)
    for r in rows:
        counts[r.state] += 1
    return counts


class CertificationService:
    def __init__(self, db: Database):
        self.db = db

    # -- the printed lists --------------------------------------------------------------------
    def listing(self, year: int, which: str,
                category: CertCategory | None = None) -> list[CertRow]:
        """``which="proposed"``: units whose result for ``year`` is MET (decided or not);
        ``which="recognised"``: MET with a decision number. Ordered as ``year_rows``."""
        if which == "proposed":
            wanted = (CertState.EVALUATED, CertState.RECOGNISED)
        elif which == "recognised":
            wanted = (CertState.RECOGNISED,)
        else:
            raise ValueError(f"which={which!r}: 'proposed' or 'recognised'")
        return [r for r in self.year_rows(year, category)
                if r.state in wanted]

    @staticmethod
    def proposed_result(checklist: list[CriterionState]) -> CertResult:
        """What the app proposes from a checklist: MET iff every criterion is met."""
        return proposed_result(checklist)

    # -- units ----------------------------------------------------------------------------------
    def sync_units(self) -> int:
        def work() -> int:
            with self.db.session.begin() as s:
                return sync_units_in(s)
        return once_more_on_race(work, ("cert_unit_area",))

    def unit(self, unit_id: int) -> CertUnitInfo:
        with self.db.session() as s:
            u = get_or_raise(s, CertUnit, unit_id)
            return _unit_info(u)

    def save_unit(self, data: CertUnitData) -> int:
        """Validate and save an agency, enterprise or school; return its id. Of a residential
        area or the ward (which follow the unit setup) only the address, the head and the
        phone are saved here. Raises the first FieldError (nothing saved)."""
        name, address = normalize(data.name), clean_line(data.address)
        head, phone = normalize(data.head_name), normalize(data.phone)
        errors = unit_errors(data)
        if errors:
            raise errors[0]
        with stale_errors(self.db, CertUnit, data.id):
            return self._save_unit(data, name, address, head, phone)

    def _save_unit(self, data: CertUnitData, name: str, address: str, head: str,
                   phone: str) -> int:
        with self.db.session.begin() as s:
            if data.id is None:
                u = None
            else:
                u = get_or_raise(s, CertUnit, data.id)
                check_version(u, data.version)
                if u.category not in MANAGED_HERE:
                    if data.category != u.category or name != u.name:
                        raise FieldError("Tên đơn vị", USE_UNIT_SETUP)
                    u.address, u.head_name, u.phone = address, head, normalize_phone(phone)
                    return u.id
                if data.category not in MANAGED_HERE:
                    raise FieldError("Loại đơn vị", USE_UNIT_SETUP)
                if u.category != data.category and s.scalar(
                        select(CertRecord.id).where(CertRecord.unit_id == u.id).limit(1)):
                    raise FieldError("Loại đơn vị", "đơn vị đã có hồ sơ đăng ký, đánh giá nên "
                                                    "không đổi được loại đơn vị.")
            own = data.id if data.id is not None else -1
            for other_id, other_name, retired_on in s.execute(
                    select(CertUnit.id, CertUnit.name, CertUnit.retired_on)
                    .where(CertUnit.category == data.category, CertUnit.id != own)):
                # Compared in Python: SQL lower() does not fold Vietnamese capitals such as "Đ".
                if lower(other_name) == lower(name):
                    where = " (đã thôi theo dõi; hãy khôi phục đơn vị đó)" if retired_on else ""
                    raise FieldError("Tên đơn vị", f"“{name}” đã có trong danh sách "
                                                   f"{data.category.label.lower()}{where}.")
            if u is None:
                u = CertUnit(area_id=None, retired_on=None)
                s.add(u)
            u.category, u.name, u.name_folded = data.category, name, fold(name)
            u.address, u.head_name, u.phone = address, head, normalize_phone(phone)
            s.flush()
            return u.id

    def _editable(self, s: Session, unit_id: int) -> CertUnit:
        u = get_or_raise(s, CertUnit, unit_id)
        if u.category not in MANAGED_HERE:
            raise FieldError("Đơn vị", USE_UNIT_SETUP)
        return u

    def retire_unit(self, unit_id: int, on: date, today: date | None = None) -> None:
        """Stop following an agency, enterprise or school from ``on`` (it closed or moved);
        its records stay."""
        message = check_event_date(on, None, today or date.today(), required=True,
                                   earliest=EARLIEST_RECORD)
        if message:
            raise FieldError("Ngày thôi theo dõi", message)
        with self.db.session.begin() as s:
            self._editable(s, unit_id).retired_on = on

    def restore_unit(self, unit_id: int) -> None:
        with self.db.session.begin() as s:
            self._editable(s, unit_id).retired_on = None

    # -- the year list ----------------------------------------------------------------------------
    def _rows(self, s: Session, year: int) -> list[CertRow]:
        """Every unit that counts for ``year`` (and retired ones with a record that year), with
        its record, in list order."""
        units = s.scalars(select(CertUnit)).all()
        records = {r.unit_id: r for r in s.scalars(select(CertRecord)
                                                    .where(CertRecord.year == year))}
        met = {(r, c) for r, c in s.execute(
            select(CertCriterion.record_id, CertCriterion.code)
            .join(CertRecord, CertRecord.id == CertCriterion.record_id)
            .where(CertRecord.year == year, CertCriterion.met.is_(True)))}
        order = dict(iter(s.execute(select(Area.id, Area.sort_order))))
        keyed = []
        for u in units:
            r = records.get(u.id)
            if r is None and not active_in(u.retired_on, year):
                continue
            codes = [c.code for c in criteria_for(u.category)]
            if r is None:
                row = CertRow(u.id, u.category, u.name, u.address, u.head_name, u.phone,
                              u.area_id, None, None, None, "", None, "", 0, len(codes),
                              CertState.NOT_REGISTERED, u.retired_on)
            else:
                row = CertRow(u.id, u.category, u.name, u.address, u.head_name, u.phone,
                              u.area_id, r.registered_on, r.evaluated_on, r.result,
                              r.decision_number, r.decision_date, r.certificate_number,
                              sum((r.id, c) in met for c in codes), len(codes),
                              derive_state(r.registered_on, r.result, r.decision_number),
                              u.retired_on)
            key = (CATEGORY_ORDER.index(u.category), order.get(u.area_id, 0), fold(u.name), u.id)
            keyed.append((key, row))
        keyed.sort(key=lambda x: x[0])
        return [row for _, row in keyed]

    def year_rows(self, year: int, category: CertCategory | None = None,
                  state: CertState | None = None, search: str = "") -> list[CertRow]:
        """The year list: categories in the order areas, agencies, enterprises, schools, ward;
        names within (areas in their own order). ``search`` matches name, address or head
        without regard to diacritics."""
        needle = fold(search)
        self.sync_units()
        with self.db.session() as s:
            rows = self._rows(s, year)
        return [r for r in rows
                if (category is None or r.category is category)
                and (state is None or r.state is state)
                and (not needle or needle in fold(f"{r.name} | {r.address} | {r.head_name}"))]

    def state_counts(self, year: int) -> dict[CertState, int]:
        return _state_counts(self.year_rows(year))

    def _counted(self, year: int, rows: list[CertRow] | None = None) -> list[CertRow]:
        """Units that count for ``year``'s ratios: not retired during or before it."""
        return [r for r in (self.year_rows(year) if rows is None else rows)
                if active_in(r.retired_on, year)]

    def ward_ratio(self, year: int, rows: list[CertRow] | None = None) -> WardRatio:
        """The ward's criterion 4: 100% of its areas, agencies, enterprises and schools
        registered and at least 70% recognised. ``rows``: the year's rows if already read."""
        return ward_ratio_of([r.state for r in self._counted(year, rows)
                              if r.category in COUNTED_FOR_WARD])

    def overview(self, year: int, today: date) -> YearOverview:
        """What the tab shows above its list, from one reading of the year's units."""
        rows = self.year_rows(year)
        return YearOverview(_state_counts(rows), self.ward_ratio(year, rows),
                            self.deadlines(year, today, rows))

    def category_ratios(self, year: int) -> dict[CertCategory, tuple[int, int]]:
        """(recognised, units) per category, for the year-end report ("9/9 khu dân cư")."""
        out = {c: (0, 0) for c in CATEGORY_ORDER}
        for r in self._counted(year):
            recognised, units = out[r.category]
            out[r.category] = (recognised + (r.state is CertState.RECOGNISED), units + 1)
        return out

    # -- one record -----------------------------------------------------------------------------
    def _computed(self, unit: CertUnitInfo, code: str, year: int) -> tuple[bool | None, str | None]:
        kind = next(c.computed for c in criteria_for(unit.category) if c.code == code)
        if kind == SIGNUPS and unit.area_id is not None:
            summary = HouseholdService(self.db).signup_summary(year)
            a = next((a for a in summary if a.area_id == unit.area_id), None)
            if a is None:  # a retired area is not in the summary
                return None, None
            return a.total > 0 and a.signed == a.total, signup_text(a.signed, a.total)
        if kind == WARD_RATIO:
            ratio = self.ward_ratio(year)
            return ratio.met, ratio.text
        return None, None

    def record(self, unit_id: int, year: int) -> CertRecordInfo:
        """The unit's record for ``year`` (empty when none), with its checklist. A computed
        criterion not stored yet takes the computed value."""
        with self.db.session() as s:
            u = get_or_raise(s, CertUnit, unit_id)
            unit = _unit_info(u)
            r = s.scalar(select(CertRecord).where(CertRecord.unit_id == unit_id,
                                                  CertRecord.year == year))
            stored = {c.code: (c.met, c.note) for c in r.criteria} if r else {}
            fields = ((r.registered_on, r.evaluated_on, r.result, r.decision_number,
                       r.decision_date, r.certificate_number, r.notes) if r
                      else (None, None, None, "", None, "", ""))
            version = r.version if r else 0
        checklist = []
        for c in criteria_for(unit.category):
            computed_met, computed_text = (self._computed(unit, c.code, year) if c.computed
                                           else (None, None))
            if c.code in stored:
                met, note = stored[c.code]
            else:
                met, note = bool(computed_met), ""
            checklist.append(CriterionState(c, met, note, computed_met, computed_text))
        return CertRecordInfo(unit, year, r is not None, *fields, checklist=checklist,
                              state=derive_state(fields[0], fields[2], fields[3]),
                              version=version)

    def save_record(self, unit_id: int, year: int, data: RecordData,
                    today: date | None = None) -> None:
        """Validate and write the unit's record for ``year`` with its whole checklist in one
        transaction. Raises the first FieldError (nothing written)."""
        today = today or date.today()
        data.decision_number = normalize(data.decision_number)
        data.certificate_number = normalize(data.certificate_number)
        data.notes = clean_multiline(data.notes)
        for c in data.criteria:
            c.note = clean_multiline(c.note)
        if not MIN_YEAR <= year <= today.year + 1:
            raise FieldError("Năm", f"phải từ {MIN_YEAR} đến {today.year + 1}.")
        taken = {"cert_record": lambda: FieldError(
            "Năm", f"hồ sơ năm {year} của đơn vị vừa được ghi ở nơi khác; hãy mở lại rồi sửa.")}
        with unique_errors(taken), stale_errors(
                self.db, CertRecord, lambda: self._record_id(unit_id, year)):
            self._save_record(unit_id, year, data, today)

    def history_targets(self, unit_id: int, year: int) -> list[tuple[str, int | None]]:
        """The audit trail's records of the unit's ``year`` (the record and its checklist,
        whose entries carry the record's id), for the record dialog's "Lịch sử"."""
        rid = self._record_id(unit_id, year)
        return [("cert_record", rid), ("cert_criterion", rid)]

    def _record_id(self, unit_id: int, year: int) -> int | None:
        with self.db.session() as s:
            return s.scalar(select(CertRecord.id).where(CertRecord.unit_id == unit_id,
                                                        CertRecord.year == year))

    def _save_record(self, unit_id: int, year: int, data: RecordData, today: date) -> None:
        with self.db.session.begin() as s:
            u = get_or_raise(s, CertUnit, unit_id)
            if u.retired_on is not None and u.retired_on.year < year:
                raise FieldError("Đơn vị", f"đã thôi theo dõi từ ngày {u.retired_on:%d/%m/%Y}.")
            ensure_open(s, CERTIFICATION, year, getattr(u, "area_id", None), today=today)
            errors = record_errors(u.category, year, data, today)
            if errors:
                raise errors[0]
            r = s.scalar(select(CertRecord).where(CertRecord.unit_id == unit_id,
                                                  CertRecord.year == year))
            if data.version is not None:  # the dialog's read: no record (0) or that version
                if r is None and data.version:
                    raise StaleRecord()  # cleared elsewhere since
                if r is not None:
                    check_version(r, data.version)
            if r is None:
                r = CertRecord(unit_id=unit_id, year=year)
                s.add(r)
            else:
                touch(r)  # its version moves with its checklist
            r.registered_on, r.evaluated_on, r.result = (data.registered_on, data.evaluated_on,
                                                         data.result)
            r.decision_number, r.decision_date = data.decision_number, data.decision_date
            r.certificate_number, r.notes = data.certificate_number, data.notes
            given = {c.code: c for c in data.criteria}
            existing = {c.code: c for c in r.criteria}
            rows = []
            for c in criteria_for(u.category):
                row = existing.get(c.code) or CertCriterion(code=c.code)
                item = given.get(c.code)
                row.met, row.note = (bool(item.met), item.note) if item else (False, "")
                rows.append(row)
            r.criteria = rows

    def clear_record(self, unit_id: int, year: int) -> bool:
        """Delete the unit's record for ``year`` (a registration made by mistake); False when
        there was none."""
        with self.db.session.begin() as s:
            r = s.scalar(select(CertRecord).where(CertRecord.unit_id == unit_id,
                                                  CertRecord.year == year))
            if r is None:
                return False
            ensure_open(s, CERTIFICATION, year)
            s.delete(r)
            return True

    # -- deadlines ------------------------------------------------------------------------------
    def deadlines(self, year: int, today: date,
                  rows: list[CertRow] | None = None) -> list[DeadlineNotice]:
        """Registration and recognition deadlines of ``year`` that are near (within the
        settings' window) or past while some units are still behind."""
        with self.db.session() as s:
            settings = read_cert_settings(s)
        rows = self._counted(year, rows)
        out = []

        def notice(what: str, deadline: date, behind: int, tail: str) -> None:
            if behind == 0:
                return
            days = (deadline - today).days
            if days < 0:
                out.append(DeadlineNotice(
                    f"Đã quá hạn {what} năm {year} ({deadline:%d/%m/%Y}): "
                    f"còn {number(behind)} {tail}.", True))
            elif days <= settings.near_days:
                left = "hôm nay là hạn cuối" if days == 0 else f"còn {days} ngày"
                out.append(DeadlineNotice(
                    f"Hạn {what} năm {year} là {deadline:%d/%m/%Y} ({left}): "
                    f"còn {number(behind)} {tail}.", False))

        notice("đăng ký phấn đấu “An toàn về an ninh, trật tự”", settings.registration_on(year),
               sum(r.state is CertState.NOT_REGISTERED for r in rows), "đơn vị chưa đăng ký")
        undecided = (CertState.REGISTERED, CertState.EVALUATED)
        tail = "đơn vị đã đăng ký nhưng chưa có quyết định công nhận"
        notice("công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục",
               settings.recognition_on(year),
               sum(r.state in undecided for r in rows if r.category in COUNTED_FOR_WARD), tail)
        notice("công nhận xã, phường", settings.other_recognition_on(year),
               sum(r.state in undecided for r in rows if r.category is CertCategory.WARD), tail)
        return out


__all__ = [
    "CATEGORY_ORDER", "CertRecordInfo", "CertRow", "CertUnitData", "CertUnitInfo",
    "CertificationService", "CriterionData", "CriterionState", "DeadlineNotice",
    "RecordData", "WardRatio", "YearOverview", "sync_units_in",
]
