"""Households and residents: listing, searching, saving with validation, moving, yearly sign-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.orm import Session

from ..access import area_filter
from ..db.engine import Database
from ..db.guard import scope_of, ward_filter
from ..db.models import Area, Household, HouseholdSearch, HouseholdSignup, Resident
from ..db.query import fetch_column
from ..db.search import household_match, search_row_match
from ..enums import Relationship, ResidenceKind, Sex
from ..peoples import LEN_PEOPLE, check_ethnicity, clean_ethnicity, clean_religion
from ..text import (
    clean_line,
    clean_multiline,
    fold,
    like_escape,
    lower,
    normalize,
    normalize_compat,
    title_name,
)
from ..validation import (
    EARLIEST_RECORD,
    LEN_CODE,
    LEN_LINE,
    LEN_NAME,
    ErrorList,
    FieldError,
    check_birth_date,
    check_event_date,
    check_free_text,
    check_id_number,
    check_label,
    check_old_id_number,
    check_person_name,
    check_phone,
    clean_number,
    normalize_phone,
)
from .children import pair_children, unique_errors
from .periods import SIGNUPS, ensure_open
from .versions import check_version, stale_errors, touch
from .lookup import get_or_raise

TEMPORARY_RESIDENCE_MAX_DAYS = 2 * 366  # Luật Cư trú 2020: a temporary stay is up to 2 years


class Status:
    ACTIVE = "active"
    MOVED = "moved"
    ALL = "all"


SORT_KEYS = ("code", "head", "address", "area", "members", "residence", "signup")


@dataclass
class MemberData:
    """A resident as edited in the household dialog. ``id`` is None for a new member."""

    full_name: str
    birth_date: date | None
    sex: Sex | None
    relation: Relationship
    residence_kind: ResidenceKind = ResidenceKind.PERMANENT
    id_number: str = ""
    old_id_number: str = ""
    residence_from: date | None = None
    residence_to: date | None = None
    phone: str = ""
    occupation: str = ""
    notes: str = ""
    moved_out_on: date | None = None
    moved_out_reason: str = ""
    id: int | None = None
    merged: bool = False  # merged into another record (services.duplicates): read-only here
    # only the birth year is known (an old list, or typed "1985"): birth_date is 01/01 of it
    birth_year_only: bool = False
    # sensitive (docs/DOMAIN.md §1): "" not recorded; read masked ("•••") by an account
    # without the right (db/guard.py); one of the 54 groups / a religion (peoples.py)
    ethnicity: str = ""
    religion: str = ""

    @property
    def active(self) -> bool:
        return self.moved_out_on is None

    @property
    def birth_text(self) -> str:
        """The birth date as lists show it: "1985" when only the year is known."""
        return birth_text(self.birth_date, self.birth_year_only)


def birth_text(born: date | None, year_only: bool = False) -> str:
    if born is None:
        return ""
    return str(born.year) if year_only else born.strftime("%d/%m/%Y")


@dataclass
class HouseholdData:
    code: str
    area_id: int | None
    address: str
    members: list[MemberData] = field(default_factory=list)
    notes: str = ""
    moved_out_on: date | None = None
    moved_out_reason: str = ""
    id: int | None = None
    since: date | None = None  # came to live here; empty: long before the app
    # the household's version when it was read (get); a save refuses it once another save
    # changed the household or its members since (services/versions.py)
    version: int | None = None
    # the household's yearly sign-ups, year → day (get reads them all); a save records the
    # years whose day differs from the stored one, None cancelling it, each year checked
    # against period locking. Years left out are not touched.
    signups: dict[int, date | None] = field(default_factory=dict)


def living_on(day: date):
    """SQL condition: the household lived here on ``day`` (came by then, had not left)."""
    return and_(or_(Household.moved_out_on.is_(None), Household.moved_out_on > day),
                or_(Household.since.is_(None), Household.since <= day))


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the households list."""

    id: int
    code: str
    head_name: str
    address: str
    area_name: str
    member_count: int
    residence_kind: ResidenceKind
    signed_on: date | None
    moved_out_on: date | None


