"""The household registers officers print: households and their residents per residential area,
and the households not yet signed up for a year (the sign-up campaign's list).

Both count as of the year's cut-off day (31/12 of a past year, today for the current one), with
the same rule as the sign-up ratio (:func:`.households.living_on`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import exists, or_, select

from ..access import area_filter, mask_text, sees_sensitive
from ..db.engine import Database
from ..db.models import Area, Household, HouseholdSignup, Resident
from ..enums import Relationship, ResidenceKind, Sex
from .households import living_on

SHOWN_DIGITS = 4  # an ID number is printed as its last four digits unless asked otherwise


def mask_id(number: str | None, whole: bool = False) -> str:
    """"001080012345" → "••••••••2345" (the last four digits), or the whole number."""
    if not number:
        return ""
    if whole:
        return number
    return "•" * (len(number) - SHOWN_DIGITS) + number[-SHOWN_DIGITS:]


@dataclass(frozen=True)
class RegisterMember:
    name: str
    relation: Relationship
    birth_date: date
    sex: Sex
    id_number: str | None
    residence_kind: ResidenceKind
    birth_year_only: bool = False  # only the year is known (an imported list gave "1985")
    ethnicity: str | None = None  # sensitive: masked for an account without the right
    religion: str | None = None

    @property
    def born(self) -> date | int:
        """What the register prints: the date, or the year alone when only that is known."""
        return self.birth_date.year if self.birth_year_only else self.birth_date


@dataclass(frozen=True)
class RegisterHousehold:
    id: int
    code: str
    area_id: int
    area_name: str
    head_name: str
    address: str
    member_count: int
    members: tuple[RegisterMember, ...] = ()


def cutoff_of(year: int, today: date | None = None) -> date:
    return min(date(year, 12, 31), today or date.today())


def _natural(code: str) -> tuple:
    """HK2 before HK10: digits compared as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


class RegisterService:
    def __init__(self, db: Database):
        self.db = db

    def _households(self, s, cutoff: date, area_id: int | None, unsigned_year: int | None):
        stmt = (select(Household.id, Household.code, Household.area_id, Area.name,
                       Household.head_name, Household.address, Household.member_count)
                .join(Area, Area.id == Household.area_id)
                .where(living_on(cutoff)))
        if area_id is not None:
            stmt = stmt.where(Household.area_id == area_id)
        if (limit := area_filter(self.db, Household.area_id)) is not None:
            stmt = stmt.where(limit)  # an area-limited account prints its own areas only
        if unsigned_year is not None:
            stmt = stmt.where(~exists().where(HouseholdSignup.household_id == Household.id,
                                              HouseholdSignup.year == unsigned_year))
        rows = s.execute(stmt.order_by(Area.sort_order, Area.id)).all()
        order = {}
        for r in rows:
            order.setdefault(r.area_id, len(order))
        return sorted(rows, key=lambda r: (order[r.area_id], _natural(r.code)))

    def register(self, year: int, area_id: int | None = None,
                 today: date | None = None) -> list[RegisterHousehold]:
        """Households living here on the year's cut-off day with the residents living with
        them then (the head first, then in the order entered)."""
        cutoff = cutoff_of(year, today)
        with self.db.session() as s:
            households = self._households(s, cutoff, area_id, None)
            ids = [h.id for h in households]
            members: dict[int, list] = {i: [] for i in ids}
            for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):
                for r in s.execute(
                        select(Resident.household_id, Resident.full_name, Resident.relation,
                               Resident.birth_date, Resident.sex, Resident.id_number,
                               Resident.residence_kind, Resident.birth_year_only,
                               Resident.ethnicity, Resident.religion)
                        .where(Resident.household_id.in_(chunk),
                               Resident.merged_into_id.is_(None),  # a duplicate, merged away
                               or_(Resident.moved_out_on.is_(None),
                                   Resident.moved_out_on > cutoff),
                               or_(Resident.residence_from.is_(None),
                                   Resident.residence_from <= cutoff))
                        .order_by(Resident.household_id, Resident.id)):
                    members[r.household_id].append(RegisterMember(*r[1:]))
        if not sees_sensitive(self.db):  # an account without the right: masked whatever asked
            members = {k: [replace(m, id_number=mask_id(m.id_number),
                                   ethnicity=mask_text(m.ethnicity),
                                   religion=mask_text(m.religion)) for m in v]
                       for k, v in members.items()}
        out = []
        for h in households:
            people = sorted(members[h.id], key=lambda m: m.relation is not Relationship.HEAD)
            out.append(RegisterHousehold(h.id, h.code, h.area_id, h.name, h.head_name,
                                         h.address, len(people), tuple(people)))
        return out

    def unsigned(self, year: int, area_id: int | None = None,
                 today: date | None = None) -> list[RegisterHousehold]:
        """Households living here on the year's cut-off day that have not signed up for it."""
        cutoff = cutoff_of(year, today)
        with self.db.session() as s:
            return [RegisterHousehold(*h) for h in self._households(s, cutoff, area_id, year)]
