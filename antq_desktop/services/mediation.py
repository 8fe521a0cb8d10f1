"""Grassroots mediation: teams and their mediators, cases with their parties, the 3-day rule.

Law (docs/DOMAIN.md §3): Luật Hòa giải ở cơ sở 35/2013/QH13 and Nghị định 15/2014/NĐ-CP. A team
has at least 3 mediators, its leader among them, and at least one woman (Điều 12); the
app warns, it does not refuse, since a team may be short for a while. Mediators and parties are
never deleted: a mediator who stops gets a date; a party written in the book stays there.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from ..db.guard import housekeeping
from ..db.engine import Database
from ..db.models import (
    Area,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationTeam,
    Mediator,
    Resident,
)
from ..enums import CaseOrigin, Compliance, MediationStatus, MediationType, Sex
from ..text import clean_line, clean_multiline, fold, like_escape, normalize, title_name
from ..validation import (
    EARLIEST_RECORD,
    LEN_CODE,
    LEN_LABEL,
    LEN_LINE,
    LEN_NUMBER,
    ErrorList,
    FieldError,
    check_event_date,
    check_free_text,
    check_label,
    check_person_name,
    check_phone,
    normalize_phone,
)
from .children import once_more_on_race, pair_children, unique_errors
from .versions import check_version, stale_errors, touch
from .households import HouseholdService, ResidentChoice
from .periods import MEDIATION, PeriodLocked, ensure_open
from .lookup import get_or_raise

MIN_MEDIATORS = 3  # Luật Hòa giải ở cơ sở, Điều 12: "từ 03 hòa giải viên trở lên"
START_WITHIN_DAYS = 3  # mediation starts within 3 days of the leader's assignment
MIN_MEDIATOR_AGE = 18
MAX_AGE = 120
TEAM_PREFIX = "Tổ hòa giải"


def default_team_name(area_name: str) -> str:
    return f"{TEAM_PREFIX} {area_name}"


# -- teams and mediators ------------------------------------------------------------------------
@dataclass
class MediatorData:
    """A mediator as edited in the team dialog. ``id`` is None for a new one."""

    full_name: str
    sex: Sex | None
    birth_year: int | None = None
    phone: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    is_leader: bool = False
    left_on: date | None = None  # thôi làm hòa giải viên
    left_reason: str = ""
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.left_on is None

    @property
    def decision(self) -> str:
        """"15/QĐ-UBND ngày 10/01/2024", or whichever part is known."""
        when = self.decision_date.strftime("%d/%m/%Y") if self.decision_date else ""
        return " ngày ".join(x for x in (self.decision_number, when) if x)


@dataclass
class TeamData:
    area_id: int | None
    name: str = ""  # empty: "Tổ hòa giải <area name>"
    mediators: list[MediatorData] = field(default_factory=list)
    book_number: str = ""
    book_opened_on: date | None = None
    book_closed_on: date | None = None
    id: int | None = None
    version: int | None = None  # as read by get_team(); see services/versions.py


@dataclass(frozen=True)
class TeamRow:
    """One line of the teams list, with the law's composition warnings."""

    id: int
    area_id: int
    area_name: str
    name: str
    leader: str  # the active leader's name, or ""
    mediators: int  # active mediators, the leader included
    women: int  # active women
    warnings: tuple[str, ...]
    area_retired: bool = False

    @property
    def composition(self) -> str:
        """"5 hòa giải viên (2 nữ)"."""
        return f"{self.mediators} hòa giải viên ({self.women} nữ)"


@dataclass(frozen=True)
class MediatorChoice:
    """A mediator offered in the case dialog."""

    id: int
    full_name: str
    sex: Sex
    is_leader: bool
    left_on: date | None

    @property
    def label(self) -> str:
        text = self.full_name + (" (tổ trưởng)" if self.is_leader else "")
        if self.left_on:
            text += f" — đã thôi từ {self.left_on:%d/%m/%Y}"
        return text


def team_warnings(name: str, mediators: Iterable[MediatorData]) -> list[str]:
    """What the law asks of a team and this one lacks, counting active mediators only."""
    active = [m for m in mediators if m.active]
    out = []
    if not active:
        out.append(f"{name} chưa có hòa giải viên nào; cần ít nhất {MIN_MEDIATORS}.")
        return out + [f"{name} chưa có tổ trưởng."]
    if len(active) < MIN_MEDIATORS:
        out.append(f"{name} mới có {len(active)} hòa giải viên; cần ít nhất {MIN_MEDIATORS}.")
    if not any(m.sex is Sex.FEMALE for m in active):
        out.append(f"{name} chưa có hòa giải viên nữ.")
    if not any(m.is_leader for m in active):
        out.append(f"{name} chưa có tổ trưởng.")
    return out