@dataclass(frozen=True)
class ResidentChoice:
    """A registered resident offered by the person picker."""

    id: int
    full_name: str
    birth_date: date
    sex: Sex
    id_number: str
    address: str
    area_id: int
    household_code: str
    birth_year_only: bool = False

    @property
    def label(self) -> str:
        born = birth_text(self.birth_date, self.birth_year_only)
        number = f" — {self.id_number}" if self.id_number else ""
        return f"{self.full_name} ({born}){number} — {self.address} (hộ {self.household_code})"


@dataclass(frozen=True)
class AreaSignup:
    area_id: int
    area_name: str
    signed: int
    total: int


@dataclass(frozen=True)
class Counts:
    households: int
    residents: int


# -- validation ---------------------------------------------------------------------------------
def member_errors(m: MemberData, today: date | None = None) -> list[FieldError]:
    """Every problem with one member's fields (not the household-wide rules)."""
    today = today or date.today()
    who = normalize(m.full_name) or "Nhân khẩu chưa có tên"
    errors = ErrorList(who)
    add = errors.add

    add("Họ và tên", check_person_name(m.full_name), "full_name")
    add("Ngày sinh", check_birth_date(m.birth_date, today), "birth_date")
    if m.sex is None:
        add("Giới tính", "chưa chọn.", "sex")
    add("Số định danh cá nhân",
        check_id_number(m.id_number or "", m.sex, m.birth_date, today), "id_number")
    add("Số CMND cũ", check_old_id_number(m.old_id_number or ""), "old_id_number")
    add("Số điện thoại", check_phone(m.phone), "phone")
    add("Cư trú từ ngày", check_event_date(m.residence_from, m.birth_date, today),
        "residence_from")
    if m.residence_to is not None:
        start = m.residence_from or m.birth_date
        if start is not None and m.residence_to < start:
            add("Cư trú đến ngày", f"không được trước ngày {start:%d/%m/%Y}.", "residence_to")
        elif (m.residence_kind is ResidenceKind.TEMPORARY and m.residence_from is not None
              and (m.residence_to - m.residence_from).days > TEMPORARY_RESIDENCE_MAX_DAYS):
            add("Cư trú đến ngày", "tạm trú mỗi lần không quá 2 năm; hãy gia hạn thành lần mới.",
                "residence_to")
    if m.moved_out_on is not None:
        add("Ngày chuyển đi",
            check_event_date(m.moved_out_on, m.residence_from or m.birth_date, today),
            "moved_out_on")
    add("Nghề nghiệp", check_free_text(m.occupation, LEN_NAME), "occupation")
    add("Dân tộc", check_free_text(m.ethnicity, LEN_PEOPLE) or check_ethnicity(m.ethnicity),
        "ethnicity")
    add("Tôn giáo", check_free_text(m.religion, LEN_PEOPLE), "religion")
    add("Lý do chuyển đi", check_free_text(m.moved_out_reason, LEN_LINE), "moved_out_reason")
    add("Ghi chú", check_free_text(m.notes), "notes")
    if m.birth_year_only and m.birth_date is not None and (m.birth_date.month,
                                                           m.birth_date.day) != (1, 1):
        add("Ngày sinh", "khi chỉ biết năm sinh, ngày sinh ghi là 01/01 của năm đó.",
            "birth_date")
    return errors


def household_errors(h: HouseholdData, today: date | None = None) -> list[FieldError]:
    """Every problem with the household and its members, duplicates inside it included."""
    errors = ErrorList()
    errors.add("Số hộ", check_label(h.code, LEN_CODE), "code")
    if h.area_id is None:
        errors.add("Khu dân cư", "chưa chọn.", "area_id")
    errors.add("Địa chỉ", check_free_text(clean_line(h.address), LEN_LINE, required=True),
               "address")
    active = [m for m in h.members if m.active]
    if not h.members:
        errors.append(FieldError("Nhân khẩu", "hộ phải có ít nhất một nhân khẩu (chủ hộ)."))
    elif h.moved_out_on is None:
        heads = [m for m in active if m.relation is Relationship.HEAD]
        if len(heads) == 0:
            errors.add("Quan hệ với chủ hộ", "hộ chưa có chủ hộ; cần đúng một chủ hộ.", "relation")
        elif len(heads) > 1:
            names = ", ".join(normalize(m.full_name) for m in heads)
            errors.add("Quan hệ với chủ hộ", f"hộ có {len(heads)} chủ hộ ({names}); chỉ được một.",
                       "relation")
    if h.since is not None:
        errors.add("Ngày đến cư trú", check_event_date(h.since, None, today), "since")
    if h.moved_out_on is not None:
        msg = check_event_date(h.moved_out_on, h.since, today)
        if msg:
            errors.append(FieldError("Ngày hộ chuyển đi", msg))
    errors.add("Lý do hộ chuyển đi", check_free_text(clean_line(h.moved_out_reason), LEN_LINE))
    errors.add("Ghi chú", check_free_text(h.notes), "notes")
    seen: dict[str, str] = {}
    for m in h.members:
        errors.extend(member_errors(m, today))
        number = (m.id_number or "").strip()
        if number and m.active:
            if number in seen:
                errors.append(FieldError("Số định danh cá nhân",
                                         f"{number} trùng với nhân khẩu {seen[number]} trong hộ.",
                                         normalize(m.full_name), "id_number"))
            seen[number] = normalize(m.full_name)
    return errors


