"""The households kind: rows of residents grouped into households, matched against the register
and written with HouseholdService's own rules (member_errors, household_errors, the ID-number
and code checks), through bulk inserts for the new households (services/bulk.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..db.models import Area, Household, HouseholdSearch, HouseholdSignup, Resident
from ..db.models.mediation import MediationParty
from ..db.models.rehabilitation import RehabCase
from ..enums import Relationship, ResidenceKind, Sex
from ..services.bulk import bulk
from ..services.duplicates import Probe, probable_matches_many
from ..services.households import (
    HouseholdData,
    HouseholdService,
    MemberData,
    _clean_member,
    _search_text,
    household_errors,
    member_errors,
    name_sort_key,
)
from ..text import clean_line, fold, normalize
from ..validation import FieldError, check_label, LEN_NAME
from .service import Options, Report, Row
from .values import Birth

CHUNK = 500  # IN (…) lists and insert batches
MEMBER_FIELDS = ("full_name", "birth_date", "sex", "relation", "residence_kind", "id_number",
                 "old_id_number", "residence_from", "residence_to", "phone", "occupation",
                 "ethnicity", "religion", "notes")


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class Group:
    rows: list[Row] = field(default_factory=list)
    code: str | None = None
    area_id: int | None = None
    address: str = ""
    existing_id: int | None = None
    failed: bool = False

    def fail(self, row: Row, message: str) -> None:
        row.errors.append(message)
        self.failed = True


# -- grouping -----------------------------------------------------------------------------------
def _is_head(row: Row) -> bool:
    return row.values.get("relation") is Relationship.HEAD


def group_rows(rows: list[Row], has_code: bool, has_relation: bool) -> list[Group]:
    """Consecutive rows under one household number are one household; without a number column a
    new household starts at each head. Blank numbers are never taken as equal: a row without a
    number starts a household when it is a head and otherwise continues only a household that
    has no number either."""
    groups: list[Group] = []
    seen: dict[str, int] = {}
    current: Group | None = None
    for row in rows:
        code = row.values.get("code") if has_code else None
        if code:
            if current is not None and current.code == code:
                current.rows.append(row)
                continue
            if code in seen:
                row.errors.append(f"Số hộ {code} đã có ở dòng {seen[code]}, không liền nhau: "
                                  "các nhân khẩu của một hộ phải đứng liền nhau.")
                current = None
                continue
            seen[code] = row.number
            current = Group([row], code=code)
            groups.append(current)
            continue
        starts = _is_head(row) or not has_relation
        if starts:
            current = Group([row])
            groups.append(current)
        elif current is not None and current.code is None:
            current.rows.append(row)
        else:
            row.errors.append("Chưa có số hộ và dòng này không đứng sau chủ hộ của một hộ: "
                              "không biết thuộc hộ nào." if has_code else
                              "Dòng đầu của một hộ phải là chủ hộ (cột “Quan hệ với chủ hộ”).")
            current = None
    return groups


# -- areas --------------------------------------------------------------------------------------
class Areas:
    def __init__(self, s: Session, create: bool, report: Report):
        self.s, self.create, self.report = s, create, report
        self.rows = list(s.execute(select(Area.id, Area.name, Area.retired_on)))
        self.by_fold = {fold(n): (i, n, r) for i, n, r in self.rows}

    def find(self, name: str) -> tuple[int | None, str | None]:
        """(area id, None) or (None, message)."""
        key = fold(name)
        hit = self.by_fold.get(key)
        if hit is None and re.fullmatch(r"\d+", key):  # "5" for "Tổ dân phố số 5"
            ends = [v for k, v in self.by_fold.items() if re.search(rf"(^|\D){key}$", k)]
            hit = ends[0] if len(ends) == 1 else None
        if hit is not None:
            area_id, area_name, retired = hit
            if retired is not None:
                return None, f"Khu dân cư “{area_name}” đã thôi sử dụng."
            return area_id, None
        if not self.create:
            return None, (f"Khu dân cư “{name}” chưa có trong chương trình; thêm ở Tệp → Thông "
                          "tin đơn vị và khu dân cư, hoặc chọn tự tạo khu dân cư khi nhập.")
        message = check_label(name, LEN_NAME)
        if message:
            return None, f"Tên khu dân cư: {message}"
        name = normalize(name)
        order = (self.s.scalar(select(func.max(Area.sort_order))) or 0) + 1
        area = Area(name=name, sort_order=order)
        self.s.add(area)
        self.s.flush()
        self.by_fold[key] = (area.id, name, None)
        self.report.areas_created.append(name)
        return area.id, None


# -- rows → members -----------------------------------------------------------------------------
def _member(row: Row, first: bool, has_relation: bool) -> MemberData:
    v = row.values
    birth: Birth | None = v.get("birth")
    sex = v.get("sex")
    for key, implied in (("birth_male", Sex.MALE), ("birth_female", Sex.FEMALE)):
        if key in v:
            if birth is not None:
                row.errors.append("Có ngày sinh ở cả hai cột (Nam và Nữ, hoặc cột Ngày sinh).")
            birth = v[key]
            if sex is not None and sex is not implied:
                row.errors.append(f"Giới tính “{sex.label}” không khớp cột ngày sinh "
                                  f"{implied.label}.")
            sex = implied
    relation = v.get("relation")
    if relation is None:
        relation = Relationship.HEAD if (first or not has_relation) else None
        if relation is None:
            row.errors.append("Cột “Quan hệ với chủ hộ”: chưa nhập.")
            relation = Relationship.OTHER
    m = MemberData(
        full_name=v.get("full_name") or "", birth_date=birth.day if birth else None, sex=sex,
        relation=relation, residence_kind=v.get("residence_kind") or ResidenceKind.PERMANENT,
        id_number=v.get("id_number") or "", old_id_number=v.get("old_id_number") or "",
        residence_from=v.get("residence_from"), residence_to=v.get("residence_to"),
        phone=v.get("phone") or "", occupation=v.get("occupation") or "",
        ethnicity=v.get("ethnicity") or "", religion=v.get("religion") or "",
        notes=v.get("notes") or "")
    m.year_only = bool(birth and birth.year_only)  # type: ignore[attr-defined]
    return _clean_member(m)


def _merge(stored: MemberData, new: MemberData, row: Row, mode: str) -> bool:
    """Apply ``new`` (from the file) to ``stored`` in ``mode``; an empty cell never erases."""
    changed = False
    for name in MEMBER_FIELDS:
        key = {"birth_date": "birth"}.get(name, name)
        if key not in row.values and name not in ("birth_date", "sex"):
            continue
        value = getattr(new, name)
        if value in (None, ""):
            continue
        current = getattr(stored, name)
        if mode == "fill" and current not in (None, ""):
            continue
        if name == "birth_date" and getattr(new, "year_only", False) and current is not None \
                and current.year == value.year:
            continue  # a full stored date is better than the file's year alone
        if current != value:
            setattr(stored, name, value)
            changed = True
    if changed and getattr(new, "year_only", None) is not None:
        stored.year_only = getattr(new, "year_only")  # type: ignore[attr-defined]
    return changed


def _attach(errors: list[FieldError], members: list[tuple[Row, MemberData]], first: Row) -> None:
    """Put each FieldError on the row of the member it names (else the household's first)."""
    by_name = {}
    for row, m in members:
        by_name.setdefault(normalize(m.full_name) or "Nhân khẩu chưa có tên", row)
    for e in errors:
        row = by_name.get(e.row, first) if e.row else first
        row.errors.append(f"{e.field}: {e.message}")


# -- lookups ------------------------------------------------------------------------------------
def _lookup(s: Session, groups: list[Group], area_of: dict[int, int]):
    codes = sorted({g.code for g in groups if g.code})
    households = {}
    for part in _chunks(codes):
        for hid, code, moved in s.execute(select(Household.id, Household.code,
                                                 Household.moved_out_on)
                                          .where(Household.code.in_(part))):
            households[code] = (hid, moved)
    numbers = sorted({r.values["id_number"] for g in groups for r in g.rows
                      if r.values.get("id_number")})
    by_number = {}
    for part in _chunks(numbers):
        stmt = (select(Resident.id_number, Resident.id, Resident.household_id,
                       Resident.full_name, Household.code)
                .join(Household, Household.id == Resident.household_id)
                .where(Resident.id_number.in_(part), Resident.moved_out_on.is_(None)))
        for number, rid, hid, name, code in s.execute(stmt):
            by_number[number] = (rid, hid, name, code)
    names = sorted({fold(r.values.get("full_name") or "") for g in groups for r in g.rows
                    if not r.values.get("id_number") and r.values.get("full_name")})
    by_name: dict[tuple, tuple] = {}
    for part in _chunks(names):
        stmt = (select(Resident.name_folded, Resident.birth_date, Household.area_id, Resident.id,
                       Resident.household_id)
                .join(Household, Household.id == Resident.household_id)
                .where(Resident.name_folded.in_(part), Resident.moved_out_on.is_(None),
                       Household.moved_out_on.is_(None)))
        for folded, born, area, rid, hid in s.execute(stmt):
            by_name.setdefault((folded, born, area), (rid, hid))
    return households, by_number, by_name


def _stored(h: Household) -> HouseholdData:
    members = []
    for r in h.residents:
        m = MemberData(id=r.id, full_name=r.full_name, birth_date=r.birth_date, sex=r.sex,
                       relation=r.relation, residence_kind=r.residence_kind,
                       id_number=r.id_number or "", old_id_number=r.old_id_number or "",
                       residence_from=r.residence_from, residence_to=r.residence_to,
                       phone=r.phone, occupation=r.occupation, notes=r.notes,
                       ethnicity=r.ethnicity or "", religion=r.religion or "",
                       moved_out_on=r.moved_out_on, moved_out_reason=r.moved_out_reason)
        m.year_only = None  # type: ignore[attr-defined]  # unchanged unless the file sets it
        members.append(m)
    return HouseholdData(id=h.id, code=h.code, area_id=h.area_id, address=h.address,
                         members=members, notes=h.notes, moved_out_on=h.moved_out_on,
                         moved_out_reason=h.moved_out_reason, since=h.since)


def _resident_row(m: MemberData, hid: int, batch_id: int) -> dict:
    return {"household_id": hid, "full_name": m.full_name, "name_folded": fold(m.full_name),
            "birth_date": m.birth_date, "sex": m.sex, "id_number": m.id_number or None,
            "old_id_number": m.old_id_number or None, "relation": m.relation,
            "residence_kind": m.residence_kind, "residence_from": m.residence_from,
            "residence_to": m.residence_to, "phone": m.phone, "occupation": m.occupation,
            "ethnicity": m.ethnicity or None, "religion": m.religion or None,
            "notes": m.notes, "moved_out_on": None, "moved_out_reason": "",
            "birth_year_only": bool(getattr(m, "year_only", False)),
            "import_batch_id": batch_id}


def _next_codes(s: Session):
    codes = s.scalars(select(Household.code).where(Household.code.like("HK%"))
                      .order_by(Household.code.desc()).limit(50))
    top = max((int(c[2:]) for c in codes if c[2:].isdigit()), default=0)
    while True:
        top += 1
        yield f"HK{top:06d}"


# -- the saver ----------------------------------------------------------------------------------
def save_households(s: Session, db, rows: list[Row], options: Options, report: Report,
                    batch_id: int, tick) -> None:
    today = options.today or date.today()
    keys = {k for r in rows for k in r.values}
    mapped_code = any("code" in r.values for r in rows) or "code" in keys
    has_relation = "relation" in keys
    groups = group_rows(rows, mapped_code, has_relation)
    areas = Areas(s, options.create_areas, report)
    default_area = None
    if options.area:
        default_area, message = areas.find(options.area)
        if message:
            from .service import MappingError

            raise MappingError(message)

    # household-level cells: the first row that gives one; a different one later is an error
    for g in groups:
        area_name = address = None
        for row in g.rows:
            for key in ("area", "address"):
                value = row.values.get(key)
                held = area_name if key == "area" else address
                if value is None:
                    continue
                if held is None:
                    if key == "area":
                        area_name = value
                    else:
                        address = value
                elif fold(value) != fold(held):
                    g.fail(row, f"{'Khu dân cư' if key == 'area' else 'Địa chỉ'} “{value}” khác "
                                f"dòng đầu của hộ (“{held}”).")
        if area_name is not None:
            g.area_id, message = areas.find(area_name)
            if message:
                g.fail(g.rows[0], message)
        else:
            g.area_id = default_area
        g.address = clean_line(address or "")
    households, by_number, by_name = _lookup(s, groups, {})
    tick(0, 2 * len(rows), "Đang đối chiếu với sổ hộ…")

    codes = _next_codes(s)
    file_numbers: dict[str, tuple[int, str]] = {}
    new_households: list[tuple[Group, HouseholdData, list[tuple[Row, MemberData]]]] = []
    done = 0
    for number, g in enumerate(groups):
        done += len(g.rows)
        if number % 200 == 0:  # checking is the first half of the bar
            tick(done, 2 * len(rows), "Đang kiểm tra…")
        members = [(row, _member(row, i == 0, has_relation)) for i, row in enumerate(g.rows)]
        # the household this group is: by its number, else by a member already registered
        hid = None
        if g.code and g.code in households:
            hid, moved = households[g.code]
            if moved is not None:
                g.fail(g.rows[0], f"Số hộ: hộ {g.code} đã chuyển đi; không nhập thêm vào hộ "
                                  "đã chuyển đi.")
        matched: dict[int, int] = {}  # row number → resident id
        for row, m in members:
            hit = None
            if m.id_number and m.id_number in by_number:
                rid, rhid, name, code = by_number[m.id_number]
                hit = (rid, rhid)
            elif not m.id_number and m.birth_date and g.area_id is not None:
                hit = by_name.get((fold(m.full_name), m.birth_date, g.area_id))
            if hit is None:
                continue
            if hid is None and not g.code:
                hid = hit[1]
            if hit[1] != hid:
                if m.id_number:
                    rid, rhid, name, code = by_number[m.id_number]
                    g.fail(row, f"Số định danh cá nhân: {m.id_number} đã có ở nhân khẩu {name}, "
                                f"hộ {code}.")
                continue
            matched[row.number] = hit[0]
        for row, m in members:  # the file's own duplicate ID numbers, across households
            if m.id_number:
                if m.id_number in file_numbers and file_numbers[m.id_number][0] != row.number:
                    first, who = file_numbers[m.id_number]
                    g.fail(row, f"Số định danh cá nhân: {m.id_number} trùng với dòng {first} "
                                f"({who}).")
                else:
                    file_numbers[m.id_number] = (row.number, m.full_name)
        if any(r.errors for r in g.rows):
            g.failed = True
        if g.failed:
            continue
        if hid is not None:
            g.existing_id = hid
            if options.mode == "skip":
                report.skipped += 1
                continue
            _update_existing(s, g, hid, members, matched, options, report, today, batch_id)
            continue
        data = HouseholdData(code=g.code or "", area_id=g.area_id, address=g.address,
                             members=[m for _, m in members])
        if not data.code:
            data.code = next(codes)
            while data.code in households:
                data.code = next(codes)
        per_member = set()
        for row, m in members:
            errs = member_errors(m, today)
            per_member.update(str(e) for e in errs)
            for e in errs:
                row.errors.append(f"{e.field}: {e.message}")
        rest = [e for e in household_errors(data, today) if str(e) not in per_member]
        _attach(rest, members, g.rows[0])
        if any(r.errors for r in g.rows):
            g.failed = True
            continue
        new_households.append((g, data, members))

    # a household held back by one bad row: its other rows say why
    for g in groups:
        if g.failed or any(r.errors for r in g.rows):
            bad = next((r.number for r in g.rows if r.errors), g.rows[0].number)
            for r in g.rows:
                if not r.errors:
                    report.held[r.number] = (f"Chưa nhập: hộ này có lỗi ở dòng {bad}; cả hộ "
                                             "được nhập cùng nhau.")
    _warn_probable_duplicates(s, new_households, report)
    if any(r.errors for r in rows) and not options.partial and not options.dry_run:
        return  # nothing will be written: the caller rolls back
    _insert_new(s, new_households, batch_id, report, tick, len(rows))
    report.area_ids = sorted({g.area_id for g, _, _ in new_households if g.area_id}
                             | {g.area_id for g in groups if g.existing_id and g.area_id})


def _warn_probable_duplicates(s: Session, new_households, report: Report) -> None:
    """The duplicate finder's rules on the new people (issue 13): a row whose person is
    probably registered already (the same folded name and birth date, or name, birth year and
    area, in another household) gets a warning naming that resident. The row is still
    imported: whether it is the same person is for the officer (Tệp → Tìm người trùng…)."""
    probes, rows = [], {}
    for g, _data, members in new_households:
        for row, m in members:
            year_only = bool(getattr(m, "year_only", False))
            rows[row.number] = row
            probes.append(Probe(row.number, m.full_name, None if year_only else m.birth_date,
                                m.birth_date.year if m.birth_date else None,
                                m.id_number or "", g.area_id))
    for number, found in probable_matches_many(s, probes).items():
        rows[number].warnings.extend(f"Có thể trùng người đã có: {match.person.short} "
                            f"({match.reason_text})." for match in found)
        report.probable_duplicates += 1


def _update_existing(s: Session, g: Group, hid: int, members, matched, options: Options,
                     report: Report, today: date, batch_id: int) -> None:
    h = s.scalars(select(Household).options(selectinload(Household.residents))
                  .where(Household.id == hid)).one()
    data = _stored(h)
    by_id = {m.id: m for m in data.members}
    changed_people = 0
    added: list[tuple[Row, MemberData]] = []
    household_changed = False
    if g.address and (options.mode == "update" and fold(g.address) != fold(data.address)):
        data.address, household_changed = g.address, True
    if g.area_id is not None and options.mode == "update" and g.area_id != data.area_id:
        data.area_id, household_changed = g.area_id, True
    for row, m in members:
        rid = matched.get(row.number)
        stored = by_id.get(rid) if rid else next(
            (x for x in data.members if x.active and fold(x.full_name) == fold(m.full_name)
             and x.birth_date == m.birth_date), None)
        if stored is None:
            if "relation" not in row.values:
                m.relation = Relationship.OTHER
            data.members.append(m)
            added.append((row, m))
            continue
        if _merge(stored, m, row, options.mode):
            changed_people += 1
    if not (changed_people or added or household_changed):
        report.unchanged += 1
        return
    errors = household_errors(data, today)
    if errors:
        _attach(errors, [(r, m) for r, m in members], g.rows[0])
        g.failed = True
        return
    numbers = [m.id_number for m in data.members if m.id_number and m.active]
    own = {m.id for m in data.members if m.id}
    for part in _chunks(numbers):
        for rid, number, name, code in s.execute(
                select(Resident.id, Resident.id_number, Resident.full_name, Household.code)
                .join(Household, Household.id == Resident.household_id)
                .where(Resident.id_number.in_(part), Resident.moved_out_on.is_(None))):
            if rid not in own:
                g.fail(g.rows[0], f"Số định danh cá nhân: {number} đã có ở nhân khẩu {name}, "
                                  f"hộ {code}.")
                return
    h.address, h.area_id = data.address, data.area_id
    stored_rows = {r.id: r for r in h.residents}
    for m in data.members:
        r = stored_rows.get(m.id) if m.id else None
        if r is None:
            r = Resident(household_id=h.id, import_batch_id=batch_id)
            h.residents.append(r)
            r.moved_out_reason = ""
        r.full_name, r.name_folded = m.full_name, fold(m.full_name)
        r.birth_date, r.sex, r.relation = m.birth_date, m.sex, m.relation
        r.residence_kind = m.residence_kind
        r.id_number, r.old_id_number = m.id_number or None, m.old_id_number or None
        r.residence_from, r.residence_to = m.residence_from, m.residence_to
        r.phone, r.occupation, r.notes = m.phone, m.occupation, m.notes
        r.ethnicity, r.religion = m.ethnicity or None, m.religion or None
        if getattr(m, "year_only", None) is not None:
            r.birth_year_only = bool(m.year_only)
    HouseholdService._refresh_cache(h, data.members)
    s.flush()
    report.updated += 1
    report.people_updated += changed_people
    report.people_created += len(added)


def _insert_new(s: Session, new, batch_id: int, report: Report, tick, total: int) -> None:
    done = 0
    for part in _chunks(new):
        rows = []
        for g, data, members in part:
            active = data.members
            head = next((m for m in active if m.relation is Relationship.HEAD), active[0])
            rows.append({"code": data.code, "area_id": data.area_id, "address": data.address,
                         "notes": "", "moved_out_on": None, "since": None,
                         "moved_out_reason": "", "head_name": head.full_name,
                         "head_sort": name_sort_key(head.full_name),
                         "residence_kind": head.residence_kind, "member_count": len(active),
                         "import_batch_id": batch_id})
        s.execute(bulk(Household), rows)
        ids = {code: (hid, unit) for code, hid, unit in s.execute(
            select(Household.code, Household.id, Household.unit_id).where(
                Household.code.in_([data.code for _, data, _ in part])))}
        people, search = [], []
        for g, data, members in part:
            hid, unit = ids[data.code]
            folded, lowered = _search_text(data.code, data.address, data.members)
            search.append({"household_id": hid, "unit_id": unit, "folded": folded,
                           "lower": lowered})
            people += [_resident_row(m, hid, batch_id) for m in data.members]
            done += len(g.rows)
        s.execute(bulk(Resident), people)
        s.execute(bulk(HouseholdSearch), search)
        report.created += len(part)
        report.people_created += len(people)
        tick(total + done, 2 * total, "Đang ghi…")  # writing: the second half


# -- undo ---------------------------------------------------------------------------------------
def undo_households(s: Session, batch_id: int) -> list[str]:
    """Remove the batch's households and residents that nothing touched since: no edit (a
    version past the first: every save adds one, whatever the clock), no member added, no sign-up, no case or mediation party naming one of
    its people. Updates the batch made to households already there are not undone."""
    made = list(s.execute(select(Household.id, Household.code, Household.version).where(Household.import_batch_id == batch_id)))
    people = list(s.execute(select(Resident.id, Resident.household_id, Resident.version)
                            .where(Resident.import_batch_id == batch_id)))
    own_households = {h.id for h in made}
    touched_people = {p.id for p in people if p.version > 1}
    referenced: set[int] = set()
    ids = [p.id for p in people]
    for part in _chunks(ids):
        referenced |= set(s.scalars(select(RehabCase.resident_id)
                                    .where(RehabCase.resident_id.in_(part))))
        referenced |= set(s.scalars(select(MediationParty.resident_id)
                                    .where(MediationParty.resident_id.in_(part))))
    blocked: dict[int, str] = {}
    hids = sorted(own_households)
    foreign: set[int] = set()
    signed: set[int] = set()
    for part in _chunks(hids):
        foreign |= set(s.scalars(select(Resident.household_id).where(
            Resident.household_id.in_(part),
            (Resident.import_batch_id.is_(None)) | (Resident.import_batch_id != batch_id))))
        signed |= set(s.scalars(select(HouseholdSignup.household_id)
                                .where(HouseholdSignup.household_id.in_(part))))
    by_household: dict[int, list] = {}
    for p in people:
        by_household.setdefault(p.household_id, []).append(p)
    for h in made:
        mine = by_household.get(h.id, [])
        if h.version > 1:
            blocked[h.id] = f"hộ {h.code} đã được sửa sau khi nhập"
        elif h.id in foreign:
            blocked[h.id] = f"hộ {h.code} có thêm nhân khẩu sau khi nhập"
        elif h.id in signed:
            blocked[h.id] = f"hộ {h.code} đã được ghi đăng ký năm"
        elif any(p.id in touched_people for p in mine):
            blocked[h.id] = f"hộ {h.code} có nhân khẩu đã được sửa sau khi nhập"
        elif any(p.id in referenced for p in mine):
            blocked[h.id] = (f"hộ {h.code} có nhân khẩu đã được dùng trong hồ sơ quản lý, giáo "
                             "dục hoặc vụ hòa giải")
    removable = [h.id for h in made if h.id not in blocked]
    # residents the batch added to households that were already there
    extra = [p for p in people if p.household_id not in own_households]
    extra_ok = [p.id for p in extra if p.id not in touched_people and p.id not in referenced]
    extra_kept = len(extra) - len(extra_ok)
    for part in _chunks(removable):
        s.execute(delete(HouseholdSearch).where(HouseholdSearch.household_id.in_(part)))
        s.execute(delete(Resident).where(Resident.household_id.in_(part)))
        s.execute(delete(Household).where(Household.id.in_(part)))
    refreshed = sorted({p.household_id for p in extra if p.id in set(extra_ok)})
    for part in _chunks(extra_ok):
        s.execute(delete(Resident).where(Resident.id.in_(part)))
    for hid in refreshed:
        h = s.scalars(select(Household).options(selectinload(Household.residents))
                      .where(Household.id == hid)).one()
        HouseholdService._refresh_cache(h, _stored(h).members)
    s.flush()
    lines = [f"Đã xóa {len(removable)} hộ và nhân khẩu của các hộ đó do lần nhập này tạo."]
    if extra_ok:
        lines.append(f"Đã xóa {len(extra_ok)} nhân khẩu lần nhập này thêm vào hộ có sẵn.")
    if blocked:
        shown = "; ".join(list(blocked.values())[:10])
        more = f" và {len(blocked) - 10} hộ khác" if len(blocked) > 10 else ""
        lines.append(f"Không hoàn tác được {len(blocked)} hộ: {shown}{more}.")
    if extra_kept:
        lines.append(f"Không xóa {extra_kept} nhân khẩu thêm vào hộ có sẵn vì đã được sửa "
                     "hoặc được dùng ở hồ sơ khác.")
    return lines


__all__ = ["save_households", "undo_households", "group_rows"]
