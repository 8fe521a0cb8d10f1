"""Settings are the ward's (issue 18, migration 0018): two wards of one store keep their own
certification deadlines, deciders, idle lock and "Nơi nhận"; the backups' settings are the
store's; version checks still refuse a stale save; an 0016 store is upgraded with its settings
in its first ward. Runs on SQLite and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import text

from antq_desktop.db.engine import alembic_config, make_engine, open_database
from antq_desktop.services.settings import (
    BackupSettings,
    SettingsService,
    backup_settings,
    save_backup_settings,
)
from antq_desktop.services.unit import UnitService
from antq_desktop.services.users import UserService
from antq_desktop.services.versions import StaleRecord
from tests.conftest import PG_URL
from tests.services.test_multi_ward import CUA_NAM, HOAN_KIEM, handle_for


@pytest.fixture
def two(db):
    UnitService(db).save(HOAN_KIEM)
    other = handle_for(db, UnitService(db).add_ward(CUA_NAM))
    yield db, other
    other.dispose()


def test_each_ward_keeps_its_own_settings(two):
    a, b = two
    sa, sb = SettingsService(a), SettingsService(b)
    sa.save_cert_settings(replace(sa.cert_settings(), registration_deadline=(15, 3),
                                  decider_title="Chủ tịch UBND phường Hoàn Kiếm"))
    assert sa.cert_settings().registration_deadline == (15, 3)
    assert sb.cert_settings().registration_deadline == (31, 3)  # B's default, untouched
    sb.save_cert_settings(replace(sb.cert_settings(), near_days=30))
    assert (sa.cert_settings().near_days, sb.cert_settings().near_days) == (14, 30)
    assert sb.cert_settings().decider_title == "Chủ tịch UBND phường"
    UserService(a).set_idle_minutes(5)
    assert (UserService(a).idle_minutes(), UserService(b).idle_minutes()) == (5, 10)
    sa.set_text("import.mapping.households", "{}")
    assert sb.get_text("import.mapping.households", "none") == "none"
    # the "Nơi nhận" of each ward's documents
    info_b = UnitService(b).get()
    UnitService(b).save(replace(info_b, recipients=("Công an phường Cửa Nam;", "Lưu: VT.")))
    assert list(UnitService(b).get().recipients) == ["Công an phường Cửa Nam;", "Lưu: VT."]
    assert "Công an phường Cửa Nam;" not in UnitService(a).get().recipients
    with a.engine.connect() as conn:
        rows = set(conn.execute(text(
            "SELECT unit_id, key FROM setting WHERE key IN ('cert.near_days', "
            "'doc.recipients')")))
    assert rows == {(1, "cert.near_days"), (2, "cert.near_days"), (1, "doc.recipients"),
                    (2, "doc.recipients")}


def test_the_backup_settings_are_the_stores(two):
    a, b = two
    save_backup_settings(a, BackupSettings(folder="/mnt/usb/antq", size_cap_mb=500))
    assert backup_settings(b) == BackupSettings(folder="/mnt/usb/antq", size_cap_mb=500)
    with a.engine.connect() as conn:
        assert set(conn.execute(text("SELECT unit_id FROM setting WHERE key LIKE 'backup.%'"))
                   .scalars()) == {None}


def test_a_stale_save_is_refused_within_a_ward_not_across(two):
    a, b = two
    sa, sb = SettingsService(a), SettingsService(b)
    read_a = sa.cert_settings()
    read_b = sb.cert_settings()
    sb.save_cert_settings(replace(read_b, near_days=20))  # B's save: A's dialog still fresh
    sa.save_cert_settings(replace(read_a, near_days=21))
    assert sa.cert_settings().near_days == 21
    with pytest.raises(StaleRecord):  # B's dialog read before B's own save
        sb.save_cert_settings(replace(read_b, near_days=25))
    assert sb.cert_settings().near_days == 20


def test_a_0016_store_keeps_its_settings_in_its_first_ward(db):
    UnitService(db).save(HOAN_KIEM)
    url = PG_URL or str(db.engine.url)
    db.dispose()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0016")
    with engine.begin() as conn:
        other = conn.execute(text(
            "INSERT INTO unit (id, province_code, province_name, ward_code, ward_name, "
            "header_superior, header_issuer, place_name, commander_name, commander_title, "
            "version) VALUES (2, 1, 'Thành phố Hà Nội', 73, 'Phường Cửa Nam', '', '', "
            "'Phường Cửa Nam', '', '', 1) RETURNING id")).scalar()
        conn.execute(text("DELETE FROM setting"))
        for key, value in (("cert.near_days", "21"), ("backup.size_cap_mb", "700"),
                           ("doc.recipients", "Nơi A;"), (f"doc.recipients.{other}", "Nơi B;"),
                           ("security.idle_lock_minutes", "7")):
            conn.execute(text("INSERT INTO setting (key, value, version) VALUES (:k, :v, 3)"),
                         {"k": key, "v": value})
    engine.dispose()
    upgraded = open_database(url)
    b = handle_for(upgraded, other)
    try:
        with upgraded.engine.connect() as conn:
            rows = set(conn.execute(text("SELECT unit_id, key, value, version FROM setting")))
        assert rows == {(1, "cert.near_days", "21", 3), (None, "backup.size_cap_mb", "700", 3),
                        (1, "doc.recipients", "Nơi A;", 3), (2, "doc.recipients", "Nơi B;", 3),
                        (1, "security.idle_lock_minutes", "7", 3)}
        assert SettingsService(upgraded).cert_settings().near_days == 21
        assert SettingsService(b).cert_settings().near_days == 14
        assert backup_settings(b).size_cap_mb == 700
        assert list(UnitService(b).get().recipients) == ["Nơi B;"]
        assert list(UnitService(upgraded).get().recipients) == ["Nơi A;"]
    finally:
        b.dispose()
        upgraded.dispose()
