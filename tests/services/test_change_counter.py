"""The change counter (services/changes.py): another session's saves are seen, this program's
own are not, and a row changed by another account says who changed it."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event

from antq_desktop.access import CurrentUser, Role
from antq_desktop.db.engine import open_database
from antq_desktop.db.models import User
from antq_desktop.db.models.base import utc_now
from antq_desktop.services import audit
from antq_desktop.services.changes import ALL, ChangeWatch
from antq_desktop.services.households import HouseholdService
from antq_desktop.validation import FieldError
from tests.conftest import household, member

OFFICER = CurrentUser(id=None, name="canbo2", display_name="Trần Thị Bình", role=Role.CLERK)


@pytest.fixture
def other(db):
    """The same database opened a second time, by another officer (another computer)."""
    second = open_database(db.url)
    second.user = OFFICER
    with second.session.begin() as s:
        s.add(User(name="canbo2", name_folded="canbo2", display_name="Trần Thị Bình",
                   role=Role.CLERK.value, password_hash="x"))
    yield second
    second.dispose()


def test_own_saves_do_not_count_another_sessions_do(db, ward, other):
    mine = HouseholdService(db)
    watch = ChangeWatch(db)
    start = watch.counter()
    hid = mine.save(household(ward[0]))
    assert watch.counter() > start  # the counter moved...
    assert watch.poll() is None  # ...by this program's own save
    assert watch.touched("household", hid) is None

    theirs = HouseholdService(other)
    data = theirs.get(hid)
    theirs.save(replace(data, address="99 Hàng Đào"))
    changes = watch.poll()
    assert changes is not None and changes.concerns("household")
    assert not changes.concerns("rehab_case") and not changes.concerns("tip")
    assert changes.concerns("")  # a list that does not say what it shows
    touch = watch.touched("household", hid)
    assert touch is not None and touch.actor == "Trần Thị Bình"
    assert watch.poll() is None  # seen once


def test_both_in_one_interval_and_the_member_shows_on_the_household(db, ward, other):
    mine = HouseholdService(db)
    hid = mine.save(household(ward[0]))
    watch = ChangeWatch(db)
    theirs = HouseholdService(other)
    data = theirs.get(hid)
    theirs.save(replace(data, members=[replace(data.members[0], phone="0912345678")]))
    own = mine.save(household(ward[1], code="HK000002",
                              members=[member("Lê Văn Cường", id_number="001080099999")]))
    changes = watch.poll()  # one of each since the last poll: the other one counts
    assert changes is not None and changes.concerns("household")
    assert watch.touched("household", hid).actor == "Trần Thị Bình"  # through its member
    assert watch.touched("household", own) is None


def test_a_refused_save_leaves_no_own_range_behind(db, ward, other):
    mine = HouseholdService(db)
    hid = mine.save(household(ward[0]))
    watch = ChangeWatch(db)
    stale = mine.get(hid)
    HouseholdService(other).save(replace(stale, address="1 Hàng Ngang"))
    with pytest.raises(FieldError):
        mine.save(replace(stale, address="2 Hàng Ngang"))  # refused: changed elsewhere
    assert watch._own == []
    assert watch.poll() is not None


def test_logins_and_exports_change_no_list_and_the_unit_changes_every_list(db, ward, other):
    watch = ChangeWatch(db)
    audit.record_now(other, "export", "report", form="x")
    assert watch.poll() is None
    from antq_desktop.services.unit import UnitService

    other.user = replace(OFFICER, role=Role.ADMIN)  # areas are the administrator's
    UnitService(other).add_area("Tổ dân phố số 3")
    changes = watch.poll()
    assert changes is not None and ALL in changes.kinds and changes.concerns("tip")


def test_a_list_is_concerned_by_its_whole_area_of_work(db, ward, other):
    from datetime import date

    from antq_desktop.enums import TipResult
    from antq_desktop.services.activities import ActivityService, Kind, TipData
    from antq_desktop.services.mediation import MediationService, TeamData

    watch = ChangeWatch(db)
    ActivityService(other).save(Kind.TIP, TipData(date(2026, 3, 1), ward[0], "Tin báo",
                                                  False, TipResult.PENDING, 0, ""))
    changes = watch.poll()  # a tip: the activities tab's counts, whatever kind it shows
    assert changes.concerns("award") and changes.concerns("tip")
    assert not changes.wide and not changes.concerns("household")
    MediationService(other).save_team(TeamData(area_id=ward[0]))
    changes = watch.poll()  # a team: in the cases list's filter, read again with the rest
    assert changes.wide and changes.concerns("mediation_case")


def test_the_mark_fades_after_a_few_minutes(db, ward, other):
    now = [utc_now()]
    watch = ChangeWatch(db, clock=lambda: now[0])
    hid = HouseholdService(other).save(household(ward[0]))
    assert watch.poll() is not None and watch.touched("household", hid) is not None
    now[0] += timedelta(minutes=6)
    assert watch.touched("household", hid) is None
    # a program started just after another's save still shows who made it
    assert ChangeWatch(db).touched("household", hid).actor == "Trần Thị Bình"


def test_the_poll_is_one_query_while_nothing_changes(db, ward):
    watch = ChangeWatch(db)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert watch.poll() is None
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and "max(id) FROM audit_entry" in statements[0]


def test_an_unreachable_database_is_tried_again_at_the_next_poll(db, ward, other, monkeypatch):
    from sqlalchemy.exc import OperationalError

    watch = ChangeWatch(db)
    hid = HouseholdService(other).save(household(ward[0]))

    def down(*_args):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))
    monkeypatch.setattr(audit, "last_id", down)
    assert watch.poll() is None  # no error out of a timer
    monkeypatch.undo()
    monkeypatch.setattr(watch, "_display_names", down)  # lost half way through
    assert watch.poll() is None
    monkeypatch.undo()
    changes = watch.poll()  # nothing of it was lost
    assert changes is not None and changes.concerns("household")
    assert watch.touched("household", hid).actor == "Trần Thị Bình"
