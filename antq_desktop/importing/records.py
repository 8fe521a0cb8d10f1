"""The kinds where one row is one record: rehabilitation cases, mediators (with their teams),
certification units and the movement activities (tips, patrols, outreach, weapons handed in).

Each kind is a ``Spec``: how a row becomes the record's fields, the keys an existing record is
found by (a second import of the same file creates nothing), the service's own rules on the
full record, how it is written and what keeps it from being undone. ``save_records`` and
``undo_records`` do the rest the same way for all of them (docs/IMPORT.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db.models import (
    CertRecord,
    CertUnit,
    Household,
    MediationCase,
    MediationTeam,
    Mediator,
    Outreach,
    Patrol,
    RehabCase,
    RehabEvaluation,
    RehabSupport,
    Resident,
    Tip,
    WeaponHandover,
)
from ..db.models.mediation import MediationCaseMediator
from ..enums import TipResult
from ..services import activities as act
from ..services.certification import unit_errors
from ..services.certification_rules import CertUnitData
from ..services.mediation import (
    TEAM_PREFIX,
    MediatorData,
    TeamData,
    _clean_mediator,
    default_team_name,
    mediator_errors,
    team_errors,
)
from ..services.rehabilitation import CaseData, _start_order_error, case_errors
from ..text import fold, lower, normalize
from ..validation import normalize_phone
from .households import Areas
from .service import MappingError, Options, Report, Row

CHUNK = 500
EMPTY = (None, "", False, 0)  # what "fill" fills


@dataclass
class Ctx:
    s: Session
    options: Options
    report: Report
    batch_id: int
    today: date
    areas: Areas
    default_area: int | None
    cache: dict = field(default_factory=dict)

    def area(self, row: Row) -> int | None:
        """The row's area id (its "Khu dân cư" cell, else the default area); an error on the
        row for an area that does not exist or is retired."""
        name = row.values.get("area")
        if name is None:
            return self.default_area
        area_id, message = self.areas.find(name)
        if message:
            row.errors.append(f"Khu dân cư: {message}")
        return area_id


@dataclass(frozen=True)
class Spec:
    model: type
    fields: tuple[str, ...]  # the record's attributes an import sets
    updatable: tuple[str, ...]  # those "update" and "fill" may change on a record already there
    build: Callable[[Ctx, Row], dict]  # the row's given fields (row.errors for what is wrong)
    defaults: dict  # a new record's value of the fields the row leaves empty
    keys: Callable[[dict], list]  # keys of a record (a row's full data, or a stored record's)
    check: Callable[[Ctx, dict, object | None], list[str]]  # the service's rules → messages
    write: Callable[[Ctx, object, dict], None]
    what: Callable[[dict], str]  # the record in a message ("tin báo ngày 02/03/2026")
    blocked: Callable[[Session, list], dict[int, str]] = lambda s, made: {}
    pick: Callable[[list, dict], object | None] = lambda found, data: found[0]
    prepare: Callable[[dict], dict] = lambda data: data  # the service's cleaning


def _stored(spec: Spec, obj) -> dict:
    return {f: getattr(obj, f) for f in spec.fields}


def _messages(errors) -> list[str]:
    out = []
    for e in errors:
        out.append(f"{e.field}: {e.message}")
    return out


def save_records(spec: Spec, s: Session, db, rows: list[Row], options: Options, report: Report,
                 batch_id: int, tick) -> None:
    today = options.today or date.today()
    areas = Areas(s, options.create_areas, report)
    default_area = None
    if options.area:
        default_area, message = areas.find(options.area)
        if message:
            raise MappingError(message)
    ctx = Ctx(s, options, report, batch_id, today, areas, default_area)
    index: dict[object, list] = {}
    for obj in s.scalars(select(spec.model)):
        for key in spec.keys(_stored(spec, obj)):
            index.setdefault(key, []).append(obj)
    seen: dict[object, int] = {}
    total = len(rows)
    for number, row in enumerate(rows):
        if number % 100 == 0:
            tick(number, total, "Đang kiểm tra và ghi…")
        if row.errors:
            continue
        given = spec.build(ctx, row)
        if row.errors:
            continue
        full = spec.prepare({**spec.defaults, **given})
        keys = spec.keys(full)
        twin = next((seen[k] for k in keys if k in seen), None)
        if twin is not None:
            row.errors.append(f"Trùng với dòng {twin} của tệp ({spec.what(full)}).")
            continue
        for k in keys:
            seen[k] = row.number
        found = [o for k in keys for o in index.get(k, [])]
        existing = spec.pick(list(dict.fromkeys(found)), full) if found else None
        if existing is None:
            messages = spec.check(ctx, full, None)
            if messages:
                row.errors.extend(messages)
                continue
            obj = spec.model(import_batch_id=batch_id)
            spec.write(ctx, obj, full)
            s.add(obj)
            s.flush()
            report.created += 1
            continue
        if options.mode == "skip":
            report.skipped += 1
            continue
        stored = _stored(spec, existing)
        merged, changed = dict(stored), False
        for name, value in spec.prepare({**stored, **given}).items():
            if name not in given or name not in spec.updatable or value in (None, ""):
                continue
            if options.mode == "fill" and stored[name] not in EMPTY:
                continue
            if stored[name] != value:
                merged[name], changed = value, True
        if not changed:
            report.unchanged += 1
            continue
        messages = spec.check(ctx, spec.prepare(merged), existing)
        if messages:
            row.errors.extend(messages)
            continue
        spec.write(ctx, existing, spec.prepare(merged))
        s.flush()
        report.updated += 1
    tick(total, total, "Đang ghi…")


def undo_records(spec: Spec, s: Session, batch_id: int, noun: str) -> list[str]:
    """Remove the batch's records that nothing touched since (not edited, nothing hanging on
    them); say how many and why the others stay."""
    made = list(s.scalars(select(spec.model).where(spec.model.import_batch_id == batch_id)))
    blocked = {o.id: f"{spec.what(_stored(spec, o))} đã được sửa sau khi nhập"
               for o in made if o.version > 1}  # every save adds one to the version
    for oid, why in spec.blocked(s, [o for o in made if o.id not in blocked]).items():
        blocked.setdefault(oid, why)
    removable = [o.id for o in made if o.id not in blocked]
    for i in range(0, len(removable), CHUNK):
        s.execute(delete(spec.model).where(spec.model.id.in_(removable[i:i + CHUNK])))
    s.flush()
    lines = [f"Đã xóa {len(removable)} {noun.lower()} do lần nhập này tạo."]
    if blocked:
        shown = "; ".join(list(blocked.values())[:10])
        more = f" và {len(blocked) - 10} bản ghi khác" if len(blocked) > 10 else ""
        lines.append(f"Không hoàn tác được {len(blocked)} {noun.lower()}: {shown}{more}.")
    return lines


def _in(s: Session, column, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for i in range(0, len(ids), CHUNK):
        out |= set(s.scalars(select(column).where(column.in_(ids[i:i + CHUNK]))))
    return out


def _day(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "?"


# -- rehabilitation cases --------------------------------------------------------------------------
_CASE_FIELDS = ("resident_id", "person_name", "birth_date", "sex", "id_number", "address",
                "area_id", "regime", "decision_number", "decision_date", "decision_signer",
                "start_date", "planned_end", "supervisor", "model", "notes")


def _case_build(ctx: Ctx, row: Row) -> dict:
    v = row.values
    out = {name: v[name] for name in ("sex", "id_number", "address", "regime",
                                      "decision_number", "decision_date", "decision_signer",
                                      "start_date", "planned_end", "supervisor", "model",
                                      "notes") if name in v}
    if "full_name" in v:
        out["person_name"] = v["full_name"]
    if "birth" in v:
        out["birth_date"] = v["birth"].day
    if "area" in v or ctx.default_area is not None:
        out["area_id"] = ctx.area(row)
    number = v.get("id_number")
    if number:  # the person in the register: the case is linked to them
        hit = ctx.s.execute(select(Resident.id, Household.area_id, Household.address)
                            .join(Household, Household.id == Resident.household_id)
                            .where(Resident.id_number == number,
                                   Resident.moved_out_on.is_(None))).first()
        if hit is not None:
            out["resident_id"] = hit[0]
            out.setdefault("area_id", hit[1])
            out.setdefault("address", hit[2])
    return out


def _case_keys(d: dict) -> list:
    out = []
    if d.get("id_number"):
        out.append(("id", d["id_number"], d["regime"]))
    if d.get("person_name") and d.get("birth_date"):
        out.append(("nb", fold(d["person_name"]), d["birth_date"], d["regime"]))
    return out or [("n", fold(d.get("person_name") or ""), d["regime"], d.get("start_date"))]


def _case_pick(found: list, d: dict):
    same = [c for c in found if c.start_date == d.get("start_date")]
    if same:
        return same[0]
    open_ = [c for c in found if c.closed_on is None]
    return open_[0] if open_ else None


def _case_check(ctx: Ctx, d: dict, existing) -> list[str]:
    data = CaseData(**{k: d[k] for k in _CASE_FIELDS})
    data.id_number = data.id_number or ""
    out = _messages(case_errors(data, ctx.today))
    if existing is not None and not out and d["start_date"] != existing.start_date:
        order = _start_order_error(existing, d["start_date"])
        if order is not None:
            out.append(f"{order.field}: {order.message}")
    return out


def _case_write(ctx: Ctx, c: RehabCase, d: dict) -> None:
    for name in _CASE_FIELDS:
        setattr(c, name, d[name])
    c.id_number = d["id_number"] or None
    c.name_folded = fold(d["person_name"])
    for name in ("decision_number", "decision_signer", "supervisor", "model"):
        setattr(c, name, normalize(d[name]))


def _case_blocked(s: Session, made: list) -> dict[int, str]:
    ids = [c.id for c in made]
    used = _in(s, RehabEvaluation.case_id, ids) | _in(s, RehabSupport.case_id, ids)
    return {c.id: f"hồ sơ {c.person_name} đã có đánh giá hoặc hỗ trợ" for c in made
            if c.id in used or c.closed_on is not None}


REHABILITATION = Spec(
    model=RehabCase, fields=_CASE_FIELDS,
    updatable=tuple(f for f in _CASE_FIELDS if f not in ("regime", "person_name")),
    build=_case_build,
    defaults={"resident_id": None, "person_name": "", "birth_date": None, "sex": None,
              "id_number": "", "address": "", "area_id": None, "regime": None,
              "decision_number": "", "decision_date": None, "decision_signer": "",
              "start_date": None, "planned_end": None, "supervisor": "", "model": "",
              "notes": ""},
    keys=_case_keys, check=_case_check, write=_case_write, blocked=_case_blocked,
    pick=_case_pick, prepare=lambda d: {**d, "id_number": d.get("id_number") or ""},
    what=lambda d: f"hồ sơ {d.get('person_name')}, bắt đầu {_day(d.get('start_date'))}",
)


# -- mediators (and their teams) -------------------------------------------------------------------
_MEDIATOR_FIELDS = ("team_id", "full_name", "sex", "birth_year", "phone", "decision_number",
                    "decision_date", "is_leader", "left_on", "left_reason")


def _teams(ctx: Ctx) -> dict:
    if "teams" not in ctx.cache:
        ctx.cache["teams"] = {
            "by_area": dict(iter(ctx.s.execute(select(MediationTeam.area_id, MediationTeam.id)))),
            "by_name": {fold(n): i for i, n in ctx.s.execute(
                select(MediationTeam.id, MediationTeam.name))},
        }
    return ctx.cache["teams"]


def _team_of(ctx: Ctx, row: Row) -> int | None:
    teams = _teams(ctx)
    name = row.values.get("team")
    area_id = None
    if "area" in row.values or (name is None and ctx.default_area is not None):
        area_id = ctx.area(row)
        if area_id is None:
            return None
    elif name is not None:
        if fold(name) in teams["by_name"]:
            return teams["by_name"][fold(name)]
        area_name = name[len(TEAM_PREFIX):].strip() if fold(name).startswith(
            fold(TEAM_PREFIX)) else name
        area_id, message = ctx.areas.find(area_name)
        if message:
            row.errors.append(f"Tổ hòa giải “{name}”: chưa có tổ này, và {message[0].lower()}"
                              f"{message[1:]}")
            return None
    else:
        row.errors.append("Chưa ghi khu dân cư hoặc tổ hòa giải của hòa giải viên.")
        return None
    if area_id in teams["by_area"]:
        return teams["by_area"][area_id]
    from ..db.models import Area

    area = ctx.s.get(Area, area_id)
    team = MediationTeam(area_id=area_id, name=name or default_team_name(area.name),
                         book_number="", import_batch_id=ctx.batch_id)
    ctx.s.add(team)
    ctx.s.flush()
    teams["by_area"][area_id] = team.id
    teams["by_name"][fold(team.name)] = team.id
    ctx.report.people_created += 1
    return team.id


def _mediator_build(ctx: Ctx, row: Row) -> dict:
    v = row.values
    out = {name: v[name] for name in ("sex", "birth_year", "phone", "decision_number",
                                      "decision_date", "is_leader", "left_on", "left_reason")
           if name in v}
    if "full_name" in v:
        out["full_name"] = v["full_name"]
    team_id = _team_of(ctx, row)
    if team_id is not None:
        out["team_id"] = team_id
    return out


def _mediator_data(d: dict, mid: int | None = None) -> MediatorData:
    return MediatorData(full_name=d["full_name"], sex=d["sex"], birth_year=d["birth_year"],
                        phone=d["phone"] or "", decision_number=d["decision_number"] or "",
                        decision_date=d["decision_date"], is_leader=bool(d["is_leader"]),
                        left_on=d["left_on"], left_reason=d["left_reason"] or "", id=mid)


def _mediator_prepare(d: dict) -> dict:
    m = _clean_mediator(_mediator_data(d))
    return {**d, "full_name": m.full_name, "phone": m.phone,
            "decision_number": m.decision_number, "left_reason": m.left_reason,
            "is_leader": bool(d["is_leader"])}


def _mediator_check(ctx: Ctx, d: dict, existing) -> list[str]:
    mine = _mediator_data(d, existing.id if existing is not None else None)
    errors = mediator_errors(mine, ctx.today)
    if errors:
        return [f"{e.field}: {e.message}" for e in errors]
    ctx.s.flush()
    others = [_mediator_data({f: getattr(m, f) for f in _MEDIATOR_FIELDS}, m.id)
              for m in ctx.s.scalars(select(Mediator).where(Mediator.team_id == d["team_id"]))
              if existing is None or m.id != existing.id]
    team = TeamData(area_id=0, mediators=others + [mine])
    return [f"{e.field}: {e.message}" for e in team_errors(team, ctx.today)
            if e.row is None or e.row == normalize(mine.full_name)]


def _mediator_write(ctx: Ctx, m: Mediator, d: dict) -> None:
    for name in _MEDIATOR_FIELDS:
        setattr(m, name, d[name])
    m.name_folded = fold(d["full_name"])


def _mediator_pick(found: list, d: dict):
    same = [m for m in found if d.get("birth_year") is None or m.birth_year is None
            or m.birth_year == d["birth_year"]]
    return same[0] if same else None


def _mediator_blocked(s: Session, made: list) -> dict[int, str]:
    used = _in(s, MediationCaseMediator.mediator_id, [m.id for m in made])
    return {m.id: f"hòa giải viên {m.full_name} đã được phân công hòa giải vụ, việc"
            for m in made if m.id in used}


MEDIATORS = Spec(
    model=Mediator, fields=_MEDIATOR_FIELDS,
    updatable=("sex", "birth_year", "phone", "decision_number", "decision_date", "is_leader",
               "left_on", "left_reason"),
    build=_mediator_build,
    defaults={"team_id": None, "full_name": "", "sex": None, "birth_year": None, "phone": "",
              "decision_number": "", "decision_date": None, "is_leader": False,
              "left_on": None, "left_reason": ""},
    keys=lambda d: [(d["team_id"], fold(d["full_name"]))],
    check=_mediator_check, write=_mediator_write, blocked=_mediator_blocked,
    pick=_mediator_pick, prepare=_mediator_prepare,
    what=lambda d: f"hòa giải viên {d.get('full_name')}",
)


def undo_mediators(s: Session, batch_id: int) -> list[str]:
    lines = undo_records(MEDIATORS, s, batch_id, "Hòa giải viên")
    teams = list(s.scalars(select(MediationTeam).where(MediationTeam.import_batch_id == batch_id)))
    ids = [t.id for t in teams]
    kept = _in(s, Mediator.team_id, ids) | _in(s, MediationCase.team_id, ids)
    gone = [t.id for t in teams if t.id not in kept and t.version == 1]
    if gone:
        s.execute(delete(MediationTeam).where(MediationTeam.id.in_(gone)))
        lines.append(f"Đã xóa {len(gone)} tổ hòa giải do lần nhập này tạo.")
    if len(gone) < len(teams):
        lines.append(f"Giữ lại {len(teams) - len(gone)} tổ hòa giải do lần nhập này tạo vì đã "
                     "có hòa giải viên, vụ việc hoặc đã được sửa.")
    return lines


# -- certification units ---------------------------------------------------------------------------
_UNIT_FIELDS = ("category", "name", "address", "head_name", "phone")


def _unit_check(ctx: Ctx, d: dict, existing) -> list[str]:
    data = CertUnitData(category=d["category"], name=d["name"], address=d["address"],
                        head_name=d["head_name"], phone=d["phone"])
    return _messages(unit_errors(data))


def _unit_write(ctx: Ctx, u: CertUnit, d: dict) -> None:
    if u.id is None:
        u.area_id, u.retired_on = None, None
    u.category, u.name, u.name_folded = d["category"], normalize(d["name"]), fold(d["name"])
    u.address, u.head_name = d["address"], normalize(d["head_name"])
    u.phone = normalize_phone(normalize(d["phone"]))


def _unit_blocked(s: Session, made: list) -> dict[int, str]:
    used = _in(s, CertRecord.unit_id, [u.id for u in made])
    return {u.id: f"{u.name} đã có hồ sơ đăng ký, đánh giá" for u in made if u.id in used}


CERT_UNITS = Spec(
    model=CertUnit, fields=_UNIT_FIELDS, updatable=("address", "head_name", "phone"),
    build=lambda ctx, row: {k: row.values[k] for k in _UNIT_FIELDS if k in row.values},
    defaults={"category": None, "name": "", "address": "", "head_name": "", "phone": ""},
    keys=lambda d: [(d["category"], lower(d["name"]))],
    check=_unit_check, write=_unit_write, blocked=_unit_blocked,
    what=lambda d: f"{d.get('name')}",
)


# -- movement activities ---------------------------------------------------------------------------
def _activity(kind: act.Kind, key_fields: tuple[str, ...], what: Callable[[dict], str]) -> Spec:
    spec = act.SPECS[kind]
    names = tuple(f.name for f in dataclasses.fields(spec.data))
    defaults = {f.name: (f.default if f.default is not dataclasses.MISSING else None)
                for f in dataclasses.fields(spec.data)}
    for name in ("content", "topic"):
        if name in defaults and defaults[name] is None:
            defaults[name] = ""

    def build(ctx: Ctx, row: Row) -> dict:
        out = {k: row.values[k] for k in names if k in row.values and k != "area_id"}
        if kind is act.Kind.TIP and out.get("result") in act.VALUABLE_RESULTS \
                and "valuable" not in out:
            out["valuable"] = True  # a tip that solved a case is a valuable tip
        out["area_id"] = ctx.area(row)
        return out

    def prepare(d: dict) -> dict:
        data = spec.data(**{k: d[k] for k in names})
        return dataclasses.asdict(act._clean(kind, data))

    def check(ctx: Ctx, d: dict, existing) -> list[str]:
        data = spec.data(**{k: d[k] for k in names})
        return _messages(act.activity_errors(kind, data, ctx.today))

    def write(ctx: Ctx, obj, d: dict) -> None:
        data = act._clean(kind, spec.data(**{k: d[k] for k in names}))
        for name in names:
            setattr(obj, name, getattr(data, name))
        obj.folded = act.search_text(kind, data)

    def keys(d: dict) -> list:
        return [tuple(fold(d[k]) if isinstance(d[k], str) else d[k] for k in key_fields)]

    return Spec(model=spec.model, fields=names,
                updatable=tuple(n for n in names if n not in key_fields),
                build=build, defaults=defaults, keys=keys, check=check, write=write,
                prepare=prepare, what=what)


TIPS = _activity(act.Kind.TIP, ("received_on", "area_id", "content"),
                 lambda d: f"tin báo ngày {_day(d.get('received_on'))}")
PATROLS = _activity(act.Kind.PATROL, ("held_on", "area_id", "notes"),
                    lambda d: f"tuần tra ngày {_day(d.get('held_on'))}")
OUTREACH = _activity(act.Kind.OUTREACH, ("held_on", "area_id", "kind", "topic"),
                     lambda d: f"tuyên truyền ngày {_day(d.get('held_on'))}")
WEAPONS = _activity(act.Kind.WEAPON, ("received_on", "area_id", "kind", "description"),
                    lambda d: f"thu hồi ngày {_day(d.get('received_on'))}")

SPECS: dict[str, tuple[Spec, str]] = {
    "rehabilitation": (REHABILITATION, "Hồ sơ"),
    "mediators": (MEDIATORS, "Hòa giải viên"),
    "cert_units": (CERT_UNITS, "Đơn vị"),
    "tips": (TIPS, "Tin báo"),
    "patrols": (PATROLS, "Lần tuần tra"),
    "outreach": (OUTREACH, "Buổi tuyên truyền"),
    "weapons": (WEAPONS, "Lần thu hồi"),
}


def saver(kind_id: str):
    spec = SPECS[kind_id][0]

    def save(s, db, rows, options, report, batch_id, tick):
        save_records(spec, s, db, rows, options, report, batch_id, tick)
    return save


def undoer(kind_id: str):
    spec, noun = SPECS[kind_id]
    if kind_id == "mediators":
        return undo_mediators
    return lambda s, batch_id: undo_records(spec, s, batch_id, noun)


__all__ = ["SPECS", "save_records", "undo_records", "saver", "undoer", "TipResult",
           "Iterable"]
