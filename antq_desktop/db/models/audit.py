"""The audit trail (docs/AUDIT.md) and period locking (khóa sổ).

``audit_entry`` is append-only: triggers made by migration 0014 refuse UPDATE and DELETE, and
each entry's ``hash`` is sha256 of the previous entry's hash and this entry's canonical text,
so an entry changed behind the triggers' back breaks the chain (``services.audit.verify``).
``detail`` is JSON: the changed fields (``{"field": [old, new]}``) or an action's parameters.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, WardOwned, utc_now


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)  # UTC, whole seconds
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))  # services.audit.ACTIONS
    kind: Mapped[str] = mapped_column(String(50), default="")  # table name, or "" (a backup)
    record_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the trail outlives
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_audit_entry_record", "kind", "record_id"),
                      Index("ix_audit_entry_at", "at"))


class PeriodLock(WardOwned, Base):
    """A period signed off (khóa sổ) for one kind of data, for the ward (``area_id`` None) or
    one area: a year, or a quarter of it (rehabilitation evaluations). ``reopened_at`` set:
    no longer locked. ``snapshot`` is the year-end indicator table at sign-off (JSON)."""

    __tablename__ = "period_lock"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # services.periods.KINDS
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    locked_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    locked_by: Mapped[str] = mapped_column(String(100))
    snapshot: Mapped[str] = mapped_column(Text, default="")
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str] = mapped_column(String(100), default="")
    reopen_reason: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (Index("ix_period_lock_kind_year", "kind", "year"),)


class LockException(WardOwned, Base):
    """Changes allowed in a locked period, for one kind and area, until ``until`` (inclusive)."""

    __tablename__ = "lock_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
