"""Figures of the rehabilitation area for its report forms: who was under management in a
period with their latest classification, and the year's summary (docs/DOMAIN.md §2, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from ..db.engine import Database
from ..db.models import Area, RehabCase, RehabEvaluation, RehabSupport
from ..enums import Classification, EndReason, Regime, SupportKind
from ..regimes import IMPROVED, REGIMES, Period
from ..text import fold
from .rehabilitation import decision_text


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    q = Period(year, quarter, 3)
    return q.first_day, q.last_day


@dataclass(frozen=True)
class ManagedPerson:
    name: str
    birth_year: int | None
    address: str
    area: str
    decision: str
    start_date: date
    supervisor: str
    latest: Classification | None
    latest_period: str
    closed: str  # "" or "dd/mm/yyyy — reason"


@dataclass(frozen=True)
class QuarterPerson:
    """One person of the quarterly A/B/C/D list (released from prison or pardoned)."""

    name: str
    birth_year: int | None
    address: str
    area: str
    certificate: str  # the certificate of release or pardon: number and date
    start_date: date
    supervisor: str
    classification: Classification | None  # this quarter's; None: not evaluated (yet)
    closed: str  # "" or "dd/mm/yyyy — reason", when management ended in the quarter


@dataclass
class SummaryRow:
    """One line of the year's summary (a regime, or an area)."""

    label: str
    under_management: int = 0  # at the end of the year (or today, for the current year)
    received: int = 0
    improved: int = 0
    vocational: int = 0
    jobs: int = 0
    loans: int = 0
    loan_amount: int = 0
    relapsed: int = 0
    closed: int = 0

    FIELDS = ("under_management", "received", "improved", "vocational", "jobs", "loans",
              "loan_amount", "relapsed", "closed")

    def add(self, other: SummaryRow) -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class YearSummary:
    year: int
    by_regime: list[SummaryRow] = field(default_factory=list)
    by_area: list[SummaryRow] = field(default_factory=list)
    total: SummaryRow = field(default_factory=lambda: SummaryRow("Tổng cộng"))


