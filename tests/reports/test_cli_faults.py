"""Bad input and faults on the command line: one Vietnamese line and a non-zero exit, never a
traceback nor an SQL statement (which would carry personal data)."""

import errno
import os
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.exc import OperationalError

from antq_desktop.cli import main
from antq_desktop.config import sqlite_path
from antq_desktop.reports import export, registry
from antq_desktop.services.indicators import PACKAGED_PATH
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite files")


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def one_line(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code not in (0, None), err
    assert out == "" and err.startswith("antq-desktop: ") and err.count("\n") == 1, err
    for leak in ("Traceback", "SELECT", "INSERT", "UPDATE", "[SQL", "Error:"):
        assert leak not in err, err
    return err


# -- the --db address ---------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["demo", "--households", "3"], ["check"], ["backup"],
                                  ["backups"],
                                  ["export", "rehab-list", "--year", "2025", "-o", "x.xlsx"]])
def test_an_unknown_scheme_is_one_line(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    err = one_line(capsys, "--db", "foo://x", *argv)
    assert "Không hỗ trợ loại cơ sở dữ liệu “foo”" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["demo"], ["check"],
                                  ["export", "rehab-list", "--year", "2025", "-o", "x.xlsx"]])
def test_a_missing_driver_is_one_line_without_the_password(capsys, argv):
    err = one_line(capsys, "--db", "postgresql+nosuchdriver://antq:bi-mat@localhost/antq", *argv)
    assert "Chưa cài trình điều khiển “nosuchdriver”" in err and "bi-mat" not in err


def test_a_driver_not_installed_is_one_line(capsys):
    pytest.importorskip("sqlalchemy.dialects.postgresql")
    try:
        import asyncpg  # noqa: F401
        pytest.skip("asyncpg is installed here")
    except ImportError:
        pass
    err = one_line(capsys, "--db", "postgresql+asyncpg://u:pw@localhost/antq", "check")
    assert "Chưa cài trình điều khiển" in err and "asyncpg" in err