def mediator_errors(m: MediatorData, today: date | None = None) -> list[FieldError]:
    today = today or date.today()
    who = normalize(m.full_name) or "Hòa giải viên chưa có tên"
    errors = ErrorList(who)
    add = errors.add

    add("Họ và tên", check_person_name(m.full_name), "full_name")
    if m.sex is None:
        add("Giới tính", "chưa chọn.", "sex")
    if m.birth_year is not None:
        if m.birth_year < 1900 or m.birth_year > today.year:
            add("Năm sinh", f"phải từ 1900 đến {today.year}.", "birth_year")
        elif today.year - m.birth_year < MIN_MEDIATOR_AGE:
            add("Năm sinh", f"hòa giải viên phải đủ {MIN_MEDIATOR_AGE} tuổi.", "birth_year")
    add("Số điện thoại", check_phone(m.phone), "phone")
    add("Số quyết định công nhận", check_label(m.decision_number, LEN_NUMBER, required=False),
        "decision_number")
    if m.decision_date is not None:
        add("Ngày quyết định công nhận",
            check_event_date(m.decision_date, None, today, earliest=EARLIEST_RECORD),
            "decision_date")
    if m.left_on is not None:
        add("Ngày thôi làm hòa giải viên", check_event_date(m.left_on, m.decision_date, today),
            "left_on")
    add("Lý do thôi", check_free_text(m.left_reason, LEN_LINE), "left_reason")
    return errors


def team_errors(t: TeamData, today: date | None = None) -> list[FieldError]:
    """Every problem with the team and its mediators (not those needing the database)."""
    errors = ErrorList()
    if t.area_id is None:
        errors.append(FieldError("Khu dân cư", "chưa chọn.", key="area_id"))
    errors.add("Tên tổ hòa giải", check_label(t.name, LEN_LABEL, required=False), "name")
    errors.add("Quyển số", check_label(t.book_number, LEN_CODE, required=False), "book_number")
    if t.book_opened_on is not None:
        msg = check_event_date(t.book_opened_on, None, today, earliest=EARLIEST_RECORD)
        if msg:
            errors.append(FieldError("Ngày mở sổ", msg, key="book_opened_on"))
    if t.book_closed_on is not None:
        msg = check_event_date(t.book_closed_on, t.book_opened_on, today)
        if msg:
            errors.append(FieldError("Ngày khóa sổ", msg, key="book_closed_on"))
    for m in t.mediators:
        errors.extend(mediator_errors(m, today))
    leaders = [m for m in t.mediators if m.active and m.is_leader]
    if len(leaders) > 1:
        names = ", ".join(normalize(m.full_name) for m in leaders)
        errors.append(FieldError("Tổ trưởng", f"tổ có {len(leaders)} tổ trưởng ({names}); "
                                              "chỉ được một."))
    seen: set[tuple[str, int | None]] = set()
    for m in t.mediators:
        key = (fold(m.full_name), m.birth_year)
        if m.active and key[0]:
            if key in seen:
                errors.append(FieldError("Họ và tên", "trùng với một hòa giải viên khác của tổ.",
                                         normalize(m.full_name)))
            seen.add(key)
    return errors


def _clean_mediator(m: MediatorData) -> MediatorData:
    m.full_name = title_name(m.full_name)
    if not check_phone(m.phone):
        m.phone = normalize_phone(m.phone)
    m.decision_number = normalize(m.decision_number)
    m.left_reason = clean_line(m.left_reason)
    return m


# -- cases ----------------------------------------------------------------------------------------
@dataclass
class PartyData:
    """A party as edited in the case dialog: picked from the register or typed."""

    full_name: str
    birth_year: int | None = None
    age: int | None = None  # when only the age is known
    address: str = ""
    resident_id: int | None = None
    id: int | None = None

    @classmethod
    def from_resident(cls, r: ResidentChoice) -> PartyData:
        return cls(full_name=r.full_name, birth_year=r.birth_date.year, address=r.address,
                   resident_id=r.id)

    def age_on(self, on: date) -> int | None:
        if self.birth_year is not None:
            return on.year - self.birth_year
        return self.age

    def book_text(self, on: date) -> str:
        """"Nguyễn Văn An, 45 tuổi, số 12, phố Hàng Bạc" as the book writes a party."""
        age = self.age_on(on)
        parts = [self.full_name] + ([f"{age} tuổi"] if age is not None else [])
        return ", ".join(parts + ([self.address] if self.address else []))