class RehabStats:
    def __init__(self, db: Database):
        self.db = db

    def _cases_in(self, s, start: date, end: date):
        """Cases under management at some time between start and end."""
        return s.execute(
            select(RehabCase, Area.name).outerjoin(Area, Area.id == RehabCase.area_id)
            .where(RehabCase.start_date <= end,
                   or_(RehabCase.closed_on.is_(None), RehabCase.closed_on >= start))
        ).all()

    def managed(self, year: int, quarter: int | None = None) -> dict[Regime, list[ManagedPerson]]:
        """People under management at some time in the year or quarter, by regime in the enum's
        order, each with their latest classification as of its end."""
        start, end = period_bounds(year, quarter)
        out: dict[Regime, list[ManagedPerson]] = {r: [] for r in Regime}
        with self.db.session() as s:
            cases = self._cases_in(s, start, end)
            evaluations = s.scalars(
                select(RehabEvaluation)
                .where(RehabEvaluation.case_id.in_([c.id for c, _ in cases]),
                       RehabEvaluation.voided_on.is_(None))
                .order_by(RehabEvaluation.period_year, RehabEvaluation.period_no)).all()
        latest: dict[int, tuple[Classification, str]] = {}
        regime_of = {c.id: c.regime for c, _ in cases}
        for ev in evaluations:
            months = REGIMES[regime_of[ev.case_id]].months_per_period
            p = Period(ev.period_year, ev.period_no, months)
            if p.first_day <= end:  # ascending order: the last kept is the latest
                latest[ev.case_id] = (ev.classification, p.label)
        for c, area in cases:
            cls, label = latest.get(c.id, (None, ""))
            decision = decision_text(c)
            closed = ""
            if c.closed_on is not None and c.closed_on <= end:
                closed = f"{c.closed_on:%d/%m/%Y} — {c.close_reason.label}"
            out[c.regime].append(ManagedPerson(
                c.person_name, c.birth_date.year if c.birth_date else None, c.address,
                area or "", decision, c.start_date, c.supervisor, cls, label, closed))
        for people in out.values():
            people.sort(key=lambda p: (fold(p.name.rsplit(" ", 1)[-1]), fold(p.name)))
        return out

    def reintegration_quarter(self, year: int, quarter: int) -> list[QuarterPerson]:
        """People released from prison or pardoned (the reintegration regime) under
        management at some time in the quarter, each with that quarter's classification or
        None; never an older quarter's class. Sorted by given name, as the lists are."""
        start, end = period_bounds(year, quarter)
        with self.db.session() as s:
            cases = [(c, area) for c, area in self._cases_in(s, start, end)
                     if c.regime is Regime.REINTEGRATION]
            evaluated = dict(s.execute(
                select(RehabEvaluation.case_id, RehabEvaluation.classification)
                .where(RehabEvaluation.case_id.in_([c.id for c, _ in cases]),
                       RehabEvaluation.period_year == year,
                       RehabEvaluation.period_no == quarter,
                       RehabEvaluation.voided_on.is_(None))).all())
        people = []
        for c, area in cases:
            closed = ""
            if c.closed_on is not None and c.closed_on <= end:
                closed = f"{c.closed_on:%d/%m/%Y} — {c.close_reason.label}"
            people.append(QuarterPerson(
                c.person_name, c.birth_date.year if c.birth_date else None, c.address,
                area or "", decision_text(c), c.start_date, c.supervisor,
                evaluated.get(c.id), closed))
        people.sort(key=lambda p: (fold(p.name.rsplit(" ", 1)[-1]), fold(p.name)))
        return people

    def year_summary(self, year: int, today: date | None = None) -> YearSummary:
        """The year's figures per regime and per residential area.

        - received: cases started in the year;
        - improved: cases whose latest evaluation in the year is A or "tiến bộ";
        - vocational / jobs / loans: cases given that support in the year (loan_amount sums
          the loans in VND);
        - relapsed: cases evaluated "tái phạm" in the year or closed for a new sentence;
        - closed: cases closed in the year;
        - under management: everyone under management at some time in the year (up to today),
          the same people as the year's list (:meth:`managed`) and the year-end summary.
        """
        today = today or date.today()
        start, end = period_bounds(year, None)
        cutoff = min(end, today)
        with self.db.session() as s:
            cases = self._cases_in(s, start, end)
            ids = [c.id for c, _ in cases]
            evaluations = s.scalars(select(RehabEvaluation).where(
                RehabEvaluation.case_id.in_(ids), RehabEvaluation.period_year == year,
                RehabEvaluation.voided_on.is_(None))
                .order_by(RehabEvaluation.period_no)).all()
            supports = s.scalars(select(RehabSupport).where(
                RehabSupport.case_id.in_(ids), RehabSupport.given_on >= start,
                RehabSupport.given_on <= end, RehabSupport.voided_on.is_(None))).all()
            areas = [name for (name,) in s.execute(
                select(Area.name).order_by(Area.sort_order, Area.id))]
        latest: dict[int, Classification] = {}
        relapsed: set[int] = set()
        for ev in evaluations:
            latest[ev.case_id] = ev.classification
            if ev.classification is Classification.RELAPSE:
                relapsed.add(ev.case_id)
        helped: dict[SupportKind, set[int]] = {k: set() for k in SupportKind}
        loan_amount: dict[int, int] = {}
        for sp in supports:
            helped[sp.kind].add(sp.case_id)
            if sp.kind is SupportKind.LOAN:
                loan_amount[sp.case_id] = loan_amount.get(sp.case_id, 0) + (sp.amount or 0)

        def row_for(label: str, chosen) -> SummaryRow:
            row = SummaryRow(label)
            for c, _area in chosen:
                row.under_management += c.start_date <= cutoff
                row.received += start <= c.start_date <= end
                row.improved += latest.get(c.id) in IMPROVED
                row.vocational += c.id in helped[SupportKind.VOCATIONAL]
                row.jobs += c.id in helped[SupportKind.JOB]
                row.loans += c.id in helped[SupportKind.LOAN]
                row.loan_amount += loan_amount.get(c.id, 0)
                closed_in_year = c.closed_on is not None and start <= c.closed_on <= end
                row.relapsed += c.id in relapsed or (
                    closed_in_year and c.close_reason is EndReason.NEW_SENTENCE)
                row.closed += closed_in_year
            return row

        summary = YearSummary(year)
        for regime in Regime:
            summary.by_regime.append(row_for(regime.label,
                                             [x for x in cases if x[0].regime is regime]))
        for name in areas:
            summary.by_area.append(row_for(name, [x for x in cases if x[1] == name]))
        outside = [x for x in cases if x[1] is None]
        if outside:
            summary.by_area.append(row_for("Ngoài các khu dân cư", outside))
        for row in summary.by_regime:
            summary.total.add(row)
        return summary
