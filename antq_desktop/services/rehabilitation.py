"""Rehabilitation cases: opening, evaluating, supporting and closing them; listing with due dates.

An evaluation or support entered wrongly is corrected (``update_evaluation`` /
``update_support``: its values replaced, refused if it changed since it was read) or voided with
a reason (``void_evaluation`` / ``void_support``). A voided entry stays in the case's history,
marked, and counts nowhere: not in the due dates, the regime lock, the lists, the reports, the
indicators or the overview (every query over the entries filters ``voided_on IS NULL``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import or_, select

from ..access import area_filter, masked_for
from ..db.engine import Database
from ..db.models import Area, RehabCase, RehabEvaluation, RehabSupport, Resident
from ..enums import Classification, EndReason, Regime, Sex, SupportKind
from ..regimes import REGIMES, Due, DueState, Period, next_due
from ..text import clean_line, clean_multiline, fold, like_escape, normalize, title_name
from ..validation import (
    EARLIEST_RECORD,
    LEN_LABEL,
    LEN_LINE,
    LEN_NUMBER,
    ErrorList,
    FieldError,
    check_amount,
    check_birth_date,
    check_event_date,
    check_free_text,
    check_id_number,
    check_label,
    check_person_name,
    check_planned_date,
    clean_number,
)
from .children import unique_errors
from .versions import check_version, stale_errors
from .households import HouseholdService, ResidentChoice
from .periods import EVALUATIONS, PeriodLocked, ensure_open
from .lookup import get_or_raise


class CaseStatus:
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


class DueFilter:
    ANY = ""
    DUE_OR_OVERDUE = "due_or_overdue"
    OVERDUE = "overdue"


@dataclass
class EvaluationData:
    evaluated_on: date | None
    period: Period | None
    classification: Classification | None
    remarks: str = ""
    id: int | None = None
    version: int | None = None  # as read by get(); checked by update/void
    voided_on: date | None = None  # read-only: set by void_evaluation
    void_reason: str = ""

    @property
    def voided(self) -> bool:
        return self.voided_on is not None


@dataclass
class SupportData:
    given_on: date | None
    kind: SupportKind | None
    details: str = ""
    amount: int | None = None
    lender: str = ""
    id: int | None = None
    version: int | None = None  # as read by get(); checked by update/void
    voided_on: date | None = None  # read-only: set by void_support
    void_reason: str = ""

    @property
    def voided(self) -> bool:
        return self.voided_on is not None


@dataclass
class CaseData:
    person_name: str
    regime: Regime | None
    start_date: date | None
    resident_id: int | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    id_number: str = ""
    address: str = ""
    area_id: int | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_signer: str = ""
    planned_end: date | None = None
    supervisor: str = ""
    model: str = ""
    notes: str = ""
    id: int | None = None
    # read-only on save: changed through add_evaluation / add_support / close
    closed_on: date | None = None
    close_reason: EndReason | None = None
    close_note: str = ""
    evaluations: list[EvaluationData] = field(default_factory=list)  # voided ones included
    supports: list[SupportData] = field(default_factory=list)
    version: int | None = None  # as read by get(); see services/versions.py

    @property
    def live_evaluations(self) -> list[EvaluationData]:
        return [e for e in self.evaluations if not e.voided]


@dataclass(frozen=True)
class CaseRow:
    id: int
    person_name: str
    birth_year: int | None
    regime: Regime
    decision: str
    supervisor: str
    start_date: date
    planned_end: date | None
    area_name: str
    latest: Classification | None
    latest_period: Period | None
    closed_on: date | None
    close_reason: EndReason | None
    due: Due
    area_id: int | None = None

    @property
    def status_label(self) -> str:
        if self.closed_on:
            reason = self.close_reason.label if self.close_reason else ""
            return f"Đã kết thúc {self.closed_on:%d/%m/%Y}" + (f" ({reason})" if reason else "")
        return "Đang quản lý"


def decision_text(c: RehabCase) -> str:
    """"125/QĐ-UBND ngày 03/02/2026", or whichever part is known."""
    when = c.decision_date.strftime("%d/%m/%Y") if c.decision_date else ""
    return " ngày ".join(x for x in (c.decision_number, when) if x)


def _period_of(regime: Regime, year: int, number: int) -> Period:
    return Period(year, number, REGIMES[regime].months_per_period)


def case_errors(c: CaseData, today: date | None = None) -> list[FieldError]:
    today = today or date.today()
    errors = ErrorList()
    add = errors.add

    add("Họ và tên", check_person_name(c.person_name), "person_name")
    if c.regime is None:
        add("Diện quản lý", "chưa chọn.", "regime")
    if c.birth_date is not None:
        add("Ngày sinh", check_birth_date(c.birth_date, today), "birth_date")
    add("Số định danh cá nhân", check_id_number(c.id_number, c.sex, c.birth_date, today),
        "id_number")
    add("Địa chỉ", check_free_text(clean_line(c.address), LEN_LINE), "address")
    add("Số quyết định", check_label(c.decision_number, LEN_NUMBER, required=False),
        "decision_number")
    if c.decision_date is not None:
        add("Ngày quyết định",
            check_event_date(c.decision_date, None, today, earliest=EARLIEST_RECORD),
            "decision_date")
    add("Người ký quyết định", check_label(c.decision_signer, LEN_LABEL, required=False),
        "decision_signer")
    add("Ngày bắt đầu", check_event_date(c.start_date, c.birth_date, today, required=True,
                                         earliest=EARLIEST_RECORD), "start_date")
    if c.planned_end is not None and c.start_date is not None and c.planned_end < c.start_date:
        add("Dự kiến kết thúc", f"không được trước ngày bắt đầu {c.start_date:%d/%m/%Y}.",
            "planned_end")
    else:
        add("Dự kiến kết thúc", check_planned_date(c.planned_end, c.start_date, today),
            "planned_end")
    add("Người được giao quản lý", check_label(c.supervisor, LEN_LABEL, required=False),
        "supervisor")
    add("Mô hình", check_label(c.model, LEN_LABEL, required=False), "model")
    add("Ghi chú", check_free_text(c.notes), "notes")
    return errors


def clean_case(data: CaseData) -> CaseData:
    """The typed text as save() stores it (a name in title case, the ID's digits only)."""
    data.person_name = title_name(data.person_name)
    data.id_number = clean_number(data.id_number)
    data.address = clean_line(data.address)
    data.notes = clean_multiline(data.notes)
    return data


def case_errors_as_typed(data: CaseData, today: date | None = None) -> list[FieldError]:
    """What save() would refuse in ``data`` before reading the database (``data`` is left as
    typed): for a dialog that validates as you type."""
    return case_errors(clean_case(replace(data)), today)


def _live(rows: list) -> list:
    """The entries of a case that count: voided ones left out."""
    return [r for r in rows if r.voided_on is None]


def evaluation_errors(case, ev: EvaluationData, today: date | None = None) -> list[FieldError]:
    """The rules of one evaluation that need no database (its period not already evaluated
    and the period lock are checked on save). ``case`` is anything with ``regime``,
    ``start_date`` and ``closed_on``: a CaseData in a dialog, a RehabCase on save."""
    today = today or date.today()
    info = REGIMES[case.regime]
    errors = ErrorList()
    add = errors.add
    msg = check_event_date(ev.evaluated_on, case.start_date, today, required=True)
    add("Ngày đánh giá", msg, "evaluated_on")
    if not msg and case.closed_on is not None and ev.evaluated_on > case.closed_on:
        add("Ngày đánh giá", f"hồ sơ đã kết thúc ngày {case.closed_on:%d/%m/%Y}.",
            "evaluated_on")
    if ev.classification is None:
        add("Xếp loại", "chưa chọn.", "classification")
    elif ev.classification not in info.classes:
        allowed = ", ".join(k.short for k in info.classes)
        add("Xếp loại", f"diện {case.regime.label} xếp loại: {allowed}.", "classification")
    if ev.period is None:
        add("Kỳ đánh giá", "chưa chọn.", "period")
    else:
        period = _period_of(case.regime, ev.period.year, ev.period.number)
        first = Period.containing(case.start_date, info.months_per_period)
        if period < first:
            add("Kỳ đánh giá", f"trước kỳ bắt đầu quản lý ({first.label}).", "period")
        elif ev.evaluated_on is not None and period.first_day > ev.evaluated_on:
            add("Kỳ đánh giá", f"{period.label} chưa bắt đầu vào ngày đánh giá.", "period")
    add("Nhận xét", check_free_text(clean_multiline(ev.remarks)), "remarks")
    return errors


def support_errors(case, sp: SupportData, today: date | None = None) -> list[FieldError]:
    """The rules of one support entry (``case``: see evaluation_errors)."""
    today = today or date.today()
    details, lender = clean_multiline(sp.details), clean_line(sp.lender)
    errors = ErrorList()
    add = errors.add
    msg = check_event_date(sp.given_on, case.start_date, today, required=True)
    add("Ngày hỗ trợ", msg, "given_on")
    if not msg and case.closed_on is not None and sp.given_on > case.closed_on:
        add("Ngày hỗ trợ", f"hồ sơ đã kết thúc ngày {case.closed_on:%d/%m/%Y}.", "given_on")
    if sp.kind is None:
        add("Hình thức hỗ trợ", "chưa chọn.", "kind")
    if sp.kind is SupportKind.LOAN:
        msg = check_amount(sp.amount, required=True, positive=True)
        add("Số tiền vay", "phải lớn hơn 0 đồng." if msg == "chưa nhập." else msg, "amount")
        if not lender:
            add("Nơi cho vay", "chưa nhập (ví dụ Ngân hàng Chính sách xã hội).", "lender")
    else:
        add("Số tiền", check_amount(sp.amount), "amount")
    add("Nơi cho vay", check_label(lender, LEN_LABEL, required=False), "lender")
    add("Nội dung hỗ trợ", check_free_text(details), "details")
    return errors


def void_errors(reason: str) -> list[FieldError]:
    """A void needs its reason."""
    reason = clean_line(reason)
    errors = ErrorList()
    if not reason:
        errors.add("Lý do hủy", "chưa nhập (ví dụ: nhập nhầm người, nhầm kỳ).", "reason")
    else:
        errors.add("Lý do hủy", check_free_text(reason, LEN_LINE), "reason")
    return errors


def close_errors(case, on: date | None, reason: EndReason | None, note: str = "",
                 today: date | None = None) -> list[FieldError]:
    """The rules of closing ``case`` (a CaseData or a RehabCase: ``start_date``,
    ``closed_on``, its ``evaluations`` and ``supports``, voided ones not counting)."""
    note = clean_line(note)
    errors = ErrorList()
    add = errors.add
    if case.closed_on is not None:
        add("Ngày kết thúc", f"hồ sơ đã kết thúc ngày {case.closed_on:%d/%m/%Y}.", "on")
    else:
        msg = check_event_date(on, case.start_date, today, required=True)
        add("Ngày kết thúc", msg, "on")
        last = max([e.evaluated_on for e in _live(case.evaluations)]
                   + [p.given_on for p in _live(case.supports)], default=None)
        if not msg and last is not None and on < last:
            add("Ngày kết thúc", f"không được trước ngày đánh giá, hỗ trợ cuối {last:%d/%m/%Y}.",
                "on")
    if reason is None:
        add("Lý do kết thúc", "chưa chọn.", "reason")
    if reason is EndReason.OTHER and not note:
        add("Ghi chú kết thúc", "hãy ghi rõ lý do khác.", "note")
    add("Ghi chú kết thúc", check_free_text(note, LEN_LINE), "note")
    return errors


def _start_order_error(c: RehabCase, start: date) -> FieldError | None:
    """A start moved on a later edit must stay before the case's evaluations, support and
    close, and in or before the first evaluated period (voided entries do not count)."""
    evaluations = _live(c.evaluations)
    later = [(e.evaluated_on, "ngày đánh giá") for e in evaluations]
    later += [(p.given_on, "ngày hỗ trợ") for p in _live(c.supports)]
    if c.closed_on is not None:
        later.append((c.closed_on, "ngày kết thúc hồ sơ"))
    if later:
        day, what = min(later)
        if start > day:
            return FieldError("Ngày bắt đầu", f"không được sau {what} {day:%d/%m/%Y}.")
    if evaluations:
        months = REGIMES[c.regime].months_per_period
        first = min(_period_of(c.regime, e.period_year, e.period_no) for e in evaluations)
        if first < Period.containing(start, months):
            return FieldError("Ngày bắt đầu", f"không được sau kỳ đã đánh giá {first.label}.")
    return None


class RehabilitationService:
    def __init__(self, db: Database):
        self.db = db

    # -- list -------------------------------------------------------------------------------
    def list_cases(self, search: str = "", regime: Regime | None = None,
                   status: str = CaseStatus.OPEN, area_id: int | None = None,
                   due: str = DueFilter.ANY, today: date | None = None) -> list[CaseRow]:
        """Cases matching the filters, overdue first, then by name. A ward holds hundreds of
        cases, not hundreds of thousands: rows are read whole and the due state computed here."""
        today = today or date.today()
        stmt = select(RehabCase, Area.name).outerjoin(Area, Area.id == RehabCase.area_id)
        if status == CaseStatus.OPEN:
            stmt = stmt.where(RehabCase.closed_on.is_(None))
        elif status == CaseStatus.CLOSED:
            stmt = stmt.where(RehabCase.closed_on.is_not(None))
        if regime is not None:
            stmt = stmt.where(RehabCase.regime == regime)
        if area_id is not None:
            stmt = stmt.where(RehabCase.area_id == area_id)
        if (limit := area_filter(self.db, RehabCase.area_id)) is not None:
            stmt = stmt.where(limit)  # an area-limited account lists its own areas only
        folded = fold(search)
        if folded:
            pattern = f"%{like_escape(folded)}%"
            stmt = stmt.where(or_(RehabCase.name_folded.like(pattern, escape="\\"),
                                  RehabCase.id_number.like(pattern, escape="\\"),
                                  RehabCase.decision_number.like(pattern, escape="\\")))
        with self.db.session() as s:
            cases = [(c, area) for c, area in s.execute(stmt)]
            latest = self._latest_evaluations(s, [c.id for c, _ in cases])
        rows = []
        for c, area in cases:
            ev = latest.get(c.id)
            period = _period_of(c.regime, ev.period_year, ev.period_no) if ev else None
            d = next_due(c.regime, c.start_date, period, today, c.closed_on)
            if due == DueFilter.OVERDUE and d.state != DueState.OVERDUE:
                continue
            if due == DueFilter.DUE_OR_OVERDUE and d.state not in (DueState.DUE,
                                                                   DueState.OVERDUE):
                continue
            decision = decision_text(c)
            rows.append(CaseRow(
                c.id, c.person_name, c.birth_date.year if c.birth_date else None,
                masked_for(self.db, c.regime), decision, c.supervisor, c.start_date, c.planned_end, area or "",
                ev.classification if ev else None, period, c.closed_on, c.close_reason, d,
                c.area_id))
        order = {DueState.OVERDUE: 0, DueState.DUE: 1, DueState.NOT_DUE: 2, DueState.CLOSED: 3}
        rows.sort(key=lambda r: (order[r.due.state], fold(r.person_name.rsplit(" ", 1)[-1]),
                                 fold(r.person_name), r.id))
        return rows

    @staticmethod
    def _latest_evaluations(s, case_ids: list[int]) -> dict[int, RehabEvaluation]:
        latest: dict[int, RehabEvaluation] = {}
        if not case_ids:
            return latest
        stmt = (select(RehabEvaluation).where(RehabEvaluation.case_id.in_(case_ids),
                                              RehabEvaluation.voided_on.is_(None))
                .order_by(RehabEvaluation.period_year, RehabEvaluation.period_no))
        for ev in s.scalars(stmt):
            latest[ev.case_id] = ev  # ascending: the last one seen is the latest period
        return latest

    def counts(self) -> tuple[int, int]:
        """(open cases, open cases overdue)."""
        rows = self.list_cases()
        return len(rows), sum(r.due.state == DueState.OVERDUE for r in rows)

    # -- the person picker --------------------------------------------------------------------
    def find_residents(self, text: str, limit: int = 30) -> list[ResidentChoice]:
        return HouseholdService(self.db).find_residents(text, limit)

    def resident(self, resident_id: int) -> ResidentChoice:
        return HouseholdService(self.db).resident(resident_id)

    # -- one case -----------------------------------------------------------------------------
    def get(self, case_id: int) -> CaseData:
        with self.db.session() as s:
            c = get_or_raise(s, RehabCase, case_id)
            return CaseData(
                id=c.id, person_name=c.person_name, regime=masked_for(self.db, c.regime),
                start_date=c.start_date,
                resident_id=c.resident_id, birth_date=c.birth_date, sex=c.sex,
                id_number=c.id_number or "", address=c.address, area_id=c.area_id,
                decision_number=c.decision_number, decision_date=c.decision_date,
                decision_signer=c.decision_signer, planned_end=c.planned_end,
                supervisor=c.supervisor, model=c.model, notes=c.notes, closed_on=c.closed_on,
                close_reason=c.close_reason, close_note=c.close_note,
                evaluations=[EvaluationData(e.evaluated_on,
                                            _period_of(c.regime, e.period_year, e.period_no),
                                            e.classification, e.remarks, e.id, e.version,
                                            e.voided_on, e.void_reason)
                             for e in c.evaluations],
                supports=[SupportData(p.given_on, p.kind, p.details, p.amount, p.lender, p.id,
                                      p.version, p.voided_on, p.void_reason)
                          for p in c.supports],
                version=c.version,
            )

    def save(self, data: CaseData, today: date | None = None) -> int:
        """Open or edit a case (its person, regime, decision, supervisor); one transaction."""
        errors = case_errors(clean_case(data), today)
        if errors:
            raise errors[0]
        with stale_errors(self.db, RehabCase, data.id):
            return self._save(data, today)

    def _save(self, data: CaseData, today: date | None = None) -> int:
        with self.db.session.begin() as s:
            if data.id is not None:
                c = get_or_raise(s, RehabCase, data.id)
                check_version(c, data.version)
                _ensure_case_open(s, c, data, today)
            else:
                _ensure_new_case_open(s, data, today)
            if data.resident_id is not None:
                resident = s.get(Resident, data.resident_id)
                if resident is None:
                    raise FieldError("Người được quản lý", "không còn trong sổ hộ khẩu.")
            if data.id is None:
                c = RehabCase()
                s.add(c)
            else:
                order = _start_order_error(c, data.start_date)
                if order is not None:
                    raise order
                if c.regime != data.regime and _live(c.evaluations):
                    raise FieldError("Diện quản lý",
                                     "không đổi được khi đã có đánh giá; hãy hủy các đánh giá "
                                     "nhập nhầm, hoặc kết thúc hồ sơ và mở hồ sơ mới theo diện "
                                     "mới.")
            c.resident_id = data.resident_id
            c.person_name, c.name_folded = data.person_name, fold(data.person_name)
            c.birth_date, c.sex, c.id_number = data.birth_date, data.sex, data.id_number or None
            c.address, c.area_id = data.address, data.area_id
            c.regime = data.regime
            c.decision_number = normalize(data.decision_number)
            c.decision_date = data.decision_date
            c.decision_signer = normalize(data.decision_signer)
            c.start_date, c.planned_end = data.start_date, data.planned_end
            c.supervisor, c.model = normalize(data.supervisor), normalize(data.model)
            c.notes = data.notes
            s.flush()
            return c.id

    # -- evaluations and support: add, correct, void ----------------------------------------
    def add_evaluation(self, case_id: int, ev: EvaluationData, today: date | None = None) -> int:
        return self._write_evaluation(case_id, ev, today, update=False)

    def update_evaluation(self, case_id: int, ev: EvaluationData,
                          today: date | None = None) -> int:
        """Correct a stored evaluation (``ev.id``): its date, period, class and remarks are
        replaced, under the same rules as a new one; refused if it changed since it was read
        (``ev.version``). One transaction."""
        if ev.id is None:
            raise LookupError(None)
        return self._write_evaluation(case_id, ev, today, update=True)

    def _write_evaluation(self, case_id: int, ev: EvaluationData, today: date | None,
                          update: bool) -> int:
        today = today or date.today()
        remarks = clean_multiline(ev.remarks)
        msg = check_free_text(remarks)
        if msg:
            raise FieldError("Nhận xét", msg)
        taken = {"evaluation_period": lambda: FieldError(
            "Kỳ đánh giá", f"{ev.period.label} đã có đánh giá." if ev.period else "đã có đánh giá.")}
        with unique_errors(taken), stale_errors(self.db, RehabEvaluation,
                                                ev.id if update else None):
            with self.db.session.begin() as s:
                c = self._case(s, case_id)
                row = self._entry(s, RehabEvaluation, c, ev) if update else None
                if row is not None:  # a correction must not take an entry out of a locked period
                    ensure_open(s, EVALUATIONS, row.evaluated_on, getattr(c, "area_id", None),
                                today=today)
                period = self._evaluation_errors(s, c, ev, today, row)
                if row is None:
                    row = RehabEvaluation(case_id=case_id)
                    s.add(row)
                row.evaluated_on = ev.evaluated_on
                row.period_year, row.period_no = period.year, period.number
                row.classification, row.remarks = ev.classification, remarks
                s.flush()
                return row.id

    @staticmethod
    def _case(s, case_id: int) -> RehabCase:
        c = s.get(RehabCase, case_id)
        if c is None:
            raise LookupError(case_id)
        return c

    @staticmethod
    def _entry(s, model, c: RehabCase, data):
        """The stored evaluation or support ``data`` edits, at the version ``data`` read."""
        row = s.get(model, data.id)
        if row is None or row.case_id != c.id:
            raise LookupError(data.id)
        check_version(row, data.version)
        if row.voided_on is not None:
            raise FieldError("", f"Mục này đã bị hủy ngày {row.voided_on:%d/%m/%Y}; "
                                 "không sửa được.")
        return row

    @staticmethod
    def _evaluation_errors(s, c: RehabCase, ev: EvaluationData, today: date,
                           row: RehabEvaluation | None) -> Period:
        """Check an evaluation of case ``c`` (``row``: the one it corrects); its period."""
        ensure_open(s, EVALUATIONS, ev.evaluated_on, getattr(c, "area_id", None), today=today)
        errors = evaluation_errors(c, ev, today)
        if errors:
            raise errors[0]
        period = _period_of(c.regime, ev.period.year, ev.period.number)
        stmt = select(RehabEvaluation.id).where(
            RehabEvaluation.case_id == c.id, RehabEvaluation.period_year == period.year,
            RehabEvaluation.period_no == period.number, RehabEvaluation.voided_on.is_(None))
        if row is not None:
            stmt = stmt.where(RehabEvaluation.id != row.id)
        if s.scalar(stmt) is not None:
            raise FieldError("Kỳ đánh giá", f"{period.label} đã có đánh giá.")
        return period

    def add_support(self, case_id: int, sp: SupportData, today: date | None = None) -> int:
        return self._write_support(case_id, sp, today, update=False)

    def update_support(self, case_id: int, sp: SupportData, today: date | None = None) -> int:
        """Correct a stored support entry (``sp.id``): its values replaced, under the same rules
        as a new one; refused if it changed since it was read (``sp.version``)."""
        if sp.id is None:
            raise LookupError(None)
        return self._write_support(case_id, sp, today, update=True)

    def _write_support(self, case_id: int, sp: SupportData, today: date | None,
                       update: bool) -> int:
        today = today or date.today()
        details, lender = clean_multiline(sp.details), clean_line(sp.lender)
        with stale_errors(self.db, RehabSupport, sp.id if update else None):
            with self.db.session.begin() as s:
                c = self._case(s, case_id)
                row = self._entry(s, RehabSupport, c, sp) if update else None
                if row is not None:  # a correction must not take an entry out of a locked period
                    ensure_open(s, EVALUATIONS, row.given_on, getattr(c, "area_id", None),
                                today=today)
                ensure_open(s, EVALUATIONS, sp.given_on, getattr(c, "area_id", None),
                            today=today)
                _support_errors(c, sp, details, lender, today)
                if row is None:
                    row = RehabSupport(case_id=case_id)
                    s.add(row)
                row.given_on, row.kind, row.details = sp.given_on, sp.kind, details
                row.amount, row.lender = sp.amount, lender
                s.flush()
                return row.id

    def void_evaluation(self, case_id: int, evaluation_id: int, reason: str,
                        version: int | None = None, today: date | None = None) -> None:
        """Void an evaluation entered by mistake: it stays in the history with the day and the
        reason, counts nowhere, and leaves its period free."""
        self._void(RehabEvaluation, case_id, evaluation_id, reason, version, today)

    def void_support(self, case_id: int, support_id: int, reason: str,
                     version: int | None = None, today: date | None = None) -> None:
        """Void a support entry entered by mistake (see void_evaluation)."""
        self._void(RehabSupport, case_id, support_id, reason, version, today)

    def _void(self, model, case_id: int, entry_id: int, reason: str, version: int | None,
              today: date | None) -> None:
        today = today or date.today()
        errors = void_errors(reason)
        if errors:
            raise errors[0]
        reason = clean_line(reason)
        with stale_errors(self.db, model, entry_id):
            with self.db.session.begin() as s:
                c = self._case(s, case_id)
                row = s.get(model, entry_id)
                if row is None or row.case_id != c.id:
                    raise LookupError(entry_id)
                check_version(row, version)
                if row.voided_on is not None:
                    raise FieldError("", f"Mục này đã bị hủy ngày {row.voided_on:%d/%m/%Y}.")
                # voiding changes the period's figures too (support: the year's loans, jobs…)
                ensure_open(s, EVALUATIONS, _entry_day(row), getattr(c, "area_id", None),
                            today=today)
                row.voided_on, row.void_reason = today, reason

    def close(self, case_id: int, on: date | None, reason: EndReason | None, note: str = "",
              today: date | None = None) -> None:
        """End a case with a date and reason; it stays searchable under "Đã kết thúc"."""
        note = clean_line(note)
        with self.db.session.begin() as s:
            c = get_or_raise(s, RehabCase, case_id)
            errors = close_errors(c, on, reason, note, today)
            if errors:
                raise errors[0]
            ensure_open(s, EVALUATIONS, on, c.area_id, today=today)
            c.closed_on, c.close_reason, c.close_note = on, reason, note

    def reopen(self, case_id: int, today: date | None = None) -> None:
        """Undo a close recorded by mistake (refused when the close is in a signed-off period:
        the period's figures count the case as ended)."""
        with self.db.session.begin() as s:
            c = get_or_raise(s, RehabCase, case_id)
            ensure_open(s, EVALUATIONS, c.closed_on, c.area_id, today=today)
            c.closed_on, c.close_reason, c.close_note = None, None, ""

    def case_locks(self, data: CaseData, today: date | None = None) -> CaseLocks:
        """Which of a stored case's counted facts a signed-off period holds (for the dialog's
        padlocks; the save refuses the same changes): see :class:`CaseLocks`."""
        with self.db.session() as s:
            return CaseLocks(
                dates=_first_lock(s, [data.start_date, data.decision_date], data.area_id,
                                  today),
                counted=_first_lock(s, _span_years(data.start_date, data.closed_on, today),
                                    data.area_id, today),
                close=_first_lock(s, [data.closed_on], data.area_id, today))

    def support_lock(self, case: CaseData, given_on: date | None,
                     today: date | None = None) -> str | None:
        """The refusal a change of a support entry given on ``given_on`` would get, or None."""
        with self.db.session() as s:
            return _first_lock(s, [given_on], case.area_id, today)


@dataclass(frozen=True)
class CaseLocks:
    """A stored case's facts held by signed-off periods (docs/DOMAIN.md §2, "Signed-off
    periods"), each as the refusal message or None:

    - ``dates``: its start or decision falls in a signed-off quarter or year: the start date,
      the decision's number and date cannot change (they count it "received" there);
    - ``counted``: a year it was managed in is signed off: its regime and residential area
      cannot change (the year's figures count it by both);
    - ``close``: its close falls in a signed-off period: it cannot be reopened.
    """

    dates: str | None = None
    counted: str | None = None
    close: str | None = None


def _entry_day(row) -> date:
    return row.evaluated_on if isinstance(row, RehabEvaluation) else row.given_on


def _span_years(start: date | None, closed_on: date | None, today: date | None) -> list[int]:
    """The years a case was managed in (start to close, or to this year)."""
    if start is None:
        return []
    last = (closed_on or today or date.today()).year
    return list(range(start.year, max(start.year, last) + 1))


def _first_lock(s, whens, area_id, today) -> str | None:
    for when in whens:
        try:
            ensure_open(s, EVALUATIONS, when, area_id, today=today)
        except PeriodLocked as exc:
            return exc.message
    return None


def _ensure_new_case_open(s, data: CaseData, today: date | None) -> None:
    """A new case started (or decided) in a signed-off period would change its figures."""
    for when in (data.start_date, data.decision_date):
        ensure_open(s, EVALUATIONS, when, data.area_id, today=today)


def _ensure_case_open(s, c: RehabCase, data: CaseData, today: date | None) -> None:
    """The counted facts of a stored case that a signed-off period holds stay as they are
    (:class:`CaseLocks`); its other particulars (name, address, supervisor, notes…) stay
    editable, the case being still managed."""
    areas = {c.area_id, data.area_id}
    if (c.start_date, c.decision_date, c.decision_number) != (
            data.start_date, data.decision_date, normalize(data.decision_number)):
        for when in (c.start_date, c.decision_date, data.start_date, data.decision_date):
            ensure_open(s, EVALUATIONS, when, areas, today=today)
    if c.regime != data.regime or c.area_id != data.area_id:
        years = set(_span_years(c.start_date, c.closed_on, today))
        years |= set(_span_years(data.start_date, c.closed_on, today))
        for year in sorted(years):
            ensure_open(s, EVALUATIONS, year, areas, today=today)


def _support_errors(c: RehabCase, sp: SupportData, details: str, lender: str,
                    today: date) -> None:
    """Check a support entry of case ``c``: the first of ``support_errors``."""
    errors = support_errors(c, sp, today)
    if errors:
        raise errors[0]