@dataclass
class CaseData:
    team_id: int | None
    received_on: date | None
    origin: CaseOrigin | None
    case_type: MediationType | None
    content: str
    parties: list[PartyData] = field(default_factory=list)
    mediator_ids: list[int] = field(default_factory=list)
    invited: str = ""  # persons invited to take part (nếu có)
    assigned_on: date | None = None
    started_on: date | None = None
    status: MediationStatus = MediationStatus.IN_PROGRESS
    closed_on: date | None = None
    agreement: str = ""  # the agreement; for a failed case, each side's demands
    compliance: Compliance | None = None  # follow-up of a successful agreement
    compliance_note: str = ""
    notes: str = ""
    id: int | None = None
    version: int | None = None  # as read by get(); see services/versions.py


@dataclass(frozen=True)
class StartCheck:
    """The 3-day rule for one case: ``late`` and a sentence saying why ("" when not late)."""

    late: bool
    label: str = ""
    assigned_on: date | None = None  # the date the 3 days count from, if any


def assignment_date(origin: CaseOrigin | None, received_on: date | None,
                    assigned_on: date | None) -> date | None:
    """When the case was assigned: the recorded date, or the day received when the leader
    assigned it on receipt ("tổ trưởng phân công")."""
    if assigned_on is not None:
        return assigned_on
    return received_on if origin is CaseOrigin.ASSIGNED else None


def start_check(origin: CaseOrigin | None, received_on: date | None, assigned_on: date | None,
                started_on: date | None, closed_on: date | None = None,
                today: date | None = None) -> StartCheck:
    """A case assigned and not started within START_WITHIN_DAYS days is late.

    Started: late if it started more than 3 days after the assignment. Not started: late if
    more than 3 days have passed since the assignment (until today, or until the case was
    closed without mediation).
    """
    today = today or date.today()
    assigned = assignment_date(origin, received_on, assigned_on)
    if assigned is None:
        return StartCheck(False)
    since = f"phân công ngày {assigned:%d/%m/%Y}"
    if started_on is not None:
        days = (started_on - assigned).days
        if days > START_WITHIN_DAYS:
            return StartCheck(True, f"Bắt đầu hòa giải chậm: {days} ngày sau khi {since} "
                                    f"(quá {START_WITHIN_DAYS} ngày).", assigned)
        return StartCheck(False, assigned_on=assigned)
    end = closed_on or today
    days = (end - assigned).days
    if days > START_WITHIN_DAYS:
        if closed_on is not None:
            return StartCheck(True, f"Không bắt đầu hòa giải trong {START_WITHIN_DAYS} ngày "
                                    f"sau khi {since}.", assigned)
        return StartCheck(True, f"Quá {START_WITHIN_DAYS} ngày chưa hòa giải: {since}, "
                                f"đã {days} ngày.", assigned)
    return StartCheck(False, assigned_on=assigned)


@dataclass(frozen=True)
class CaseRow:
    """One line of the cases list."""

    id: int
    team_id: int
    team_name: str
    area_name: str
    received_on: date
    origin: CaseOrigin
    case_type: MediationType
    parties: str  # "Nguyễn Văn An – Trần Thị Bình"
    mediators: str  # "Lê Văn Cường, Phạm Thị Dung"
    status: MediationStatus
    closed_on: date | None
    compliance: Compliance | None
    late_start: bool
    late_label: str  # why it is late ("" when not)

    @property
    def status_label(self) -> str:
        if self.status.closed and self.closed_on:
            return f"{self.status.label} {self.closed_on:%d/%m/%Y}"
        return self.status.label


class StatusFilter:
    """``status`` of list_cases: a MediationStatus, or one of these."""

    ANY = ""
    OPEN = "open"  # đang hòa giải
    CLOSED = "closed"  # every closed status


def party_errors(p: PartyData, index: int, today: date) -> list[FieldError]:
    who = normalize(p.full_name) or f"Bên thứ {index}"
    errors = ErrorList(who)
    errors.add("Họ và tên", check_person_name(p.full_name))
    if p.birth_year is not None and not 1900 <= p.birth_year <= today.year:
        errors.add("Năm sinh", f"phải từ 1900 đến {today.year}.")
    if p.age is not None and not 0 <= p.age <= MAX_AGE:
        errors.add("Tuổi", f"phải từ 0 đến {MAX_AGE}.")
    errors.add("Địa chỉ", check_free_text(p.address, LEN_LINE))
    return errors


