"""The "Tổng quan" tab's data (issue 16): the year at a glance and the work that is due.

Figures come from the year-end indicators (:class:`~.indicators.IndicatorService`, the very
table the year-end summary prints), never from queries of their own: a card names the indicator
codes it shows and reads them from the ward's figures, so a card equals the form's row. What the
year-end summary does not hold (evaluations overdue, late mediation starts, due work) comes from
the services the work tabs use for their lists and banners (rehabilitation's due filter,
mediation's 3-day rule and team warnings, certification's deadlines, the households' sign-up
summary, the backups' status). The charts' monthly series are counted over the same date columns
and year bounds as the indicator sources; tests check that they add up to the indicators.

Everything is returned as plain frozen dataclasses; a :class:`Target` says which tab and filters a
click opens, so the UI never decides what a figure means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, extract, func, or_, select

from ..db.engine import Database
from ..db.models import Area, MediationCase, MediationTeam, Patrol, RehabCase, RehabEvaluation, Tip
from ..enums import CertCategory, CertState, Classification
from ..numbers import percent_text
from ..regimes import DueState
from . import backup as backup_svc
from .certification import CATEGORY_ORDER, CertificationService
from .certification_rules import COUNTED_FOR_WARD, active_in
from .households import HouseholdService
from .indicator_sources import Ratio, Value
from .indicators import AreaFigures, Figures, IndicatorService, YearEndTable
from .mediation import MIN_MEDIATORS, MediationService, StatusFilter
from .mediation_stats import year_bounds
from .rehab_stats import period_bounds
from .rehabilitation import CaseStatus, DueFilter, RehabilitationService
from ..numbers import number_text

RECOGNISED_LINE = 70.0  # the ward's criterion 4: at least 70 % recognised
LOWEST_AREAS = 3  # the sign-up card names the three lowest areas
MAX_AREA_BARS = 30  # the sign-up chart: every area up to this many, else the lowest ones
MAX_DUE_PER_KIND = 5  # due items of one kind listed one by one; the rest in one line
SIGNUP_DEADLINE = (3, 31)  # households sign up in the first quarter

# -- what a click opens -------------------------------------------------------------------------
HOUSEHOLDS, REHABILITATION, MEDIATION = "households", "rehabilitation", "mediation"
CERTIFICATION, ACTIVITIES, BACKUP = "certification", "activities", "backup"


@dataclass(frozen=True)
class Target:
    """A tab (one of the names above) and the filters to set on it: ``area_id``, ``year``,
    ``due`` (a DueFilter), ``status``, ``late_only``, ``team_id``, ``category``, ``state``,
    ``kind`` (an activities Kind value), ``unsigned_first``. ``BACKUP`` opens no list: it
    asks for a backup now."""

    tab: str
    filters: Mapping[str, Any] = field(default_factory=dict)


def value_text(value: Value | None) -> str:
    """A figure as the cards show it: "—" for no records, "65,4 %" for a ratio."""
    if value is None:
        return "—"
    if isinstance(value, Ratio):
        return "—" if value.share is None else f"{percent_text(value.share)} %"
    return number_text(value)


# -- cards --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    """One figure card: ``this`` against ``last`` year. ``codes``: the indicators it reads (their
    ward figures added up); empty for a figure of today's state (e.g. overdue evaluations), which
    has no last year. ``line``: a reference (70 % for recognition) the figure is judged by."""

    key: str
    title: str
    this: Value | None
    last: Value | None
    codes: tuple[str, ...] = ()
    unit: str = ""
    details: tuple[str, ...] = ()
    target: Target | None = None
    line: float | None = None
    warn: bool = False
    percent: bool = False  # this/last are percentages (floats) computed from the codes

    @property
    def text(self) -> str:
        if self.percent:
            return "—" if self.this is None else f"{percent_text(self.this)} %"
        return value_text(self.this)

    def _shares(self) -> tuple[float | None, float | None]:
        if self.percent:
            return self.last, self.this
        a = self.last.share if isinstance(self.last, Ratio) else None
        b = self.this.share if isinstance(self.this, Ratio) else None
        return a, b

    @property
    def is_share(self) -> bool:
        return self.percent or isinstance(self.this, Ratio) or isinstance(self.last, Ratio)

    @property
    def compare(self) -> str:
        """"Năm trước: 61 %" or "Năm trước: 120"; "" for a figure of today's state."""
        if not self.codes:
            return ""
        if self.last is None:
            return "Năm trước: —"
        if self.is_share:
            a = self._shares()[0]
            return f"Năm trước: {'—' if a is None else percent_text(a) + ' %'}"
        return f"Năm trước: {number_text(self.last)}"

    @property
    def change(self) -> str:
        """The change against last year: "+4,4 điểm" for shares, "+12,5 %" otherwise."""
        if not self.codes or self.last is None or self.this is None:
            return ""
        if self.is_share:
            a, b = self._shares()
            if a is None or b is None:
                return ""
            delta, unit = b - a, " điểm"
        else:
            delta, unit = Figures(self.last, self.this).percent, " %"
            if delta is None:
                return ""
        sign = "▲ +" if delta > 0 else ("▼ −" if delta < 0 else "± ")
        return f"{sign}{percent_text(abs(delta))}{unit}"


