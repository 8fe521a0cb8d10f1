"""Year-end indicators of the movement as data (DOMAIN.md §5).

The indicators, their order, labels, units and section headings live in a JSON file:
``antq_desktop/resources/indicators.json`` ships with the app, and an ``indicators.json`` in the
data folder (next to the SQLite database file; the app's data folder for other databases)
replaces it, so a province's own layout is matched by editing that file, not the code.

Each indicator names a *source*: a function ``(session, year, params) -> {area_id: value}``
registered below that runs ONE grouped query (GROUP BY area) for the year. ``None`` keys hold
the records of the whole ward (no residential area). A value is a count, a sum (int or float) or
a :class:`Ratio` "x/y"; the ward total adds every key, ratios numerator to numerator and
denominator to denominator.

Figures are those of the calendar year as they stood at its end, or today for the current year
(the cut-off day): a mediation closed after it still counts as in progress, a model ended after
it as active. Rehabilitation and mediation follow the rules of
:mod:`~antq_desktop.services.rehab_stats` and :mod:`~antq_desktop.services.mediation_stats`
(and the tests check that the totals agree with them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .. import config
from ..db.engine import Database
from ..db.models import (
    Area,
    Award,
    CertRecord,
    CertUnit,
    Household,
    HouseholdSignup,
    MediationCase,
    MediationTeam,
    MovementModel,
    Outreach,
    Patrol,
    RehabCase,
    RehabEvaluation,
    Tip,
    WeaponHandover,
)
from ..enums import (
    AwardLevel,
    CertCategory,
    CertResult,
    MediationStatus,
    OutreachKind,
    Regime,
    TipResult,
    WeaponKind,
)
from ..regimes import IMPROVED
from .mediation_stats import year_bounds
from .rehab_stats import period_bounds

PACKAGED_PATH = Path(__file__).resolve().parents[1] / "resources" / "indicators.json"
OVERRIDE_NAME = "indicators.json"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class IndicatorError(Exception):
    """The indicator list cannot be used; the message is Vietnamese and names the item."""


# -- values -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ratio:
    """"x/y": households signed up of those living there, units recognised of those registered."""

    num: int
    den: int

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.num + other.num, self.den + other.den)

    @property
    def share(self) -> float | None:
        """x/y as a percentage, or None when y is 0."""
        return 100 * self.num / self.den if self.den else None

    def __str__(self) -> str:
        return f"{_thousands(self.num)}/{_thousands(self.den)}"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese groups thousands with dots


Value = int | float | Ratio
AreaValues = dict[int | None, Value]


def is_zero(value: Value) -> bool:
    return value == Ratio(0, 0) if isinstance(value, Ratio) else value == 0


@dataclass(frozen=True)
class Figures:
    """One indicator for one area (or the ward): last year, this year and the change."""

    last: Value
    this: Value

    @property
    def is_ratio(self) -> bool:
        return isinstance(self.this, Ratio)

    @property
    def delta(self) -> int | float | None:
        """This year minus last year; for a ratio, the change of its share in percentage
        points (None when either year has no denominator)."""
        if isinstance(self.this, Ratio):
            a, b = self.last.share, self.this.share
            return None if a is None or b is None else b - a
        return self.this - self.last

    @property
    def percent(self) -> float | None:
        """The change as a percentage of last year (None for ratios and when last year is 0)."""
        if isinstance(self.this, Ratio) or not self.last:
            return None
        return 100 * (self.this - self.last) / self.last

    @property
    def empty(self) -> bool:
        return is_zero(self.last) and is_zero(self.this)


# -- sources ------------------------------------------------------------------------------------
class Param:
    """What one parameter of a source accepts; ``parse`` returns the value the source uses or
    raises ValueError with the Vietnamese reason."""

    def __init__(self, kind: str, enum: type[Enum] | None = None, required: bool = False):
        self.kind, self.enum, self.required = kind, enum, required

    def _member(self, raw: Any) -> Enum:
        try:
            return self.enum(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in self.enum)
            raise ValueError(f"“{raw}” không phải giá trị hợp lệ (dùng một trong: {allowed})"
                             ) from None

    def parse(self, raw: Any) -> Any:
        if self.kind == "bool":
            if not isinstance(raw, bool):
                raise ValueError("phải là true hoặc false")
            return raw
        if self.kind == "one":
            return self._member(raw)
        if not isinstance(raw, list) or not raw:
            raise ValueError("phải là một danh sách không rỗng, ví dụ [\"…\"]")
        if self.kind == "texts":
            if not all(isinstance(x, str) and x.strip() for x in raw):
                raise ValueError("phải là danh sách chữ")
            return tuple(x.strip().lower() for x in raw)
        return tuple(self._member(x) for x in raw)


BOOL = Param("bool")


SourceFn = Callable[..., AreaValues]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    fn: SourceFn
    params: Mapping[str, Param]
    ratio: bool = False


_SOURCES: dict[str, SourceSpec] = {}


def register_source(name: str, *, ratio: bool = False, **params: Param):
    """Register ``fn(session, year, params, today=None) -> {area_id: value}`` under ``name``."""
    def wrap(fn: SourceFn) -> SourceFn:
        _SOURCES[name] = SourceSpec(name, fn, params, ratio)
        return fn
    return wrap


def source(name: str) -> SourceFn:
    """The source function registered as ``name``: ``(session, year, params) -> values``."""
    try:
        return _SOURCES[name].fn
    except KeyError:
        raise IndicatorError(f"Không có nguồn số liệu “{name}”. Các nguồn có: "
                             f"{', '.join(source_names())}.") from None


def source_names() -> list[str]:
    return sorted(_SOURCES)


def _bounds(year: int, today: date | None) -> tuple[date, date]:
    """The year's first day and the cut-off day: its last day, or today for the current year."""
    start, end = year_bounds(year)
    return start, min(end, today or date.today())


