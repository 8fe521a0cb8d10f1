"""Migration 0008 (issue 12, lost updates): a database at 0007 with records is upgraded in place;
every editable record gets version 1 and keeps its data; saves then count from there. Runs on
SQLite and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from dataclasses import replace
from datetime import date

from alembic import command
from sqlalchemy import inspect, select, text

from antq_desktop.db.engine import alembic_config, head_revision, open_database
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, RecordData
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.settings import SettingsService
from antq_desktop.services.unit import UnitService
from antq_desktop.enums import CertCategory
from tests.conftest import PG_URL, household, member

TODAY = date(2026, 6, 15)
VERSIONED = ("household", "resident", "rehab_case", "rehab_evaluation", "rehab_support",
             "mediation_team", "mediator", "mediation_case", "mediation_party", "cert_unit",
             "cert_record", "tip", "movement_model", "patrol", "outreach", "weapon_handover",
             "award", "unit", "area", "setting")


def _columns(engine, table):
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_a_0007_database_is_upgraded_in_place_with_versions_1(db, households, ward):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Thu Hà", id_number="", rel=member().relation.CHILD)]),
        today=TODAY)
    households.save(households.get(hid), today=TODAY)  # version 2 before the downgrade
    cert = CertificationService(db)
    uid = cert.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    cert.save_record(uid, 2026, RecordData(notes="đã đăng ký"), today=TODAY)
    settings = SettingsService(db)
    settings.save_cert_settings(settings.cert_settings())
    url = PG_URL or str(db.engine.url)
    db.dispose()

    from antq_desktop.db.engine import make_engine
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0007")
    assert "version" not in _columns(engine, "household")
    assert "updated_at" not in _columns(engine, "setting")
    engine.dispose()

    upgraded = open_database(url)
    try:
        with upgraded.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() \
                == head_revision()
            for table in VERSIONED:
                assert set(conn.execute(text(f"select distinct version from {table}"))
                           .scalars()) <= {1}, table
            assert conn.execute(text("select count(*) from household where version = 1")) \
                .scalar() == 1
            assert conn.execute(text("select count(*) from resident where version = 1")) \
                .scalar() == 2
            assert conn.execute(text("select count(*) from setting where version = 1 "
                                     "and updated_at is null")).scalar() > 0
        service = HouseholdService(upgraded)
        data = service.get(hid)
        assert (data.version, len(data.members)) == (1, 2)
        service.save(data, today=TODAY)
        assert service.get(hid).version == 2
        assert CertificationService(upgraded).record(uid, 2026).notes == "đã đăng ký"
        stale = SettingsService(upgraded).cert_settings()
        SettingsService(upgraded).save_cert_settings(replace(stale, near_days=21))  # 1 read, 1 stored
        assert UnitService(upgraded).get().version == 1
        with upgraded.session() as s:
            from antq_desktop.db.models import Setting
            assert s.scalar(select(Setting.updated_at).where(Setting.updated_at.is_not(None))
                            .limit(1)) is not None  # written by the save
    finally:
        upgraded.dispose()
