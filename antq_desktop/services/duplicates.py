"""The same person entered twice: probable matches while typing (and per import row), the
ward-wide scan of scored pairs, "không trùng" kept for good, merging two records with undo,
and linking hand-typed people of rehabilitation and mediation records to the register.

The rules (issue 13), one place for the dialogs, the scan and the importer:
- the same ID number (``REASON_ID``);
- the same folded name and birth date (``REASON_BIRTH``);
- the same folded name, birth year and residential area (``REASON_YEAR_AREA``).
Two records that both carry an ID number and whose numbers differ are two people: a name and
birth date shared with a stranger is common in a ward of 100,000 households (the demo holds
hundreds), so such pairs are never offered.

A merged-away record is never deleted: it gets ``merged_into_id``, is marked moved out on the
merge day with the reason "Đã gộp vào …" (so every list, count, register and the unique ID
index leave it out, as they leave out people who moved), and a ``PersonMerge`` row keeps both
records, the links moved and the households changed, exactly as they were, for "Hoàn tác gộp".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import combinations

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.models import (
    Area,
    Household,
    MediationCase,
    MediationParty,
    MediationTeam,
    NotDuplicate,
    PersonMerge,
    RehabCase,
    Resident,
)
from ..enums import Relationship, ResidenceKind, Sex
from ..text import ascii_digits, fold, lower
from ..validation import FieldError
from . import audit
from .children import once_more_on_race, unique_errors
from .households import HouseholdService, MemberData, member_errors

REASON_ID = "id"
REASON_BIRTH = "birth"
REASON_YEAR_AREA = "year_area"
REASON_LABELS = {
    REASON_ID: "cùng số định danh",
    REASON_BIRTH: "cùng họ tên và ngày sinh",
    REASON_YEAR_AREA: "cùng họ tên, năm sinh và khu dân cư",
}
SCORES = {REASON_ID: 100, REASON_BIRTH: 80, REASON_YEAR_AREA: 50}
EXTRA_REASON = 5  # each further rule the pair meets
SAME_SPELLING = 5  # the names are the same with their diacritics too
OTHER_SEX = -30  # recorded as a man and as a woman
MAX_GROUP = 30  # a (name, year, area) shared by more is a common name, not one person

KIND_RESIDENT, KIND_REHAB, KIND_PARTY = "resident", "rehab", "party"
_FETCH_CHUNK = 500


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonRef:
    """A resident as the duplicate lists show them."""

    id: int
    full_name: str
    birth_date: date
    sex: Sex
    id_number: str
    household_id: int
    household_code: str
    address: str
    area_id: int
    area_name: str
    relation: Relationship
    moved_out_on: date | None

    @property
    def short(self) -> str:
        """For a table cell: no address."""
        moved = f", chuyển đi {self.moved_out_on:%d/%m/%Y}" if self.moved_out_on else ""
        return (f"{self.full_name} ({self.birth_date:%d/%m/%Y}), "
                f"{self.id_number or 'chưa có số định danh'} — hộ {self.household_code}, "
                f"{self.area_name}{moved}")

    @property
    def label(self) -> str:
        number = f", số định danh {self.id_number}" if self.id_number else ", chưa có số định danh"
        moved = f", đã chuyển đi {self.moved_out_on:%d/%m/%Y}" if self.moved_out_on else ""
        return (f"{self.full_name} ({self.birth_date:%d/%m/%Y}){number} — hộ "
                f"{self.household_code}, {self.address}, {self.area_name}{moved}")


@dataclass(frozen=True)
class Match:
    """A registered resident who is probably the person being typed or imported."""

    person: PersonRef
    score: int
    reasons: tuple[str, ...]

    @property
    def resident_id(self) -> int:
        return self.person.id

    @property
    def reason_text(self) -> str:
        return ", ".join(REASON_LABELS[r] for r in self.reasons)

    @property
    def label(self) -> str:
        return f"{self.person.label} ({self.reason_text})"


@dataclass(frozen=True)
class DuplicatePair:
    a: PersonRef
    b: PersonRef
    score: int
    reasons: tuple[str, ...]

    @property
    def reason_text(self) -> str:
        return ", ".join(REASON_LABELS[r] for r in self.reasons)


@dataclass(frozen=True)
class LinkCandidate:
    """A hand-typed person of a rehabilitation case (``kind`` "rehab") or a mediation party
    ("party") and the resident of the register they probably are."""

    kind: str
    record_id: int
    name: str
    detail: str  # the record, in words: "Hồ sơ quản lý … — sinh 05/03/1985"
    match: Match


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    a_text: str
    b_text: str

    @property
    def differs(self) -> bool:
        return self.a_text != self.b_text


@dataclass(frozen=True)
class MergePreview:
    a: PersonRef
    b: PersonRef
    fields: list[MergeField]
    links: dict[int, tuple[int, int]]  # resident id → (rehabilitation cases, mediation parties)


@dataclass(frozen=True)
class MergeRow:
    """A merge, for the list with "Hoàn tác gộp"."""

    id: int
    merged_on: date
    survivor: str
    merged: str
    undone_on: date | None


# -- probable matches (the dialogs, the import's dry run) -------------------------------------
def _person_columns():
    return (Resident.id, Resident.full_name, Resident.birth_date, Resident.sex,
            Resident.id_number, Resident.household_id, Household.code, Household.address,
            Household.area_id, Area.name, Resident.relation, Resident.moved_out_on,
            Resident.name_folded)


def _people(stmt) -> object:
    return (stmt.join(Household, Household.id == Resident.household_id)
            .join(Area, Area.id == Household.area_id)
            .where(Resident.merged_into_id.is_(None)))


def _ref(row) -> PersonRef:
    return PersonRef(row[0], row[1], row[2], row[3], row[4] or "", row[5], row[6], row[7],
                     row[8], row[9], row[10], row[11])


def _year_range(year: int):
    return Resident.birth_date.between(date(year, 1, 1), date(year, 12, 31))


def _score(reasons: set[str], same_spelling: bool, other_sex: bool) -> int:
    score = max(SCORES[r] for r in reasons) + EXTRA_REASON * (len(reasons) - 1)
    if same_spelling and reasons - {REASON_ID}:
        score += SAME_SPELLING
    if other_sex:
        score += OTHER_SEX
    return max(1, min(100, score))


def _not_duplicates(s: Session, kind: str, record_id: int) -> set[int]:
    if kind == KIND_RESIDENT:
        rows = s.execute(select(NotDuplicate.record_id, NotDuplicate.resident_id).where(
            NotDuplicate.kind == kind,
            or_(NotDuplicate.record_id == record_id, NotDuplicate.resident_id == record_id)))
        return {b if a == record_id else a for a, b in rows}
    return set(s.scalars(select(NotDuplicate.resident_id).where(
        NotDuplicate.kind == kind, NotDuplicate.record_id == record_id)))


def probable_matches(session: Session, name: str, birth_date: date | None = None,
                     birth_year: int | None = None, id_number: str | None = None,
                     area_id: int | None = None, *, household_id: int | None = None,
                     sex: Sex | None = None, resident_id: int | None = None,
                     record: tuple[str, int] | None = None,
                     limit: int = 5) -> list[Match]:
    """Residents of the register who are probably the person described, best first.

    ``name`` is folded here; ``birth_year`` is used when ``birth_date`` is not known;
    ``area_id`` enables the name + birth year + area rule; ``household_id`` is the household
    the person is typed into (an ID number shared inside it is the dialog's own error, not a
    duplicate); ``resident_id`` is the record being edited (left out, with the pairs marked
    "không trùng" with it); ``record`` = ("rehab" | "party", id) does the same for a
    hand-typed person. Indexed lookups only: safe to call per keystroke pause or per row.
    """
    folded = fold(name)
    number = ascii_digits(id_number or "")
    year = birth_date.year if birth_date is not None else birth_year
    rules = []
    if number:
        rule = Resident.id_number == number
        if household_id is not None:
            rule = and_(rule, Resident.household_id != household_id)
        rules.append(rule)
    if folded and birth_date is not None:
        rules.append(and_(Resident.name_folded == folded, Resident.birth_date == birth_date))
    if folded and year is not None and area_id is not None:
        rules.append(and_(Resident.name_folded == folded, _year_range(year),
                          Household.area_id == area_id))
    if not rules:
        return []
    skip = {resident_id} if resident_id is not None else set()
    if resident_id is not None:
        skip |= _not_duplicates(session, KIND_RESIDENT, resident_id)
    if record is not None:
        skip |= _not_duplicates(session, *record)
    exact = lower(name)
    out = []
    rows = {}
    for rule in rules:  # one indexed lookup per rule (an OR of them scans on SQLite)
        for row in session.execute(_people(select(*_person_columns())).where(rule).limit(200)):
            rows.setdefault(row[0], row)
    for row in rows.values():
        person = _ref(row)
        if person.id in skip:
            continue
        reasons = set()
        if number and person.id_number == number and (
                household_id is None or person.household_id != household_id):
            reasons.add(REASON_ID)
        elif number and person.id_number:
            continue  # two different ID numbers: two people
        if row.name_folded == folded:
            if birth_date is not None and person.birth_date == birth_date:
                reasons.add(REASON_BIRTH)
            if (year is not None and area_id is not None and person.area_id == area_id
                    and person.birth_date.year == year):
                reasons.add(REASON_YEAR_AREA)
        if not reasons:
            continue
        score = _score(reasons, lower(person.full_name) == exact,
                       sex is not None and sex is not person.sex)
        out.append(Match(person, score, tuple(r for r in SCORES if r in reasons)))
    out.sort(key=lambda m: (-m.score, fold(m.person.full_name), m.person.id))
    return out[:limit]


@dataclass(frozen=True)
class Probe:
    """A person of an import row, for :func:`probable_matches_many`."""

    key: object  # the caller's (a row number)
    name: str
    birth_date: date | None = None
    birth_year: int | None = None  # when only the year is known
    id_number: str = ""
    area_id: int | None = None


def probable_matches_many(session: Session, probes: Sequence[Probe], *, limit: int = 3,
                          chunk: int = 500) -> dict[object, list[Match]]:
    """:func:`probable_matches`' name rules for many people at once (an import's dry run):
    the same folded name and birth date, or the same folded name, birth year and area; two
    different ID numbers are two people. One indexed query per ``chunk`` names instead of
    one per row. (The same ID number in another household is the importer's own error.)"""
    wanted: dict[str, list[Probe]] = defaultdict(list)
    for p in probes:
        folded = fold(p.name)
        if folded and (p.birth_date is not None or p.birth_year is not None):
            wanted[folded].append(p)
    names = sorted(wanted)
    out: dict[object, list[Match]] = {}
    for i in range(0, len(names), chunk):
        part = names[i:i + chunk]
        stmt = _people(select(*_person_columns())).where(Resident.name_folded.in_(part))
        for row in session.execute(stmt):
            person = _ref(row)
            for p in wanted[row.name_folded]:
                number = ascii_digits(p.id_number or "")
                if number and person.id_number and person.id_number != number:
                    continue
                if number and person.id_number == number:
                    continue  # the very person: matched or refused by the importer itself
                reasons = set()
                if p.birth_date is not None and person.birth_date == p.birth_date:
                    reasons.add(REASON_BIRTH)
                year = p.birth_date.year if p.birth_date is not None else p.birth_year
                if (year is not None and p.area_id is not None and person.area_id == p.area_id
                        and person.birth_date.year == year):
                    reasons.add(REASON_YEAR_AREA)
                if reasons:
                    score = _score(reasons, lower(person.full_name) == lower(p.name), False)
                    out.setdefault(p.key, []).append(
                        Match(person, score, tuple(r for r in SCORES if r in reasons)))
    for key, found in out.items():
        found.sort(key=lambda m: (-m.score, fold(m.person.full_name), m.person.id))
        del found[limit:]
    return out


# -- the scan -----------------------------------------------------------------------------------
def _year(col):
    return func.extract("year", col)


def scan(session: Session, area_id: int | None = None) -> list[DuplicatePair]:
    """Every probable pair of residents in the ward (``area_id`` None) or with at least one of
    the two in one area, scored, best first; pairs marked "không trùng" are left out.

    Grouping is done by the database (GROUP BY … HAVING count(*) > 1 over indexed columns);
    only the members of the groups found are read back."""
    groups: dict[tuple, list[PersonRef]] = defaultdict(list)
    folded_of: dict[int, str] = {}

    def collect(kind: str, key_stmt, on, key_of) -> None:
        keys = key_stmt.subquery()
        stmt = _people(select(*_person_columns()).select_from(Resident)).join(keys, on(keys))
        for row in session.execute(stmt):
            person = _ref(row)
            folded_of[person.id] = row.name_folded
            groups[(kind, *key_of(person, row))].append(person)

    base = select().select_from(Resident).where(Resident.merged_into_id.is_(None))
    in_area = func.sum(case((Household.area_id == area_id, 1), else_=0))

    def keyed(stmt, *cols):
        stmt = stmt.add_columns(*cols).group_by(*cols).having(func.count() > 1)
        if area_id is not None:
            stmt = (stmt.join(Household, Household.id == Resident.household_id)
                    .having(in_area > 0))
        return stmt

    ids = keyed(base.where(Resident.id_number.is_not(None)), Resident.id_number)
    collect(REASON_ID, ids, lambda k: Resident.id_number == k.c.id_number,
            lambda p, _r: (p.id_number,))
    births = keyed(base, Resident.name_folded, Resident.birth_date)
    collect(REASON_BIRTH, births, lambda k: and_(Resident.name_folded == k.c.name_folded,
                                                 Resident.birth_date == k.c.birth_date),
            lambda p, r: (r.name_folded, p.birth_date))
    year = _year(Resident.birth_date).label("born")
    years = (select(Resident.name_folded, Household.area_id, year)
             .join(Household, Household.id == Resident.household_id)
             .where(Resident.merged_into_id.is_(None))
             .group_by(Resident.name_folded, Household.area_id, year)
             .having(func.count() > 1))
    if area_id is not None:
        years = years.where(Household.area_id == area_id)
    collect(REASON_YEAR_AREA, years,
            lambda k: and_(Resident.name_folded == k.c.name_folded,
                           Household.area_id == k.c.area_id,
                           _year(Resident.birth_date) == k.c.born),
            lambda p, r: (r.name_folded, p.area_id, p.birth_date.year))

    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    people: dict[int, PersonRef] = {}
    for (kind, *_key), members in groups.items():
        if len(members) < 2 or (kind == REASON_YEAR_AREA and len(members) > MAX_GROUP):
            continue
        for a, b in combinations(sorted(members, key=lambda p: p.id), 2):
            if kind != REASON_ID and a.id_number and b.id_number and a.id_number != b.id_number:
                continue  # two different ID numbers: two people
            if area_id is not None and area_id not in (a.area_id, b.area_id):
                continue
            people[a.id], people[b.id] = a, b
            reasons[(a.id, b.id)].add(kind)
    if not reasons:
        return []
    marked = {tuple(r) for r in session.execute(
        select(NotDuplicate.record_id, NotDuplicate.resident_id)
        .where(NotDuplicate.kind == KIND_RESIDENT))}
    out = []
    for (a_id, b_id), why in reasons.items():
        if (a_id, b_id) in marked:
            continue
        a, b = people[a_id], people[b_id]
        score = _score(why, lower(a.full_name) == lower(b.full_name), a.sex is not b.sex)
        out.append(DuplicatePair(a, b, score, tuple(r for r in SCORES if r in why)))
    out.sort(key=lambda p: (-p.score, fold(p.a.full_name), p.a.id, p.b.id))
    return out


def mark_not_duplicate(session: Session, kind: str, record_id: int, resident_id: int,
                       today: date | None = None) -> None:
    """Remember that two residents (or a hand-typed person and a resident) are different
    people; the pair is never offered again. Marking twice is harmless."""
    if kind == KIND_RESIDENT:
        record_id, resident_id = sorted((record_id, resident_id))
    exists = session.scalar(select(NotDuplicate.id).where(
        NotDuplicate.kind == kind, NotDuplicate.record_id == record_id,
        NotDuplicate.resident_id == resident_id))
    if exists is None:
        session.add(NotDuplicate(kind=kind, record_id=record_id, resident_id=resident_id,
                                 marked_on=today or date.today()))


MERGE_BACKUP_EVERY = timedelta(minutes=30)  # one backup covers the merges made meanwhile


# -- merging ------------------------------------------------------------------------------------
MERGE_FIELDS = [
    ("full_name", "Họ và tên"), ("birth_date", "Ngày sinh"), ("sex", "Giới tính"),
    ("id_number", "Số định danh cá nhân"), ("old_id_number", "Số CMND cũ"),
    ("phone", "Số điện thoại"), ("occupation", "Nghề nghiệp"), ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"), ("notes", "Ghi chú"),
    ("household", "Hộ, quan hệ với chủ hộ, cư trú"),
]
HOUSEHOLD_PART = ("household_id", "relation", "residence_kind", "residence_from",
                  "residence_to", "moved_out_on", "moved_out_reason")
_COLUMNS = ("full_name", "name_folded", "birth_date", "sex", "id_number", "old_id_number",
            "phone", "occupation", "ethnicity", "religion", "notes", *HOUSEHOLD_PART,
            "merged_into_id")
_DATES = {"birth_date", "residence_from", "residence_to", "moved_out_on"}
_ENUMS = {"sex": Sex, "relation": Relationship, "residence_kind": ResidenceKind}


def _dump(r: Resident) -> dict:
    out = {}
    for name in _COLUMNS:
        value = getattr(r, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif name in _ENUMS and value is not None:
            value = value.value
        out[name] = value
    return out


def _load(r: Resident, values: dict) -> None:
    for name in _COLUMNS:
        if name not in values:  # a merge made before the column existed (ethnicity, religion)
            continue
        value = values[name]
        if name in _DATES and value is not None:
            value = date.fromisoformat(value)
        elif name in _ENUMS and value is not None:
            value = _ENUMS[name](value)
        setattr(r, name, value)


def _field_text(r: Resident, key: str, codes: dict[int, str]) -> str:
    if key == "household":
        where = f"hộ {codes.get(r.household_id, r.household_id)}, {r.relation.label}, " \
                f"{r.residence_kind.label}"
        if r.moved_out_on:
            where += f", chuyển đi {r.moved_out_on:%d/%m/%Y}"
        return where
    value = getattr(r, key)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Sex):
        return value.label
    return value or ""


def _two(s: Session, a_id: int, b_id: int) -> tuple[Resident, Resident]:
    if a_id == b_id:
        raise FieldError("Gộp", "hai hồ sơ phải khác nhau.")
    a, b = s.get(Resident, a_id), s.get(Resident, b_id)
    if a is None or b is None:
        raise FieldError("Gộp", "không tìm thấy hồ sơ; hãy tìm lại danh sách người trùng.")
    for r in (a, b):
        if r.merged_into_id is not None:
            raise FieldError("Gộp", f"hồ sơ {r.full_name} đã được gộp vào người khác.")
    return a, b


def _ref_of(s: Session, resident_id: int) -> PersonRef:
    row = s.execute(_people(select(*_person_columns())).where(Resident.id == resident_id)).one()
    return _ref(row)


def _links(s: Session, resident_id: int) -> tuple[int, int]:
    cases = s.scalar(select(func.count()).where(RehabCase.resident_id == resident_id))
    parties = s.scalar(select(func.count()).where(MediationParty.resident_id == resident_id))
    return cases, parties


def merge_preview(session: Session, a_id: int, b_id: int) -> MergePreview:
    a, b = _two(session, a_id, b_id)
    codes = dict(tuple(r) for r in session.execute(select(Household.id, Household.code).where(
        Household.id.in_({a.household_id, b.household_id}))))
    fields = [MergeField(key, label, _field_text(a, key, codes), _field_text(b, key, codes))
              for key, label in MERGE_FIELDS]
    return MergePreview(_ref_of(session, a_id), _ref_of(session, b_id), fields,
                        {a_id: _links(session, a_id), b_id: _links(session, b_id)})


def _member(r: Resident) -> MemberData:
    return MemberData(
        full_name=r.full_name, birth_date=r.birth_date, sex=r.sex, relation=r.relation,
        residence_kind=r.residence_kind, id_number=r.id_number or "",
        old_id_number=r.old_id_number or "", residence_from=r.residence_from,
        residence_to=r.residence_to, phone=r.phone, occupation=r.occupation, notes=r.notes,
        moved_out_on=r.moved_out_on, moved_out_reason=r.moved_out_reason, id=r.id,
        ethnicity=r.ethnicity or "", religion=r.religion or "")


EMPTIED = "Không còn nhân khẩu sau khi gộp người trùng"


def _settle_households(s: Session, household_ids: Iterable[int], today: date,
                       changed: dict) -> None:
    """After moving people: each living household still has exactly one head among its living
    members (else FieldError, and the transaction rolls back); one left with nobody is marked
    moved away (recorded in ``changed`` for undo); the list columns are recomputed."""
    for hid in sorted(set(household_ids)):
        h = s.get(Household, hid)
        s.refresh(h, ["residents"])
        members = [_member(r) for r in h.residents]
        active = [m for m in members if m.active]
        if h.moved_out_on is None:
            if not active:
                changed[str(hid)] = {"moved_out_on": None, "moved_out_reason": h.moved_out_reason}
                h.moved_out_on, h.moved_out_reason = today, EMPTIED
            else:
                heads = [m for m in active if m.relation is Relationship.HEAD]
                if len(heads) != 1:
                    raise FieldError(
                        "Hộ, quan hệ với chủ hộ",
                        f"sau khi gộp, hộ {h.code} sẽ có {len(heads)} chủ hộ; hãy chọn lại "
                        "hộ và quan hệ, hoặc sửa chủ hộ của hộ đó trước khi gộp.")
        HouseholdService._refresh_cache(h, members)


def merge(session: Session, keep_id: int, drop_id: int, take: dict[str, int] | None = None,
          today: date | None = None) -> int:
    """Merge resident ``drop_id`` into ``keep_id``, inside the caller's transaction; return the
    merge's id. ``take`` maps a MERGE_FIELDS key to the resident whose value the survivor keeps
    (by default its own). Rehabilitation cases and mediation parties of the merged-away record
    move to the survivor. Raises FieldError (the caller's transaction must then roll back)."""
    today = today or date.today()
    take = take or {}
    keep, drop = _two(session, keep_id, drop_id)
    unknown = set(take) - {k for k, _ in MERGE_FIELDS}
    if unknown or set(take.values()) - {keep_id, drop_id}:
        raise FieldError("Gộp", "lựa chọn không hợp lệ.")
    before = {"survivor": _dump(keep), "merged": _dump(drop)}
    values = {}
    for key, _label in MERGE_FIELDS:
        source = drop if take.get(key) == drop_id else keep
        for name in (HOUSEHOLD_PART if key == "household" else (key,)):
            values[name] = getattr(source, name)
    probe = _member(keep)
    for name, value in values.items():
        if name != "household_id":
            setattr(probe, name, value if value is not None or name in _DATES | {"sex"}
                    else "")
    errors = member_errors(probe, today)
    if errors:
        raise errors[0]
    number = values["id_number"]
    living = values["moved_out_on"] is None
    if number and living:
        other = session.execute(
            select(Resident.full_name, Household.code)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.id_number == number, Resident.moved_out_on.is_(None),
                   Resident.id.not_in((keep_id, drop_id)))).first()
        if other is not None:
            raise FieldError("Số định danh cá nhân",
                             f"{number} đã có ở nhân khẩu {other[0]}, hộ {other[1]}.")
    households = {keep.household_id, drop.household_id}
    survivor_code = session.get(Household, values["household_id"]).code
    # the merged-away record first, so that its ID number leaves the living-ID index
    drop.merged_into_id = keep.id
    if drop.moved_out_on is None:
        drop.moved_out_on = today
    drop.moved_out_reason = f"Đã gộp vào {values['full_name']} (hộ {survivor_code})"[:300]
    session.flush()
    for name, value in values.items():
        setattr(keep, name, value)
    keep.name_folded = fold(keep.full_name)
    session.flush()
    cases = list(session.scalars(select(RehabCase.id).where(RehabCase.resident_id == drop_id)))
    parties = list(session.scalars(select(MediationParty.id).where(
        MediationParty.resident_id == drop_id)))
    if cases:
        session.execute(update(RehabCase).where(RehabCase.id.in_(cases))
                        .values(resident_id=keep_id))
    if parties:
        session.execute(update(MediationParty).where(MediationParty.id.in_(parties))
                        .values(resident_id=keep_id))
    changed: dict = {}
    _settle_households(session, households, today, changed)
    before.update(rehab=cases, party=parties, households=changed)
    row = PersonMerge(survivor_id=keep_id, merged_id=drop_id, merged_on=today,
                      before=json.dumps(before, ensure_ascii=False))
    session.add(row)
    session.flush()
    audit.record(session, "merge", "resident", keep_id, survivor=keep_id, merged=drop_id,
                 rehab_cases=cases, parties=parties)
    return row.id