# -- due work -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueItem:
    kind: str  # evaluation_overdue, evaluation_due, mediation_late, signup, certification,
    #            team, backup
    text: str
    on: date | None  # the deadline, or the day it was noticed
    target: Target
    past: bool = False  # a deadline already missed (shown in red)

    @property
    def date_text(self) -> str:
        return "" if self.on is None else f"{self.on:%d/%m/%Y}"


# -- charts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float, ...]  # one per series
    target: Target | None = None
    tip: str = ""


@dataclass(frozen=True)
class ChartData:
    key: str
    title: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    stacked: bool = False
    percent: bool = False  # values are percentages (axis up to at least 100)
    line: float | None = None  # a reference line (100 % sign-up)
    line_label: str = ""
    note: str = ""


@dataclass(frozen=True)
class Overview:
    year: int
    today: date
    cutoff: date
    cards: tuple[Card, ...]
    due: tuple[DueItem, ...]
    charts: tuple[ChartData, ...]
    table: YearEndTable
    area_id: int | None = None  # the cards of this residential area; None: the whole ward

    def card(self, key: str) -> Card:
        return next(c for c in self.cards if c.key == key)

    def chart(self, key: str) -> ChartData:
        return next(c for c in self.charts if c.key == key)


# (key, title, codes, target tab, filters) of the cards read straight from one indicator
SIMPLE_CARDS = (
    ("rehab_managed", "Người được quản lý, giáo dục, giúp đỡ", ("rehab_managed",),
     REHABILITATION, {"status": CaseStatus.ALL}),
    ("rehab_improved", "Người tiến bộ rõ", ("rehab_improved",), REHABILITATION,
     {"status": CaseStatus.ALL}),
    ("mediation_received", "Vụ, việc hòa giải tiếp nhận", ("mediation_received",), MEDIATION,
     {}),
    ("tips_received", "Tin báo, tố giác của quần chúng", ("tips_received",), ACTIVITIES,
     {"kind": "tip"}),
    ("tips_valuable", "Tin có giá trị", ("tips_valuable",), ACTIVITIES, {"kind": "tip"}),
    ("patrols", "Buổi tuần tra", ("patrols",), ACTIVITIES, {"kind": "patrol"}),
    ("outreach_sessions", "Buổi tuyên truyền", ("outreach_sessions",), ACTIVITIES,
     {"kind": "outreach"}),
    ("weapons", "Vũ khí, súng giao nộp", ("weapons",), ACTIVITIES, {"kind": "weapon"}),
)
CERT_CODES = ("cert_areas", "cert_agencies", "cert_enterprises", "cert_schools")
MONTHLY = (("tips", "Tin báo", Tip, Tip.received_on, ACTIVITIES, {"kind": "tip"}),
           ("patrols", "Tuần tra", Patrol, Patrol.held_on, ACTIVITIES, {"kind": "patrol"}),
           ("mediation", "Hòa giải", MediationCase, MediationCase.received_on, MEDIATION, {}))
CLASS_ORDER = tuple(Classification)