def signup_date_error(year: int, on: date | None, today: date | None = None) -> str | None:
    """What is wrong with ``on`` as the day of a sign-up for ``year``, or None."""
    msg = check_event_date(on, None, today, required=True, earliest=EARLIEST_RECORD)
    if not msg and on.year != year:
        msg = f"phải thuộc năm {year}."
    return msg


def _code_taken(code: str) -> FieldError:
    return FieldError("Số hộ", f"{code} đã dùng cho một hộ khác.")


def _signup_taken(year: int) -> FieldError:
    return FieldError("Đăng ký", f"hộ đã được ghi đăng ký năm {year} cùng lúc ở nơi khác; "
                                 "hãy tải lại danh sách rồi ghi lại.")


def _search_text(code: str, address: str, members: Iterable[MemberData]) -> tuple[str, str]:
    parts = [code, address]
    for m in members:
        if m.active:
            parts += [m.full_name, m.id_number or "", m.old_id_number or "", m.phone or ""]
    joined = " | ".join(p for p in parts if p)
    return fold(joined), lower(joined)


def _clean_member(m: MemberData) -> MemberData:
    """Names keep what was typed (a control character is refused, not hidden); ID and phone
    numbers are NFKC-normalised; free text loses invisible characters."""
    m.full_name = title_name(m.full_name)
    m.id_number = clean_number(m.id_number)
    m.old_id_number = clean_number(m.old_id_number)
    if not check_phone(m.phone):
        m.phone = normalize_phone(m.phone)
    m.occupation = clean_line(m.occupation)
    m.ethnicity = clean_ethnicity(clean_line(m.ethnicity))  # "mong" → "HMông"
    m.religion = clean_religion(clean_line(m.religion))
    m.notes = clean_multiline(m.notes)
    m.moved_out_reason = clean_line(m.moved_out_reason)
    if m.birth_year_only and m.birth_date is not None:
        m.birth_date = date(m.birth_date.year, 1, 1)  # only the year is known: 01/01 of it
    return m


def name_sort_key(full_name: str) -> str:
    """Vietnamese list order: by given name (the last word), then the whole name."""
    folded = fold(full_name)
    return f"{folded.rsplit(' ', 1)[-1]} {folded}"


