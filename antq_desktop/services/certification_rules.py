"""Rules of the "An toàn về an ninh, trật tự" certification that need no database: the data
the certification service exchanges with the GUI, a unit's state in a year, the proposed result,
the ward's 100%/70% rule, the record's validation and the Vietnamese number formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..criteria import Criterion, criteria_for
from ..enums import CertCategory, CertResult, CertState
from ..validation import LEN_NUMBER, ErrorList, FieldError, check_free_text, check_label
from ..numbers import grouped

MANAGED_HERE = (CertCategory.AGENCY, CertCategory.ENTERPRISE, CertCategory.SCHOOL)
COUNTED_FOR_WARD = (CertCategory.AREA,) + MANAGED_HERE  # the ward's criterion 4 counts these
WARD_MIN_RECOGNISED = 70  # percent of units recognised for the ward's criterion 4
# Evaluation meetings and decisions may slip past New Year; the year's record accepts them up
# to the end of the next first quarter (when the next year's registrations are made).
LATE_UNTIL: tuple[int, int] = (31, 3)  # (day, month) of year + 1
USE_UNIT_SETUP = ("khu dân cư và phường được lấy từ Thông tin đơn vị; hãy sửa ở đó "
                  "(Tệp → Thông tin đơn vị).")


# -- data exchanged with the GUI ------------------------------------------------------------------
@dataclass
class CertUnitData:
    """An agency, enterprise or school as edited in the unit dialog; ``id`` None for a new one."""

    category: CertCategory | None
    name: str
    address: str = ""
    head_name: str = ""
    phone: str = ""
    id: int | None = None
    version: int | None = None  # CertUnitInfo.version as the dialog read it


@dataclass(frozen=True)
class CertUnitInfo:
    id: int
    category: CertCategory
    name: str
    address: str
    head_name: str
    phone: str
    area_id: int | None
    retired_on: date | None
    version: int = 1  # see services/versions.py

    @property
    def editable(self) -> bool:
        """Areas and the ward follow the unit setup; only the others are edited here."""
        return self.category in MANAGED_HERE


@dataclass(frozen=True)
class CertRow:
    """One line of the year list: a unit and its record for the year, if any."""

    unit_id: int
    category: CertCategory
    name: str
    address: str
    head_name: str
    phone: str
    area_id: int | None
    registered_on: date | None
    evaluated_on: date | None
    result: CertResult | None
    decision_number: str
    decision_date: date | None
    certificate_number: str
    criteria_met: int
    criteria_total: int
    state: CertState
    retired_on: date | None = None


@dataclass(frozen=True)
class CriterionState:
    """One line of a record's checklist. ``met``/``note`` are what is stored (or the computed
    value when nothing is stored yet); ``computed_*`` are what the other records say."""

    criterion: Criterion
    met: bool
    note: str = ""
    computed_met: bool | None = None
    computed_text: str | None = None


@dataclass(frozen=True)
class CertRecordInfo:
    unit: CertUnitInfo
    year: int
    exists: bool  # a record is stored for the year
    registered_on: date | None
    evaluated_on: date | None
    result: CertResult | None
    decision_number: str
    decision_date: date | None
    certificate_number: str
    notes: str
    checklist: list[CriterionState]
    state: CertState
    version: int = 0  # the record's version; 0: no record stored when read

    @property
    def proposed(self) -> CertResult:
        return proposed_result(self.checklist)


@dataclass
class CriterionData:
    code: str
    met: bool
    note: str = ""


@dataclass
class RecordData:
    """A year's record as edited in the record dialog. Criteria not listed are stored unmet."""

    registered_on: date | None = None
    evaluated_on: date | None = None
    result: CertResult | None = None
    decision_number: str = ""
    decision_date: date | None = None
    certificate_number: str = ""
    notes: str = ""
    criteria: list[CriterionData] = field(default_factory=list)
    # CertRecordInfo.version as the dialog read it (0: there was no record); None: no check
    version: int | None = None


@dataclass(frozen=True)
class WardRatio:
    """The ward's criterion 4 over its areas, agencies, enterprises and schools."""

    units: int
    registered: int
    recognised: int
    all_registered: bool
    recognised_share: float  # 0..1
    met: bool
    text: str


@dataclass(frozen=True)
class DeadlineNotice:
    text: str
    past: bool


# -- rules ----------------------------------------------------------------------------------------
def derive_state(registered_on: date | None, result: CertResult | None,
                 decision_number: str) -> CertState:
    """Where a unit stands, from its record (no record: pass None, None, "")."""
    if registered_on is None:
        return CertState.NOT_REGISTERED
    if result is None:
        return CertState.REGISTERED
    if result is CertResult.NOT_MET:
        return CertState.NOT_MET
    return CertState.RECOGNISED if decision_number else CertState.EVALUATED


def proposed_result(checklist: list[CriterionState]) -> CertResult:
    """MET iff every criterion of the checklist is met."""
    return CertResult.MET if checklist and all(c.met for c in checklist) else CertResult.NOT_MET


def active_in(retired_on: date | None, year: int) -> bool:
    """A unit counts for ``year`` unless it was retired during or before that year."""
    return retired_on is None or retired_on.year > year


