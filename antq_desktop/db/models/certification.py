""""An toàn về an ninh, trật tự" certification (Thông tư 124/2021/TT-BCA; docs/DOMAIN.md §4): the
units that can be recognised, their yearly record (registration, evaluation, decision) and the
criteria checklist of that record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...enums import CertCategory, CertResult
from .base import Base, Timestamped, Versioned, WardOwned
from .households import _enum


class CertUnit(WardOwned, Versioned, Timestamped, Base):
    """A unit that registers each year: a residential area (one row per ``area``, kept in step
    with it by the service), an agency, an enterprise, a school, or the ward itself (one row).
    Never deleted: a unit that closes gets ``retired_on``."""

    __tablename__ = "cert_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[CertCategory] = mapped_column(_enum(CertCategory), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    head_name: Mapped[str] = mapped_column(String(100), default="")  # thủ trưởng, trưởng khu
    phone: Mapped[str] = mapped_column(String(20), default="")
    retired_on: Mapped[date | None] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class CertRecord(Versioned, Timestamped, Base):
    """One unit in one year (``unit_id`` is the certification unit's, not the ward's: the
    record belongs to a ward through its unit): the pledge, the evaluation meeting and its result, the decision."""

    __tablename__ = "cert_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("cert_unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    registered_on: Mapped[date | None] = mapped_column(Date)  # bản đăng ký phấn đấu
    evaluated_on: Mapped[date | None] = mapped_column(Date)  # biên bản họp đánh giá
    result: Mapped[CertResult | None] = mapped_column(_enum(CertResult))  # confirmed by the officer
    decision_number: Mapped[str] = mapped_column(String(50), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    certificate_number: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    criteria: Mapped[list[CertCriterion]] = relationship(
        cascade="save-update, merge, delete, delete-orphan", order_by="CertCriterion.code")

    __table_args__ = (
        UniqueConstraint("unit_id", "year"),
        Index("ix_cert_record_year", "year", "unit_id"),
    )


class CertCriterion(Base):
    """One criterion of a record's checklist: met or not, with a note or the evidence."""

    __tablename__ = "cert_criterion"

    record_id: Mapped[int] = mapped_column(ForeignKey("cert_record.id", ondelete="CASCADE"),
                                           primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # "kdc-1", see criteria.py
    met: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
