"""Owner-only files: 0600/0700 on POSIX, an owner-only ACL through icacls on Windows (forced here)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from antq_desktop import fileperms

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def windows(monkeypatch):
    """The Windows branch on this machine: sys.platform says win32, subprocess.run records the
    commands it is given and answers with the status in ``result``."""
    calls: list[dict] = []
    result = {"returncode": 0}

    def run(cmd, **kwargs):
        calls.append({"cmd": cmd, **kwargs})
        if isinstance(result.get("raise"), BaseException):
            raise result["raise"]
        return subprocess.CompletedProcess(cmd, result["returncode"], b"C:\\Users\\x", b"")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(fileperms.subprocess, "run", run)
    monkeypatch.setenv("USERNAME", "canbo")
    monkeypatch.setenv("USERDOMAIN", "PHUONG-PC")
    monkeypatch.setenv("SystemRoot", "C:\\Windows")
    fileperms.owner_account.cache_clear()
    yield calls, result
    fileperms.owner_account.cache_clear()


def test_windows_file_gets_an_owner_only_acl_without_a_console(windows, tmp_path):
    calls, _ = windows
    target = tmp_path / "antq.db"
    target.write_bytes(b"x")
    mode = target.stat().st_mode
    assert fileperms.make_private(target) is True
    assert calls[0]["cmd"] == [os.path.join("C:\\Windows", "System32", "icacls.exe"), str(target),
                               "/inheritance:r", "/grant:r", "PHUONG-PC\\canbo:F", "/q"]
    assert calls[0]["creationflags"] == 0x08000000  # CREATE_NO_WINDOW
    assert calls[0]["capture_output"] is True and calls[0]["stdin"] == subprocess.DEVNULL
    assert calls[0]["timeout"] > 0
    assert target.stat().st_mode == mode  # no chmod on Windows (it only sets read-only there)


def test_windows_folder_entry_is_inherited_by_new_files(windows, tmp_path):
    calls, _ = windows
    assert fileperms.make_private(tmp_path, folder=True) is True
    assert calls[0]["cmd"][1:] == [str(tmp_path), "/inheritance:r", "/grant:r",
                                   "PHUONG-PC\\canbo:(OI)(CI)F", "/q"]


def test_windows_account_without_a_domain(windows, tmp_path, monkeypatch):
    calls, _ = windows
    monkeypatch.delenv("USERDOMAIN")
    fileperms.owner_account.cache_clear()
    fileperms.make_private(tmp_path / "a.db")
    assert calls[0]["cmd"][4] == "canbo:F"


@pytest.mark.parametrize("failure", ["exit", "missing", "timeout"])
def test_windows_failure_is_logged_without_the_folder_and_never_raises(
        windows, tmp_path, caplog, failure):
    calls, result = windows
    if failure == "exit":
        result["returncode"] = 5
    elif failure == "missing":
        result["raise"] = FileNotFoundError(2, "not found", "icacls.exe")
    else:
        result["raise"] = subprocess.TimeoutExpired("icacls", 15)
    folder = tmp_path / "Nguyen Van A"
    folder.mkdir()
    with caplog.at_level(logging.WARNING, logger="antq_desktop.fileperms"):
        assert fileperms.make_private(folder / "antq.db") is False
    assert len(calls) == 1
    assert "antq.db" in caplog.text
    assert "Nguyen" not in caplog.text and "canbo" not in caplog.text


def test_backup_service_sets_the_acl_on_windows(windows, tmp_path):
    """The call sites in services.backup go through fileperms: the database files at start, the
    backup folder, every backup and manifest (as temporary files, before anything is written)."""
    import sqlite3

    from antq_desktop.services import backup

    calls, _ = windows
    db_path = tmp_path / "antq.db"
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.execute("INSERT INTO alembic_version VALUES ('0007')")
    con.commit()
    backup.secure_database(db_path)
    secured = [Path(c["cmd"][1]).name for c in calls]
    assert secured == ["antq.db", "antq.db-wal", "antq.db-shm"]
    con.close()
    calls.clear()
    made = backup.backup_file(db_path, tmp_path / "sao-luu")
    grants = {Path(c["cmd"][1]).name: c["cmd"][4] for c in calls}
    assert grants[(tmp_path / "sao-luu").name] == "PHUONG-PC\\canbo:(OI)(CI)F"
    assert grants[made.path.name + ".tmp"] == "PHUONG-PC\\canbo:F"
    assert grants[made.path.with_suffix(".json").name + ".tmp"] == "PHUONG-PC\\canbo:F"
    assert made.path.exists()


def test_a_failing_acl_never_stops_a_backup(windows, tmp_path):
    import sqlite3

    from antq_desktop.services import backup

    _, result = windows
    result["returncode"] = 1332  # "No mapping between account names and security IDs"
    db_path = tmp_path / "antq.db"
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.execute("INSERT INTO alembic_version VALUES ('0007')")
    con.commit()
    con.close()
    made = backup.backup_file(db_path, tmp_path / "sao-luu")
    assert backup.list_backups(tmp_path / "sao-luu") == [made]


@posix_only
def test_posix_modes(tmp_path):
    target = tmp_path / "antq.db"
    target.write_bytes(b"x")
    os.chmod(target, 0o644)
    assert fileperms.make_private(target) is True
    assert target.stat().st_mode & 0o777 == 0o600
    folder = tmp_path / "sao-luu"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    fileperms.make_private(folder, folder=True)
    assert folder.stat().st_mode & 0o777 == 0o700


@posix_only
def test_posix_failure_is_logged_and_never_raises(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="antq_desktop.fileperms"):
        assert fileperms.make_private(tmp_path / "gone.db") is False
    assert "gone.db" in caplog.text and str(tmp_path) not in caplog.text


@posix_only
def test_a_new_private_file_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        fileperms.new_private_file(tmp_path / "x.tmp")
    finally:
        os.umask(old)
    assert (tmp_path / "x.tmp").stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        fileperms.new_private_file(tmp_path / "x.tmp")
