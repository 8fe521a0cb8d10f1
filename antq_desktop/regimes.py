"""What each rehabilitation regime prescribes: legal basis, evaluation cycle, classes, term.

Pure facts and date arithmetic (docs/DOMAIN.md §2), no I/O. Items docs/DOMAIN.md marks unconfirmed
(the GDTXP term) are defaults the officer can change on each case, not rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .access import MASKED
from .enums import Classification, Regime
from .text import quarter_label

ABCD = (Classification.A, Classification.B, Classification.C, Classification.D)
PROGRESS_CLASSES = (Classification.PROGRESS, Classification.NO_PROGRESS,
                    Classification.VIOLATION, Classification.RELAPSE)
GRACE_DAYS = 5  # reports are due in the first 5 days of the next month or quarter


@dataclass(frozen=True)
class RegimeInfo:
    basis: str
    months_per_period: int  # 1 monthly, 3 quarterly
    classes: tuple[Classification, ...]
    default_term_months: int | None  # None: until an event (record cleared, sentence served)

    @property
    def cycle_label(self) -> str:
        return "hằng tháng" if self.months_per_period == 1 else "hằng quý"


REGIMES: dict[Regime, RegimeInfo] = {
    Regime.REINTEGRATION: RegimeInfo(
        "Nghị định 49/2020/NĐ-CP; Thông tư 10/2024/TT-BCA (mẫu HCD-01…HCD-11)", 3, ABCD, None),
    Regime.DRUG_USER: RegimeInfo(
        "Luật Phòng, chống ma túy 2021; Nghị định 105/2021/NĐ-CP", 1, PROGRESS_CLASSES, 12),
    Regime.POST_REHAB: RegimeInfo(
        "Nghị định 116/2021/NĐ-CP (mẫu 30, 50–54)", 1, PROGRESS_CLASSES, 12),
    Regime.WARD_EDUCATION: RegimeInfo(
        "Luật Xử lý vi phạm hành chính, Điều 90; Nghị định 120/2021/NĐ-CP", 1,
        PROGRESS_CLASSES, 3),
    Regime.SUSPENDED: RegimeInfo(
        "Luật Thi hành án hình sự 2019; Thông tư 65/2019/TT-BCA", 1, PROGRESS_CLASSES, None),
    Regime.YOUTH: RegimeInfo(
        "Mô hình tại địa phương (ví dụ “3 cộng 1”)", 3, PROGRESS_CLASSES, None),
}

IMPROVED = (Classification.A, Classification.PROGRESS)

SHORT_LABELS = {
    Regime.REINTEGRATION: "Tái hòa nhập",
    Regime.DRUG_USER: "Sử dụng trái phép ma túy",
    Regime.POST_REHAB: "Sau cai nghiện",
    Regime.WARD_EDUCATION: "GD tại xã, phường",
    Regime.SUSPENDED: "Án treo, CTKGG, tha tù ĐK",
    Regime.YOUTH: "Thanh thiếu niên",
}
SHORT_LABELS[MASKED] = MASKED.label  # a regime hidden from a read-only account (access.py)


@dataclass(frozen=True, order=True)
class Period:
    """A month (length 1) or a quarter (length 3): ``number`` is 1–12 or 1–4."""

    year: int
    number: int
    months: int = 1

    @staticmethod
    def containing(day: date, months: int) -> Period:
        return Period(day.year, (day.month - 1) // months + 1, months)

    @property
    def first_day(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Period:
        per_year = 12 // self.months
        if self.number == per_year:
            return Period(self.year + 1, 1, self.months)
        return Period(self.year, self.number + 1, self.months)

    @property
    def label(self) -> str:
        if self.months == 1:
            return f"Tháng {self.number:02d}/{self.year}"
        return f"{quarter_label(self.number)}/{self.year}"


def periods_between(first: Period, last: Period) -> list[Period]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = p.next()
    return out


class DueState:
    NOT_DUE = "not_due"
    DUE = "due"  # the period is over; within the grace days
    OVERDUE = "overdue"
    CLOSED = "closed"


@dataclass(frozen=True)
class Due:
    period: Period | None
    due_on: date | None
    state: str

    @property
    def label(self) -> str:
        if self.state == DueState.CLOSED or self.period is None:
            return ""
        text = f"{self.period.label}, hạn {self.due_on:%d/%m/%Y}"
        return {"overdue": f"Quá hạn — {text}", "due": f"Đến hạn — {text}"}.get(self.state, text)


def next_due(regime: Regime, start: date, last_evaluated: Period | None, today: date,
             closed_on: date | None = None) -> Due:
    """The next period to evaluate and when its evaluation is due.

    The first period is the one containing the start date; each evaluation is due by the
    ``GRACE_DAYS``-th day after its period ends (HCD-08: first 5 days of the next quarter).
    """
    if closed_on is not None:
        return Due(None, None, DueState.CLOSED)
    months = REGIMES[regime].months_per_period
    period = last_evaluated.next() if last_evaluated else Period.containing(start, months)
    due_on = period.last_day + timedelta(days=GRACE_DAYS)
    if today > due_on:
        state = DueState.OVERDUE
    elif today > period.last_day:
        state = DueState.DUE
    else:
        state = DueState.NOT_DUE
    return Due(period, due_on, state)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31/01 + 1 → 28 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
