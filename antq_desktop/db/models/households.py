"""Households, their residents and their yearly sign-up (docs/DOMAIN.md §1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...enums import Relationship, ResidenceKind, Sex
from .base import Base, Timestamped, Versioned, WardOwned

LIVING_ID_NUMBER = "id_number IS NOT NULL AND moved_out_on IS NULL"


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class Household(WardOwned, Versioned, Timestamped, Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))  # unique in its ward
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    # The day the household came to live here (or was first registered here); empty: long
    # before the app. The sign-up ratio of a past year counts only households living here then.
    since: Mapped[date | None] = mapped_column(Date)
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    moved_out_reason: Mapped[str] = mapped_column(String(300), default="")
    # The import that created this household, if one did (models/importing.py).
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    # Kept by services.households in the same transaction as the members, so that the list can
    # sort and count 100,000 households from one narrow indexed table, with no joins.
    head_name: Mapped[str] = mapped_column(String(100), default="")
    head_sort: Mapped[str] = mapped_column(String(100), default="", index=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    residence_kind: Mapped[ResidenceKind] = mapped_column(_enum(ResidenceKind))  # the head's

    residents: Mapped[list[Resident]] = relationship(
        back_populates="household", order_by="Resident.id", cascade="save-update, merge"
    )
    search: Mapped[HouseholdSearch | None] = relationship(cascade="save-update, merge")

    __table_args__ = (
        # covering for the counts and the per-area sign-up totals
        Index("ix_household_moved_area", "moved_out_on", "area_id", "member_count"),
        Index("ix_household_moved_code", "moved_out_on", "code"),  # the default list order
        # households living in each area on a day, from the index alone
        Index("ix_household_area_moved", "area_id", "moved_out_on", "since"),
        # codes are the ward's own (migration 0016); the first column stays ``code`` so that
        # SQLite's "UNIQUE constraint failed: household.code" still names the field
        UniqueConstraint("code", "unit_id", name="uq_household_code"),
    )


class HouseholdSearch(Base):
    """The searchable text of a household's current members, code and address.

    ``folded`` (no diacritics) is what the search matches; ``lower`` (diacritics kept) ranks exact
    spellings first. A table of its own keeps the household rows narrow; on SQLite a trigram FTS5
    index (``household_fts``, created by the migration) covers ``folded``.

    ``unit_id`` is the household's ward, copied (migration 0019): PostgreSQL's trigram index
    leads with it (``(unit_id, folded)``, btree_gin), so that a search inside one ward of a
    province store reads that ward's matches only (db/search.py). Every writer gives it: the
    ORM's insert from the household row (``_fill_unit`` below), the bulk writers (demo, import,
    demo province) and the transfer (a foreign key to ``unit``, remapped like any other) their
    own. A household never changes ward (db/guard.py refuses an area of another ward).
    """

    __tablename__ = "household_search"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    folded: Mapped[str] = mapped_column(Text, default="")
    lower: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(HouseholdSearch, "before_insert")
def _fill_unit(mapper, connection, target: HouseholdSearch) -> None:
    """An ORM insert without a ward (HouseholdService._refresh_cache makes the row before the
    household's own ward is set, at the flush: db/guard.py) takes its household's. The household
    row is in by then: the unit of work writes the parent first."""
    if target.unit_id is None:
        table = Household.__table__
        target.unit_id = connection.execute(
            select(table.c.unit_id).where(table.c.id == target.household_id)).scalar_one()


class Resident(Versioned, Timestamped, Base):
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(_enum(Sex))
    id_number: Mapped[str | None] = mapped_column(String(12), index=True)
    old_id_number: Mapped[str | None] = mapped_column(String(9))
    relation: Mapped[Relationship] = mapped_column(_enum(Relationship))
    residence_kind: Mapped[ResidenceKind] = mapped_column(_enum(ResidenceKind))
    residence_from: Mapped[date | None] = mapped_column(Date)
    residence_to: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    # sensitive personal data (docs/DOMAIN.md §1), masked for an account without the right
    # (db/guard.py MASKED_FIELDS); None: not recorded (migration 0017)
    ethnicity: Mapped[str | None] = mapped_column(String(100))  # one of the 54 (peoples.py)
    religion: Mapped[str | None] = mapped_column(String(100))  # "Không", a listed one, other
    notes: Mapped[str] = mapped_column(Text, default="")
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    moved_out_reason: Mapped[str] = mapped_column(String(300), default="")
    # Only the birth year is known (an old list gave "1985"): birth_date holds 01/01 of it.
    birth_year_only: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    # The import that created this resident, if one did (models/importing.py).
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    # Set when this record was merged into another as a duplicate of the same person
    # (services.duplicates): it stays, marked, moved out on the merge day, and counts nowhere.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)

    household: Mapped[Household] = relationship(back_populates="residents")

    __table_args__ = (
        # one living person per ID number, even under concurrent saves (migration 0007); the
        # services check first to name the other person, this index is the guarantee
        Index("uq_resident_living_id_number", "id_number", unique=True,
              sqlite_where=text(LIVING_ID_NUMBER), postgresql_where=text(LIVING_ID_NUMBER)),
        # the duplicate checks: same folded name and birth date (migration 0010)
        Index("ix_resident_name_birth", "name_folded", "birth_date"),
    )


class HouseholdSignup(Base):
    """A household's sign-up, for one year, to build a "safe" residential area."""

    __tablename__ = "household_signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    year: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("household_id", "year", name="uq_household_signup_household_year"),
        Index("ix_household_signup_year", "year", "household_id"),
    )