class HouseholdService:
    def __init__(self, db: Database):
        self.db = db

    # -- list -------------------------------------------------------------------------------
    def _filtered(self, stmt, search: str, area_id: int | None, status: str):
        if status == Status.ACTIVE:
            stmt = stmt.where(Household.moved_out_on.is_(None))
        elif status == Status.MOVED:
            stmt = stmt.where(Household.moved_out_on.is_not(None))
        if area_id is not None:
            stmt = stmt.where(Household.area_id == area_id)
        if (limit := area_filter(self.db, Household.area_id)) is not None:
            stmt = stmt.where(limit)  # an area-limited account lists its own areas only
        if (ward := ward_filter(self.db, Household.unit_id)) is not None:
            stmt = stmt.where(ward)  # query_ids reads outside the session's ward scope
        folded = fold(search)
        if folded:
            stmt = stmt.where(household_match(folded, self.db.has_fts))
        return stmt

    def query_ids(self, search: str = "", area_id: int | None = None, status: str = Status.ACTIVE,
                  sort: str = "code", descending: bool = False,
                  year: int | None = None) -> list[int]:
        """Ids of the households matching the filters, in display order.

        Households whose text matches the search with its exact diacritics come first.
        """
        with self.db.engine.connect() as conn:
            return fetch_column(conn, self._ids_query(search, area_id, status, sort,
                                                      descending, year))

    def _ids_query(self, search, area_id, status, sort, descending, year):
        folded = fold(search)
        # PostgreSQL: the search row joined once, its text and its ward (that of a ward
        # account, or of the ward a province account chose) matched by the trigram index
        # (db/search.py search_row_match); the exact-spelling order reads the same row.
        # SQLite: FTS5 (or the LIKE for short terms) in household_match's WHERE.
        joined = bool(folded) and not self.db.is_sqlite
        stmt = self._filtered(select(Household.id), "" if joined else search, area_id, status)
        if joined:
            stmt = stmt.join(HouseholdSearch, HouseholdSearch.household_id == Household.id)
            stmt = stmt.where(search_row_match(folded, scope_of(self.db)))
        order = []
        exact = lower(search)
        if exact and exact != folded:
            if not joined:
                stmt = stmt.join(HouseholdSearch, HouseholdSearch.household_id == Household.id)
            spelled = HouseholdSearch.lower.like(f"%{like_escape(exact)}%", escape="\\")
            order.append(case((spelled, 0), else_=1))
        year = year or date.today().year
        key = {
            "code": Household.code,
            "head": Household.head_sort,
            "address": Household.address,
            "members": Household.member_count,
            "residence": Household.residence_kind,
        }.get(sort)
        if sort == "area":
            stmt = stmt.join(Area, Area.id == Household.area_id)
            key = Area.sort_order
        elif sort == "signup":
            stmt = stmt.outerjoin(HouseholdSignup, and_(HouseholdSignup.household_id == Household.id,
                                                        HouseholdSignup.year == year))
            key = HouseholdSignup.signed_on
        if key is None:
            raise ValueError(f"unknown sort key {sort!r}")
        order.append(key.desc() if descending else key.asc())
        if sort != "code":
            order.append(Household.code)
        return stmt.order_by(*order)

    def rows(self, ids: Sequence[int], year: int | None = None) -> dict[int, HouseholdRow]:
        if not ids:
            return {}
        year = year or date.today().year
        stmt = (
            select(Household.id, Household.code, Household.head_name, Household.address,
                   Area.name, Household.member_count, Household.residence_kind,
                   HouseholdSignup.signed_on, Household.moved_out_on)
            .join(Area, Area.id == Household.area_id)
            .outerjoin(HouseholdSignup, and_(HouseholdSignup.household_id == Household.id,
                                             HouseholdSignup.year == year))
            .where(Household.id.in_(list(ids)))
        )
        with self.db.session() as s:
            return {r[0]: HouseholdRow(*r) for r in s.execute(stmt)}

    def matching_members(self, ids: Sequence[int], search: str) -> dict[int, str]:
        """For the households of ``ids`` that ``search`` finds by a member other than the head
        (and not by the head): that member's name, so the list can show whom it found."""
        folded = fold(search).strip()
        digits = "".join(search.split())
        if not folded or not ids:
            return {}
        # The members are filtered here, not in SQL: a condition on moved_out_on or merged_into_id
        # makes SQLite leave the household_id index (50 ms a block instead of 3).
        stmt = (select(Resident.household_id, Resident.full_name, Resident.name_folded,
                       Resident.relation, Resident.id_number, Resident.old_id_number,
                       Resident.phone, Resident.moved_out_on, Resident.merged_into_id)
                .where(Resident.household_id.in_(list(ids)))
                .order_by(Resident.household_id, Resident.id))
        heads: set[int] = set()
        found: dict[int, str] = {}
        with self.db.session() as s:
            for (hid, name, name_folded, relation, id_number, old_id, phone, moved_out,
                 merged) in s.execute(stmt):
                if moved_out is not None or merged is not None:
                    continue
                hit = folded in (name_folded or fold(name)) or (digits.isdigit() and any(
                    digits in (n or "") for n in (id_number, old_id, phone)))
                if not hit:
                    continue
                if relation == Relationship.HEAD:
                    heads.add(hid)
                else:
                    found.setdefault(hid, name)
        return {hid: name for hid, name in found.items() if hid not in heads}

    def counts(self) -> Counts:
        stmt = (select(func.count(), func.coalesce(func.sum(Household.member_count), 0))
                .where(Household.moved_out_on.is_(None)))
        with self.db.session() as s:
            households, residents = s.execute(stmt).one()
        return Counts(households, residents)

    def is_empty(self) -> bool:
        with self.db.session() as s:
            return s.scalar(select(Household.id).limit(1)) is None

    # -- one household ------------------------------------------------------------------------
    def get(self, household_id: int) -> HouseholdData:
        with self.db.session() as s:
            h = get_or_raise(s, Household, household_id)
            members = [
                MemberData(
                    id=r.id, full_name=r.full_name, birth_date=r.birth_date, sex=r.sex,
                    relation=r.relation, residence_kind=r.residence_kind,
                    id_number=r.id_number or "", old_id_number=r.old_id_number or "",
                    residence_from=r.residence_from, residence_to=r.residence_to, phone=r.phone,
                    occupation=r.occupation, notes=r.notes, moved_out_on=r.moved_out_on,
                    moved_out_reason=r.moved_out_reason, merged=r.merged_into_id is not None,
                    birth_year_only=bool(r.birth_year_only),
                    ethnicity=r.ethnicity or "", religion=r.religion or "",
                )
                for r in h.residents
            ]
            signups = dict(s.execute(select(HouseholdSignup.year, HouseholdSignup.signed_on)
                                     .where(HouseholdSignup.household_id == h.id)).all())
            return HouseholdData(id=h.id, code=h.code, area_id=h.area_id, address=h.address,
                                 members=members, notes=h.notes, moved_out_on=h.moved_out_on,
                                 moved_out_reason=h.moved_out_reason, since=h.since,
                                 version=h.version, signups=signups)

    def history_targets(self, household_id: int | None) -> list[tuple[str, int]]:
        """The records whose changes make a household's "Lịch sử": the household, its members
        (moved out and merged ones too) and its sign-ups, as (table, id) pairs."""
        if household_id is None:
            return []
        with self.db.session() as s:
            residents = s.scalars(select(Resident.id).where(
                Resident.household_id == household_id).order_by(Resident.id))
            signups = s.scalars(select(HouseholdSignup.id).where(
                HouseholdSignup.household_id == household_id).order_by(HouseholdSignup.id))
            return ([("household", household_id)] + [("resident", i) for i in residents]
                    + [("household_signup", i) for i in signups])

    def next_code(self) -> str:
        """A free household code "HK000001"-style, one above the highest numeric one."""
        with self.db.session() as s:
            codes = s.scalars(select(Household.code).where(Household.code.like("HK%"))
                              .order_by(Household.code.desc()).limit(50))
            top = max((int(c[2:]) for c in codes if c[2:].isdigit()), default=0)
        return f"HK{top + 1:06d}"

    def _check_against_db(self, s: Session, h: HouseholdData) -> None:
        clash = s.scalar(select(Household.id).where(Household.code == h.code))
        if clash is not None and clash != h.id:
            raise _code_taken(h.code)
        area = s.get(Area, h.area_id)
        if area is None:
            raise FieldError("Khu dân cư", "không tồn tại.")
        if area.retired_on is not None and h.id is None:
            raise FieldError("Khu dân cư", f"“{area.name}” đã thôi sử dụng.")
        self._check_signups(s, h)
        self._check_id_numbers(s, h)

    @staticmethod
    def _check_signups(s: Session, h: HouseholdData) -> None:
        """A household cannot have come ("since") after one of its own sign-ups."""
        if h.id is None or h.since is None:
            return
        first = s.scalar(select(func.min(HouseholdSignup.signed_on)).where(
            HouseholdSignup.household_id == h.id))
        if first is not None and h.since > first:
            raise FieldError("Ngày đến cư trú",
                             f"không được sau ngày đăng ký {first:%d/%m/%Y} của hộ.")

    @staticmethod
    def _check_id_numbers(s: Session, h: HouseholdData,
                          with_moved_households: bool = False) -> None:
        """No living resident of another household (or another member) has the same ID.
        ``with_moved_households``: also residents not marked moved in a household that moved
        (the unique index uq_resident_living_id_number counts them)."""
        own_ids = {m.id for m in h.members if m.id is not None}
        numbers = {m.id_number: m for m in h.members if m.id_number and m.active}
        if numbers:
            stmt = (select(Resident.id, Resident.id_number, Resident.full_name, Household.code)
                    .join(Household, Household.id == Resident.household_id)
                    .where(Resident.id_number.in_(list(numbers)), Resident.moved_out_on.is_(None)))
            if not with_moved_households:
                stmt = stmt.where(Household.moved_out_on.is_(None))
            for rid, number, name, code in s.execute(stmt):
                if rid not in own_ids:
                    raise FieldError(
                        "Số định danh cá nhân",
                        f"{number} đã có ở nhân khẩu {name}, hộ {code}.",
                        numbers[number].full_name,
                    )

    def _id_number_taken(self, data: HouseholdData) -> FieldError:
        """After a race on the living-residents ID index: the duplicate-ID check's own message,
        found again now that the other save is committed."""
        try:
            with self.db.session() as s:
                self._check_id_numbers(s, data, with_moved_households=True)
        except FieldError as error:
            return error
        return FieldError("Số định danh cá nhân",
                          "trùng với số của một người khác đang cư trú trong phường.")

    def save(self, data: HouseholdData, today: date | None = None) -> int:
        """Validate and save a household with its members in one transaction; return its id.

        Raises FieldError (nothing saved) on the first problem found, also when another save
        took the same code or ID number at the same moment, and StaleRecord when another save
        changed the household since ``data.version`` was read.
        """
        data.code = normalize_compat(data.code).upper()  # full-width "ＨＫ０１" is "HK01"
        data.address = clean_line(data.address)
        data.notes = clean_multiline(data.notes)
        data.moved_out_reason = clean_line(data.moved_out_reason)
        for m in data.members:
            _clean_member(m)
        errors = household_errors(data, today)
        if errors:
            raise errors[0]
        with unique_errors({"household_code": lambda: _code_taken(data.code),
                            "resident_id_number": lambda: self._id_number_taken(data),
                            "signup": lambda: _signup_taken(min(data.signups))}), \
                stale_errors(self.db, Household, data.id):
            return self._save(data, today)

    def _save(self, data: HouseholdData, today: date | None = None) -> int:
        with self.db.session.begin() as s:
            if data.id is not None:
                h = get_or_raise(s, Household, data.id)
                check_version(h, data.version)
            self._check_against_db(s, data)
            if data.id is None:
                h = Household(code=data.code)
                s.add(h)
            else:
                touch(h)  # its version moves with its members'
            h.code, h.area_id, h.address, h.notes = data.code, data.area_id, data.address, data.notes
            h.since = data.since
            h.moved_out_on, h.moved_out_reason = data.moved_out_on, data.moved_out_reason
            # Nothing about a person is hard-deleted: members leave with a date instead.
            for m, r in pair_children(
                    h.residents, data.members, Resident, "Nhân khẩu",
                    "không được xóa nhân khẩu; hãy ghi ngày chuyển đi cho người đó.",
                    "không thuộc hộ này."):
                if r.merged_into_id is not None:  # changed only by "Hoàn tác gộp"
                    m.moved_out_on, m.relation = r.moved_out_on, r.relation  # for the counts
                    continue
                r.full_name, r.name_folded = m.full_name, fold(m.full_name)
                r.birth_date, r.sex, r.relation = m.birth_date, m.sex, m.relation
                r.residence_kind = m.residence_kind
                r.id_number = m.id_number or None
                r.old_id_number = m.old_id_number or None
                r.residence_from, r.residence_to = m.residence_from, m.residence_to
                r.phone, r.occupation, r.notes = m.phone, m.occupation, m.notes
                r.ethnicity, r.religion = m.ethnicity or None, m.religion or None
                r.moved_out_on, r.moved_out_reason = m.moved_out_on, m.moved_out_reason
                r.birth_year_only = bool(m.birth_year_only and m.birth_date is not None)
            self._refresh_cache(h, data.members)
            s.flush()
            self._save_signups(s, h, data, today)
            return h.id

    @staticmethod
    def _save_signups(s: Session, h: Household, data: HouseholdData,
                      today: date | None = None) -> None:
        """The sign-ups the dialog changed (``data.signups``), in the household's transaction;
        a year signed off (periods.py) refuses the change."""
        if not data.signups:
            return
        stored = {r.year: r for r in s.scalars(select(HouseholdSignup).where(
            HouseholdSignup.household_id == h.id))}
        for year, on in sorted(data.signups.items()):
            row = stored.get(year)
            if (row.signed_on if row is not None else None) == on:
                continue
            ensure_open(s, SIGNUPS, year, h.area_id, today=today)
            if on is not None:
                msg = signup_date_error(year, on, today)
                if not msg and h.moved_out_on is not None:
                    msg = f"hộ {h.code} đã chuyển đi."
                if not msg and h.since is not None and on < h.since:
                    msg = (f"hộ đến cư trú từ ngày {h.since:%d/%m/%Y}, sau ngày đăng ký "
                           f"{on:%d/%m/%Y}.")
                if msg:
                    raise FieldError("Ngày đăng ký", msg, key="signup")
            if on is None:
                s.delete(row)
            elif row is None:
                s.add(HouseholdSignup(household_id=h.id, year=year, signed_on=on))
            else:
                row.signed_on = on

    @staticmethod
    def _refresh_cache(h: Household, members: list[MemberData]) -> None:
        active = [m for m in members if m.active]
        head = next((m for m in active if m.relation is Relationship.HEAD), None)
        head = head or (active[0] if active else members[0])
        h.head_name, h.head_sort = head.full_name, name_sort_key(head.full_name)
        h.residence_kind = head.residence_kind
        h.member_count = len(active)
        folded, lowered = _search_text(h.code, h.address, members)
        if h.search is None:
            h.search = HouseholdSearch(folded=folded, lower=lowered)
        else:
            h.search.folded, h.search.lower = folded, lowered

    def move_away(self, household_id: int, on: date, reason: str = "",
                  today: date | None = None) -> None:
        """The whole household leaves the ward; its records stay."""
        msg = check_event_date(on, None, today, required=True)
        if msg:
            raise FieldError("Ngày hộ chuyển đi", msg)
        reason = clean_line(reason)
        msg = check_free_text(reason, LEN_LINE)
        if msg:
            raise FieldError("Lý do hộ chuyển đi", msg)
        with self.db.session.begin() as s:
            h = get_or_raise(s, Household, household_id)
            if h.moved_out_on is not None:
                raise FieldError("Ngày hộ chuyển đi",
                                 f"hộ đã chuyển đi ngày {h.moved_out_on:%d/%m/%Y}.")
            msg = check_event_date(on, h.since, today)
            if msg:
                raise FieldError("Ngày hộ chuyển đi", msg)
            h.moved_out_on, h.moved_out_reason = on, reason

    # -- yearly sign-up -----------------------------------------------------------------------
    @staticmethod
    def _check_signup_date(year: int, on: date, today: date | None = None) -> None:
        msg = signup_date_error(year, on, today)
        if msg:
            raise FieldError("Ngày đăng ký", msg)

    def sign_up(self, household_ids: int | Sequence[int], year: int, on: date,
                today: date | None = None) -> None:
        """Record the sign-up of one or several households, all or nothing."""
        ids = [household_ids] if isinstance(household_ids, int) else list(household_ids)
        self._check_signup_date(year, on, today)
        with unique_errors({"signup": lambda: _signup_taken(year)}):
            self._sign_up(ids, year, on, today)

    def _sign_up(self, ids: list[int], year: int, on: date, today: date | None = None) -> None:
        with self.db.session.begin() as s:
            ensure_open(s, SIGNUPS, year, households=ids, today=today)
            for h in s.scalars(select(Household).where(Household.id.in_(ids))):
                if h.moved_out_on is not None:
                    raise FieldError("Đăng ký", f"hộ {h.code} đã chuyển đi.")
                if h.since is not None and on < h.since:
                    raise FieldError("Ngày đăng ký", f"hộ {h.code} đến cư trú từ ngày "
                                                     f"{h.since:%d/%m/%Y}, sau ngày đăng ký.")
            existing = {r.household_id: r for r in s.scalars(select(HouseholdSignup).where(
                HouseholdSignup.household_id.in_(ids), HouseholdSignup.year == year))}
            for hid in ids:
                if hid in existing:
                    existing[hid].signed_on = on
                else:
                    s.add(HouseholdSignup(household_id=hid, year=year, signed_on=on))

    def cancel_sign_up(self, household_ids: int | Sequence[int], year: int,
                       today: date | None = None) -> int:
        """Undo sign-ups recorded by mistake; return how many were removed.

        A sign-up is a fact about a household's year, not about a person, so it may be removed.
        """
        ids = [household_ids] if isinstance(household_ids, int) else list(household_ids)
        with self.db.session.begin() as s:
            ensure_open(s, SIGNUPS, year, households=ids, today=today)
            rows = list(s.scalars(select(HouseholdSignup).where(
                HouseholdSignup.household_id.in_(ids), HouseholdSignup.year == year)))
            for row in rows:
                s.delete(row)
            return len(rows)

    def sign_up_area(self, area_id: int, year: int, on: date, today: date | None = None) -> int:
        """Record the sign-up of every resident household of an area not yet signed; return how many."""
        self._check_signup_date(year, on, today)
        with unique_errors({"signup": lambda: _signup_taken(year)}), \
                self.db.session.begin() as s:
            ensure_open(s, SIGNUPS, year, area_id, today=today)
            signed = select(HouseholdSignup.household_id).where(HouseholdSignup.year == year)
            ids = list(s.scalars(select(Household.id).where(
                Household.area_id == area_id, Household.moved_out_on.is_(None),
                or_(Household.since.is_(None), Household.since <= on),
                Household.id.not_in(signed))))
            if ids:
                s.execute(insert(HouseholdSignup),
                          [{"household_id": i, "year": year, "signed_on": on} for i in ids])
            return len(ids)

    def signup_summary(self, year: int, today: date | None = None) -> list[AreaSignup]:
        """Per active area: households signed up for ``year`` of the households living there on
        the year's cut-off day — today for the current year, 31/12 for a past one (a household
        that came later or had left by then does not count)."""
        with self.db.session() as s:
            return signup_summary_in(s, year, today)

    # -- picking a resident (rehabilitation cases, mediation parties) -------------------------
    def find_residents(self, text: str, limit: int = 30) -> list[ResidentChoice]:
        """Residents living in the ward whose name (with or without diacritics) or ID number
        contains ``text``. Uses the households' search index, then checks each member."""
        folded = fold(text)
        if len(folded) < 2:
            return []
        stmt = (
            select(Resident.id, Resident.full_name, Resident.birth_date, Resident.sex,
                   Resident.id_number, Household.address, Household.area_id, Household.code,
                   Resident.name_folded, Resident.birth_year_only)
            .join(Household, Household.id == Resident.household_id)
            .where(Household.moved_out_on.is_(None), Resident.moved_out_on.is_(None),
                   household_match(folded, self.db.has_fts,
                                   None if self.db.is_sqlite else scope_of(self.db)))
            .order_by(Resident.name_folded)
        )
        out = []
        with self.db.session() as s:
            for r in s.execute(stmt):
                if folded in r.name_folded or folded in (r.id_number or ""):
                    out.append(ResidentChoice(r.id, r.full_name, r.birth_date, r.sex,
                                              r.id_number or "", r.address, r.area_id, r.code,
                                              bool(r.birth_year_only)))
                    if len(out) >= limit:
                        break
        return out

    def resident(self, resident_id: int) -> ResidentChoice:
        with self.db.session() as s:
            r, h = s.execute(select(Resident, Household).join(Household)
                             .where(Resident.id == resident_id)).one()
            return ResidentChoice(r.id, r.full_name, r.birth_date, r.sex, r.id_number or "",
                                  h.address, h.area_id, h.code, bool(r.birth_year_only))


def signup_summary_in(s: Session, year: int, today: date | None = None) -> list[AreaSignup]:
    """HouseholdService.signup_summary inside an open session (the demo's, for one)."""
    cutoff = min(date(year, 12, 31), today or date.today())
    signed = func.count(HouseholdSignup.id)
    stmt = (
        select(Area.id, Area.name, signed, func.count(Household.id))
        .select_from(Area)
        .outerjoin(Household, and_(Household.area_id == Area.id, living_on(cutoff)))
        .outerjoin(HouseholdSignup, and_(HouseholdSignup.household_id == Household.id,
                                         HouseholdSignup.year == year))
        .where(Area.retired_on.is_(None))
        .group_by(Area.id, Area.name, Area.sort_order)
        .order_by(Area.sort_order, Area.id)
    )
    return [AreaSignup(*r) for r in s.execute(stmt)]