def _collect(s: Session, stmt, ratio: bool = False, as_float: bool = False) -> AreaValues:
    """Read ``(area_id, value)`` or ``(area_id, num, den)`` rows of a grouped query."""
    out: AreaValues = {}
    for row in s.execute(stmt):
        if ratio:
            out[row[0]] = Ratio(int(row[1] or 0), int(row[2] or 0))
        else:
            out[row[0]] = float(row[1] or 0) if as_float else int(row[1] or 0)
    return out


def _within(column, start: date, cutoff: date):
    return and_(column >= start, column <= cutoff)


# movement models
def _active_models(column, year, today):
    _, cutoff = _bounds(year, today)
    return (select(MovementModel.area_id, column)
            .where(MovementModel.started_on <= cutoff,
                   or_(MovementModel.ended_on.is_(None), MovementModel.ended_on > cutoff))
            .group_by(MovementModel.area_id))


@register_source("models.count")
def models_count(s: Session, year: int, params: Mapping, today: date | None = None) -> AreaValues:
    """Models active on the cut-off day (started by then, not ended by then)."""
    return _collect(s, _active_models(func.count(), year, today))


@register_source("models.members")
def models_members(s: Session, year: int, params: Mapping,
                   today: date | None = None) -> AreaValues:
    """Members of the models active on the cut-off day (as recorded now)."""
    return _collect(s, _active_models(func.sum(MovementModel.members), year, today))


# rehabilitation: the definitions of rehab_stats.RehabStats.year_summary
def _rehab_in_year(year: int, params: Mapping):
    start, end = period_bounds(year, None)
    cond = [RehabCase.start_date <= end,
            or_(RehabCase.closed_on.is_(None), RehabCase.closed_on >= start)]
    if "regimes" in params:
        cond.append(RehabCase.regime.in_(params["regimes"]))
    return cond


@register_source("rehab.managed", regimes=Param("many", Regime))
def rehab_managed(s: Session, year: int, params: Mapping, today: date | None = None) -> AreaValues:
    """People under management at some time in the year."""
    return _collect(s, select(RehabCase.area_id, func.count())
                    .where(*_rehab_in_year(year, params)).group_by(RehabCase.area_id))


