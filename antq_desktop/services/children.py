"""Saving the child rows of a record (a household's members, a team's mediators, a case's
parties) from the dialog's list: people and book entries are corrected, never dropped."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..validation import FieldError


def pair_children(rows: list, items: Sequence[Any], make: Callable[[], Any], field: str,
                  no_delete: str, not_ours: str) -> list[tuple[Any, Any]]:
    """Pair each item (with ``id`` and ``full_name``) with its stored row in ``rows``, adding
    a new row for an item without id. Raises FieldError(``field``) when a stored row is left
    out (``no_delete``) or an item's id is not one of ``rows`` (``not_ours``)."""
    existing = {row.id: row for row in rows}
    if existing.keys() - {item.id for item in items if item.id is not None}:
        raise FieldError(field, no_delete)
    pairs = []
    for item in items:
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            if item.id is not None:
                raise FieldError(field, not_ours, item.full_name)
            row = make()
            rows.append(row)
        pairs.append((item, row))
    return pairs


# -- unique constraints hit by a race (issue 12) -------------------------------------------------
# The services check duplicates before writing; two saves at once (two windows, two officers
# on a shared database) can still both pass the check, and the second then fails on the
# database's unique constraint. These turn that failure into the field's own message.
# A rule names the constraint (PostgreSQL reports it) and its columns (SQLite reports
# "UNIQUE constraint failed: table.column, …").
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "household_code": ("uq_household_code", "household.code"),
    "signup": ("uq_household_signup_household_year", "household_signup.household_id"),
    "resident_id_number": ("uq_resident_living_id_number", "resident.id_number"),
    "evaluation_period": ("uq_rehab_evaluation_period", "rehab_evaluation.case_id"),
    "area_name": ("uq_area_name", "area.name"),
    "mediation_team_area": ("uq_mediation_team_area_id", "mediation_team.area_id"),
    "cert_unit_area": ("uq_cert_unit_area_id", "cert_unit.area_id"),
    "cert_record": ("uq_cert_record_unit_id", "cert_record.unit_id"),
    "not_duplicate_pair": ("uq_person_not_duplicate_pair", "person_not_duplicate.kind"),
    "user_name": ("uq_app_user_name_folded", "app_user.name_folded"),
    # primary keys that a save chooses itself: the same setting (or the unit's one row, at
    # first start) written for the first time by two saves at once
    "setting_key": ("uq_setting_unit_key", "uq_setting_store_key", "setting.unit_id",
                    "setting.key"),
    "unit_row": ("pk_unit", "unit.id"),
}


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+)")
_PG_UNIQUE = re.compile(r'unique constraint "(\w+)"')


def unique_violation(exc: BaseException) -> str | None:
    """The UNIQUE_KEYS key of the unique constraint ``exc`` (an IntegrityError) broke, or None
    (another constraint: NOT NULL, a foreign key…). SQLite names the first column exactly,
    PostgreSQL the constraint."""
    text = str(getattr(exc, "orig", None) or exc)
    found = _SQLITE_UNIQUE.search(text) or _PG_UNIQUE.search(text)
    if found is None:
        return None
    mark = found.group(1)
    return next((key for key, marks in UNIQUE_KEYS.items() if mark in marks), None)


def once_more_on_race(work: Callable[[], Any], keys: Sequence[str]) -> Any:
    """Run ``work`` (a whole transaction that brings rows in step, the same in any program:
    the teams and certification units of the areas) again once if another program did the
    same at the same moment: its rows clash on one of ``keys`` or its update won the
    version (StaleDataError). The second run finds the rows in step."""
    try:
        return work()
    except StaleDataError:
        pass
    except IntegrityError as exc:
        if unique_violation(exc) not in keys:
            raise
    return work()


@contextmanager
def unique_errors(messages: dict[str, Callable[[], FieldError]]):
    """Around a save (its ``session.begin()`` block, commit included): an IntegrityError on one
    of ``messages``' constraints becomes that FieldError (the transaction is already rolled
    back); any other IntegrityError goes on."""
    try:
        yield
    except IntegrityError as exc:
        make = messages.get(unique_violation(exc) or "")
        if make is None:
            raise
        raise make() from None