def test_the_real_program_prints_no_traceback(tmp_path):
    """Through the interpreter, as an officer runs it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "antq_desktop", "--db", "foo://x", "check"],
                          capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("antq-desktop: Không hỗ trợ loại cơ sở dữ liệu")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


# -- a database that is not there ----------------------------------------------------------------
@pytest.mark.parametrize("argv", [["check"], ["backup"], ["backups"],
                                  ["export", "rehab-list", "--year", "2025", "-o", "x.xlsx"]])
def test_a_zero_byte_file_is_not_a_database_yet(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "antq.db"
    empty.touch()
    err = one_line(capsys, "--db", empty, *argv)
    assert f"Tệp {empty} trống (0 byte), chưa phải là cơ sở dữ liệu." in err
    assert empty.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["antq.db"]


@pytest.mark.parametrize("argv", [["check"], ["backup"],
                                  ["export", "rehab-list", "--year", "2025", "-o", "x.xlsx"]])
def test_a_mistyped_path_is_refused_not_created(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    wrong = tmp_path / "go-nham" / "antq.db"
    err = one_line(capsys, "--db", wrong, *argv)
    assert f"Không có cơ sở dữ liệu {wrong}." in err and "không tạo cơ sở dữ liệu mới" in err
    assert not wrong.parent.exists()


# -- locked, full ------------------------------------------------------------------------------------
def test_demo_into_a_locked_database_says_so_at_once(capsys, db):
    holder = sqlite3.connect(sqlite_path(db.url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        err = one_line(capsys, "--db", db.url, "demo", "--households", "3")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert err.startswith("antq-desktop: Cơ sở dữ liệu đang bận (một chương trình khác đang "
                          "ghi) — thử lại sau giây lát.")
    assert waited < 3
    con = sqlite3.connect(sqlite_path(db.url))
    assert con.execute("SELECT count(*) FROM household").fetchone() == (0,)
    con.close()


def test_demo_meeting_a_lock_later_is_one_line(capsys, db, monkeypatch):
    def locked(*_a, **_k):
        raise OperationalError("INSERT INTO resident (full_name) VALUES (?)", ("Lê Văn Tư",),
                               sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr("antq_desktop.services.demo.generate", locked)
    err = one_line(capsys, "--db", db.url, "demo", "--households", "3")
    assert "đang bận" in err and "Lê Văn Tư" not in err


def test_demo_onto_a_full_disk_names_the_folder(capsys, db, monkeypatch):
    def full(*_a, **_k):
        raise OperationalError("INSERT INTO resident (full_name) VALUES (?)", ("Lê Văn Tư",),
                               sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr("antq_desktop.services.demo.generate", full)
    err = one_line(capsys, "--db", db.url, "demo", "--households", "3")
    folder = sqlite_path(db.url).parent
    assert err.startswith(f"antq-desktop: Ổ đĩa đã đầy: không ghi được cơ sở dữ liệu vào thư "
                          f"mục {folder}.")
    assert "Lê Văn Tư" not in err and "OperationalError" not in err


def test_export_onto_a_full_disk_names_the_folder(capsys, db, ward, tmp_path, monkeypatch):
    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    out = tmp_path / "bao-cao"
    out.mkdir()
    err = one_line(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                   "-o", out / "ds.xlsx")
    assert err == (f"antq-desktop: Ổ đĩa đã đầy: không ghi được tệp ds.xlsx vào thư mục {out}. "
                   "Hãy giải phóng dung lượng trên ổ đĩa đó (xóa bớt tệp không cần, dọn thùng "
                   "rác) rồi thử lại.\n")
    assert list(out.iterdir()) == []


def test_a_database_read_failing_for_a_full_disk_during_export(capsys, db, ward, tmp_path):
    def build(db, params):
        raise OperationalError("SELECT full_name FROM resident", {},
                               sqlite3.OperationalError("database or disk is full"))

    registry.register(registry.Form("test-full", "Biểu thử", build))
    try:
        err = one_line(capsys, "--db", db.url, "export", "test-full", "--year", "2025",
                       "-o", tmp_path / "a.xlsx")
    finally:
        registry.unregister("test-full")
    assert "Ổ đĩa đã đầy" in err and "Không mở được" not in err


def test_an_unexpected_error_is_one_line_without_its_text(capsys, db, ward, tmp_path):
    def build(db, params):
        raise RuntimeError("Nguyễn Văn A, 001080012345")

    registry.register(registry.Form("test-bug", "Biểu lỗi", build))
    try:
        err = one_line(capsys, "--db", db.url, "export", "test-bug", "--year", "2025",
                       "-o", tmp_path / "a.xlsx")
    finally:
        registry.unregister("test-bug")
    assert "RuntimeError" in err and "Nguyễn" not in err and "001080012345" not in err


# -- the output file -------------------------------------------------------------------------------
def test_a_300_character_file_name_is_one_line(capsys, db, ward, tmp_path):
    name = "d" * 295 + ".xlsx"
    err = one_line(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                   "-o", tmp_path / name)
    assert "quá dài (300 ký tự; tối đa 255)" in err
    assert len(err) < 300


def test_a_long_but_allowed_name_still_exports(capsys, db, ward, tmp_path):
    """The temporary file beside it has a short name of its own."""
    target = tmp_path / ("d" * 245 + ".xlsx")
    code, out, err = run(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                         "-o", target)
    assert (code, err) == (0, "") and target.is_file()


def test_a_read_only_output_file_is_not_replaced(capsys, db, ward, tmp_path):
    target = tmp_path / "ds.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o444)
    err = one_line(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                   "-o", target)
    assert f"Tệp {target} đã có và chỉ cho phép đọc (read-only), nên không ghi đè" in err
    assert target.read_bytes() == b"old"


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid += 1


@pytest.mark.skipif(os.name != "posix", reason="tells a dead writer by its process id")
def test_temporary_files_a_crash_left_are_removed(capsys, db, ward, tmp_path):
    dead = tmp_path / f".~ds.{_dead_pid()}.k2j4h5g6{export.TEMP_SUFFIX}"
    running = tmp_path / f".~khac.{os.getpid()}.a1b2c3d4{export.TEMP_SUFFIX}"
    old = tmp_path / f".~cu.{os.getppid()}.z9y8x7w6{export.TEMP_SUFFIX}"
    others = [tmp_path / ".~ghi-chu.txt", tmp_path / "ds.123.abc.antq-tmp.xlsx"]
    for p in (dead, running, old, *others):
        p.write_bytes(b"PK partial")
    now = time.time()  # the program's clock (faked in CI's year-boundary runs), not the disk's
    os.utime(running, (now, now))
    os.utime(old, (now - 13 * 3600, now - 13 * 3600))
    code, _, err = run(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                       "-o", tmp_path / "ds.xlsx")
    assert (code, err) == (0, "")
    assert not dead.exists() and not old.exists()
    assert running.exists()  # an export still being written (by a live process) is left alone
    assert all(p.exists() for p in others)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~ds.")]


# -- indicators.json -------------------------------------------------------------------------------
def _cp1258(text: str) -> bytes:
    """How a Windows editor saves Vietnamese in Windows-1258: the code page's own letter (ê, ư,
    ă…) followed by a combining tone mark where it has no letter with the tone."""
    def encodable(ch: str) -> bool:
        try:
            ch.encode("cp1258")
            return True
        except UnicodeEncodeError:
            return False

    out = []
    for ch in unicodedata.normalize("NFC", text):
        if encodable(ch):
            out.append(ch)
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        changed = True
        while changed:
            changed = False
            for mark in marks:
                joined = unicodedata.normalize("NFC", base + mark)
                if len(joined) == 1 and encodable(joined):
                    base, changed = joined, True
                    marks.remove(mark)
                    break
        out.append(base + "".join(marks))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1258"])
def test_an_indicator_file_in_another_encoding_is_read(capsys, db, ward, tmp_path, encoding):
    text = PACKAGED_PATH.read_text(encoding="utf-8")
    raw = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    (sqlite_path(db.url).parent / "indicators.json").write_bytes(raw)
    target = tmp_path / "tong-ket.xlsx"
    code, out, err = run(capsys, "--db", db.url, "export", "yearend-summary", "--year", "2025",
                         "-o", target)
    assert (code, err) == (0, "")
    from openpyxl import load_workbook

    import json

    cells = {c.value for row in load_workbook(target).active.iter_rows() for c in row
             if isinstance(c.value, str)}
    labels = [i["label"] for i in json.loads(text)["indicators"] if "label" in i]
    assert labels and all(label in cells for label in labels[:5])  # composed, as shipped


def test_an_indicator_file_nested_100000_deep_is_one_line(capsys, db, ward, tmp_path):
    (sqlite_path(db.url).parent / "indicators.json").write_text("[" * 100_000 + "]" * 100_000)
    err = one_line(capsys, "--db", db.url, "export", "yearend-summary", "--year", "2025",
                   "-o", tmp_path / "a.xlsx")
    assert "lồng nhau quá sâu" in err and "RecursionError" not in err


def test_an_indicator_file_in_an_unknown_encoding_says_which_to_use(capsys, db, ward, tmp_path):
    (sqlite_path(db.url).parent / "indicators.json").write_bytes(b"\xff\xfe\x00\xd8")
    err = one_line(capsys, "--db", db.url, "export", "yearend-summary", "--year", "2025",
                   "-o", tmp_path / "a.xlsx")
    assert "UTF-8" in err
