"""Period locking (khóa sổ, issue 15, docs/AUDIT.md): a Lãnh đạo signs off a period — a year,
or a quarter of it (rehabilitation evaluations) — for one kind of data, for the whole ward or
one residential area. Every service's save path calls :func:`ensure_open`, which refuses a
change dated in a locked period ("Năm 2025 đã khóa sổ ngày … bởi …") unless an exception for
that period, area and kind is still running. Reopening needs a reason. At sign-off the year-end
indicator table is stored (``snapshot``), so the signed figures can be reproduced and a
"changes since sign-off" report can list what differs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.models import Area, Household, LockException, PeriodLock
from ..db.models.base import utc_now
from ..text import quarter_label
from ..validation import FieldError
from . import audit

SIGNUPS, EVALUATIONS, MEDIATION, ACTIVITIES, CERTIFICATION = (
    "signups", "evaluations", "mediation", "activities", "certification")
KINDS = {
    SIGNUPS: "Đăng ký hộ an toàn",
    # the rehabilitation records: evaluations, support given, a case's start, decision and
    # close (services/rehabilitation.py CaseLocks); the id stays "evaluations" (stored)
    EVALUATIONS: "Quản lý, giúp đỡ đối tượng",
    MEDIATION: "Hòa giải",
    ACTIVITIES: "Phong trào",
    CERTIFICATION: "Công nhận",
}
QUARTERLY = frozenset({EVALUATIONS})  # may be locked a quarter at a time (a day's quarter)
WARD_LABEL = "Toàn phường"


def require_lock_right(db) -> None:
    """Signing off, reopening and exceptions are the Lãnh đạo's (and the Quản trị's): the
    account's role must have Permission.LOCK (access.py); PermissionDenied otherwise."""
    from ..access import Permission, require

    require(db, Permission.LOCK)


class PeriodLocked(FieldError):
    """A change dated in a locked period."""


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def _period_label(year: int, quarter: int | None) -> str:
    # Roman, as the evaluations' own periods are written ("Quý III/2026", regimes.Period)
    return f"{quarter_label(quarter)}/{year}" if quarter else f"Năm {year}"


def _locked_message(lock: PeriodLock) -> str:
    where = "" if lock.area_id is None else " (một khu dân cư)"
    return (f"{_period_label(lock.year, lock.quarter)} đã khóa sổ ngày "
            f"{_local(lock.locked_at):%d/%m/%Y} bởi {lock.locked_by}{where}: "
            f"không sửa được dữ liệu {KINDS[lock.kind].lower()} của kỳ này.")


def _areas(s: Session, area_id, households) -> set[int | None]:
    if households is not None:
        ids = [households] if isinstance(households, int) else list(households)
        return set(s.scalars(select(Household.area_id).where(Household.id.in_(ids))))
    if isinstance(area_id, Iterable) and not isinstance(area_id, (str, bytes)):
        return set(area_id)
    return {area_id}


def ensure_open(s: Session, kind: str, when: date | int | None, area_id=None, *,
                households=None, quarter: int | None = None, today: date | None = None) -> None:
    """Raise PeriodLocked when a change of ``kind`` dated ``when`` (a day, or a year) in area
    ``area_id`` (None: the ward itself; or several; or the areas of ``households``) falls in a
    locked period with no running exception. The one check every save path calls."""
    if when is None:
        return
    year = when if isinstance(when, int) else when.year
    if quarter is None and isinstance(when, date):
        quarter = (when.month - 1) // 3 + 1
    locks = list(s.scalars(select(PeriodLock).where(
        PeriodLock.kind == kind, PeriodLock.year == year, PeriodLock.reopened_at.is_(None))))
    if not locks:
        return
    today = today or date.today()
    for area in _areas(s, area_id, households):
        for lock in locks:
            if lock.quarter is not None and lock.quarter != quarter:
                continue
            if lock.area_id is not None and lock.area_id != area:
                continue
            if not _excepted(s, kind, year, quarter, area, today):
                raise PeriodLocked("Khóa sổ", _locked_message(lock))


def _excepted(s: Session, kind: str, year: int, quarter: int | None, area: int | None,
              today: date) -> bool:
    stmt = select(LockException.id).where(
        LockException.kind == kind, LockException.year == year, LockException.until >= today,
        or_(LockException.quarter.is_(None), LockException.quarter == quarter),
        or_(LockException.area_id.is_(None), LockException.area_id == area))
    return s.scalar(stmt.limit(1)) is not None


# -- the snapshot --------------------------------------------------------------------------------
def _value(v) -> str | None:
    if v is None:
        return None
    if hasattr(v, "num") and hasattr(v, "den"):
        return f"{v.num}/{v.den}"
    return str(v)


def table_snapshot(table) -> dict:
    """The figures of a YearEndTable as plain text: {"ward": {code: value}, "areas": …}."""
    def block(b):
        return {code: _value(f.this) for code, f in b.figures.items()}

    return {"year": table.year, "cutoff": table.cutoff.isoformat(),
            "labels": {i.code: i.label for i in table.definitions.indicators},
            "ward": block(table.ward),
            "areas": {str(a.area_id): {"name": a.name, "figures": block(a)}
                      for a in table.areas}}


