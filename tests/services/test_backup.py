"""Verified backups, retention, restore and the health check (services.backup)."""

import json
import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from antq_desktop import __version__
from antq_desktop.config import sqlite_path
from antq_desktop.db.engine import head_revision, open_database
from antq_desktop.services import backup as svc
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.settings import BackupSettings, backup_settings, save_backup_settings
from tests.conftest import household, member, sqlite_only

pytestmark = sqlite_only
NOW = datetime(2026, 3, 14, 9, 30)


def fill(households, ward, n=3) -> None:
    for i in range(n):
        households.save(household(ward[i % 2], code=f"HK{i + 1:06d}",
                                  members=[member(id_number=f"0010800{i + 1:05d}")]))


def corrupt(path: Path) -> None:
    """Overwrite most of the file, as a failing disk or a killed copy would."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b"\xde\xad\xbe\xef" * ((size - 100) // 4))


def made(name: str, created: datetime, size: int = 1) -> svc.Backup:
    return svc.Backup(path=Path(name), created=created, size=size)


# -- retention ------------------------------------------------------------------------------------
def test_keep_ten_recent_of_one_busy_day():
    backups = [made(f"b{i}", NOW - timedelta(minutes=10 * i)) for i in range(30)]
    kept = svc.keep(backups, NOW)
    assert kept == set(backups[:10])  # one day, one week, one month: nothing older needed


def test_keep_daily_weekly_monthly_of_a_long_history():
    backups = [made(f"d{i}", NOW - timedelta(days=i)) for i in range(500)]
    kept = svc.keep(backups, NOW)
    ages = sorted((NOW - b.created).days for b in kept)
    assert ages[:10] == list(range(10))  # recent (also covers the 7 days)
    # weekly: the newest of each of the last 4 ISO weeks; monthly: of the last 12 months
    weeks = {tuple(b.created.isocalendar())[:2] for b in kept}
    assert len(weeks) >= 4
    months = {(b.created.year, b.created.month) for b in kept}
    assert len(months) == 12 and (2025, 4) in months and (2025, 3) not in months
    assert made("d499", NOW - timedelta(days=499)) not in kept
    assert len(kept) < 30


def test_keep_periods_that_have_backups_after_a_long_pause():
    old = [made(f"o{i}", NOW - timedelta(days=200 + 30 * i)) for i in range(12)]
    recent = [made("r", NOW)]
    kept = svc.keep(old + recent, NOW, recent=1)
    # a PC left off for months keeps its older copies: 12 months in all, this one included
    assert set(old[:11]) <= kept and old[11] not in kept


def test_keep_within_the_size_cap_drops_the_oldest_never_the_newest():
    backups = [made(f"s{i}", NOW - timedelta(days=i), size=100) for i in range(5)]
    assert svc.keep(backups, NOW, size_cap=250) == set(backups[:2])
    assert svc.keep(backups, NOW, size_cap=10) == {backups[0]}


def test_keep_a_backup_from_the_future():
    future = made("f", NOW + timedelta(days=3))
    backups = [future] + [made(f"p{i}", NOW - timedelta(hours=i)) for i in range(15)]
    assert future in svc.keep(backups, NOW, recent=2)


# -- making a backup ------------------------------------------------------------------------------
def test_backup_is_verified_with_a_manifest(db, households, ward):
    fill(households, ward)
    b = svc.backup_now(db, now=NOW)
    path = sqlite_path(db.url)
    assert b.path.parent == path.parent / "sao-luu" and b.path.suffix == ".db"
    data = json.loads(b.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["created"] == "2026-03-14T09:30:00" and data["reason"] == "thu-cong"
    assert data["app_version"] == __version__ and data["schema"] == head_revision()
    assert data["unit"] == "Phường Hoàn Kiếm" and data["integrity_check"] == "ok"
    assert data["counts"]["household"] == 3 and data["counts"]["resident"] == 3
    assert data["counts"]["area"] == 2
    assert data["size"] == b.path.stat().st_size
    import hashlib
    assert data["sha256"] == hashlib.sha256(b.path.read_bytes()).hexdigest()
    con = sqlite3.connect(b.path)
    assert con.execute("select count(*) from household").fetchone() == (3,)
    assert con.execute("pragma journal_mode").fetchone() == ("delete",)  # one self-contained file
    con.close()
    assert svc.list_backups(b.path.parent, path.stem) == [b]
    assert list(b.path.parent.glob("*.tmp")) == []


def test_a_copy_that_fails_verification_is_deleted_and_reported(db, households, ward):
    fill(households, ward)
    path = sqlite_path(db.url)
    db.dispose()
    corrupt(path)
    folder = path.parent / "sao-luu"
    with pytest.raises(svc.BackupError, match=svc.NOT_VERIFIED):
        svc.backup_file(path, folder, now=NOW)
    assert list(folder.iterdir()) == []  # no copy, no manifest, no partial file
    assert svc.list_backups(folder) == []


def test_a_backup_whose_file_changed_is_not_listed(db, ward):
    b = svc.backup_now(db, now=NOW)
    with open(b.path, "ab") as f:
        f.write(b"x")
    assert svc.list_backups(b.path.parent) == []


def test_partial_copies_of_a_crash_are_removed(db):
    path = sqlite_path(db.url)
    b = svc.backup_now(db, now=NOW)
    folder = b.path.parent
    leftovers = [folder / "test.thu-cong-20260101-000000.db.tmp",
                 path.with_name(f".{path.name}.khoi-phuc.tmp")]
    for p in leftovers:
        p.write_bytes(b"half")
    lonely = folder / "test.thu-cong-20260102-000000.json"  # its file never arrived
    lonely.write_text(json.dumps({**json.loads(b.path.with_suffix(".json").read_text()),
                                  "file": "test.thu-cong-20260102-000000.db"}))
    removed = svc.clean_partial(path, folder)
    assert set(removed) == {*leftovers, lonely}
    assert b.path.exists() and svc.list_backups(folder) == [b]


def test_backup_now_keeps_to_the_retention(db):
    for i in range(13):
        svc.backup_now(db, svc.AUTO, now=NOW + timedelta(minutes=i))
    folder = sqlite_path(db.url).parent / "sao-luu"
    listed = svc.list_backups(folder, "test")
    assert len(listed) == 10 and listed[0].created == NOW + timedelta(minutes=12)
    assert len(list(folder.glob("*.json"))) == 10


def test_the_backup_folder_and_size_cap_are_settings(db, tmp_path):
    usb = tmp_path / "usb" / "ANTQ"
    save_backup_settings(db, BackupSettings(folder=str(usb), size_cap_mb=500))
    assert backup_settings(db) == BackupSettings(folder=str(usb), size_cap_mb=500)
    b = svc.backup_now(db, now=NOW)
    assert b.path.parent == usb
    assert svc.folder_for(sqlite_path(db.url)) == usb  # also read straight from the file


def test_server_database_is_dumped_by_pg_dump_which_must_be_installed(tmp_path, monkeypatch):
    """A server database goes to pg_dump (tests/services/test_pg_backup.py); without it on
    PATH the backup says which package to install, before reaching the server."""
    class Server:
        url, is_sqlite = "postgresql://antq@localhost/antq", False

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(svc.BackupError, match="pg_dump.*postgresql-client"):
        svc.backup_now(Server())


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: tests/unit/test_fileperms.py)")
def test_backups_and_the_database_are_owner_only(db, households, ward):
    fill(households, ward, 1)
    path = sqlite_path(db.url)
    sides = [path.with_name(path.name + tail) for tail in ("-wal", "-shm")]
    for p in [path, *sides]:
        assert p.exists()
        os.chmod(p, 0o644)
    svc.secure_database(path)
    for p in [path, *sides]:
        assert os.stat(p).st_mode & 0o777 == 0o600, p.name
    b = svc.backup_now(db, now=NOW)
    assert os.stat(b.path).st_mode & 0o777 == 0o600
    assert os.stat(b.path.with_suffix(".json")).st_mode & 0o777 == 0o600
    assert os.stat(b.path.parent).st_mode & 0o777 == 0o700
    # a restore: the safety copy, its manifest and the restored file are owner-only too
    db.dispose()
    os.chmod(b.path.parent, 0o755)
    result = svc.restore(path, b.path, now=NOW + timedelta(minutes=1))
    for p in (result.safety.path, result.safety.path.with_suffix(".json"), path):
        assert os.stat(p).st_mode & 0o777 == 0o600, p.name
    assert os.stat(b.path.parent).st_mode & 0o777 == 0o700


def test_fingerprint_changes_with_the_data(db, households, ward):
    path = sqlite_path(db.url)
    before = svc.fingerprint(path)
    assert svc.fingerprint(path) == before
    fill(households, ward, 1)
    assert svc.fingerprint(path) != before


def test_the_warning_for_an_old_or_missing_backup(db):
    assert "Chưa có bản sao lưu" in svc.backup_warning(None, NOW)
    b = svc.backup_now(db, now=NOW)
    assert svc.backup_warning(b, NOW + timedelta(days=6)) is None
    assert "14/03/2026 09:30" in svc.backup_warning(b, NOW + timedelta(days=8))


# -- before an upgrade ----------------------------------------------------------------------------
def test_the_copy_before_an_upgrade_is_a_verified_backup(tmp_path):
    from alembic import command

    from antq_desktop.db.engine import alembic_config, make_engine

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into area (name, sort_order) values ('Tổ 1', 1)"))
    engine.dispose()
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    assert db.backup_path.parent == tmp_path / "sao-luu"
    listed = svc.list_backups(tmp_path / "sao-luu", "old")
    assert [b.path for b in listed] == [db.backup_path]
    assert listed[0].schema == "0001" and listed[0].count("area") == 1
    assert svc.reason_label(listed[0].reason) == "Trước khi nâng cấp"


# -- restoring ------------------------------------------------------------------------------------
def test_restore_gives_back_every_record_of_a_damaged_file(db, households, ward):
    fill(households, ward, 5)
    path = sqlite_path(db.url)
    b = svc.backup_now(db, now=NOW)
    first_id = households.query_ids()[0]
    first = households.get(first_id)
    db.dispose()
    corrupt(path)
    result = svc.restore(path, b.path, now=NOW + timedelta(hours=1))
    assert result.backup == b and result.upgraded_from is None
    assert result.safety is None and result.safety_raw.exists()  # the damaged bytes, kept
    assert result.safety_raw.suffix == ".hong"
    assert "14/03/2026 09:30" in result.describe() and "5 hộ" in result.describe()
    again = open_database(db.url)
    try:
        counts = HouseholdService(again).counts()
        assert (counts.households, counts.residents) == (5, 5)
        assert svc.check(again) == []
        assert HouseholdService(again).get(first_id) == first
    finally:
        again.dispose()
    assert list(path.parent.glob(".*.tmp")) == []


def test_restore_keeps_a_verified_safety_copy_of_sound_data(db, households, ward):
    b = svc.backup_now(db, now=NOW)
    fill(households, ward, 2)  # added after the backup
    db.dispose()
    result = svc.restore(sqlite_path(db.url), b.path, now=NOW + timedelta(hours=1))
    assert result.safety is not None and result.safety.count("household") == 2
    assert svc.reason_label(result.safety.reason) == "Trước khi khôi phục"
    assert "Dữ liệu trước khi khôi phục được giữ" in result.describe()


def test_restore_refuses_a_newer_schema_and_changes_nothing(db, households, ward, tmp_path):
    fill(households, ward, 1)
    b = svc.backup_now(db, now=NOW)
    newer = tmp_path / "newer.db"
    shutil.copyfile(b.path, newer)
    con = sqlite3.connect(newer)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    db.dispose()
    path = sqlite_path(db.url)
    before = path.read_bytes()
    with pytest.raises(svc.BackupError, match="phiên bản ANTQ Desktop mới hơn"):
        svc.restore(path, newer)
    assert path.read_bytes() == before


def test_restore_refuses_a_backup_changed_after_it_was_made(db, ward):
    b = svc.backup_now(db, now=NOW)
    con = sqlite3.connect(b.path)
    con.execute("update area set name = 'Đổi' where id = 1")
    con.commit()
    con.close()
    db.dispose()
    with pytest.raises(svc.BackupError, match="sha256"):
        svc.restore(sqlite_path(db.url), b.path)


def test_restore_of_an_older_schema_is_upgraded_on_opening(db, tmp_path):
    from alembic import command

    from antq_desktop.db.engine import alembic_config, make_engine

    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into area (name, sort_order) values ('Tổ cũ', 1)"))
    engine.dispose()
    con = sqlite3.connect(old)
    con.execute("pragma journal_mode=delete")
    con.close()
    db.dispose()
    result = svc.restore(sqlite_path(db.url), old, now=NOW)
    assert result.upgraded_from == "0001"
    again = open_database(db.url)
    try:
        with again.engine.connect() as conn:
            assert conn.execute(text("select name from area")).scalar() == "Tổ cũ"
            assert conn.execute(text("select version_num from alembic_version")).scalar() == \
                head_revision()
    finally:
        again.dispose()


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    db.dispose()
    with pytest.raises(svc.BackupError, match="junk.db"):
        svc.restore(sqlite_path(db.url), junk)
    with pytest.raises(svc.BackupError, match="Không có tệp sao lưu"):
        svc.restore(sqlite_path(db.url), tmp_path / "missing.db")


# -- the health check -----------------------------------------------------------------------------
def test_check_finds_broken_rules_without_personal_data(db, households, ward):
    fill(households, ward, 3)
    assert svc.check(db) == []
    with db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("select id from household order by code"))]
        conn.execute(text("update resident set relation = 'spouse' where household_id = :h"),
                     {"h": ids[0]})
        conn.execute(text("insert into household_signup (household_id, year, signed_on) "
                          "values (:h, 2025, '2024-12-30')"), {"h": ids[1]})
        conn.execute(text("delete from household_search where household_id = :h"),
                     {"h": ids[2]})
    problems = svc.check(db)
    assert "Hộ HK000001: có 0 chủ hộ đang cư trú (phải có đúng một)." in problems
    assert "Hộ HK000002: đăng ký năm 2025 nhưng ghi ngày ký 30/12/2024." in problems
    assert "Hộ HK000003: thiếu trong chỉ mục tìm kiếm." in problems
    assert not any("Đặng Đức Anh" in p or "001080" in p for p in problems)


def test_check_reports_foreign_keys(db, ward):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(text("insert into household_signup (household_id, year, signed_on) "
                          "values (999, 2025, '2025-01-02')"))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    problems = svc.check(db)
    assert any(p.startswith("Bảng household_signup") and "household" in p for p in problems)


def test_check_finds_a_search_index_out_of_step(db, households, ward):
    if not db.has_fts:
        pytest.skip("no FTS5 trigram in this SQLite")
    fill(households, ward, 2)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER household_search_au")  # as a crash mid-update would
        conn.exec_driver_sql("UPDATE household_search SET folded = 'khac han'")
    assert any("Chỉ mục tìm kiếm hộ gia đình không khớp" in p for p in svc.check(db))