def undo_merge(session: Session, merge_id: int, today: date | None = None) -> None:
    """"Hoàn tác gộp": both records, their links and the households touched, exactly as they
    were before the merge. Inside the caller's transaction; FieldError when it cannot be."""
    today = today or date.today()
    m = session.get(PersonMerge, merge_id)
    if m is None:
        raise FieldError("Hoàn tác gộp", "không tìm thấy lần gộp này.")
    if m.undone_on is not None:
        raise FieldError("Hoàn tác gộp", f"lần gộp này đã được hoàn tác ngày "
                                         f"{m.undone_on:%d/%m/%Y}.")
    keep, drop = session.get(Resident, m.survivor_id), session.get(Resident, m.merged_id)
    if drop.merged_into_id != keep.id:
        raise FieldError("Hoàn tác gộp", "hồ sơ đã gộp không còn như lúc gộp.")
    if keep.merged_into_id is not None:
        raise FieldError("Hoàn tác gộp", f"{keep.full_name} đã được gộp tiếp vào người khác; "
                                         "hãy hoàn tác lần gộp đó trước.")
    before = json.loads(m.before)
    households = {keep.household_id, drop.household_id,
                  before["survivor"]["household_id"], before["merged"]["household_id"]}
    for hid, values in before["households"].items():
        h = session.get(Household, int(hid))
        h.moved_out_on = (date.fromisoformat(values["moved_out_on"])
                          if values["moved_out_on"] else None)
        h.moved_out_reason = values["moved_out_reason"]
    _load(keep, before["survivor"])
    session.flush()
    _load(drop, before["merged"])
    session.flush()
    if before["rehab"]:
        session.execute(update(RehabCase).where(RehabCase.id.in_(before["rehab"]),
                                                RehabCase.resident_id == keep.id)
                        .values(resident_id=drop.id))
    if before["party"]:
        session.execute(update(MediationParty).where(MediationParty.id.in_(before["party"]),
                                                     MediationParty.resident_id == keep.id)
                        .values(resident_id=drop.id))
    for hid in households:
        h = session.get(Household, hid)
        session.refresh(h, ["residents"])
        HouseholdService._refresh_cache(h, [_member(r) for r in h.residents])
    m.undone_on = today