@register_source("rehab.received", regimes=Param("many", Regime))
def rehab_received(s: Session, year: int, params: Mapping,
                   today: date | None = None) -> AreaValues:
    """People whose case started in the year."""
    start, _ = period_bounds(year, None)
    return _collect(s, select(RehabCase.area_id, func.count())
                    .where(*_rehab_in_year(year, params), RehabCase.start_date >= start)
                    .group_by(RehabCase.area_id))


@register_source("rehab.improved", regimes=Param("many", Regime))
def rehab_improved(s: Session, year: int, params: Mapping,
                   today: date | None = None) -> AreaValues:
    """People whose latest evaluation of the year is A or "tiến bộ" (regimes.IMPROVED)."""
    latest = (select(RehabEvaluation.case_id, func.max(RehabEvaluation.period_no).label("no"))
              .where(RehabEvaluation.period_year == year)
              .group_by(RehabEvaluation.case_id).subquery())
    stmt = (select(RehabCase.area_id, func.count())
            .join(latest, latest.c.case_id == RehabCase.id)
            .join(RehabEvaluation, and_(RehabEvaluation.case_id == RehabCase.id,
                                        RehabEvaluation.period_year == year,
                                        RehabEvaluation.period_no == latest.c.no))
            .where(*_rehab_in_year(year, params),
                   RehabEvaluation.classification.in_(IMPROVED))
            .group_by(RehabCase.area_id))
    return _collect(s, stmt)


# mediation: the definitions of mediation_stats.MediationStats.year_outcomes
@register_source("mediation.count", outcome=Param("one", MediationStatus))
def mediation_count(s: Session, year: int, params: Mapping,
                    today: date | None = None) -> AreaValues:
    """Cases received in the year up to the cut-off day; with ``outcome``, those whose outcome
    on the cut-off day was that one (a case closed later is still in progress)."""
    start, cutoff = _bounds(year, today)
    stmt = (select(MediationTeam.area_id, func.count()).select_from(MediationCase)
            .join(MediationTeam, MediationTeam.id == MediationCase.team_id)
            .where(_within(MediationCase.received_on, start, cutoff)))
    outcome = params.get("outcome")
    closed_by_cutoff = and_(MediationCase.closed_on.is_not(None),
                            MediationCase.closed_on <= cutoff)
    if outcome is MediationStatus.IN_PROGRESS:
        stmt = stmt.where(or_(MediationCase.status == outcome, ~closed_by_cutoff))
    elif outcome is not None:
        stmt = stmt.where(MediationCase.status == outcome, closed_by_cutoff)
    return _collect(s, stmt.group_by(MediationTeam.area_id))


# dated events: tips, weapons handed in, outreach, patrols, awards
def _filter(stmt, column, param: Param, value):
    if param.kind == "bool":
        return stmt.where(column.is_(value))
    if param.kind == "texts":
        return stmt.where(func.lower(column).in_(value))
    return stmt.where(column.in_(value))


def _event_source(name: str, model, on, value, doc: str, as_float: bool = False,
                  **filters: tuple[Param, Any]) -> None:
    """Register a source that adds up ``value`` over the rows of ``model`` dated (``on``) in
    the year up to the cut-off day, narrowed by the given parameters (each a column)."""
    def fn(s: Session, year: int, params: Mapping, today: date | None = None) -> AreaValues:
        start, cutoff = _bounds(year, today)
        stmt = select(model.area_id, value).where(_within(on, start, cutoff))
        for key, (param, column) in filters.items():
            if key in params:
                stmt = _filter(stmt, column, param, params[key])
        return _collect(s, stmt.group_by(model.area_id), as_float=as_float)

    fn.__name__, fn.__doc__ = name.replace(".", "_"), doc
    register_source(name, **{k: p for k, (p, _) in filters.items()})(fn)


_event_source("tips.count", Tip, Tip.received_on, func.count(),
              "Tips received in the year (only valuable ones, only those with given results).",
              valuable=(BOOL, Tip.valuable), results=(Param("many", TipResult), Tip.result))
