"""Issue 12, constraint races: two saves pass the service's duplicate check at the same moment
and the database's unique constraint refuses the second. Each surfaces as that field's own
Vietnamese message (or, where the other save simply did the same work, not at all) — never as
"Không mở được cơ sở dữ liệu … IntegrityError". The household code, ID number, sign-up,
evaluation period and new area name races are in test_bounds_and_order.py."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import UniqueConstraint, event, func, select
from sqlalchemy.exc import IntegrityError

from antq_desktop.db.models import Base, CertUnit, MediationTeam, Setting
from antq_desktop.enums import CertCategory
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, RecordData
from antq_desktop.services.children import UNIQUE_KEYS, unique_violation
from antq_desktop.services.mediation import MediationService, TeamData
from antq_desktop.services.settings import SettingsService
from antq_desktop.services.unit import UnitInfo, UnitService
from antq_desktop.services.versions import StaleRecord
from antq_desktop.validation import FieldError
from tests.services.test_bounds_and_order import during_flush, refused

TODAY = date(2026, 6, 15)
INFO = UnitInfo(province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
                ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
                header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm")


def before_insert(db, action):
    """Run ``action`` the first time a session executes an INSERT statement of its own (bulk
    inserts do not flush): after the service's check, before its insert."""
    fired = []

    def hook(state):
        if state.is_insert and not fired:
            fired.append(True)
            action()

    event.listen(db.session, "do_orm_execute", hook)
    return lambda: event.remove(db.session, "do_orm_execute", hook)


def count(db, model, *where):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_every_unique_constraint_has_a_message():
    """Every unique constraint and unique index of the models is one of UNIQUE_KEYS (a new
    one must be given its message where it is saved)."""
    marks = {m for ms in UNIQUE_KEYS.values() for m in ms}
    found = set()
    for table in Base.metadata.tables.values():
        found |= {c.name for c in table.constraints if isinstance(c, UniqueConstraint)}
        found |= {i.name for i in table.indexes if i.unique}
    assert len(found) == 12 and found <= marks, found - marks


def test_a_not_null_failure_is_not_taken_for_a_duplicate(db):
    with pytest.raises(IntegrityError) as info, db.engine.begin() as conn:
        conn.execute(Setting.__table__.insert().values(key="x", value=None))
    assert unique_violation(info.value) is None


def test_race_on_a_new_team_for_an_area(db, unit_service, ward):
    med = MediationService(db)
    med.ensure_teams()
    new_area = unit_service.add_area("Tổ dân phố số 3")
    stop = during_flush(db, lambda: MediationService(db).save_team(TeamData(area_id=new_area),
                                                                   today=TODAY))
    try:
        refused(db, lambda: med.save_team(TeamData(area_id=new_area), today=TODAY),
                "Khu dân cư", "đã có tổ hòa giải", {"mediation_team": 1})
    finally:
        stop()


def test_two_programs_create_the_teams_at_once(db, ward):
    stop = before_insert(db, lambda: MediationService(db).ensure_teams())
    try:
        MediationService(db).ensure_teams()  # no error: the other did the same
    finally:
        stop()
    assert count(db, MediationTeam) == 2


def test_two_programs_bring_the_units_in_step_at_once(db, unit_service, ward):
    cert = CertificationService(db)
    stop = during_flush(db, lambda: CertificationService(db).sync_units())
    try:
        rows = cert.year_rows(2026)  # inserts the areas' units: the other did too
    finally:
        stop()
    assert count(db, CertUnit, CertUnit.category == CertCategory.AREA) == 2
    assert len([r for r in rows if r.category is CertCategory.AREA]) == 2
    unit_service.rename_area(ward[0], "Tổ dân phố số 11")
    stop = during_flush(db, lambda: CertificationService(db).sync_units())
    try:  # both update the same unit: the second loses the version, and runs again
        cert.sync_units()
    finally:
        stop()
    assert "Tổ dân phố số 11" in {r.name for r in cert.year_rows(2026)}


def test_race_on_a_units_record_for_the_year(db, ward):
    cert = CertificationService(db)
    uid = cert.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    stop = during_flush(db, lambda: CertificationService(db).save_record(
        uid, 2026, RecordData(notes="của người khác"), today=TODAY))
    try:
        refused(db, lambda: cert.save_record(uid, 2026, RecordData(notes="của tôi"),
                                             today=TODAY),
                "Năm", "hồ sơ năm 2026 của đơn vị vừa được ghi ở nơi khác",
                {"cert_record": 1, "cert_criterion": 5})
    finally:
        stop()
    assert cert.record(uid, 2026).notes == "của người khác"


def test_race_on_renaming_an_area(db, unit_service, ward):
    stop = during_flush(db, lambda: UnitService(db).add_area("Tổ dân phố số 9"))
    try:
        refused(db, lambda: unit_service.rename_area(ward[0], "Tổ dân phố số 9"),
                "Tên khu dân cư", "“Tổ dân phố số 9” đã có.", {"area": 1})
    finally:
        stop()


def test_race_on_settings_stored_for_the_first_time(db, ward):
    settings = SettingsService(db)
    mine = settings.cert_settings()
    stop = during_flush(db, lambda: SettingsService(db).save_cert_settings(
        replace(SettingsService(db).cert_settings(), near_days=20)))
    try:
        with pytest.raises(StaleRecord) as info:
            settings.save_cert_settings(replace(mine, near_days=30))
    finally:
        stop()
    assert "Hồ sơ đã được sửa ở nơi khác lúc" in str(info.value)
    assert settings.cert_settings().near_days == 20


def test_race_on_the_first_start_unit(db):
    stop = during_flush(db, lambda: UnitService(db).save(INFO))
    try:
        with pytest.raises(FieldError) as info:
            UnitService(db).save(replace(INFO, commander_name="Nguyễn Văn Hùng"))
    finally:
        stop()
    assert isinstance(info.value, StaleRecord), str(info.value)
    assert UnitService(db).get().commander_name == ""