# -- hand-typed people in rehabilitation and mediation records -------------------------------
def hand_typed_matches(session: Session, area_id: int | None = None) -> list[LinkCandidate]:
    """Hand-typed people (not linked to a resident) of rehabilitation cases and mediation
    parties who are probably a resident of the register, with their best match."""
    out = []
    cases = select(RehabCase).where(RehabCase.resident_id.is_(None))
    if area_id is not None:
        cases = cases.where(RehabCase.area_id == area_id)
    for c in session.scalars(cases.order_by(RehabCase.id)):
        found = probable_matches(session, c.person_name, c.birth_date, None, c.id_number,
                                 c.area_id, sex=c.sex, record=(KIND_REHAB, c.id), limit=1)
        if found:
            born = f", sinh {c.birth_date:%d/%m/%Y}" if c.birth_date else ""
            out.append(LinkCandidate(KIND_REHAB, c.id, c.person_name,
                                     f"Hồ sơ quản lý, giúp đỡ: {c.regime.label}{born}",
                                     found[0]))
    parties = (select(MediationParty, MediationCase.received_on, MediationTeam.area_id)
               .join(MediationCase, MediationCase.id == MediationParty.case_id)
               .join(MediationTeam, MediationTeam.id == MediationCase.team_id)
               .where(MediationParty.resident_id.is_(None)))
    if area_id is not None:
        parties = parties.where(MediationTeam.area_id == area_id)
    for p, received, team_area in session.execute(parties.order_by(MediationParty.id)):
        year = p.birth_year or (received.year - p.age if p.age else None)
        if year is None:
            continue
        found = probable_matches(session, p.full_name, None, year, None, team_area,
                                 record=(KIND_PARTY, p.id), limit=1)
        if found:
            out.append(LinkCandidate(KIND_PARTY, p.id, p.full_name,
                                     f"Bên hòa giải, vụ ngày {received:%d/%m/%Y}, sinh năm "
                                     f"{year}", found[0]))
    out.sort(key=lambda c: (-c.match.score, fold(c.name)))
    return out


