"""A province's view of its wards (issue 18, docs/ARCHITECTURE.md §6, the province forms).

A province account reads every ward of the store and writes nothing; these figures are its
own: the year-end indicators per ward and for the province (:func:`indicators.province_figures`),
the certification ratios per ward and category, and an overview row per ward. Every figure comes
from ONE grouped query (GROUP BY ward) per indicator, never one query per ward, and follows the
definitions of the ward's own figures (the indicator sources, CertificationService's
``category_ratios`` and ``ward_ratio``), so a ward's row equals what that ward sees itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from ..access import PermissionDenied, user_of
from ..db.engine import Database
from ..db.models import CertRecord, CertUnit, Unit
from ..enums import CertCategory, CertResult, MediationStatus
from .certification import CATEGORY_ORDER
from .certification_rules import COUNTED_FOR_WARD, WARD_MIN_RECOGNISED
from .indicator_sources import Ratio, source
from .indicators import NO_WARD_NAME, ProvinceTable, province_figures, ward_order
from .mediation_stats import year_bounds

NOT_PROVINCE = ("Tài khoản “{name}” không phải tài khoản cấp tỉnh: số liệu tổng hợp các phường, "
                "xã chỉ dành cho tài khoản cấp tỉnh.")
TOTAL_NAME = "Toàn tỉnh"


def require_province(db: Database) -> None:
    """PermissionDenied (Vietnamese) unless ``db`` works for a province account."""
    user = user_of(db)
    if not user.province:
        raise PermissionDenied(NOT_PROVINCE.format(name=user.name))


@dataclass(frozen=True)
class ProvinceInfo:
    """The province the store's wards belong to, as their units are set up."""

    code: int
    name: str  # "Thành phố Hà Nội"
    police: str  # the wards' superior line: "CÔNG AN THÀNH PHỐ HÀ NỘI"
    wards: int


def province_info(db: Database) -> ProvinceInfo | None:
    """The province of the store's wards (the one most of them name), or None before any ward
    is set up."""
    require_province(db)
    with db.session() as s:
        rows = s.execute(select(Unit.province_code, Unit.province_name, Unit.header_superior,
                                func.count())
                         .where(Unit.ward_code != 0)
                         .group_by(Unit.province_code, Unit.province_name,
                                   Unit.header_superior)).all()
    if not rows:
        return None
    code, name, police, _ = max(rows, key=lambda r: (r[3], -r[0]))
    return ProvinceInfo(code, name, police, sum(r[3] for r in rows))


def province_yearend(db: Database, year: int, today: date | None = None) -> ProvinceTable:
    """The year-end indicators of every ward and of the province (the benchmark's entry)."""
    require_province(db)
    return province_figures(db, year, today)


# -- certification ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertCounts:
    """The units of one category that count for the year (not retired during or before it),
    those registered for it and those recognised (registered, đạt, a decision number)."""

    units: int = 0
    registered: int = 0
    recognised: int = 0

    def __add__(self, other: CertCounts) -> CertCounts:
        return CertCounts(self.units + other.units, self.registered + other.registered,
                          self.recognised + other.recognised)

    @property
    def registered_ratio(self) -> Ratio:
        return Ratio(self.registered, self.units)

    @property
    def recognised_ratio(self) -> Ratio:
        return Ratio(self.recognised, self.units)


@dataclass(frozen=True)
class WardCertification:
    unit_id: int | None  # None: the province total
    name: str
    categories: Mapping[CertCategory, CertCounts]

    @property
    def counted(self) -> CertCounts:
        """The units of the ward's criterion 4: areas, agencies, enterprises, schools."""
        total = CertCounts()
        for category in COUNTED_FOR_WARD:
            total = total + self.categories[category]
        return total

    @property
    def met(self) -> bool:
        """The ward's criterion 4 (as CertificationService.ward_ratio): every unit registered
        and at least 70 % recognised."""
        c = self.counted
        return (c.units > 0 and c.registered == c.units
                and c.recognised * 100 >= WARD_MIN_RECOGNISED * c.units)


@dataclass(frozen=True)
class ProvinceCertification:
    year: int
    wards: tuple[WardCertification, ...]
    total: WardCertification

    @property
    def wards_met(self) -> Ratio:
        """Wards meeting their criterion 4 / wards."""
        return Ratio(sum(w.met for w in self.wards), len(self.wards))