def case_errors(c: CaseData, today: date | None = None) -> list[FieldError]:
    """Every problem with a case's fields (not those needing the database), in dialog order."""
    today = today or date.today()
    errors = ErrorList()
    add = errors.add

    if c.team_id is None:
        add("Tổ hòa giải", "chưa chọn.", "team_id")
    add("Ngày nhận", check_event_date(c.received_on, None, today, required=True,
                                      earliest=EARLIEST_RECORD), "received_on")
    if c.origin is None:
        add("Căn cứ hòa giải", "chưa chọn.", "origin")
    if c.case_type is None:
        add("Loại vụ, việc", "chưa chọn.", "case_type")
    add("Nội dung chủ yếu", check_free_text(c.content, required=True), "content")
    add("Người được mời tham gia", check_free_text(c.invited), "invited")
    if not c.parties:
        add("Các bên", "vụ, việc phải có ít nhất một bên.", "parties")
    for i, p in enumerate(c.parties, start=1):
        errors.extend(party_errors(p, i, today))
    if c.assigned_on is not None:
        add("Ngày phân công", check_event_date(c.assigned_on, c.received_on, today),
            "assigned_on")
    if c.started_on is not None:
        add("Ngày bắt đầu hòa giải",
            check_event_date(c.started_on, c.assigned_on or c.received_on, today),
            "started_on")
    if c.status is None:
        add("Kết quả", "chưa chọn.", "status")
    elif c.status.closed:
        if c.closed_on is None:
            add("Ngày kết thúc", f"chưa nhập (vụ, việc đã “{c.status.label}”).", "closed_on")
        else:
            add("Ngày kết thúc", check_event_date(
                c.closed_on, c.started_on or c.assigned_on or c.received_on, today),
                "closed_on")
        if c.status is MediationStatus.SUCCEEDED and not (c.agreement or "").strip():
            add("Thỏa thuận của các bên", "hòa giải thành phải ghi nội dung thỏa thuận.",
                "agreement")
    elif c.closed_on is not None:
        add("Ngày kết thúc", "vụ, việc đang hòa giải chưa có ngày kết thúc.", "closed_on")
    if c.compliance is not None and c.status is not MediationStatus.SUCCEEDED:
        add("Theo dõi thực hiện", "chỉ ghi khi hòa giải thành.", "compliance")
    add("Thỏa thuận của các bên", check_free_text(c.agreement), "agreement")
    add("Ghi chú theo dõi", check_free_text(c.compliance_note, LEN_LINE), "compliance_note")
    add("Ghi chú", check_free_text(c.notes), "notes")
    return errors


def _clean_case(c: CaseData) -> CaseData:
    c.content = clean_multiline(c.content)
    c.invited = clean_multiline(c.invited)
    c.agreement = clean_multiline(c.agreement)
    c.compliance_note = clean_line(c.compliance_note)
    c.notes = clean_multiline(c.notes)
    for p in c.parties:
        p.full_name = title_name(p.full_name)
        p.address = clean_line(p.address)
    seen: set[int] = set()
    c.mediator_ids = [i for i in c.mediator_ids if not (i in seen or seen.add(i))]
    return c


def case_errors_as_typed(c: CaseData, today: date | None = None) -> list[FieldError]:
    """What save() would refuse in ``c`` before reading the database, ``c`` left as typed
    (for a dialog that validates as you type)."""
    return case_errors(_clean_case(copy.deepcopy(c)), today)


def team_errors_as_typed(t: TeamData, today: date | None = None) -> list[FieldError]:
    """What save_team() would refuse in ``t`` before reading the database, ``t`` left as
    typed."""
    t = copy.deepcopy(t)
    t.name, t.book_number = normalize(t.name), normalize(t.book_number)
    for m in t.mediators:
        _clean_mediator(m)
    return team_errors(t, today or date.today())


def join_names(names: Iterable[str], sep: str = ", ") -> str:
    return sep.join(n for n in names if n)