_event_source("tips.persons", Tip, Tip.received_on, func.sum(Tip.persons),
              "Persons arrested or surrendered through the tips received in the year.",
              valuable=(BOOL, Tip.valuable), results=(Param("many", TipResult), Tip.result))
_event_source("weapons.quantity", WeaponHandover, WeaponHandover.received_on,
              func.sum(WeaponHandover.quantity),
              "Quantity handed in during the year (of the given kinds; only rows counted in the "
              "given units, e.g. [\"kg\"], so that kilograms and pieces are never added up).",
              as_float=True, kinds=(Param("many", WeaponKind), WeaponHandover.kind),
              units=(Param("texts"), WeaponHandover.unit))
_event_source("outreach.count", Outreach, Outreach.held_on, func.count(),
              "Outreach sessions held in the year.",
              kinds=(Param("many", OutreachKind), Outreach.kind))
_event_source("outreach.attendance", Outreach, Outreach.held_on, func.sum(Outreach.attendance),
              "Attendance of the outreach sessions held in the year.",
              kinds=(Param("many", OutreachKind), Outreach.kind))
_event_source("patrols.count", Patrol, Patrol.held_on, func.count(), "Patrols in the year.")
_event_source("patrols.participants", Patrol, Patrol.held_on, func.sum(Patrol.participants),
              "Participants of the patrols in the year.")
_event_source("awards.count", Award, Award.awarded_on, func.count(),
              "Awards given in the year (to collectives or to persons, of given levels).",
              collective=(BOOL, Award.collective), levels=(Param("many", AwardLevel), Award.level))

# ratios
@register_source("households.signup", ratio=True)
def households_signup(s: Session, year: int, params: Mapping,
                      today: date | None = None) -> AreaValues:
    """Households signed up for the year / households living in the area on the cut-off day
    (as the households tab counts them for the current year). One statement of two grouped
    parts: the living households from the (area_id, moved_out_on) index, the sign-ups from
    their year index — twice as fast at 100,000 households as one outer join."""
    _, cutoff = _bounds(year, today)
    living = or_(Household.moved_out_on.is_(None), Household.moved_out_on > cutoff)
    homes = (select(Household.area_id, func.count().label("n")).where(living)
             .group_by(Household.area_id).subquery())
    signed = (select(Household.area_id, func.count().label("n")).select_from(HouseholdSignup)
              .join(Household, Household.id == HouseholdSignup.household_id)
              .where(HouseholdSignup.year == year, living)
              .group_by(Household.area_id).subquery())
    stmt = (select(homes.c.area_id, func.coalesce(signed.c.n, 0), homes.c.n)
            .outerjoin(signed, signed.c.area_id == homes.c.area_id))
    return _collect(s, stmt, ratio=True)


@register_source("certification.recognised", ratio=True,
                 categories=Param("many", CertCategory, required=True))
def certification_recognised(s: Session, year: int, params: Mapping,
                             today: date | None = None) -> AreaValues:
    """Units recognised "An toàn về an ninh, trật tự" for the year (registered, result đạt and
    a decision number) / units that count for the year (not retired during or before it), as
    CertificationService.category_ratios counts them. Residential-area units count in their
    area, the others for the whole ward."""
    _, end = year_bounds(year)
    recognised = and_(CertRecord.registered_on.is_not(None), CertRecord.result == CertResult.MET,
                      CertRecord.decision_number != "")
    stmt = (select(CertUnit.area_id, func.count(case((recognised, 1))), func.count(CertUnit.id))
            .outerjoin(CertRecord, and_(CertRecord.unit_id == CertUnit.id,
                                        CertRecord.year == year))
            .where(CertUnit.category.in_(params["categories"]),
                   or_(CertUnit.retired_on.is_(None), CertUnit.retired_on > end))
            .group_by(CertUnit.area_id))
    return _collect(s, stmt, ratio=True)


# -- the list -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    title: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)  # parsed: enum members, tuples
    note: str = ""
    ratio: bool = False
    ward_only: bool = False  # "scope": "ward": shown for the ward, not in each area's section

    def values(self, s: Session, year: int, today: date | None = None) -> AreaValues:
        return _SOURCES[self.source].fn(s, year, self.params, today=today)

    @property
    def zero(self) -> Value:
        return Ratio(0, 0) if self.ratio else 0