def _cert_counts(s, year: int) -> dict[tuple[int, CertCategory], CertCounts]:
    """One grouped query: (ward, category) → counts, as CertificationService counts them."""
    _, end = year_bounds(year)
    registered = CertRecord.registered_on.is_not(None)
    recognised = and_(registered, CertRecord.result == CertResult.MET,
                      CertRecord.decision_number != "")
    stmt = (select(CertUnit.unit_id, CertUnit.category, func.count(CertUnit.id),
                   func.count(case((registered, 1))), func.count(case((recognised, 1))))
            .outerjoin(CertRecord, and_(CertRecord.unit_id == CertUnit.id,
                                        CertRecord.year == year))
            .where(or_(CertUnit.retired_on.is_(None), CertUnit.retired_on > end))
            .group_by(CertUnit.unit_id, CertUnit.category))
    return {(unit, CertCategory(category)): CertCounts(int(n), int(reg or 0), int(rec or 0))
            for unit, category, n, reg, rec in s.execute(stmt)}


def _wards(s) -> list[tuple[int, str]]:
    return [(u, name or NO_WARD_NAME)
            for u, name in ward_order(s.execute(select(Unit.id, Unit.ward_name)).all())]


def _certification(s, year: int) -> ProvinceCertification:
    counts = _cert_counts(s, year)
    wards = []
    for unit_id, name in _wards(s):
        wards.append(WardCertification(unit_id, name, {
            c: counts.get((unit_id, c), CertCounts()) for c in CATEGORY_ORDER}))
    total = {c: CertCounts() for c in CATEGORY_ORDER}
    for (_unit, category), value in counts.items():
        total[category] = total[category] + value
    return ProvinceCertification(year, tuple(wards), WardCertification(None, TOTAL_NAME, total))


def province_certification(db: Database, year: int) -> ProvinceCertification:
    """Registered and recognised units per category, per ward and for the province."""
    require_province(db)
    with db.session() as s:
        return _certification(s, year)


# -- the overview -------------------------------------------------------------------------------
@dataclass(frozen=True)
class WardOverview:
    """One ward's headline figures of the year (up to the cut-off day)."""

    unit_id: int | None  # None: the province total
    name: str
    signup: Ratio  # households signed up / households living there
    rehab_managed: int
    mediation_received: int
    mediation_succeeded: int
    certification: WardCertification
    tips: int
    patrols: int

    @property
    def mediation_share(self) -> float | None:
        return (100 * self.mediation_succeeded / self.mediation_received
                if self.mediation_received else None)


@dataclass(frozen=True)
class ProvinceOverview:
    year: int
    cutoff: date
    wards: tuple[WardOverview, ...]
    total: WardOverview
    wards_met: Ratio  # wards meeting their certification criterion 4 / wards


def province_overview(db: Database, year: int, today: date | None = None) -> ProvinceOverview:
    """One row per ward with its headline figures, then the province total: seven grouped
    queries, whatever the number of wards."""
    require_province(db)
    today = today or date.today()

    def by_ward(name: str, **params) -> dict:
        return source(name)(s, year, params, today=today, wards=True)

    with db.session() as s:
        signup = by_ward("households.signup")
        managed = by_ward("rehab.managed")
        received = by_ward("mediation.count")
        succeeded = by_ward("mediation.count", outcome=MediationStatus.SUCCEEDED)
        tips = by_ward("tips.count")
        patrols = by_ward("patrols.count")
        cert = _certification(s, year)
    certs = {w.unit_id: w for w in cert.wards}
    rows = [WardOverview(w.unit_id, w.name, signup.get(w.unit_id, Ratio(0, 0)),
                         managed.get(w.unit_id, 0), received.get(w.unit_id, 0),
                         succeeded.get(w.unit_id, 0), certs[w.unit_id], tips.get(w.unit_id, 0),
                         patrols.get(w.unit_id, 0)) for w in cert.wards]
    total_signup = Ratio(0, 0)
    for value in signup.values():
        total_signup = total_signup + value
    total = WardOverview(None, TOTAL_NAME, total_signup, sum(managed.values()),
                         sum(received.values()), sum(succeeded.values()), cert.total,
                         sum(tips.values()), sum(patrols.values()))
    return ProvinceOverview(year, min(year_bounds(year)[1], today), tuple(rows), total,
                            cert.wards_met)


__all__ = ["CertCounts", "ProvinceCertification", "ProvinceOverview", "WardCertification",
           "WardOverview", "province_certification", "province_overview", "province_yearend",
           "require_province"]
