"""Issue 12, lost updates: every editable record has a version; a save built on a record read
before another save changed it is refused with "Hồ sơ đã được sửa ở nơi khác lúc HH:MM
DD/MM/YYYY — mở lại để xem bản mới", nothing of it is written, and the other's change stays."""

import re
import time
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from antq_desktop.db.engine import open_database
from antq_desktop.db.models import Household, Resident
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.versions import StaleRecord, local_time
from tests.conftest import PG_URL, household, member
from tests.services.test_bounds_and_order import during_flush, snapshot

TODAY = date(2026, 6, 15)
STALE = re.compile(r"^Hồ sơ đã được sửa ở nơi khác lúc (\d\d:\d\d \d\d/\d\d/\d{4}) — "
                   r"mở lại để xem bản mới$")


def stored_time(db, model, record_id) -> str:
    with db.session() as s:
        stamp = s.scalar(select(model.updated_at).where(model.id == record_id))
    return f"{local_time(stamp):%H:%M %d/%m/%Y}"


def refused_as_stale(db, save, model, record_id) -> StaleRecord:
    """``save()`` is refused as stale, writes nothing, and names the time of the change."""
    before = snapshot(db)
    versions = _versions(db)
    with pytest.raises(StaleRecord) as info:
        save()
    match = STALE.match(str(info.value))
    assert match, str(info.value)
    assert match.group(1) == stored_time(db, model, record_id)
    assert snapshot(db) == before and _versions(db) == versions
    return info.value


def _versions(db):
    from antq_desktop.db.models import Base
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "version" in table.c:
                out[table.name] = sorted(conn.execute(select(table.c.version)).scalars())
    return out


# -- households ---------------------------------------------------------------------------------
def test_two_windows_edit_one_household_the_second_is_refused(db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    first, second = households.get(hid), households.get(hid)  # two dialogs open
    assert first.version == 1
    first.address = "14 Hàng Bạc"
    households.save(first, today=TODAY)
    second.notes = "ghi chú của cửa sổ thứ hai"
    second.members[0].phone = "0912345678"
    refused_as_stale(db, lambda: households.save(second, today=TODAY), Household, hid)
    kept = households.get(hid)
    assert (kept.address, kept.notes, kept.members[0].phone) == ("14 Hàng Bạc", "", "")
    assert kept.version == 2


def test_two_programs_on_one_database(db, households, ward, tmp_path):
    """Two copies of the app (two engines) on one file or server."""
    hid = households.save(household(ward[0]), today=TODAY)
    other_db = open_database(PG_URL or str(db.engine.url))
    try:
        other = HouseholdService(other_db)
        mine, theirs = households.get(hid), other.get(hid)
        theirs.members[0].occupation = "Thợ may"
        other.save(theirs, today=TODAY)
        mine.address = "99 Hàng Bạc"
        refused_as_stale(db, lambda: households.save(mine, today=TODAY), Household, hid)
    finally:
        other_db.dispose()
    kept = households.get(hid)
    assert (kept.address, kept.members[0].occupation) == ("12 Hàng Bạc", "Thợ may")


def test_a_members_only_change_moves_the_households_version(db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    first, second = households.get(hid), households.get(hid)
    first.members.append(member("Đặng Thị Hoa", born=date(2010, 3, 1), id_number="",
                                sex=first.members[0].sex.FEMALE,
                                rel=first.members[0].relation.CHILD))
    households.save(first, today=TODAY)
    second.address = "1 Hàng Đào"
    refused_as_stale(db, lambda: households.save(second, today=TODAY), Household, hid)
    assert len(households.get(hid).members) == 2


def test_saves_at_the_same_moment_the_database_refuses_the_second(db, households, ward):
    """Both saves pass the version check; the other commits before ours writes: the UPDATE's
    ``version = ?`` matches nothing (StaleDataError), refused with the same message."""
    hid = households.save(household(ward[0]), today=TODAY)
    mine, theirs = households.get(hid), households.get(hid)
    theirs.address = "5 Hàng Ngang"
    mine.address = "7 Hàng Ngang"
    stop = during_flush(db, lambda: HouseholdService(db).save(theirs, today=TODAY))
    try:
        with pytest.raises(StaleRecord) as info:
            households.save(mine, today=TODAY)
    finally:
        stop()
    assert STALE.match(str(info.value)).group(1) == stored_time(db, Household, hid)
    assert households.get(hid).address == "5 Hàng Ngang"


def test_without_a_version_the_save_is_not_checked(db, households, ward):
    """Callers that read no version (an import, the command line) still save."""
    hid = households.save(household(ward[0]), today=TODAY)
    households.save(replace(households.get(hid), address="3 Hàng Bạc"), today=TODAY)
    data = replace(households.get(hid), address="4 Hàng Bạc", version=None)
    households.save(data, today=TODAY)
    assert households.get(hid).version == 3


def test_the_time_is_local(db, households, ward, monkeypatch):
    hid = households.save(household(ward[0]), today=TODAY)
    stale = households.get(hid)
    households.save(replace(households.get(hid), address="2 Hàng Bạc"), today=TODAY)
    with db.session.begin() as s:  # stored in UTC; a bulk update leaves the version alone
        s.execute(update(Household).where(Household.id == hid)
                  .values(updated_at=datetime(2026, 6, 14, 17, 5)))
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        with pytest.raises(StaleRecord) as info:
            households.save(stale, today=TODAY)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert str(info.value) == ("Hồ sơ đã được sửa ở nơi khác lúc 00:05 15/06/2026 — "
                               "mở lại để xem bản mới")


def test_every_save_bumps_the_version(db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)
    for n in range(2, 5):
        households.save(households.get(hid), today=TODAY)
        assert households.get(hid).version == n
    with db.session() as s:
        assert s.scalar(select(Resident.version)) >= 1
