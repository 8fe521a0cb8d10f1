"""Where the year-end indicators come from: each *source* is a function
``(session, year, params, today=None, wards=False) -> {area_id: value}`` that runs ONE grouped
query (GROUP BY area) for the year; ``None`` keys hold the records of the whole ward (no
residential area). With ``wards=True`` the same query groups by ward instead (the ``unit_id`` of
the record, or of its mediation team or certified unit: a record of no area belongs to its own
ward), keys are unit ids, and a province store's every ward comes out of that one query
(docs/ARCHITECTURE.md §6, the province forms). A value is a count, a sum (int or float) or a
:class:`Ratio` "x/y". The indicator list (:mod:`~antq_desktop.services.indicators`) names the
sources and their parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..db.models import (
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
from .households import living_on
from .mediation_stats import year_bounds
from .rehab_stats import period_bounds
from ..numbers import grouped


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


_thousands = grouped


Value = int | float | Ratio
AreaValues = dict[int | None, Value]


def is_zero(value: Value) -> bool:
    return value == Ratio(0, 0) if isinstance(value, Ratio) else value == 0



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
    """Register ``fn(session, year, params, today=None, wards=False) -> {key: value}`` under
    ``name`` (keys: area ids, or unit ids with ``wards``)."""
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


def source_spec(name: str) -> SourceSpec | None:
    """The registered source ``name`` with its parameters, or None."""
    return _SOURCES.get(name)


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


def _key(model, wards: bool):
    """What a source groups by: the record's area, or (``wards``) its ward."""
    return model.unit_id if wards else model.area_id


def _within(column, start: date, cutoff: date):
    return and_(column >= start, column <= cutoff)


# movement models
def _active_models(column, year, today, wards=False):
    _, cutoff = _bounds(year, today)
    key = _key(MovementModel, wards)
    return (select(key, column)
            .where(MovementModel.started_on <= cutoff,
                   or_(MovementModel.ended_on.is_(None), MovementModel.ended_on > cutoff))
            .group_by(key))


@register_source("models.count")
def models_count(s: Session, year: int, params: Mapping, today: date | None = None,
                 wards: bool = False) -> AreaValues:
    """Models active on the cut-off day (started by then, not ended by then)."""
    return _collect(s, _active_models(func.count(), year, today, wards))


@register_source("models.members")
def models_members(s: Session, year: int, params: Mapping,
                   today: date | None = None, wards: bool = False) -> AreaValues:
    """Members of the models active on the cut-off day (as recorded now)."""
    return _collect(s, _active_models(func.sum(MovementModel.members), year, today, wards))


# rehabilitation: the definitions of rehab_stats.RehabStats.year_summary
def _rehab_in_year(year: int, params: Mapping):
    start, end = period_bounds(year, None)
    cond = [RehabCase.start_date <= end,
            or_(RehabCase.closed_on.is_(None), RehabCase.closed_on >= start)]
    if "regimes" in params:
        cond.append(RehabCase.regime.in_(params["regimes"]))
    return cond


@register_source("rehab.managed", regimes=Param("many", Regime))
def rehab_managed(s: Session, year: int, params: Mapping, today: date | None = None,
                  wards: bool = False) -> AreaValues:
    """People under management at some time in the year."""
    key = _key(RehabCase, wards)
    return _collect(s, select(key, func.count())
                    .where(*_rehab_in_year(year, params)).group_by(key))


@register_source("rehab.received", regimes=Param("many", Regime))
def rehab_received(s: Session, year: int, params: Mapping,
                   today: date | None = None, wards: bool = False) -> AreaValues:
    """People whose case started in the year."""
    start, _ = period_bounds(year, None)
    key = _key(RehabCase, wards)
    return _collect(s, select(key, func.count())
                    .where(*_rehab_in_year(year, params), RehabCase.start_date >= start)
                    .group_by(key))


@register_source("rehab.improved", regimes=Param("many", Regime))
def rehab_improved(s: Session, year: int, params: Mapping,
                   today: date | None = None, wards: bool = False) -> AreaValues:
    """People whose latest evaluation of the year is A or "tiến bộ" (regimes.IMPROVED)."""
    latest = (select(RehabEvaluation.case_id, func.max(RehabEvaluation.period_no).label("no"))
              .where(RehabEvaluation.period_year == year, RehabEvaluation.voided_on.is_(None))
              .group_by(RehabEvaluation.case_id).subquery())
    key = _key(RehabCase, wards)
    stmt = (select(key, func.count())
            .join(latest, latest.c.case_id == RehabCase.id)
            .join(RehabEvaluation, and_(RehabEvaluation.case_id == RehabCase.id,
                                        RehabEvaluation.period_year == year,
                                        RehabEvaluation.period_no == latest.c.no,
                                        RehabEvaluation.voided_on.is_(None)))
            .where(*_rehab_in_year(year, params),
                   RehabEvaluation.classification.in_(IMPROVED))
            .group_by(key))
    return _collect(s, stmt)