class MediationService:
    def __init__(self, db: Database):
        self.db = db

    # -- teams --------------------------------------------------------------------------------
    def ensure_teams(self) -> int:
        """Create a team, named after its area, for every active area that has none; return
        how many were created (another program creating them at the same moment is fine)."""
        return once_more_on_race(self._ensure_teams, ("mediation_team_area",))

    def _ensure_teams(self) -> int:
        with self.db.session.begin() as s:
            missing = s.execute(
                select(Area.id, Area.name)
                .where(Area.retired_on.is_(None),
                       ~exists().where(MediationTeam.area_id == Area.id))
                .order_by(Area.sort_order, Area.id)).all()
            if missing:
                with housekeeping(s):  # the teams follow the areas, whoever opens the list
                    s.execute(insert(MediationTeam), [
                        {"area_id": a, "name": default_team_name(n), "book_number": "",
                         "book_opened_on": None, "book_closed_on": None} for a, n in missing])
            return len(missing)

    def list_teams(self, include_retired: bool = False) -> list[TeamRow]:
        """Teams in the areas' order, with their composition and warnings."""
        stmt = (select(MediationTeam, Area.name, Area.retired_on)
                .join(Area, Area.id == MediationTeam.area_id)
                .order_by(Area.sort_order, Area.id))
        if not include_retired:
            stmt = stmt.where(Area.retired_on.is_(None))
        with self.db.session() as s:
            teams = s.execute(stmt).all()
            mediators = s.scalars(select(Mediator).order_by(Mediator.id)).all()
        by_team: dict[int, list[MediatorData]] = {}
        for m in mediators:
            by_team.setdefault(m.team_id, []).append(_mediator_data(m))
        rows = []
        for t, area_name, retired in teams:
            people = by_team.get(t.id, [])
            active = [m for m in people if m.active]
            leader = next((m.full_name for m in active if m.is_leader), "")
            rows.append(TeamRow(t.id, t.area_id, area_name, t.name, leader, len(active),
                                sum(m.sex is Sex.FEMALE for m in active),
                                tuple(team_warnings(t.name, people)), retired is not None))
        return rows

    def warnings(self) -> list[str]:
        """Every active team's composition warnings, for a banner or the status bar."""
        return [w for row in self.list_teams() for w in row.warnings]

    def get_team(self, team_id: int) -> TeamData:
        with self.db.session() as s:
            t = get_or_raise(s, MediationTeam, team_id)
            return TeamData(id=t.id, area_id=t.area_id, name=t.name,
                            mediators=[_mediator_data(m) for m in t.mediators],
                            book_number=t.book_number, book_opened_on=t.book_opened_on,
                            book_closed_on=t.book_closed_on, version=t.version)

    def team_for_area(self, area_id: int) -> int | None:
        with self.db.session() as s:
            return s.scalar(select(MediationTeam.id).where(MediationTeam.area_id == area_id))

    def save_team(self, data: TeamData, today: date | None = None) -> int:
        """Validate and save a team with all its mediators in one transaction; return its id.

        Raises FieldError (nothing saved) on the first problem. Mediators are never removed:
        one who stops gets a "Ngày thôi làm hòa giải viên". Composition (3 mediators, a woman,
        a leader) is a warning (``team_warnings``), not an error; two active leaders are.
        """
        today = today or date.today()
        data.name = normalize(data.name)
        data.book_number = normalize(data.book_number)
        for m in data.mediators:
            _clean_mediator(m)
        errors = team_errors(data, today)
        if errors:
            raise errors[0]
        taken = {"mediation_team_area": lambda: FieldError(
            "Khu dân cư", "đã có tổ hòa giải (vừa được tạo ở nơi khác); hãy tải lại danh sách.")}
        with unique_errors(taken), stale_errors(self.db, MediationTeam, data.id):
            return self._save_team(data, today)

    def team_locks(self, data: TeamData, today: date | None = None) -> TeamLocks:
        """What of a stored team's roster a signed-off year holds (for the dialog's padlocks;
        the save refuses the same changes): see :class:`TeamLocks`."""
        with self.db.session() as s:
            book = _first_lock(s, (data.book_opened_on, data.book_closed_on), data.area_id,
                               today)
            joined, left = {}, {}
            for m in data.mediators:
                if m.id is None:
                    continue
                for out, day in ((joined, m.decision_date), (left, m.left_on)):
                    message = _first_lock(s, (day,), data.area_id, today)
                    if message:
                        out[m.id] = message
            return TeamLocks(book, joined, left)

    def period_lock(self, day: date, area_id: int | None,
                    today: date | None = None) -> str | None:
        """The refusal a roster change dated ``day`` in the team of ``area_id`` would get."""
        with self.db.session() as s:
            return _first_lock(s, (day,), area_id, today)

    def _save_team(self, data: TeamData, today: date | None = None) -> int:
        with self.db.session.begin() as s:
            if data.id is not None:
                t = get_or_raise(s, MediationTeam, data.id)
                check_version(t, data.version)
            _ensure_roster_open(s, t if data.id is not None else None, data, today)
            area = s.get(Area, data.area_id)
            if area is None:
                raise FieldError("Khu dân cư", "không tồn tại.")
            clash = s.scalar(select(MediationTeam.name).where(
                MediationTeam.area_id == data.area_id,
                MediationTeam.id != (data.id if data.id is not None else -1)))
            if clash is not None:
                raise FieldError("Khu dân cư", f"“{area.name}” đã có {clash}.")
            if data.id is None:
                t = MediationTeam()
                s.add(t)
            else:
                touch(t)  # its version moves with its mediators'
            t.area_id = data.area_id
            t.name = data.name or default_team_name(area.name)
            t.book_number = data.book_number
            t.book_opened_on, t.book_closed_on = data.book_opened_on, data.book_closed_on
            for m, row in pair_children(
                    t.mediators, data.mediators, Mediator, "Hòa giải viên",
                    "không được xóa hòa giải viên; hãy ghi ngày thôi làm hòa giải viên cho "
                    "người đó.", "không thuộc tổ này."):
                row.full_name, row.name_folded = m.full_name, fold(m.full_name)
                row.sex, row.birth_year, row.phone = m.sex, m.birth_year, m.phone
                row.decision_number, row.decision_date = m.decision_number, m.decision_date
                row.is_leader = bool(m.is_leader)
                row.left_on, row.left_reason = m.left_on, m.left_reason
            s.flush()
            return t.id

    def mediator_choices(self, team_id: int, on: date | None = None,
                         keep: Iterable[int] = ()) -> list[MediatorChoice]:
        """The team's mediators serving on ``on`` (today by default), leader first, plus those
        in ``keep`` (already on the case being edited) even if they have left since."""
        on = on or date.today()
        keep = set(keep)
        with self.db.session() as s:
            rows = s.scalars(select(Mediator).where(Mediator.team_id == team_id)
                             .order_by(Mediator.id)).all()
        out = [MediatorChoice(m.id, m.full_name, m.sex, m.is_leader, m.left_on) for m in rows
               if m.left_on is None or m.left_on > on or m.id in keep]
        out.sort(key=lambda m: not (m.is_leader and m.left_on is None))
        return out

    # -- the party picker ---------------------------------------------------------------------
    def find_residents(self, text: str, limit: int = 30) -> list[ResidentChoice]:
        return HouseholdService(self.db).find_residents(text, limit)

    def resident(self, resident_id: int) -> ResidentChoice:
        return HouseholdService(self.db).resident(resident_id)

    # -- cases list ---------------------------------------------------------------------------
    def _case_filter(self, search: str, team_id: int | None, case_type: MediationType | None,
                     status: MediationStatus | str | None, year: int | None):
        stmt = select(MediationCase.id)
        if team_id is not None:
            stmt = stmt.where(MediationCase.team_id == team_id)
        if case_type is not None:
            stmt = stmt.where(MediationCase.case_type == case_type)
        if isinstance(status, MediationStatus):
            stmt = stmt.where(MediationCase.status == status)
        elif status == StatusFilter.OPEN:
            stmt = stmt.where(MediationCase.status == MediationStatus.IN_PROGRESS)
        elif status == StatusFilter.CLOSED:
            stmt = stmt.where(MediationCase.status != MediationStatus.IN_PROGRESS)
        if year is not None:
            stmt = stmt.where(MediationCase.received_on >= date(year, 1, 1),
                              MediationCase.received_on <= date(year, 12, 31))
        folded = fold(search)
        if folded:
            pattern = f"%{like_escape(folded)}%"
            stmt = stmt.where(exists().where(
                MediationParty.case_id == MediationCase.id,
                MediationParty.name_folded.like(pattern, escape="\\")))
        return stmt

    def list_cases(self, search: str = "", team_id: int | None = None,
                   case_type: MediationType | None = None,
                   status: MediationStatus | str | None = None, year: int | None = None,
                   late_only: bool = False, today: date | None = None) -> list[CaseRow]:
        """Cases matching the filters, newest received first. ``search`` matches a party's
        name with or without diacritics; ``status`` is a MediationStatus or a StatusFilter.
        A ward records hundreds of cases a year: rows are read whole, the 3-day rule
        computed here."""
        today = today or date.today()
        ids = self._case_filter(search, team_id, case_type, status, year).subquery()
        stmt = (select(MediationCase, MediationTeam.name, Area.name)
                .join(MediationTeam, MediationTeam.id == MediationCase.team_id)
                .join(Area, Area.id == MediationTeam.area_id)
                .where(MediationCase.id.in_(select(ids.c.id)))
                .order_by(MediationCase.received_on.desc(), MediationCase.id.desc()))
        with self.db.session() as s:
            cases = s.execute(stmt).all()
            parties: dict[int, list[str]] = {}
            for case_id, name in s.execute(
                    select(MediationParty.case_id, MediationParty.full_name)
                    .where(MediationParty.case_id.in_(select(ids.c.id)))
                    .order_by(MediationParty.id)):
                parties.setdefault(case_id, []).append(name)
            mediators: dict[int, list[str]] = {}
            for case_id, name in s.execute(
                    select(MediationCaseMediator.case_id, Mediator.full_name)
                    .join(Mediator, Mediator.id == MediationCaseMediator.mediator_id)
                    .where(MediationCaseMediator.case_id.in_(select(ids.c.id)))
                    .order_by(Mediator.is_leader.desc(), Mediator.id)):
                mediators.setdefault(case_id, []).append(name)
        rows = []
        for c, team_name, area_name in cases:
            check = start_check(c.origin, c.received_on, c.assigned_on, c.started_on,
                                c.closed_on, today)
            if late_only and not check.late:
                continue
            rows.append(CaseRow(
                c.id, c.team_id, team_name, area_name, c.received_on, c.origin, c.case_type,
                join_names(parties.get(c.id, []), " – "), join_names(mediators.get(c.id, [])),
                c.status, c.closed_on, c.compliance, check.late, check.label))
        return rows

    def counts(self, today: date | None = None) -> tuple[int, int]:
        """(cases being mediated, of which late to start) for the status bar."""
        rows = self.list_cases(status=StatusFilter.OPEN, today=today)
        return len(rows), sum(r.late_start for r in rows)

    def years(self) -> list[int]:
        """Years with cases received, newest first (for the year filter)."""
        with self.db.session() as s:
            dates = s.scalars(select(MediationCase.received_on).distinct())
            return sorted({d.year for d in dates}, reverse=True)

    # -- one case -----------------------------------------------------------------------------
    def get(self, case_id: int) -> CaseData:
        with self.db.session() as s:
            c = get_or_raise(s, MediationCase, case_id)
            return CaseData(
                id=c.id, team_id=c.team_id, received_on=c.received_on, origin=c.origin,
                case_type=c.case_type, content=c.content,
                parties=[PartyData(p.full_name, p.birth_year, p.age, p.address, p.resident_id,
                                   p.id) for p in c.parties],
                mediator_ids=[link.mediator_id for link in c.mediators], invited=c.invited,
                assigned_on=c.assigned_on, started_on=c.started_on, status=c.status,
                closed_on=c.closed_on, agreement=c.agreement, compliance=c.compliance,
                compliance_note=c.compliance_note, notes=c.notes, version=c.version)

    def late_check(self, data: CaseData, today: date | None = None) -> StartCheck:
        """The 3-day rule for a case as edited (before saving), for the dialog to show."""
        return start_check(data.origin, data.received_on, data.assigned_on, data.started_on,
                           data.closed_on if data.status and data.status.closed else None, today)

    def _check_against_db(self, s: Session, c: CaseData) -> None:
        team = s.get(MediationTeam, c.team_id)
        if team is None:
            raise FieldError("Tổ hòa giải", "không tồn tại.")
        if c.mediator_ids:
            found = {m.id: m for m in s.scalars(
                select(Mediator).where(Mediator.id.in_(c.mediator_ids)))}
            for mid in c.mediator_ids:
                m = found.get(mid)
                if m is None:
                    raise FieldError("Hòa giải viên", "không tồn tại.")
                if m.team_id != team.id:
                    raise FieldError("Hòa giải viên", f"{m.full_name} không thuộc {team.name}.")
                if m.left_on is not None and m.left_on <= c.received_on:
                    raise FieldError("Hòa giải viên", f"{m.full_name} đã thôi làm hòa giải viên "
                                                      f"từ ngày {m.left_on:%d/%m/%Y}.")
        resident_ids = {p.resident_id for p in c.parties if p.resident_id is not None}
        if resident_ids:
            known = set(s.scalars(select(Resident.id).where(Resident.id.in_(resident_ids))))
            for p in c.parties:
                if p.resident_id is not None and p.resident_id not in known:
                    raise FieldError("Các bên", "không còn trong sổ hộ khẩu.", p.full_name)

    def save(self, data: CaseData, today: date | None = None) -> int:
        """Validate and save a case with its parties and mediators in one transaction; return
        its id. Raises FieldError (nothing saved) on the first problem."""
        today = today or date.today()
        _clean_case(data)
        errors = case_errors(data, today)
        if errors:
            raise errors[0]
        with stale_errors(self.db, MediationCase, data.id):
            return self._save(data)

    def _save(self, data: CaseData) -> int:
        with self.db.session.begin() as s:
            if data.id is not None:
                c = get_or_raise(s, MediationCase, data.id)
                check_version(c, data.version)
                ensure_open(s, MEDIATION, c.received_on)
            ensure_open(s, MEDIATION, data.received_on)
            self._check_against_db(s, data)
            if data.id is None:
                c = MediationCase()
                s.add(c)
            else:
                touch(c)  # its version moves with its parties and mediators
            c.team_id, c.received_on, c.origin = data.team_id, data.received_on, data.origin
            c.case_type, c.content, c.invited = data.case_type, data.content, data.invited
            c.assigned_on, c.started_on = data.assigned_on, data.started_on
            c.status = data.status
            c.closed_on = data.closed_on if data.status.closed else None
            c.agreement, c.compliance = data.agreement, data.compliance
            c.compliance_note, c.notes = data.compliance_note, data.notes
            # The book keeps every party written in it: correct a party, never drop one.
            for p, row in pair_children(
                    c.parties, data.parties, MediationParty, "Các bên",
                    "không được xóa một bên đã ghi vào sổ; hãy sửa lại thông tin của người đó.",
                    "không thuộc vụ, việc này."):
                row.full_name, row.name_folded = p.full_name, fold(p.full_name)
                row.birth_year, row.age, row.address = p.birth_year, p.age, p.address
                row.resident_id = p.resident_id
            links = {link.mediator_id: link for link in c.mediators}
            c.mediators = [links.get(mid) or MediationCaseMediator(mediator_id=mid)
                           for mid in data.mediator_ids]
            s.flush()
            return c.id


