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
from antq_desktop.db.models import (
    Area,
    CertUnit,
    Household,
    MediationCase,
    MediationTeam,
    MovementModel,
    RehabCase,
    Resident,
    Setting,
    Unit,
)
from antq_desktop.db.models import CertRecord as CertRecordModel
from antq_desktop.enums import CaseOrigin, CertCategory, MediationType, Regime, Sex
from antq_desktop.services.activities import ActivityService, Kind, ModelData
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, RecordData
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.mediation import CaseData as MedCaseData
from antq_desktop.services.mediation import MediationService, MediatorData, PartyData
from antq_desktop.services.rehabilitation import CaseData as RehabCaseData
from antq_desktop.services.rehabilitation import RehabilitationService
from antq_desktop.services.settings import NEAR_DAYS, SettingsService
from antq_desktop.services.unit import UnitService
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


# -- every other record a dialog edits --------------------------------------------------------
# Each scenario makes a record and returns (read, save, kept, model, record_id): ``read()`` is
# what a dialog reads when it opens; ``save(read, n)`` saves that read with change number n;
# ``kept()`` reads back which change is stored.
def _rehab_case(db, ward):
    svc = RehabilitationService(db)
    cid = svc.save(RehabCaseData(person_name="Lê Văn Tuấn", regime=Regime.REINTEGRATION,
                                 start_date=date(2025, 2, 10)), today=TODAY)

    def save(data, n):
        return svc.save(replace(data, supervisor=f"Cán bộ {n}"), today=TODAY)
    return (lambda: svc.get(cid), save, lambda: svc.get(cid).supervisor, RehabCase, cid)


def _mediation_team(db, ward):
    svc = MediationService(db)
    svc.ensure_teams()
    tid = svc.list_teams()[0].id

    def save(data, n):
        return svc.save_team(replace(data, book_number=f"0{n}"), today=TODAY)
    return (lambda: svc.get_team(tid), save, lambda: svc.get_team(tid).book_number,
            MediationTeam, tid)


def _mediators_only(db, ward):
    """Only a team's mediators change: the team's version moves all the same."""
    svc = MediationService(db)
    svc.ensure_teams()
    tid = svc.list_teams()[0].id

    def save(data, n):
        data = replace(data, mediators=[*data.mediators,
                                        MediatorData(f"Nguyễn Văn {'AB'[n - 1]}", Sex.MALE)])
        return svc.save_team(data, today=TODAY)
    return (lambda: svc.get_team(tid), save,
            lambda: [m.full_name for m in svc.get_team(tid).mediators], MediationTeam, tid)


def _mediation_case(db, ward):
    svc = MediationService(db)
    svc.ensure_teams()
    tid = svc.list_teams()[0].id
    cid = svc.save(MedCaseData(team_id=tid, received_on=date(2026, 3, 2),
                               origin=CaseOrigin.PARTY_REQUEST, case_type=MediationType.EVERYDAY,
                               content="Tranh chấp lối đi chung",
                               parties=[PartyData("Hoàng Văn Khải", birth_year=1971)]),
                   today=TODAY)

    def save(data, n):
        return svc.save(replace(data, notes=f"ghi chú {n}"), today=TODAY)
    return (lambda: svc.get(cid), save, lambda: svc.get(cid).notes, MediationCase, cid)


def _cert_unit(db, ward):
    svc = CertificationService(db)
    uid = svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))

    def save(info, n):
        return svc.save_unit(CertUnitData(info.category, info.name, address=f"{n} Hàng Bạc",
                                          id=info.id, version=info.version))
    return (lambda: svc.unit(uid), save, lambda: svc.unit(uid).address, CertUnit, uid)


def _cert_record(db, ward):
    svc = CertificationService(db)
    uid = svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    svc.save_record(uid, 2026, RecordData(registered_on=date(2026, 2, 1)), today=TODAY)

    def save(info, n):
        return svc.save_record(uid, 2026, RecordData(registered_on=info.registered_on,
                                                     notes=f"ghi chú {n}",
                                                     version=info.version), today=TODAY)

    def record_id():
        with db.session() as s:
            return s.scalar(select(CertRecordModel.id))
    return (lambda: svc.record(uid, 2026), save, lambda: svc.record(uid, 2026).notes,
            CertRecordModel, record_id())