def _record(session: Session, kind: str, record_id: int):
    model = {KIND_REHAB: RehabCase, KIND_PARTY: MediationParty}.get(kind)
    row = session.get(model, record_id) if model is not None else None
    if row is None:
        raise FieldError("Liên kết", "không tìm thấy hồ sơ.")
    return row


def link_record(session: Session, kind: str, record_id: int, resident_id: int) -> None:
    """Link a hand-typed person to the resident (the record keeps its own particulars)."""
    row = _record(session, kind, record_id)
    if row.resident_id is not None:
        raise FieldError("Liên kết", "hồ sơ này đã gắn với một người trong sổ hộ khẩu.")
    resident = session.get(Resident, resident_id)
    if resident is None or resident.merged_into_id is not None:
        raise FieldError("Liên kết", "không tìm thấy người trong sổ hộ khẩu.")
    row.resident_id = resident_id


def unlink_record(session: Session, kind: str, record_id: int) -> None:
    _record(session, kind, record_id).resident_id = None


# -- the service the GUI calls -----------------------------------------------------------------
@dataclass
class DuplicateService:
    db: Database
    _codes: dict = field(default_factory=dict, repr=False)
    _backed_up_at: datetime | None = field(default=None, repr=False)

    def _backup_first(self, now: datetime | None = None) -> None:
        """A verified backup before a merge ("Trước khi gộp dữ liệu", issue 12): before the
        first merge of this service (one opening of the dialog) and again once
        MERGE_BACKUP_EVERY has passed, not before each of a dozen merges in a row. A backup
        that fails stops the merge. A server database is backed up by its administrator."""
        if not self.db.is_sqlite:
            return
        now = now or datetime.now()
        if self._backed_up_at is not None and now - self._backed_up_at < MERGE_BACKUP_EVERY:
            return
        from .backup import BEFORE_MERGE, BackupError, backup_now

        try:
            backup_now(self.db, BEFORE_MERGE, now=now)
        except BackupError as exc:
            raise FieldError("Gộp hồ sơ", f"chưa gộp vì không sao lưu được trước: {exc}") \
                from None
        self._backed_up_at = now

    def matches(self, name: str, birth_date: date | None = None, birth_year: int | None = None,
                id_number: str | None = None, area_id: int | None = None, **kw) -> list[Match]:
        with self.db.session() as s:
            return probable_matches(s, name, birth_date, birth_year, id_number, area_id, **kw)

    def scan(self, area_id: int | None = None) -> list[DuplicatePair]:
        with self.db.session() as s:
            return scan(s, area_id)

    def mark_not_duplicate(self, a_id: int, b_id: int, kind: str = KIND_RESIDENT,
                           today: date | None = None) -> None:
        def mark() -> None:
            with self.db.session.begin() as s:
                mark_not_duplicate(s, kind, a_id, b_id, today)

        # two officers saying it of the same pair at once: the second finds it marked
        once_more_on_race(mark, ["not_duplicate_pair"])

    def preview(self, a_id: int, b_id: int) -> MergePreview:
        with self.db.session() as s:
            return merge_preview(s, a_id, b_id)

    def merge(self, keep_id: int, drop_id: int, take: dict[str, int] | None = None,
              today: date | None = None) -> int:
        """One transaction: everything or nothing, after a verified backup."""
        self._backup_first()
        with unique_errors({"resident_id_number": lambda: FieldError(
                "Số định danh cá nhân", "trùng với số của một người khác đang cư trú.")}), \
                self.db.session.begin() as s:
            return merge(s, keep_id, drop_id, take, today)

    def undo(self, merge_id: int, today: date | None = None) -> None:
        with unique_errors({"resident_id_number": lambda: FieldError(
                "Hoàn tác gộp", "số định danh của hồ sơ cũ nay đã ghi cho một người khác "
                                "đang cư trú; hãy sửa số đó trước.")}), \
                self.db.session.begin() as s:
            undo_merge(s, merge_id, today)

    def merges(self, limit: int = 200) -> list[MergeRow]:
        keep, drop = Resident.__table__.alias("keep"), Resident.__table__.alias("dropped")
        stmt = (select(PersonMerge.id, PersonMerge.merged_on, keep.c.full_name,
                       drop.c.full_name, PersonMerge.undone_on)
                .join(keep, keep.c.id == PersonMerge.survivor_id)
                .join(drop, drop.c.id == PersonMerge.merged_id)
                .order_by(PersonMerge.id.desc()).limit(limit))
        with self.db.session() as s:
            return [MergeRow(*r) for r in s.execute(stmt)]

    def hand_typed(self, area_id: int | None = None) -> list[LinkCandidate]:
        with self.db.session() as s:
            return hand_typed_matches(s, area_id)

    def link(self, kind: str, record_id: int, resident_id: int) -> None:
        with self.db.session.begin() as s:
            link_record(s, kind, record_id, resident_id)

    def unlink(self, kind: str, record_id: int) -> None:
        with self.db.session.begin() as s:
            unlink_record(s, kind, record_id)

    def household_of(self, resident_id: int) -> int:
        with self.db.session() as s:
            return s.scalar(select(Resident.household_id).where(Resident.id == resident_id))


def pairs_ids(pairs: Sequence[DuplicatePair]) -> set[tuple[int, int]]:
    """The (a, b) ids of pairs, for tests and callers that compare scans."""
    return {(p.a.id, p.b.id) for p in pairs}
