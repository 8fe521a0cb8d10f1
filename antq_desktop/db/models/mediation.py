"""Grassroots mediation: one team per residential area, its mediators, and the cases it
mediates with their parties (docs/DOMAIN.md §3; Luật Hòa giải ở cơ sở 2013, Nghị định 15/2014)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...enums import CaseOrigin, Compliance, MediationStatus, MediationType, Sex
from .base import Base, Timestamped, Versioned, WardOwned
from .households import _enum


class MediationTeam(WardOwned, Versioned, Timestamped, Base):
    """The mediation team (tổ hòa giải) of one residential area, and the cover of its book."""

    __tablename__ = "mediation_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # "Tổ hòa giải Tổ dân phố số 1"
    book_number: Mapped[str] = mapped_column(String(30), default="")  # "Quyển số"
    book_opened_on: Mapped[date | None] = mapped_column(Date)
    book_closed_on: Mapped[date | None] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    mediators: Mapped[list[Mediator]] = relationship(
        back_populates="team", order_by="Mediator.id", cascade="save-update, merge")


class Mediator(Versioned, Timestamped, Base):
    """A mediator (hòa giải viên) recognised by the ward chairman. Never deleted: one who stops
    gets ``left_on`` (thôi làm hòa giải viên); active means ``left_on`` is empty."""

    __tablename__ = "mediator"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("mediation_team.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100))
    sex: Mapped[Sex] = mapped_column(_enum(Sex))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(20), default="")
    decision_number: Mapped[str] = mapped_column(String(50), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str] = mapped_column(String(300), default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    team: Mapped[MediationTeam] = relationship(back_populates="mediators")


class MediationCase(Versioned, Timestamped, Base):
    """One case (vụ, việc) as written in the team's book."""

    __tablename__ = "mediation_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("mediation_team.id"))
    received_on: Mapped[date] = mapped_column(Date)
    origin: Mapped[CaseOrigin] = mapped_column(_enum(CaseOrigin))
    case_type: Mapped[MediationType] = mapped_column(_enum(MediationType))
    content: Mapped[str] = mapped_column(Text)
    invited: Mapped[str] = mapped_column(Text, default="")  # persons invited to take part
    assigned_on: Mapped[date | None] = mapped_column(Date)  # the leader assigned mediators
    started_on: Mapped[date | None] = mapped_column(Date)  # mediation began
    status: Mapped[MediationStatus] = mapped_column(_enum(MediationStatus))
    closed_on: Mapped[date | None] = mapped_column(Date)
    agreement: Mapped[str] = mapped_column(Text, default="")  # or each side's demands
    compliance: Mapped[Compliance | None] = mapped_column(_enum(Compliance))
    compliance_note: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    parties: Mapped[list[MediationParty]] = relationship(
        back_populates="case", order_by="MediationParty.id", cascade="save-update, merge")
    mediators: Mapped[list[MediationCaseMediator]] = relationship(
        cascade="save-update, merge, delete, delete-orphan",
        order_by="MediationCaseMediator.mediator_id")

    __table_args__ = (
        Index("ix_mediation_case_team_received", "team_id", "received_on"),
        Index("ix_mediation_case_received", "received_on"),
    )


class MediationParty(Versioned, Timestamped, Base):
    """A party to a case: a registered resident (``resident_id``) or someone typed by hand; the
    name, age and address are kept on the party either way, as written in the book."""

    __tablename__ = "mediation_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    age: Mapped[int | None] = mapped_column(Integer)  # when only the age was told
    address: Mapped[str] = mapped_column(String(300), default="")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)

    case: Mapped[MediationCase] = relationship(back_populates="parties")


class MediationCaseMediator(Base):
    """A mediator assigned to a case (a link, not a person: it may be removed)."""

    __tablename__ = "mediation_case_mediator"

    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id"), primary_key=True,
                                             index=True)