def _activity(db, ward):
    svc = ActivityService(db)
    rid = svc.save(Kind.MODEL, ModelData("Camera an ninh", ward[0], date(2024, 5, 1), members=3),
                   today=TODAY)

    def save(read, n):
        data, version = read
        return svc.save(Kind.MODEL, replace(data, members=10 + n), rid, today=TODAY,
                        version=version)
    return (lambda: svc.get_versioned(Kind.MODEL, rid), save,
            lambda: svc.get(Kind.MODEL, rid).members, MovementModel, rid)


def _unit(db, ward):
    svc = UnitService(db)

    def save(info, n):
        return svc.save(replace(info, commander_name=f"Nguyễn Văn {'AB'[n - 1]}"))
    return (svc.get, save, lambda: svc.get().commander_name, Unit, 1)


def _area(db, ward):
    svc = UnitService(db)

    def read():
        return next(a for a in svc.areas() if a.id == ward[0])

    def save(area, n):
        return svc.rename_area(area.id, f"Tổ dân phố số {10 + n}", area.version)
    return (read, save, lambda: read().name, Area, ward[0])


SCENARIOS = {
    "rehab-case": _rehab_case, "mediation-team": _mediation_team,
    "mediators-only": _mediators_only, "mediation-case": _mediation_case,
    "cert-unit": _cert_unit, "cert-record": _cert_record, "activity": _activity,
    "unit": _unit, "area": _area,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_second_of_two_dialogs_is_refused(db, ward, scenario):
    read, save, kept, model, record_id = SCENARIOS[scenario](db, ward)
    first, second = read(), read()
    save(first, 1)
    after_first = kept()
    refused_as_stale(db, lambda: save(second, 2), model, record_id)
    assert kept() == after_first
    save(read(), 2)  # read again: saved
    assert kept() != after_first


@pytest.mark.parametrize("scenario", ["rehab-case", "mediation-case", "activity", "unit"])
def test_both_pass_the_check_the_database_refuses_the_second(db, ward, scenario):
    read, save, kept, model, record_id = SCENARIOS[scenario](db, ward)
    mine, theirs = read(), read()
    theirs_kept = []
    stop = during_flush(db, lambda: (save(theirs, 1), theirs_kept.append(kept())))
    try:
        with pytest.raises(StaleRecord) as info:
            save(mine, 2)
    finally:
        stop()
    assert STALE.match(str(info.value)).group(1) == stored_time(db, model, record_id)
    assert theirs_kept and kept() == theirs_kept[0]


def test_a_record_created_elsewhere_meanwhile_is_not_overwritten(db, ward):
    """The record dialog opened on a year with no record; another save created one."""
    svc = CertificationService(db)
    uid = svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    empty = svc.record(uid, 2026)
    assert (empty.exists, empty.version) == (False, 0)
    svc.save_record(uid, 2026, RecordData(notes="của người khác",
                                          version=svc.record(uid, 2026).version), today=TODAY)
    with pytest.raises(StaleRecord):
        svc.save_record(uid, 2026, RecordData(notes="của tôi", version=empty.version),
                        today=TODAY)
    assert svc.record(uid, 2026).notes == "của người khác"


def test_a_record_cleared_elsewhere_is_not_written_back(db, ward):
    svc = CertificationService(db)
    uid = svc.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    svc.save_record(uid, 2026, RecordData(notes="nhầm"), today=TODAY)
    opened = svc.record(uid, 2026)
    svc.clear_record(uid, 2026)
    with pytest.raises(StaleRecord) as info:
        svc.save_record(uid, 2026, RecordData(notes="sửa", version=opened.version), today=TODAY)
    assert str(info.value) == "Hồ sơ đã được sửa ở nơi khác — mở lại để xem bản mới"
    assert not svc.record(uid, 2026).exists


def test_cert_settings_saved_elsewhere_meanwhile(db, ward):
    svc = SettingsService(db)
    first, second = svc.cert_settings(), svc.cert_settings()  # nothing stored yet
    svc.save_cert_settings(replace(first, near_days=20))
    with pytest.raises(StaleRecord) as info:
        svc.save_cert_settings(replace(second, decider_title="Chủ tịch UBND xã"))
    with db.session() as s:
        stamp = s.scalar(select(Setting.updated_at).where(Setting.key == NEAR_DAYS))
    assert STALE.match(str(info.value)).group(1) == f"{local_time(stamp):%H:%M %d/%m/%Y}"
    kept = svc.cert_settings()
    assert (kept.near_days, kept.decider_title) == (20, "Chủ tịch UBND phường")
    svc.save_cert_settings(replace(kept, decider_title="Chủ tịch UBND xã"))  # read again: saved
    assert svc.cert_settings().decider_title == "Chủ tịch UBND xã"
