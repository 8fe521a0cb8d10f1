"""Two people of the demo ward typed in twice, as happens in real registers: the same person
entered again in another household of the same area, the name without diacritics ("Dang Duc
Anh" for "Đặng Đức Anh"), no ID number, the same birth date. The duplicate scan
(services.duplicates) finds both pairs; the rest of the demo is untouched (own random stream)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db.models import Household, HouseholdSearch, Resident
from ..enums import Relationship
from ..text import fold, title_name
from .bulk import bulk
from .households import MemberData, _search_text

PAIRS = 2


def add_duplicates(s: Session, rng: random.Random, today: date) -> int:
    """Insert the second records; return how many residents were added."""
    adults = s.execute(
        select(Resident.id, Resident.full_name, Resident.birth_date, Resident.sex,
               Resident.residence_kind, Resident.occupation, Resident.household_id,
               Household.area_id)
        .join(Household, Household.id == Resident.household_id)
        .where(Household.moved_out_on.is_(None), Resident.moved_out_on.is_(None),
               Resident.id_number.is_not(None),
               Resident.birth_date.between(date(today.year - 60, 1, 1),
                                           date(today.year - 20, 1, 1)))
        .order_by(Resident.id).limit(5000)).all()
    added = 0
    used_areas: set[int] = set()
    for person in rng.sample(adults, min(len(adults), 50)):
        if added == PAIRS or person.area_id in used_areas:
            continue
        homes = list(s.scalars(select(Household.id).where(
            Household.area_id == person.area_id, Household.moved_out_on.is_(None),
            Household.id != person.household_id, Household.member_count < 6)
            .order_by(Household.id).limit(200)))
        if not homes:
            continue
        home = rng.choice(homes)
        name = title_name(fold(person.full_name))  # typed without diacritics
        s.execute(bulk(Resident), [{
            "household_id": home, "full_name": name, "name_folded": fold(name),
            "birth_date": person.birth_date, "sex": person.sex, "id_number": None,
            "old_id_number": None, "relation": Relationship.OTHER,
            "residence_kind": person.residence_kind, "residence_from": None,
            "residence_to": None, "phone": "", "occupation": person.occupation, "notes": "",
            "moved_out_on": None, "moved_out_reason": ""}])
        _refresh(s, home)
        used_areas.add(person.area_id)
        added += 1
    return added


def _refresh(s: Session, household_id: int) -> None:
    """The household's cached member count and search text, as HouseholdService keeps them."""
    h = s.get(Household, household_id)
    s.refresh(h, ["residents"])
    members = [MemberData(full_name=r.full_name, birth_date=r.birth_date, sex=r.sex,
                          relation=r.relation, id_number=r.id_number or "",
                          old_id_number=r.old_id_number or "", phone=r.phone,
                          moved_out_on=r.moved_out_on) for r in h.residents]
    folded, lowered = _search_text(h.code, h.address, members)
    s.execute(update(Household).where(Household.id == household_id)
              .values(member_count=sum(m.active for m in members)))
    s.execute(update(HouseholdSearch).where(HouseholdSearch.household_id == household_id)
              .values(folded=folded, lower=lowered))
