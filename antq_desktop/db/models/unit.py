"""The ward police units of the store (one in a ward's own file, many in a province's), and
their residential areas (docs/ARCHITECTURE.md §6)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, \
    UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, Versioned, WardOwned, utc_now


class Unit(Versioned, Timestamped, Base):
    """One ward (phường, xã) of the store: its place and the lines printed on its documents (docs/DOMAIN.md §6)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(Integer)
    province_name: Mapped[str] = mapped_column(String(100))
    ward_code: Mapped[int] = mapped_column(Integer)
    ward_name: Mapped[str] = mapped_column(String(100))
    header_superior: Mapped[str] = mapped_column(String(200))  # e.g. "CÔNG AN TỈNH …"
    header_issuer: Mapped[str] = mapped_column(String(200))  # e.g. "CÔNG AN PHƯỜNG …"
    place_name: Mapped[str] = mapped_column(String(100))  # "Phường X" in "Phường X, ngày …"
    commander_name: Mapped[str] = mapped_column(String(100), default="")
    commander_title: Mapped[str] = mapped_column(String(200), default="")


class Area(WardOwned, Versioned, Timestamped, Base):
    """A residential area (khu dân cư: tổ dân phố, thôn, ấp…). Retired, never deleted."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # unique in its ward
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("name", "unit_id", name="uq_area_name"),)


class Setting(Versioned, Base):
    """A named setting as text; the services own the keys, their defaults and their parsing
    (services/settings.py). A ward's settings (deadlines, the decider's title, the idle lock…)
    carry its ``unit_id``; the few that belong to the store itself (where its backups go, their
    size cap) have none (migration 0018, docs/ARCHITECTURE.md §6). ``updated_at`` is empty on
    rows written before migration 0008."""

    __tablename__ = "setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utc_now,
                                                        onupdate=utc_now)

    __table_args__ = (
        # one value of a key per ward, and one of a store-wide key
        Index("uq_setting_unit_key", "unit_id", "key", unique=True,
              sqlite_where=text("unit_id IS NOT NULL"),
              postgresql_where=text("unit_id IS NOT NULL")),
        Index("uq_setting_store_key", "key", unique=True,
              sqlite_where=text("unit_id IS NULL"), postgresql_where=text("unit_id IS NULL")),
    )
