"""Signing off a whole year (the year-end report's sign-off, issue 15): every kind not locked
yet, one snapshot, one transaction; the Lãnh đạo's right."""

from datetime import date

import pytest

from antq_desktop.access import PermissionDenied, Role
from antq_desktop.services.audit import Filter, entries
from antq_desktop.services.periods import KINDS, SIGNUPS, PeriodLocked, PeriodService
from antq_desktop.services.users import UserService, login
from tests.services.test_periods import signed  # noqa: F401  (fixture)

TODAY = date(2026, 1, 20)
PASSWORD = "mật-khẩu-1"


@pytest.fixture
def accounts(db):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("lanhdao", PASSWORD, Role.LEADER)
    users.add("nhaplieu", PASSWORD, Role.CLERK)
    return users


def test_lock_year_signs_off_every_kind_not_locked_yet(db, ward, households, signed,  # noqa: F811
                                                       accounts):
    login(db, "lanhdao", PASSWORD)
    periods = PeriodService(db)
    periods.lock(SIGNUPS, 2025, today=TODAY)
    assert periods.year_open_kinds(2025) == [k for k in KINDS if k != SIGNUPS]
    ids = periods.lock_year(2025, today=TODAY)
    assert len(ids) == len(KINDS) - 1 and periods.year_open_kinds(2025) == []
    assert periods.lock_year(2025, today=TODAY) == []  # nothing left
    assert {periods.snapshot(i)["year"] for i in ids} == {2025}
    assert len(entries(db, Filter(action="lock"))) == len(KINDS)
    with pytest.raises(PeriodLocked, match="bởi lanhdao"):
        households.cancel_sign_up(signed[:1], 2025, today=TODAY)
    assert periods.year_open_kinds(2025, area_id=ward[0]) == list(KINDS)  # an area's own: not yet


def test_lock_year_needs_the_lock_right(db, signed, accounts):  # noqa: F811
    login(db, "nhaplieu", PASSWORD)
    with pytest.raises(PermissionDenied, match="khóa sổ"):
        PeriodService(db).lock_year(2025, today=TODAY)
    assert PeriodService(db).locks() == []