# mediation: the definitions of mediation_stats.MediationStats.year_outcomes
@register_source("mediation.count", outcome=Param("one", MediationStatus))
def mediation_count(s: Session, year: int, params: Mapping,
                    today: date | None = None, wards: bool = False) -> AreaValues:
    """Cases received in the year up to the cut-off day; with ``outcome``, those whose outcome
    on the cut-off day was that one (a case closed later is still in progress)."""
    start, cutoff = _bounds(year, today)
    key = _key(MediationTeam, wards)
    stmt = (select(key, func.count()).select_from(MediationCase)
            .join(MediationTeam, MediationTeam.id == MediationCase.team_id)
            .where(_within(MediationCase.received_on, start, cutoff)))
    outcome = params.get("outcome")
    closed_by_cutoff = and_(MediationCase.closed_on.is_not(None),
                            MediationCase.closed_on <= cutoff)
    if outcome is MediationStatus.IN_PROGRESS:
        stmt = stmt.where(or_(MediationCase.status == outcome, ~closed_by_cutoff))
    elif outcome is not None:
        stmt = stmt.where(MediationCase.status == outcome, closed_by_cutoff)
    return _collect(s, stmt.group_by(key))


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
    def fn(s: Session, year: int, params: Mapping, today: date | None = None,
           wards: bool = False) -> AreaValues:
        start, cutoff = _bounds(year, today)
        group = _key(model, wards)
        stmt = select(group, value).where(_within(on, start, cutoff))
        if hasattr(model, "voided_at"):  # a voided record (entered by mistake) never counts
            stmt = stmt.where(model.voided_at.is_(None))
        for key, (param, column) in filters.items():
            if key in params:
                stmt = _filter(stmt, column, param, params[key])
        return _collect(s, stmt.group_by(group), as_float=as_float)

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
                      today: date | None = None, wards: bool = False) -> AreaValues:
    """Households signed up for the year / households living in the area on the cut-off day
    (as the households tab counts them for the current year). One statement of two grouped
    parts: the living households from the (area_id, moved_out_on) index, the sign-ups from
    their year index — twice as fast at 100,000 households as one outer join."""
    _, cutoff = _bounds(year, today)
    living = living_on(cutoff)
    key = _key(Household, wards)
    homes = (select(key.label("k"), func.count().label("n")).where(living)
             .group_by(key).subquery())
    signed = (select(key.label("k"), func.count().label("n")).select_from(HouseholdSignup)
              .join(Household, Household.id == HouseholdSignup.household_id)
              .where(HouseholdSignup.year == year, living)
              .group_by(key).subquery())
    stmt = (select(homes.c.k, func.coalesce(signed.c.n, 0), homes.c.n)
            .outerjoin(signed, signed.c.k == homes.c.k))
    return _collect(s, stmt, ratio=True)


@register_source("certification.recognised", ratio=True,
                 categories=Param("many", CertCategory, required=True))
def certification_recognised(s: Session, year: int, params: Mapping,
                             today: date | None = None, wards: bool = False) -> AreaValues:
    """Units recognised "An toàn về an ninh, trật tự" for the year (registered, result đạt and
    a decision number) / units that count for the year (not retired during or before it), as
    CertificationService.category_ratios counts them. Residential-area units count in their
    area, the others for the whole ward."""
    _, end = year_bounds(year)
    recognised = and_(CertRecord.registered_on.is_not(None), CertRecord.result == CertResult.MET,
                      CertRecord.decision_number != "")
    key = _key(CertUnit, wards)
    stmt = (select(key, func.count(case((recognised, 1))), func.count(CertUnit.id))
            .outerjoin(CertRecord, and_(CertRecord.unit_id == CertUnit.id,
                                        CertRecord.year == year))
            .where(CertUnit.category.in_(params["categories"]),
                   or_(CertUnit.retired_on.is_(None), CertUnit.retired_on > end))
            .group_by(key))
    return _collect(s, stmt, ratio=True)
