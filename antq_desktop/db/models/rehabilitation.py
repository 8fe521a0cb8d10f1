"""Rehabilitation cases: people managed, educated and helped in the community
(docs/DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...enums import Classification, EndReason, Regime, Sex, SupportKind
from .base import Base, Timestamped, Versioned, WardOwned
from .households import _enum


class RehabCase(WardOwned, Versioned, Timestamped, Base):
    """One person under one regime. The person is a registered resident (``resident_id``) or
    someone entered by hand; their name and particulars are kept on the case either way, as they
    were when the case was opened or last edited."""

    __tablename__ = "rehab_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex))
    id_number: Mapped[str | None] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(300), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    regime: Mapped[Regime] = mapped_column(_enum(Regime))
    decision_number: Mapped[str] = mapped_column(String(50), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_signer: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    supervisor: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[EndReason | None] = mapped_column(_enum(EndReason))
    close_note: Mapped[str] = mapped_column(String(300), default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    evaluations: Mapped[list[RehabEvaluation]] = relationship(
        back_populates="case", order_by="RehabEvaluation.period_year, RehabEvaluation.period_no")
    supports: Mapped[list[RehabSupport]] = relationship(
        back_populates="case", order_by="RehabSupport.given_on")

    __table_args__ = (Index("ix_rehab_case_regime_closed", "regime", "closed_on"),)


# An evaluation or support entered by mistake is voided with a date and a reason (migration
# 0012): it stays in the case's history, struck through, and counts nowhere.
LIVE = "voided_on IS NULL"


class RehabEvaluation(Versioned, Timestamped, Base):
    __tablename__ = "rehab_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rehab_case.id"), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date)
    period_year: Mapped[int] = mapped_column(Integer)
    period_no: Mapped[int] = mapped_column(Integer)  # month 1–12 or quarter 1–4, by the regime
    classification: Mapped[Classification] = mapped_column(_enum(Classification))
    remarks: Mapped[str] = mapped_column(Text, default="")
    voided_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")

    case: Mapped[RehabCase] = relationship(back_populates="evaluations")

    # one live evaluation per period: a voided one leaves its period free for the right one
    __table_args__ = (Index("uq_rehab_evaluation_period", "case_id", "period_year", "period_no",
                            unique=True, sqlite_where=text(LIVE), postgresql_where=text(LIVE)),)


class RehabSupport(Versioned, Timestamped, Base):
    __tablename__ = "rehab_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("rehab_case.id"), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[SupportKind] = mapped_column(_enum(SupportKind))
    details: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[int | None] = mapped_column(BigInteger)  # VND, for loans
    lender: Mapped[str] = mapped_column(String(200), default="")
    voided_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")

    case: Mapped[RehabCase] = relationship(back_populates="supports")
