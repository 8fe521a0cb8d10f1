"""Issue 15, period locking: a locked year refuses a sign-up cancel (the 2.795/2.917 figure
of the signed 2025 report changed); an exception allows it until it expires; reopening needs
a reason; the snapshot reproduces the signed figures and lists what changed since."""

from datetime import date

import pytest

from antq_desktop.enums import TipResult
from antq_desktop.services.activities import ActivityService, Kind, TipData
from antq_desktop.services.audit import entries
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.services.periods import (
    ACTIVITIES,
    SIGNUPS,
    PeriodLocked,
    PeriodService,
    table_snapshot,
)
from antq_desktop.validation import FieldError
from tests.conftest import household, member

TODAY = date(2026, 1, 20)


@pytest.fixture
def signed(db, ward, households):
    ids = [households.save(household(ward[0], f"HK00000{n}", [member(f"Lê Văn {c}",
                                                                     id_number="")]),
                           today=date(2025, 1, 2))
           for n, c in ((1, "An"), (2, "Bình"), (3, "Cường"))]
    households.sign_up(ids, 2025, date(2025, 3, 1), today=TODAY)
    return ids


def test_a_locked_year_refuses_a_sign_up_cancel(db, households, signed):
    periods = PeriodService(db)
    periods.lock(SIGNUPS, 2025, today=TODAY)
    with pytest.raises(PeriodLocked) as info:
        households.cancel_sign_up(signed[:1], 2025, today=TODAY)
    assert info.value.message.startswith("Năm 2025 đã khóa sổ ngày ")
    assert " bởi " in info.value.message
    assert isinstance(info.value, FieldError)
    with pytest.raises(PeriodLocked):
        households.sign_up(signed[:1], 2025, date(2025, 4, 1), today=TODAY)
    # another year stays open
    households.sign_up(signed[:1], 2026, date(2026, 1, 5), today=TODAY)
    assert households.cancel_sign_up(signed[:1], 2026, today=TODAY) == 1
    assert "lock" in {e.action for e in entries(db) if e.kind == "period_lock"}


def test_an_exception_allows_until_it_expires(db, households, signed, ward):
    periods = PeriodService(db)
    periods.lock(SIGNUPS, 2025, today=TODAY)
    with pytest.raises(FieldError, match="Lý do"):
        periods.grant_exception(SIGNUPS, 2025, date(2026, 1, 31), "", today=TODAY)
    periods.grant_exception(SIGNUPS, 2025, date(2026, 1, 31), "Sửa đăng ký nhập nhầm",
                            area_id=ward[0], today=TODAY)
    assert households.cancel_sign_up(signed[:1], 2025, today=date(2026, 1, 31)) == 1
    with pytest.raises(PeriodLocked):
        households.cancel_sign_up(signed[1:2], 2025, today=date(2026, 2, 1))
    assert "lock_exception" in {e.action for e in entries(db)}


def test_reopening_needs_a_reason(db, households, signed):
    periods = PeriodService(db)
    lock_id = periods.lock(SIGNUPS, 2025, today=TODAY)
    with pytest.raises(FieldError, match="Lý do"):
        periods.reopen(lock_id, "  ")
    periods.reopen(lock_id, "Báo cáo cần lập lại theo chỉ đạo")
    assert households.cancel_sign_up(signed[:1], 2025, today=TODAY) == 1
    [row] = periods.locks()
    assert not row.active and row.reopen_reason == "Báo cáo cần lập lại theo chỉ đạo"
    assert [e.action for e in entries(db) if e.kind == "period_lock"][0] == "unlock"


def test_an_area_lock_leaves_other_areas_open(db, ward, households, signed):
    PeriodService(db).lock(SIGNUPS, 2025, area_id=ward[1], today=TODAY)
    assert households.cancel_sign_up(signed[:1], 2025, today=TODAY) == 1


def test_the_snapshot_reproduces_the_signed_figures(db, households, signed):
    periods = PeriodService(db)
    signed_table = table_snapshot(IndicatorService(db).table(2025, today=TODAY))
    lock_id = periods.lock(SIGNUPS, 2025, today=TODAY)
    assert periods.snapshot(lock_id) == signed_table
    assert periods.changes_since(lock_id, today=TODAY) == []
    periods.grant_exception(SIGNUPS, 2025, TODAY, "Hộ đăng ký nhầm", today=TODAY)
    households.cancel_sign_up(signed[:1], 2025, today=TODAY)
    assert periods.snapshot(lock_id) == signed_table  # what was signed stays
    changed = periods.changes_since(lock_id, today=TODAY)
    assert changed and any(d.signed == "3/3" and d.now == "2/3" for d in changed)


def test_activities_and_quarters(db, ward):
    acts = ActivityService(db)
    rid = acts.save(Kind.TIP, TipData(date(2025, 5, 1), ward[0], "Tin", False,
                                      TipResult.PENDING, 0, ""), today=TODAY)
    PeriodService(db).lock(ACTIVITIES, 2025, today=TODAY)
    with pytest.raises(PeriodLocked):
        acts.void(Kind.TIP, rid, "Nhập nhầm", today=TODAY)
    with pytest.raises(PeriodLocked):
        acts.save(Kind.TIP, TipData(date(2025, 6, 1), None, "Tin khác", False,
                                    TipResult.PENDING, 0, ""), today=TODAY)
    with pytest.raises(FieldError, match="Quý"):
        PeriodService(db).lock(ACTIVITIES, 2025, quarter=2, today=TODAY)
