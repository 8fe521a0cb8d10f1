"""Duplicate people: pairs an officer said are different people, and merges kept for undo."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped


class NotDuplicate(Timestamped, Base):
    """"Không trùng": a pair never offered again. ``kind`` "resident" pairs two residents
    (``record_id`` < ``resident_id``); "rehab" and "party" pair a hand-typed rehabilitation
    case or mediation party (``record_id``) with a resident."""

    __tablename__ = "person_not_duplicate"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int] = mapped_column(Integer)
    resident_id: Mapped[int] = mapped_column(Integer)
    marked_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("kind", "record_id", "resident_id",
                                       name="uq_person_not_duplicate_pair"),)


class PersonMerge(Timestamped, Base):
    """One merge of ``merged_id`` into ``survivor_id``. ``before`` (JSON) holds both records'
    fields, the links moved and the households changed, exactly as they were, for "Hoàn tác
    gộp"; ``undone_on`` is set when it was undone (the row stays as history)."""

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    merged_on: Mapped[date] = mapped_column(Date)
    before: Mapped[str] = mapped_column(Text)
    undone_on: Mapped[date | None] = mapped_column(Date)