def ward_ratio_of(states: list[CertState]) -> WardRatio:
    """100% of the units registered and at least 70% recognised (with a decision)."""
    units = len(states)
    registered = sum(s is not CertState.NOT_REGISTERED for s in states)
    recognised = sum(s is CertState.RECOGNISED for s in states)
    all_registered = units > 0 and registered == units
    share = recognised / units if units else 0.0
    met = all_registered and recognised * 100 >= WARD_MIN_RECOGNISED * units
    text = (f"Đăng ký {registered}/{units} ({percent(registered, units)}), "
            f"công nhận {recognised}/{units} ({percent(recognised, units)})")
    return WardRatio(units, registered, recognised, all_registered, share, met, text)


def signup_text(signed: int, total: int) -> str:
    if total == 0:
        return "Khu dân cư chưa có hộ gia đình nào."
    return f"{number(signed)}/{number(total)} hộ đã đăng ký ({percent(signed, total)})"


def late_limit(year: int) -> date:
    day, month = LATE_UNTIL
    return date(year + 1, month, day)


def record_errors(category: CertCategory, year: int, r: RecordData,
                  today: date) -> list[FieldError]:
    """Every problem with a year's record, in dialog order.

    Dates: the registration falls in ``year``; the evaluation meeting and the decision in
    ``year`` or up to 31/03 of the next year (late meetings and decisions); none after today.
    Order: registered ≤ evaluated ≤ decided. A result needs a registration and an evaluation
    date; "Đạt" needs every criterion ticked; a decision (number and date, given together) and
    a certificate need "Đạt"; a certificate needs the decision.
    """
    errors = ErrorList()
    add = errors.add
    start, late = date(year, 1, 1), late_limit(year)
    codes = {c.code for c in criteria_for(category)}

    def when(label: str, value: date | None, first: date, last: date,
             after: tuple[str, date | None] | None = None) -> None:
        if value is None:
            return
        if not first <= value <= last:
            add(label, f"phải từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}.")
        elif value > today:
            add(label, "không được sau ngày hôm nay.")
        elif after and after[1] is not None and value < after[1]:
            add(label, f"không được trước {after[0]} ({after[1]:%d/%m/%Y}).")

    when("Ngày đăng ký", r.registered_on, start, date(year, 12, 31))
    when("Ngày họp đánh giá", r.evaluated_on, start, late, ("ngày đăng ký", r.registered_on))
    if r.evaluated_on is not None and r.registered_on is None:
        add("Ngày họp đánh giá", "đơn vị chưa đăng ký phấn đấu (chưa có ngày đăng ký).")
    for c in r.criteria:
        if c.code not in codes:
            add("Tiêu chuẩn", f"“{c.code}” không thuộc tiêu chuẩn của {category.label.lower()}.")
    if r.result is not None:
        if r.registered_on is None:
            add("Kết quả", "đơn vị chưa đăng ký phấn đấu (chưa có ngày đăng ký).")
        elif r.evaluated_on is None:
            add("Kết quả", "chưa có ngày họp đánh giá.")
        if r.result is CertResult.MET:
            ticked = {c.code for c in r.criteria if c.met}
            missing = [c for c in criteria_for(category) if c.code not in ticked]
            if missing:
                numbers = ", ".join(str(c.number) for c in missing)
                add("Kết quả", f"chưa đạt tiêu chuẩn {numbers} nên không thể ghi “Đạt”.")
    met = r.result is CertResult.MET
    if r.decision_number and not met:
        add("Số quyết định", "chỉ ghi khi kết quả là “Đạt”.")
    if r.decision_date is not None:
        if not met:
            add("Ngày quyết định", "chỉ ghi khi kết quả là “Đạt”.")
        else:
            when("Ngày quyết định", r.decision_date, start, late,
                 ("ngày họp đánh giá", r.evaluated_on))
    if met and r.decision_number and r.decision_date is None:
        add("Ngày quyết định", "chưa nhập (đã có số quyết định).")
    if met and r.decision_date is not None and not r.decision_number:
        add("Số quyết định", "chưa nhập (đã có ngày quyết định).")
    if r.certificate_number:
        if not met:
            add("Số Giấy công nhận", "chỉ ghi khi kết quả là “Đạt”.")
        elif not r.decision_number:
            add("Số Giấy công nhận", "chưa có số quyết định công nhận.")
    add("Số quyết định", check_label(r.decision_number, LEN_NUMBER, required=False))
    add("Số Giấy công nhận", check_label(r.certificate_number, LEN_NUMBER, required=False))
    add("Ghi chú", check_free_text(r.notes))
    for c in r.criteria:
        add("Ghi chú tiêu chuẩn", check_free_text(c.note))
    return errors


# -- Vietnamese number formats --------------------------------------------------------------------
number = grouped  # 12345 → "12.345"


def percent(part: int, whole: int) -> str:
    """"100%", "98,7%", "0,0%" ("0%" when ``whole`` is 0): one decimal, comma, except 100."""
    if whole == 0:
        return "0%"
    if part == whole:
        return "100%"
    tenths = (part * 2000 + whole) // (2 * whole)  # rounded half up
    if part < whole:
        tenths = min(tenths, 999)  # never "100,0%" for a share short of the whole
    return f"{tenths // 10},{tenths % 10}%"
