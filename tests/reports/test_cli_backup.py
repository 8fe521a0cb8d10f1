"""`antq-desktop backup / backups / restore / check` through cli.main."""

import sqlite3

import pytest

from antq_desktop.cli import main
from antq_desktop.config import sqlite_path
from antq_desktop.db.engine import open_database
from antq_desktop.services.households import HouseholdService
from tests.conftest import household, member, sqlite_only

pytestmark = sqlite_only


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def one_line_error(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.startswith("antq-desktop: ") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


@pytest.fixture
def filled(db, households, ward):
    for i in range(4):
        households.save(household(ward[i % 2], code=f"HK{i + 1:06d}",
                                  members=[member(id_number=f"0010800{i + 1:05d}")]))
    return db


def test_backup_corrupt_restore_gives_back_every_record(capsys, filled):
    db = filled
    path = sqlite_path(db.url)
    code, out, err = run(capsys, "--db", str(path), "backup")
    assert (code, err) == (0, "")
    assert "4 hộ, 4 nhân khẩu" in out
    copy = out.strip().splitlines()[-1]
    assert copy.startswith(str(path.parent / "sao-luu"))

    code, out, _ = run(capsys, "--db", str(path), "backups")
    assert code == 0 and copy in out and "4 hộ" in out and "KB" in out

    db.dispose()
    size = path.stat().st_size
    with open(path, "r+b") as f:  # a dying disk
        f.seek(100)
        f.write(b"\x00\xff" * ((size - 100) // 2))
    err = one_line_error(capsys, "--db", str(path), "check")
    assert "bị hỏng" in err

    code, out, err = run(capsys, "--db", str(path), "restore", copy)
    assert (code, err) == (0, "")
    assert "Đã khôi phục dữ liệu của bản sao lưu lúc" in out and "4 hộ" in out

    code, out, err = run(capsys, "--db", str(path), "check")
    assert (code, out, err) == (0, "Không phát hiện vấn đề nào.\n", "")
    again = open_database(db.url)
    try:
        counts = HouseholdService(again).counts()
        assert (counts.households, counts.residents) == (4, 4)
    finally:
        again.dispose()


def test_backup_into_a_chosen_folder(capsys, db, tmp_path):
    usb = tmp_path / "usb"
    code, out, _ = run(capsys, "--db", db.url, "backup", "-o", str(usb))
    assert code == 0 and out.strip().splitlines()[-1].startswith(str(usb))
    code, out, _ = run(capsys, "--db", db.url, "backups", "--dir", str(usb))
    assert code == 0 and str(usb) in out


def test_an_empty_list(capsys, db):
    code, out, _ = run(capsys, "--db", db.url, "backups")
    assert code == 0 and out.startswith("Chưa có bản sao lưu nào")


@pytest.mark.parametrize("argv", [["backup"], ["backups"], ["restore", "x.db"], ["check"]])
def test_the_commands_refuse_a_missing_database(capsys, tmp_path, argv):
    missing = tmp_path / "none.db"
    err = one_line_error(capsys, "--db", str(missing), *argv)
    assert "Không có cơ sở dữ liệu" in err
    assert not missing.exists()  # not created


@pytest.mark.parametrize("argv, tool", [(["backup"], "pg_dump"), (["restore", "x.dump"],
                                                                   "pg_restore")])
def test_a_server_database_needs_the_postgresql_tools(capsys, tmp_path, monkeypatch, argv, tool):
    """A server is backed up with pg_dump (tests/services/test_pg_backup.py); without the
    tools the command names the package, before it reaches the server."""
    monkeypatch.setenv("PATH", str(tmp_path))
    err = one_line_error(capsys, "--db", "postgresql://antq@127.0.0.1:1/antq", *argv)
    assert f"chương trình {tool}" in err and "postgresql-client" in err


def test_restore_errors_are_one_line(capsys, db, tmp_path):
    err = one_line_error(capsys, "--db", db.url, "restore", str(tmp_path / "missing.db"))
    assert "Không có tệp sao lưu" in err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"junk" * 1000)
    err = one_line_error(capsys, "--db", db.url, "restore", str(junk))
    assert "junk.db" in err


def test_check_lists_each_problem_on_its_line(capsys, filled):
    db = filled
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE resident SET relation = 'child'")
    code, out, err = run(capsys, "--db", db.url, "check")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("antq-desktop: Hộ HK00000") for line in lines)


def test_backup_reports_a_copy_that_fails_verification(capsys, db):
    path = sqlite_path(db.url)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b"\x00\xff" * ((size - 100) // 2))
    err = one_line_error(capsys, "--db", str(path), "backup")
    assert "không đạt kiểm tra" in err
    assert list((path.parent / "sao-luu").glob("*.db")) == []
