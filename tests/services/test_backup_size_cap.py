"""Retention within the size cap on disk (issue 12: "about 10 recent … within a size cap"):
``keep`` is tested on made-up lists in test_backup.py; here the files themselves go."""

from datetime import datetime, timedelta

from antq_desktop.config import sqlite_path
from antq_desktop.services import backup as svc
from antq_desktop.services.settings import BackupSettings, save_backup_settings
from tests.conftest import sqlite_only

pytestmark = sqlite_only
NOW = datetime(2026, 3, 14, 9, 30)


def pad(db, kib: int) -> None:
    """Make the database (and so each backup) about ``kib`` KiB bigger."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS padding (b BLOB)")
        conn.exec_driver_sql(f"INSERT INTO padding VALUES (randomblob({kib * 1024}))")


def test_backups_over_the_size_cap_are_deleted_oldest_first_never_the_newest(db):
    save_backup_settings(db, BackupSettings(size_cap_mb=10))  # the smallest allowed
    pad(db, 6000)  # each backup ~6 MB: two are over 10 MB
    made = [svc.backup_now(db, svc.AUTO, now=NOW + timedelta(minutes=i)) for i in range(3)]
    folder = sqlite_path(db.url).parent / "sao-luu"
    assert [b.path for b in svc.list_backups(folder, "test")] == [made[-1].path]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [made[-1].path.name, made[-1].path.with_suffix(".json").name])
    pad(db, 5000)  # now one backup alone is over the cap: the newest is still kept
    newest = svc.backup_now(db, svc.AUTO, now=NOW + timedelta(minutes=5))
    assert newest.size > 10 * 1024 * 1024
    assert [b.path for b in svc.list_backups(folder, "test")] == [newest.path]


def test_prune_within_a_byte_cap_keeps_the_newest_that_fit(db):
    folder = sqlite_path(db.url).parent / "sao-luu"
    made = [svc.backup_file(sqlite_path(db.url), folder, svc.AUTO, NOW + timedelta(minutes=i))
            for i in range(4)]
    removed = svc.prune(folder, "test", NOW + timedelta(minutes=4), made[0].size * 2 + 1)
    assert sorted(b.path for b in removed) == sorted(b.path for b in made[:2])
    assert {b.path for b in svc.list_backups(folder, "test")} == {b.path for b in made[2:]}
    assert not any(b.path.exists() or b.path.with_suffix(".json").exists() for b in made[:2])