@dataclass(frozen=True)
class Definitions:
    path: Path
    items: tuple[Section | Indicator, ...]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for i in self.items if isinstance(i, Indicator)]


_ITEM_KEYS = {"code", "label", "unit", "source", "params", "note", "scope"}
SCOPES = ("all", "ward")


def _text(item: Mapping, key: str, where: str, required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise IndicatorError(f"{where}: thiếu “{key}” hoặc “{key}” không phải chữ.")
    return " ".join(value.split())


def parse_definitions(data: Any, path: Path) -> Definitions:
    """Check a loaded JSON document and turn it into :class:`Definitions`."""
    head = f"Tệp chỉ tiêu {path}"
    if isinstance(data, dict):
        unknown = set(data) - {"indicators", "description"}
        if unknown:
            raise IndicatorError(f"{head}: khóa “{min(unknown)}” không dùng được (chỉ "
                                 "có “indicators” và “description”).")
        data = data.get("indicators")
    if not isinstance(data, list) or not data:
        raise IndicatorError(f"{head}: phải có danh sách chỉ tiêu “indicators”.")
    items: list[Section | Indicator] = []
    codes: set[str] = set()
    for number, item in enumerate(data, start=1):
        where = f"{head}, mục {number}"
        if not isinstance(item, dict):
            raise IndicatorError(f"{where}: phải là một đối tượng {{…}}.")
        if "section" in item:
            if set(item) != {"section"}:
                raise IndicatorError(f"{where}: dòng tiêu đề mục chỉ có khóa “section”.")
            items.append(Section(_text(item, "section", where)))
            continue
        if isinstance(item.get("code"), str) and item["code"]:
            where += f" (“{item['code']}”)"
        unknown = set(item) - _ITEM_KEYS
        if unknown:
            raise IndicatorError(f"{where}: khóa “{min(unknown)}” không dùng được (có: "
                                 f"{', '.join(sorted(_ITEM_KEYS))}, hoặc “section”).")
        code = _text(item, "code", where)
        if not _CODE.match(code):
            raise IndicatorError(f"{where}: mã “{code}” chỉ gồm chữ thường không dấu, chữ số "
                                 "và dấu gạch dưới.")
        if code in codes:
            raise IndicatorError(f"{where}: mã “{code}” bị trùng.")
        codes.add(code)
        label, unit = _text(item, "label", where), _text(item, "unit", where, required=False)
        note = _text(item, "note", where, required=False)
        scope = item.get("scope", "all")
        if scope not in SCOPES:
            raise IndicatorError(f"{where}: “scope” là “all” (mặc định) hoặc “ward” (chỉ tính "
                                 "cho toàn phường, không in ở từng khu dân cư).")
        name = _text(item, "source", where)
        spec = _SOURCES.get(name)
        if spec is None:
            raise IndicatorError(f"{where}: nguồn số liệu “{name}” không có. Các nguồn có: "
                                 f"{', '.join(source_names())}.")
        raw = item.get("params", {})
        if not isinstance(raw, dict):
            raise IndicatorError(f"{where}: “params” phải là một đối tượng {{…}}.")
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in spec.params:
                allowed = ", ".join(spec.params) or "không có tham số nào"
                raise IndicatorError(f"{where}: nguồn “{name}” không có tham số “{key}” "
                                     f"(có: {allowed}).")
            try:
                params[key] = spec.params[key].parse(value)
            except ValueError as err:
                raise IndicatorError(f"{where}: tham số “{key}”: {err}.") from None
        missing = [k for k, p in spec.params.items() if p.required and k not in params]
        if missing:
            raise IndicatorError(f"{where}: nguồn “{name}” cần tham số “{missing[0]}”.")
        items.append(Indicator(code, label, unit, name, params, note, spec.ratio, scope == "ward"))
    if not codes:
        raise IndicatorError(f"{head}: chưa có chỉ tiêu nào.")
    return Definitions(path, tuple(items))


def load_definitions(path: Path) -> Definitions:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise IndicatorError(f"Không đọc được tệp chỉ tiêu {path}: "
                             f"{exc.strerror or exc}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IndicatorError(f"Tệp chỉ tiêu {path} sai cú pháp JSON ở dòng {exc.lineno}, cột "
                             f"{exc.colno}.") from None
    return parse_definitions(data, Path(path))


def override_path(db: Database) -> Path:
    """Where a user's own list is looked for: next to the SQLite database file, or in the app's
    data folder for other databases."""
    db_file = config.sqlite_path(db.url)
    folder = db_file.parent if db_file is not None else config.data_dir()
    return folder / OVERRIDE_NAME


# -- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaFigures:
    """Every indicator's figures for one residential area, the ward-level records (``area_id``
    None, ``ward_level``) or the whole ward (``area_id`` None)."""

    area_id: int | None
    name: str
    figures: Mapping[str, Figures]  # by indicator code

    def __getitem__(self, code: str) -> Figures:
        return self.figures[code]


@dataclass(frozen=True)
class YearEndTable:
    year: int
    cutoff: date  # figures as they stood on this day: the year's end, or today
    definitions: Definitions
    ward: AreaFigures  # the whole ward: every area plus the ward-level records
    ward_level: AreaFigures | None  # records of no residential area; None when all are zero
    areas: tuple[AreaFigures, ...]  # the active areas, retired ones with figures; or the one asked

    @property
    def items(self) -> tuple[Section | Indicator, ...]:
        return self.definitions.items


def _figures(indicators: list[Indicator], last: dict[str, AreaValues],
             this: dict[str, AreaValues], keys: list[int | None] | None) -> dict[str, Figures]:
    """Figures of the given area keys added up (``keys`` None: every key)."""
    out = {}
    for ind in indicators:
        pair = []
        for values in (last[ind.code], this[ind.code]):
            total = ind.zero
            for value in (values.values() if keys is None else
                          (values[k] for k in keys if k in values)):
                total = total + value
            pair.append(total)
        out[ind.code] = Figures(*pair)
    return out


class IndicatorService:
    def __init__(self, db: Database, path: Path | None = None):
        """``path``: use this list instead of the user's or the packaged one."""
        self.db = db
        self.path = path

    def definitions_path(self) -> Path:
        if self.path is not None:
            return self.path
        user = override_path(self.db)
        return user if user.is_file() else PACKAGED_PATH

    def definitions(self) -> Definitions:
        """The indicator list in use; IndicatorError (Vietnamese, naming the item) if broken."""
        return load_definitions(self.definitions_path())

    def table(self, year: int, area_id: int | None = None,
              today: date | None = None) -> YearEndTable:
        """Every indicator for ``year`` and ``year - 1``: per residential area, for the
        ward-level records and for the whole ward. With ``area_id``, ``areas`` holds that area
        only (the ward figures are still the whole ward's)."""
        today = today or date.today()
        defs = self.definitions()
        indicators = defs.indicators
        with self.db.session() as s:
            last = {i.code: i.values(s, year - 1, today) for i in indicators}
            this = {i.code: i.values(s, year, today) for i in indicators}
            areas = s.execute(select(Area.id, Area.name, Area.retired_on)
                              .order_by(Area.sort_order, Area.id)).all()
        ward_name = "Toàn phường"
        ward = AreaFigures(None, ward_name, _figures(indicators, last, this, None))
        level = AreaFigures(None, "Cấp phường", _figures(indicators, last, this, [None]))
        rows = []
        for a_id, name, retired in areas:
            if area_id is not None and a_id != area_id:
                continue
            figures = _figures(indicators, last, this, [a_id])
            if area_id is None and retired is not None and all(
                    f.empty for f in figures.values()):
                continue
            rows.append(AreaFigures(a_id, name, figures))
        has_level = any(not f.empty for f in level.figures.values())
        return YearEndTable(year, min(year_bounds(year)[1], today), defs, ward,
                            level if has_level else None, tuple(rows))