@dataclass(frozen=True)
class LockRow:
    id: int
    kind: str
    kind_label: str
    period: str
    year: int
    quarter: int | None
    area_id: int | None
    area_name: str
    locked_at: datetime  # local time
    locked_by: str
    reopened_at: datetime | None
    reopened_by: str
    reopen_reason: str

    @property
    def active(self) -> bool:
        return self.reopened_at is None


@dataclass(frozen=True)
class ExceptionRow:
    id: int
    kind_label: str
    period: str
    area_name: str
    until: date
    reason: str
    granted_by: str


@dataclass(frozen=True)
class Difference:
    area: str
    indicator: str
    signed: str | None
    now: str | None


def _reason(reason: str, what: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise FieldError("Lý do", f"cần ghi lý do {what}.")
    if len(reason) > 300:
        raise FieldError("Lý do", "dài quá 300 ký tự.")
    return reason


def _open_kinds(s: Session, year: int, area_id: int | None) -> list[str]:
    locked = set(s.scalars(select(PeriodLock.kind).where(
        PeriodLock.year == year, PeriodLock.quarter.is_(None), PeriodLock.reopened_at.is_(None),
        PeriodLock.area_id.is_(None) if area_id is None else PeriodLock.area_id == area_id)))
    return [k for k in KINDS if k not in locked]


class PeriodService:
    def __init__(self, db: Database):
        self.db = db

    @staticmethod
    def _check(kind: str, year: int, quarter: int | None) -> None:
        if kind not in KINDS:
            raise FieldError("Loại dữ liệu", "không hợp lệ.")
        if not 2000 <= year <= 2100:
            raise FieldError("Năm", "không hợp lệ.")
        if quarter is not None and (kind not in QUARTERLY or not 1 <= quarter <= 4):
            raise FieldError("Quý", "chỉ khóa theo quý được dữ liệu quản lý, giúp đỡ đối tượng "
                                     "(quý 1–4).")

    @staticmethod
    def _check_area(s: Session, area_id: int | None) -> None:
        if area_id is not None and s.get(Area, area_id) is None:
            raise FieldError("Khu dân cư", "không tồn tại.")

    def lock(self, kind: str, year: int, quarter: int | None = None, area_id: int | None = None,
             today: date | None = None) -> int:
        """Sign off the period: store the year-end figures and refuse later changes."""
        require_lock_right(self.db)
        self._check(kind, year, quarter)
        from .indicators import IndicatorService

        snapshot = table_snapshot(IndicatorService(self.db).table(year, today=today))
        with self.db.session.begin() as s:
            self._check_area(s, area_id)
            same = s.scalar(select(PeriodLock).where(
                PeriodLock.kind == kind, PeriodLock.year == year,
                PeriodLock.reopened_at.is_(None),
                PeriodLock.quarter.is_(None) if quarter is None else PeriodLock.quarter == quarter,
                PeriodLock.area_id.is_(None) if area_id is None else PeriodLock.area_id == area_id))
            if same is not None:
                raise FieldError("Khóa sổ", _locked_message(same))
            row = PeriodLock(kind=kind, year=year, quarter=quarter, area_id=area_id,
                             locked_at=utc_now().replace(microsecond=0),
                             locked_by=audit.current_actor(s)[:100],
                             snapshot=json.dumps(snapshot, ensure_ascii=False),
                             reopened_by="", reopen_reason="")
            s.add(row)
            s.flush()
            audit.record(s, "lock", "period_lock", row.id, area_id, loai=KINDS[kind],
                         ky=_period_label(year, quarter))
            return row.id

    def year_open_kinds(self, year: int, area_id: int | None = None) -> list[str]:
        """The kinds whose whole ``year`` is not signed off yet for ``area_id`` (None: the
        ward) by a lock of that exact scope: what :meth:`lock_year` would lock."""
        with self.db.session() as s:
            return _open_kinds(s, year, area_id)

    def lock_year(self, year: int, area_id: int | None = None,
                  today: date | None = None) -> list[int]:
        """Sign off the whole ``year`` of every kind not signed off yet (the year-end report's
        sign-off), for the ward or one area: one snapshot of the year-end figures, one
        transaction, one "lock" entry per kind. The new locks' ids (none: all were locked)."""
        require_lock_right(self.db)
        self._check(SIGNUPS, year, None)
        kinds = self.year_open_kinds(year, area_id)
        if not kinds:
            return []
        from .indicators import IndicatorService

        snapshot = json.dumps(table_snapshot(IndicatorService(self.db).table(year, today=today)),
                              ensure_ascii=False)
        with self.db.session.begin() as s:
            self._check_area(s, area_id)
            now, actor = utc_now().replace(microsecond=0), audit.current_actor(s)[:100]
            ids = []
            for kind in _open_kinds(s, year, area_id):  # again, in the transaction
                row = PeriodLock(kind=kind, year=year, quarter=None, area_id=area_id,
                                 locked_at=now, locked_by=actor, snapshot=snapshot,
                                 reopened_by="", reopen_reason="")
                s.add(row)
                s.flush()
                audit.record(s, "lock", "period_lock", row.id, area_id, loai=KINDS[kind],
                             ky=_period_label(year, None))
                ids.append(row.id)
            return ids

    def reopen(self, lock_id: int, reason: str) -> None:
        """Open a signed-off period again (needs a reason and the Lãnh đạo's right)."""
        require_lock_right(self.db)
        reason = _reason(reason, "mở lại kỳ đã khóa sổ")
        with self.db.session.begin() as s:
            row = s.get(PeriodLock, lock_id)
            if row is None:
                raise LookupError(lock_id)
            if row.reopened_at is not None:
                raise FieldError("Mở khóa sổ", "kỳ này đã được mở lại rồi.")
            audit.set_action(s, "unlock")
            row.reopened_at = utc_now().replace(microsecond=0)
            row.reopened_by = audit.current_actor(s)[:100]
            row.reopen_reason = reason

    def grant_exception(self, kind: str, year: int, until: date, reason: str,
                        quarter: int | None = None, area_id: int | None = None,
                        today: date | None = None) -> int:
        """Allow changes of ``kind`` in the locked period (and area) until ``until``."""
        require_lock_right(self.db)
        self._check(kind, year, quarter)
        reason = _reason(reason, "cho phép sửa kỳ đã khóa sổ")
        today = today or date.today()
        if until is None or until < today:
            raise FieldError("Đến ngày", "phải từ hôm nay trở đi.")
        if (until - today).days > 92:
            raise FieldError("Đến ngày", "ngoại lệ dài nhất ba tháng.")
        with self.db.session.begin() as s:
            self._check_area(s, area_id)
            row = LockException(kind=kind, year=year, quarter=quarter, area_id=area_id,
                                until=until, reason=reason,
                                granted_by=audit.current_actor(s)[:100],
                                granted_at=utc_now().replace(microsecond=0))
            s.add(row)
            s.flush()
            audit.record(s, "lock_exception", "lock_exception", row.id, area_id,
                         loai=KINDS[kind], ky=_period_label(year, quarter), until=until,
                         reason=reason)
            return row.id

    # -- reading ---------------------------------------------------------------------------------
    def locks(self) -> list[LockRow]:
        with self.db.session() as s:
            names = dict(s.execute(select(Area.id, Area.name)).all())
            rows = s.scalars(select(PeriodLock).order_by(PeriodLock.year.desc(),
                                                         PeriodLock.id.desc()))
            return [LockRow(r.id, r.kind, KINDS.get(r.kind, r.kind),
                            _period_label(r.year, r.quarter), r.year, r.quarter, r.area_id,
                            names.get(r.area_id, WARD_LABEL), _local(r.locked_at), r.locked_by,
                            _local(r.reopened_at) if r.reopened_at else None, r.reopened_by,
                            r.reopen_reason) for r in rows]

    def exceptions(self) -> list[ExceptionRow]:
        with self.db.session() as s:
            names = dict(s.execute(select(Area.id, Area.name)).all())
            rows = s.scalars(select(LockException).order_by(LockException.id.desc()))
            return [ExceptionRow(r.id, KINDS.get(r.kind, r.kind),
                                 _period_label(r.year, r.quarter),
                                 names.get(r.area_id, WARD_LABEL), r.until, r.reason,
                                 r.granted_by) for r in rows]

    def is_locked(self, kind: str, when: date | int, area_id: int | None = None,
                  today: date | None = None) -> str | None:
        """The refusal message a change would get, or None (for a padlock mark)."""
        with self.db.session() as s:
            try:
                ensure_open(s, kind, when, area_id, today=today)
            except PeriodLocked as exc:
                return exc.message
        return None

    def snapshot(self, lock_id: int) -> dict:
        """The figures as signed off (see :func:`table_snapshot`)."""
        with self.db.session() as s:
            row = s.get(PeriodLock, lock_id)
            if row is None:
                raise LookupError(lock_id)
            return json.loads(row.snapshot or "{}")

    def changes_since(self, lock_id: int, today: date | None = None) -> list[Difference]:
        """Every figure of the year-end table that differs from the one signed off."""
        from .indicators import IndicatorService

        signed = self.snapshot(lock_id)
        now = table_snapshot(IndicatorService(self.db).table(signed["year"], today=today))
        labels = {**signed.get("labels", {}), **now["labels"]}
        out = []
        for code in labels:
            a, b = signed["ward"].get(code), now["ward"].get(code)
            if a != b:
                out.append(Difference(WARD_LABEL, labels[code], a, b))
        for key in sorted(set(signed["areas"]) | set(now["areas"]), key=str):
            old = signed["areas"].get(key, {"name": "", "figures": {}})
            new = now["areas"].get(key, {"name": old["name"], "figures": {}})
            for code in labels:
                a, b = old["figures"].get(code), new["figures"].get(code)
                if a != b:
                    out.append(Difference(new["name"] or old["name"], labels[code], a, b))
        return out