@dataclass(frozen=True)
class TeamLocks:
    """A stored team's roster held by signed-off mediation years (docs/DOMAIN.md §3), as
    refusal messages: ``book``, its book's opening or closing day is in one (those days cannot
    change); ``joined``, by id, each mediator recognised (the decision's day) in one: the
    decision's number and day cannot change; ``left``, each who left in one: the leaving day
    and reason cannot change. Names, phones and the rest stay editable; a new mediator
    joining or leaving in a signed-off year, or a day moved into one, is refused."""

    book: str | None = None
    joined: dict[int, str] = field(default_factory=dict)
    left: dict[int, str] = field(default_factory=dict)


def _first_lock(s: Session, days, area_id, today) -> str | None:
    for day in days:
        try:
            ensure_open(s, MEDIATION, day, area_id, today=today)
        except PeriodLocked as exc:
            return exc.message
    return None


def _ensure_roster_open(s: Session, t: MediationTeam | None, data: TeamData,
                        today: date | None) -> None:
    """The roster a signed-off year counts stays as it was (:class:`TeamLocks`)."""
    areas = {data.area_id} | ({t.area_id} if t is not None else set())
    stored = {m.id: m for m in t.mediators} if t is not None else {}
    days: list[date | None] = []
    if t is not None and (t.book_opened_on, t.book_closed_on) != (data.book_opened_on,
                                                                  data.book_closed_on):
        days += [t.book_opened_on, t.book_closed_on, data.book_opened_on, data.book_closed_on]
    elif t is None:
        days += [data.book_opened_on, data.book_closed_on]
    for m in data.mediators:
        row = stored.get(m.id) if m.id is not None else None
        if row is None:
            days += [m.decision_date, m.left_on]
            continue
        if (row.decision_number, row.decision_date) != (m.decision_number, m.decision_date):
            days += [row.decision_date, m.decision_date]
        if (row.left_on, row.left_reason) != (m.left_on, m.left_reason):
            days += [row.left_on, m.left_on]
    for day in days:
        ensure_open(s, MEDIATION, day, areas, today=today)


def _mediator_data(m: Mediator) -> MediatorData:
    return MediatorData(id=m.id, full_name=m.full_name, sex=m.sex, birth_year=m.birth_year,
                        phone=m.phone, decision_number=m.decision_number,
                        decision_date=m.decision_date, is_leader=m.is_leader,
                        left_on=m.left_on, left_reason=m.left_reason)
