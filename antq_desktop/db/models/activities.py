"""Movement activities that the other areas do not hold (docs/DOMAIN.md §5): tips from the public,
movement models, patrols, outreach sessions, weapons handed in and awards. Each belongs to a
residential area, or to the whole ward when ``area_id`` is empty. ``folded`` holds
``text.fold`` of the searchable text (content, name, topic, description, recipient), written by
the service, so search works without diacritics in SQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...enums import AwardLevel, OutreachKind, TipResult, WeaponKind
from .base import Base, Timestamped, Versioned, WardOwned
from .households import _enum


class Voidable:
    """A record entered by mistake is voided (đã hủy) with a reason, never deleted; every count
    and report leaves voided records out (issue 15)."""

    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    void_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")


class Tip(WardOwned, Voidable, Versioned, Timestamped, Base):
    """A tip (tin báo) received from the public."""

    __tablename__ = "tip"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    content: Mapped[str] = mapped_column(Text)
    valuable: Mapped[bool] = mapped_column(Boolean, default=False)  # có giá trị
    result: Mapped[TipResult] = mapped_column(_enum(TipResult))
    persons: Mapped[int] = mapped_column(Integer, default=0)  # arrested or surrendered
    result_note: Mapped[str] = mapped_column(String(300), default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    __table_args__ = (Index("ix_tip_received_on", "received_on", "area_id"),)


class MovementModel(WardOwned, Versioned, Timestamped, Base):
    """A movement model or self-managed group (mô hình, tổ tự quản). Never deleted: one that
    stops gets ``ended_on``."""

    __tablename__ = "movement_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    started_on: Mapped[date] = mapped_column(Date)
    members: Mapped[int] = mapped_column(Integer, default=0)
    ended_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class Patrol(WardOwned, Voidable, Versioned, Timestamped, Base):
    """A patrol (tuần tra) by the grassroots forces and residents."""

    __tablename__ = "patrol"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    participants: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    __table_args__ = (Index("ix_patrol_held_on", "held_on", "area_id"),)


class Outreach(WardOwned, Voidable, Versioned, Timestamped, Base):
    """An outreach session (tuyên truyền) and how many attended."""

    __tablename__ = "outreach"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    kind: Mapped[OutreachKind] = mapped_column(_enum(OutreachKind))
    topic: Mapped[str] = mapped_column(String(300), default="")
    attendance: Mapped[int] = mapped_column(Integer, default=0)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    __table_args__ = (Index("ix_outreach_held_on", "held_on", "area_id"),)


class WeaponHandover(WardOwned, Voidable, Versioned, Timestamped, Base):
    """Weapons, explosives, firecrackers or knives handed in by residents."""

    __tablename__ = "weapon_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    kind: Mapped[WeaponKind] = mapped_column(_enum(WeaponKind))
    description: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))  # "khẩu", "viên", "kg", "chiếc"
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    __table_args__ = (Index("ix_weapon_handover_received_on", "received_on", "area_id"),)


class Award(WardOwned, Voidable, Versioned, Timestamped, Base):
    """An award (khen thưởng) to a person or a collective for the movement."""

    __tablename__ = "award"

    id: Mapped[int] = mapped_column(primary_key=True)
    folded: Mapped[str] = mapped_column(Text, default="")
    awarded_on: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(200))
    collective: Mapped[bool] = mapped_column(Boolean, default=False)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    level: Mapped[AwardLevel] = mapped_column(_enum(AwardLevel))
    decision_number: Mapped[str] = mapped_column(String(50), default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