def _sum(block: AreaFigures, codes: tuple[str, ...]) -> Figures | None:
    """The figures of ``codes`` in ``block`` (the ward, or one area) added up; None when the
    list in use lacks one of them (a province's own indicators.json)."""
    figures = block.figures
    if not all(c in figures for c in codes):
        return None
    pair: list[Value | None] = []
    for attr in ("last", "this"):
        values = [getattr(figures[c], attr) for c in codes]
        if any(v is None for v in values):
            pair.append(None)
            continue
        total = values[0]
        for v in values[1:]:
            total = total + v
        pair.append(total)
    return Figures(*pair)


def _cutoff(year: int, today: date) -> tuple[date, date]:
    start, end = year_bounds(year)
    return start, min(end, today)


class OverviewService:
    def __init__(self, db: Database, indicators: IndicatorService | None = None):
        self.db = db
        self.indicators = indicators or IndicatorService(db)
        self.households = HouseholdService(db)
        self.rehabilitation = RehabilitationService(db)
        self.mediation = MediationService(db)
        self.certification = CertificationService(db)

    def load(self, year: int, today: date | None = None, now: datetime | None = None,
             backup_folder: Path | None = None, area_id: int | None = None) -> Overview:
        """Everything the tab shows for ``year``: the cards and the area charts for the whole
        ward, or for the residential area ``area_id`` (its section of the year-end form); the
        due work is today's and the whole ward's, whatever the year and area."""
        today = today or date.today()
        # first: reading the certification list makes the units of new areas (as the
        # certification tab does), which the recognition figures then count
        cert_rows = self.certification.year_rows(year)
        table = self.indicators.table(year, today=today)
        rehab_open = self.rehabilitation.list_cases(status=CaseStatus.OPEN, today=today)
        late = self.mediation.list_cases(status=StatusFilter.OPEN, late_only=True, today=today)
        block = table.ward
        if area_id is not None:
            block = next((a for a in table.areas if a.area_id == area_id), None)
            if block is None:
                raise ValueError(f"no residential area {area_id}")
        cards = self._cards(table, block, year, today, rehab_open, late, cert_rows)
        current = year == today.year  # then the due work reuses this year's readings
        due = self.due_work(today, now, backup_folder, rehab_open, late,
                            cert_rows if current else None, table if current else None)
        charts = self._charts(table, year, today, cert_rows, area_id)
        return Overview(year, today, table.cutoff, tuple(cards), tuple(due), tuple(charts),
                        table, area_id)

    # -- cards --------------------------------------------------------------------------------
    def _cards(self, table, block: AreaFigures, year, today, rehab_open, late,
               cert_rows) -> list[Card]:
        area_id = block.area_id  # None: the whole ward
        area = {} if area_id is None else {"area_id": area_id}
        if area_id is not None:
            rehab_open = self.rehabilitation.list_cases(status=CaseStatus.OPEN,
                                                        area_id=area_id, today=today)
            teams = {t.id for t in self.mediation.list_teams(include_retired=True)
                     if t.area_id == area_id}
            late = [r for r in late if r.team_id in teams]
            cert_rows = [r for r in cert_rows if r.area_id == area_id]
        cards: list[Card] = []
        signup = _sum(block, ("households_signed",))
        if signup is not None:
            shares = sorted(((a.figures["households_signed"].this, a.name, a.area_id)
                             for a in (table.areas if area_id is None else ())
                             if isinstance(a.figures["households_signed"].this, Ratio)
                             and a.figures["households_signed"].this.den),
                            key=lambda t: (t[0].share, t[1]))
            details = [f"{value_text(r)} — {name} ({r} hộ)"
                       for r, name, _ in shares[:LOWEST_AREAS] if r.share < 100]
            this = signup.this
            sub = f"{this} hộ" if isinstance(this, Ratio) else ""
            cards.append(Card(
                "households_signed", "Hộ đăng ký xây dựng KDC an toàn", this, signup.last,
                ("households_signed",), sub,
                tuple(["Thấp nhất:", *details] if details else []),
                Target(HOUSEHOLDS, {**area, "year": year, "unsigned_first": True}),
                line=100.0, warn=isinstance(this, Ratio) and (this.share or 0) < 100))
        for key, title, codes, tab, filters in SIMPLE_CARDS:
            f = _sum(block, codes)
            if f is None:
                continue
            wanted = dict(filters)
            if tab in (REHABILITATION, ACTIVITIES):
                wanted.update(area)
            elif tab == MEDIATION and area_id is not None:
                wanted["team_id"] = next(iter(teams), None)
            if tab in (MEDIATION, ACTIVITIES):
                wanted["year"] = year
            cards.append(Card(key, title, f.this, f.last, codes, target=Target(tab, wanted)))
            if key == "rehab_managed":
                overdue = sum(r.due.state == DueState.OVERDUE for r in rehab_open)
                cards.append(Card(
                    "rehab_overdue", "Quá hạn đánh giá (hôm nay)", overdue, None,
                    unit="người đang quản lý", warn=overdue > 0,
                    target=Target(REHABILITATION, {**area, "due": DueFilter.OVERDUE,
                                                   "status": CaseStatus.OPEN})))
            if key == "mediation_received":
                rate = _sum(block, ("mediation_succeeded", "mediation_received"))
                if rate is not None:
                    succeeded = _sum(block, ("mediation_succeeded",))
                    received = f

                    def share(a, b):
                        return None if a is None or b is None or not b else 100 * a / b
                    cards.append(Card(
                        "mediation_success", "Tỷ lệ hòa giải thành",
                        share(succeeded.this, received.this), share(succeeded.last, received.last),
                        ("mediation_succeeded", "mediation_received"), percent=True,
                        unit=("" if succeeded.this is None else
                              f"{number_text(succeeded.this)} vụ thành"),
                        target=Target(MEDIATION, wanted)))
                cards.append(Card(
                    "mediation_late", "Chậm bắt đầu hòa giải (hôm nay)", len(late), None,
                    unit="vụ quá 3 ngày chưa bắt đầu", warn=bool(late),
                    target=Target(MEDIATION, {"late_only": True, "status": StatusFilter.OPEN,
                                              **({"team_id": wanted.get("team_id")}
                                                 if area_id is not None else {})})))
        ward_only = {i.code for i in table.definitions.indicators if i.ward_only}
        codes = CERT_CODES if area_id is None else tuple(c for c in CERT_CODES
                                                         if c not in ward_only)
        cert = _sum(block, codes) if codes else None
        if cert is not None:
            counted = [r for r in cert_rows if active_in(r.retired_on, year)
                       and r.category in COUNTED_FOR_WARD]
            registered = sum(r.state is not CertState.NOT_REGISTERED for r in counted)
            this = cert.this
            details = (f"Đã đăng ký: {number_text(registered)}/{number_text(len(counted))}",
                       f"Đã công nhận: {this}" if isinstance(this, Ratio) else "")
            cards.insert(min(len(cards), 1), Card(
                "certification", "Công nhận “An toàn về ANTT”", this, cert.last, codes,
                "khu dân cư, cơ quan, doanh nghiệp, trường" if area_id is None else
                "khu dân cư", tuple(d for d in details if d),
                Target(CERTIFICATION, {"year": year}), line=RECOGNISED_LINE,
                warn=isinstance(this, Ratio) and (this.share or 0) < RECOGNISED_LINE))
        return cards

    # -- due work -----------------------------------------------------------------------------
    def due_work(self, today: date, now: datetime | None = None,
                 backup_folder: Path | None = None, rehab_open=None, late=None,
                 cert_rows=None, table: YearEndTable | None = None) -> list[DueItem]:
        """Today's due work, most urgent kinds first. ``backup_folder``: where backups are
        looked for (by default the database's backup folder; SQLite only). The other
        arguments are this year's readings when the caller has them already."""
        out: list[DueItem] = []
        rows = rehab_open if rehab_open is not None else self.rehabilitation.list_cases(
            status=CaseStatus.OPEN, today=today)
        for state, kind, text, due in (
                (DueState.OVERDUE, "evaluation_overdue", "{n} người quá hạn đánh giá",
                 DueFilter.OVERDUE),
                (DueState.DUE, "evaluation_due", "{n} người đến hạn đánh giá trong tuần",
                 DueFilter.DUE_OR_OVERDUE)):
            chosen = [r for r in rows if r.due.state == state]
            if chosen:
                out.append(DueItem(kind, text.format(n=number_text(len(chosen))),
                                   min(r.due.due_on for r in chosen),
                                   Target(REHABILITATION, {"due": due,
                                                           "status": CaseStatus.OPEN}),
                                   past=state == DueState.OVERDUE))
        late = late if late is not None else self.mediation.list_cases(
            status=StatusFilter.OPEN, late_only=True, today=today)
        if late:
            out.append(DueItem("mediation_late",
                               f"{number_text(len(late))} vụ việc hòa giải chưa bắt đầu sau 3 "
                               "ngày được phân công", min(r.received_on for r in late),
                               Target(MEDIATION, {"late_only": True,
                                                  "status": StatusFilter.OPEN}), past=True))
        out += self._signup_due(today, table)
        out += self._certification_due(today, cert_rows)
        out += self._team_due(today)
        backup = self._backup_due(now or datetime.now(), backup_folder)
        if backup is not None:
            out.append(backup)
        return out

    def _signup_due(self, today: date, table: YearEndTable | None = None) -> list[DueItem]:
        """Areas with households not signed up for this year: from this year's indicator
        table when given (its sign-up ratio counts as the households tab's summary does),
        else from the households' summary."""
        year = today.year
        deadline = date(year, *SIGNUP_DEADLINE)
        if table is not None and isinstance(table.ward.figures.get("households_signed") and
                                            table.ward["households_signed"].this, Ratio):
            # (a year with no records at all has no figures: the summary is read then)
            summary = [(a.area_id, a.name, a.figures["households_signed"].this)
                       for a in table.areas]
            with self.db.session() as s:
                active = set(s.scalars(select(Area.id).where(Area.retired_on.is_(None))))
            summary = [(i, n, r.num, r.den) for i, n, r in summary
                       if isinstance(r, Ratio) and i in active]
        else:
            summary = [(a.area_id, a.area_name, a.signed, a.total)
                       for a in self.households.signup_summary(year, today)]
        behind = [(total - signed, (area_id, name)) for area_id, name, signed, total in summary
                  if total > signed]
        behind.sort(key=lambda t: (-t[0], t[1][0]))
        out = []
        for missing, (area_id, name) in behind[:MAX_DUE_PER_KIND]:
            out.append(DueItem("signup", f"{name}: {number_text(missing)} hộ chưa đăng ký "
                               f"xây dựng KDC an toàn năm {year}", deadline,
                               Target(HOUSEHOLDS, {"area_id": area_id, "year": year,
                                                   "unsigned_first": True}),
                               past=today > deadline))
        rest = behind[MAX_DUE_PER_KIND:]
        if rest:
            out.append(DueItem("signup", f"… và {number_text(len(rest))} khu dân cư khác "
                               f"({number_text(sum(m for m, _ in rest))} hộ chưa đăng ký)",
                               deadline, Target(HOUSEHOLDS, {"year": year,
                                                             "unsigned_first": True}),
                               past=today > deadline))
        return out

    def _certification_due(self, today: date, rows=None) -> list[DueItem]:
        out = []
        for notice in self.certification.deadlines(today.year, today, rows):
            found = re.search(r"(\d{2})/(\d{2})/(\d{4})", notice.text)
            on = date(int(found[3]), int(found[2]), int(found[1])) if found else None
            if "đăng ký phấn đấu" in notice.text:
                filters = {"year": today.year, "state": CertState.NOT_REGISTERED}
            elif "xã, phường" in notice.text:
                filters = {"year": today.year, "category": CertCategory.WARD}
            else:
                filters = {"year": today.year, "state": CertState.REGISTERED}
            out.append(DueItem("certification", notice.text, on, Target(CERTIFICATION, filters),
                               past=notice.past))
        return out

    def _team_due(self, today: date) -> list[DueItem]:
        short = []
        for t in self.mediation.list_teams():
            lacks = []
            if t.mediators < MIN_MEDIATORS:
                lacks.append(f"mới có {t.mediators} hòa giải viên (cần ít nhất {MIN_MEDIATORS})")
            if t.women == 0:
                lacks.append("chưa có hòa giải viên nữ")
            if lacks:
                short.append((t, lacks))
        out = [DueItem("team", f"{t.name} {'; '.join(lacks)}", today,
                       Target(MEDIATION, {"team_id": t.id}))
               for t, lacks in short[:MAX_DUE_PER_KIND]]
        if len(short) > MAX_DUE_PER_KIND:
            out.append(DueItem("team", f"… và {len(short) - MAX_DUE_PER_KIND} tổ hòa giải khác "
                               "thiếu hòa giải viên", today, Target(MEDIATION, {})))
        return out

    def _backup_due(self, now: datetime, folder: Path | None) -> DueItem | None:
        try:
            path = backup_svc.database_file(self.db)
        except backup_svc.BackupError:
            return None  # PostgreSQL: its own server's backups
        if folder is None:
            folder = backup_svc.folder_for(path, backup_svc.settings_of(self.db))
        last = backup_svc.last_good(folder, path.stem)
        warning = backup_svc.backup_warning(last, now)
        if warning is None:
            return None
        from ..access import Permission, user_of

        text = ("Chưa có bản sao lưu nào" if last is None else
                "Bản sao lưu tốt gần nhất đã quá 7 ngày")
        todo = (" — bấm để sao lưu ngay" if user_of(self.db).can(Permission.BACKUP)
                else " — hãy báo cán bộ có quyền sao lưu")  # Chỉ xem cannot back up
        return DueItem("backup", text + todo,
                       None if last is None else last.created.date(), Target(BACKUP), past=True)

    # -- charts -------------------------------------------------------------------------------
    def _charts(self, table, year, today, cert_rows, area_id=None) -> list[ChartData]:
        """The sign-up chart is every area's (the one chosen among them); the others are the
        ward's or the chosen area's."""
        charts = []
        if "households_signed" in table.ward.figures:
            bars = []
            for a in table.areas:
                r = a.figures["households_signed"].this
                if isinstance(r, Ratio) and r.den:
                    bars.append(Bar(a.name, (r.share,), Target(
                        HOUSEHOLDS, {"area_id": a.area_id, "year": year,
                                     "unsigned_first": True}),
                        f"{a.name}: {r} hộ ({percent_text(r.share)} %)"))
            note = ""
            if len(bars) > MAX_AREA_BARS:
                note = (f"{MAX_AREA_BARS} khu dân cư thấp nhất trong {len(bars)} khu; bấm vào "
                        "cột để xem danh sách hộ")
                bars = sorted(bars, key=lambda b: (b.values[0], b.label))[:MAX_AREA_BARS]
            charts.append(ChartData("signup", f"Tỷ lệ hộ đăng ký theo khu dân cư, năm {year}",
                                    ("Đã đăng ký",), tuple(bars), percent=True, line=100.0,
                                    line_label="100 %", note=note))
        months = self.monthly(year, today, area_id)
        area = {} if area_id is None else {"area_id": area_id}
        for key, title, _model, _column, tab, filters in MONTHLY:
            this, last = months[key]
            charts.append(ChartData(
                f"months_{key}", f"{title} theo tháng: năm {year} so với năm {year - 1}",
                (f"Năm {year}", f"Năm {year - 1}"),
                tuple(Bar(f"T{m}", (this[m - 1], last[m - 1]),
                          Target(tab, {**filters, "year": year,
                                       **(area if tab == ACTIVITIES else {})}),
                          f"Tháng {m}: năm {year} {number_text(this[m - 1])}, năm {year - 1} "
                          f"{number_text(last[m - 1])}") for m in range(1, 13))))
        classes = self.classes(year, area_id)
        charts.append(ChartData(
            "rehab_classes", f"Xếp loại gần nhất trong năm {year} (quản lý, giáo dục)",
            ("Số người",), tuple(Bar(c.short, (classes.get(c, 0),), Target(
                REHABILITATION, {**area, "status": CaseStatus.ALL}), c.label)
                for c in CLASS_ORDER if classes.get(c, 0) or c.value in "ABCD")))
        states = (CertState.NOT_REGISTERED, CertState.REGISTERED, CertState.EVALUATED,
                  CertState.RECOGNISED, CertState.NOT_MET)
        counts = {(c, s): 0 for c in CATEGORY_ORDER for s in states}
        for r in cert_rows:
            if active_in(r.retired_on, year) and (area_id is None or r.area_id == area_id):
                counts[(r.category, r.state)] += 1
        bars = []
        for c in CATEGORY_ORDER:  # shares of each category's units: 285 areas beside 6 agencies
            total = sum(counts[(c, s)] for s in states)
            if not total:
                continue
            bars.append(Bar(c.label, tuple(100 * counts[(c, s)] / total for s in states),
                            Target(CERTIFICATION, {"year": year, "category": c}),
                            f"{c.label} ({total} đơn vị): " + ", ".join(
                                f"{s.label.lower()} {counts[(c, s)]}" for s in states
                                if counts[(c, s)])))
        charts.append(ChartData("certification",
                                f"“An toàn về ANTT” năm {year}: tỷ lệ đơn vị theo trạng thái",
                                tuple(s.label for s in states), tuple(bars), stacked=True,
                                percent=True, line=RECOGNISED_LINE,
                                line_label="70 % được công nhận"))
        return charts

    def monthly(self, year: int, today: date,
                area_id: int | None = None) -> dict[str, tuple[list[int], list[int]]]:
        """Per kind (tips, patrols, mediation): counts per month of ``year`` and of the year
        before, over the date column and up to the cut-off day the indicator sources use
        (of one residential area: a mediation case by its team's area)."""
        out = {}
        with self.db.session() as s:
            for key, _title, model, column, _tab, _filters in MONTHLY:
                pair = []
                for y in (year, year - 1):
                    start, cutoff = _cutoff(y, today)
                    month = extract("month", column)
                    stmt = (select(month, func.count()).select_from(model)
                            .where(column >= start, column <= cutoff).group_by(month))
                    if hasattr(model, "voided_at"):  # voided records never count
                        stmt = stmt.where(model.voided_at.is_(None))
                    if area_id is not None and model is MediationCase:
                        stmt = stmt.join(MediationTeam, MediationTeam.id == MediationCase.team_id
                                         ).where(MediationTeam.area_id == area_id)
                    elif area_id is not None:
                        stmt = stmt.where(model.area_id == area_id)
                    counts = [0] * 12
                    for m, n in s.execute(stmt):
                        counts[int(m) - 1] = int(n)
                    pair.append(counts)
                out[key] = (pair[0], pair[1])
        return out

    def classes(self, year: int, area_id: int | None = None) -> dict[Classification, int]:
        """People managed in ``year`` by the class of their latest evaluation of the year (the
        rule of the "rehab.improved" indicator: A and "tiến bộ" add up to it)."""
        start, end = period_bounds(year, None)
        latest = (select(RehabEvaluation.case_id, func.max(RehabEvaluation.period_no).label("no"))
                  .where(RehabEvaluation.period_year == year, RehabEvaluation.voided_on.is_(None))
                  .group_by(RehabEvaluation.case_id).subquery())
        stmt = (select(RehabEvaluation.classification, func.count())
                .select_from(RehabCase)
                .join(latest, latest.c.case_id == RehabCase.id)
                .join(RehabEvaluation, and_(RehabEvaluation.case_id == RehabCase.id,
                                            RehabEvaluation.period_year == year,
                                            RehabEvaluation.period_no == latest.c.no,
                                            RehabEvaluation.voided_on.is_(None)))
                .where(RehabCase.start_date <= end,
                       or_(RehabCase.closed_on.is_(None), RehabCase.closed_on >= start))
                .group_by(RehabEvaluation.classification))
        if area_id is not None:
            stmt = stmt.where(RehabCase.area_id == area_id)
        with self.db.session() as s:
            return {c: int(n) for c, n in s.execute(stmt)}


__all__ = ["Bar", "Card", "ChartData", "DueItem", "Overview", "OverviewService", "Target"]
