from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utc_now() -> datetime:
    """Now in UTC, naive: what SQLite's CURRENT_TIMESTAMP stores, so old and new rows agree
    (and PostgreSQL's server time zone does not matter). Shown in local time by the services."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    # Written by Python (UTC) on every ORM insert and update; the server default only fills
    # rows written before migration 0008 wrote it this way.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), default=utc_now, onupdate=utc_now
    )


class Versioned:
    """An editable record (issue 12, lost updates): ``version`` starts at 1 and the ORM adds one
    on every UPDATE, which it issues as ``… WHERE id = ? AND version = <the version read>``.
    A save that read the row before another save committed matches no row and raises
    StaleDataError; the services also compare the version a dialog read when it opened
    (services/versions.py). Bulk ``update()`` statements do not bump it."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class WardOwned:
    """A record that belongs to one ward (``unit``) of the store (docs/ARCHITECTURE.md §6).
    Filled by db/guard.py from the record's area or the current ward; every ORM query of a
    session sees the current ward's records only."""

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
