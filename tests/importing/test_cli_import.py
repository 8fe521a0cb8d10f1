"""The import commands: exit codes 0 / 1 / 2, no traceback, the template that imports."""

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from antq_desktop.cli import main

from .ugly import ugly_workbook


def run(*args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return exc.value.code


@pytest.fixture
def dbfile(db, ward):
    from antq_desktop.config import sqlite_path

    path = sqlite_path(db.url)
    if path is None:
        pytest.skip("the CLI import tests use the SQLite file")
    db.dispose()
    return str(path)


def test_import_exit_codes_and_partial(dbfile, tmp_path, capsys, pin_today):
    from datetime import date

    pin_today(date(2026, 6, 1))
    book = tmp_path / "ds.xlsx"
    ugly_workbook(book)
    errors = tmp_path / "loi.xlsx"
    assert run("--db", dbfile, "import", "households", str(book), "--dry-run",
               "--errors", str(errors)) == 1
    out = capsys.readouterr()
    assert "3 dòng có lỗi" in out.out and "Dòng 13:" in out.err and "Traceback" not in out.err
    assert load_workbook(errors).active.max_row == 5  # header + 3 bad + 1 held back
    assert run("--db", dbfile, "import", "households", str(book)) == 1
    assert "Không ghi gì" in capsys.readouterr().out
    assert run("--db", dbfile, "import", "households", str(book), "--partial") == 1
    out = capsys.readouterr().out
    assert "Đã nhập" in out and "undo-import 1" in out
    assert run("--db", dbfile, "imports") == 0
    assert "ds.xlsx" in capsys.readouterr().out
    assert run("--db", dbfile, "undo-import", "1") == 0
    assert "Đã xóa 2 hộ" in capsys.readouterr().out


def test_template_imports_with_exit_0(dbfile, tmp_path, capsys):
    template = tmp_path / "mau.xlsx"
    assert run("template", "households", "-o", str(template)) == 0
    assert run("--db", dbfile, "import", "households",
               str(template), "--mode", "fill") == 0
    assert "1 thêm mới" in capsys.readouterr().out


def test_unreadable_file_is_exit_2_in_one_line(dbfile, tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"garbage")
    assert run("--db", dbfile, "import", "households", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tệp hỏng" in err
    assert run("--db", dbfile, "import", "households", str(tmp_path / "none.xlsx")) == 2
    assert run("--db", dbfile, "import", "boats", str(bad)) == 2
    assert "Không có loại dữ liệu" in capsys.readouterr().err


def test_no_traceback_from_the_real_command(dbfile, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("khong co tieu de\n")
    done = subprocess.run([sys.executable, "-m", "antq_desktop", "--db", dbfile, "import",
                           "households", str(bad)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "dòng tiêu đề" in done.stderr


def test_other_kinds_through_the_command_line(dbfile, tmp_path, capsys, pin_today):
    from datetime import date

    from tests.importing.test_import_records import CASES
    from tests.importing.ugly import ugly_sheet

    pin_today(date(2026, 6, 1))
    c = CASES["cert_units"]
    book = tmp_path / "don vi.xlsx"
    ugly_sheet(book, c.title, c.top, c.below, c.good, [b for b, _ in c.bad], c.merges)
    errors = tmp_path / "loi.xlsx"
    assert run("--db", dbfile, "import", "cert_units", str(book), "--dry-run",
                 "--errors", str(errors)) == 1
    out = capsys.readouterr()
    assert "Đơn vị: 3 sẽ thêm mới" in out.out and "Dòng 12:" in out.err and errors.exists()
    assert run("--db", dbfile, "import", "cert_units", str(book), "--partial") == 1
    assert "Đơn vị: 3 thêm mới" in capsys.readouterr().out
    assert run("--db", dbfile, "imports") == 0
    assert "Đơn vị đăng ký" in capsys.readouterr().out
    assert run("--db", dbfile, "undo-import", "1") == 0
    assert "Đã xóa 3 đơn vị" in capsys.readouterr().out
    template = tmp_path / "mau.xlsx"
    assert run("template", "mediators", "-o", str(template)) == 0
