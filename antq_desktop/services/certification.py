"""The "An toàn về an ninh, trật tự" certification (DOMAIN.md §4): units, yearly records with
their criteria checklist, the ward's ratio, deadlines and the printed lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..criteria import criteria_for
from ..db.engine import Database
from ..db.models import Area, CertCriterion, CertRecord, CertUnit
from ..enums import CertCategory, CertResult
from ..text import fold

CATEGORY_ORDER = (CertCategory.AREA, CertCategory.AGENCY, CertCategory.ENTERPRISE,
                  CertCategory.SCHOOL, CertCategory.WARD)


@dataclass(frozen=True)
class ListedUnit:
    """One line of the printed lists "Danh sách đề nghị công nhận" / "… công nhận"."""

    unit_id: int
    name: str
    category: CertCategory
    address: str
    head_name: str
    registered_on: date | None
    evaluated_on: date | None
    result: CertResult | None
    decision_number: str
    decision_date: date | None
    certificate_number: str
    criteria_met: int
    criteria_total: int


class CertificationService:
    def __init__(self, db: Database):
        self.db = db

    def listing(self, year: int, which: str,
                category: CertCategory | None = None) -> list[ListedUnit]:
        """``which="proposed"``: units whose result for ``year`` is MET (decided or not);
        ``which="recognised"``: MET with a decision number. Ordered as the year list."""
        if which not in ("proposed", "recognised"):
            raise ValueError(which)
        stmt = (select(CertUnit, CertRecord, Area.sort_order)
                .join(CertRecord, CertRecord.unit_id == CertUnit.id)
                .outerjoin(Area, Area.id == CertUnit.area_id)
                .where(CertRecord.year == year, CertRecord.result == CertResult.MET))
        if category is not None:
            stmt = stmt.where(CertUnit.category == category)
        with self.db.session() as s:
            rows = s.execute(stmt).all()
            met = {(r, c) for r, c in s.execute(
                select(CertCriterion.record_id, CertCriterion.code)
                .join(CertRecord, CertRecord.id == CertCriterion.record_id)
                .where(CertRecord.year == year, CertCriterion.met.is_(True)))}
        out = []
        for u, r, order in sorted(rows, key=lambda x: (CATEGORY_ORDER.index(x[0].category),
                                                       x[2] or 0, fold(x[0].name), x[0].id)):
            if which == "recognised" and not r.decision_number:
                continue
            codes = [c.code for c in criteria_for(u.category)]
            out.append(ListedUnit(u.id, u.name, u.category, u.address, u.head_name,
                                  r.registered_on, r.evaluated_on, r.result, r.decision_number,
                                  r.decision_date, r.certificate_number,
                                  sum((r.id, c) in met for c in codes), len(codes)))
        return out
