"""db/peek.py: the look into a SQLite file before SQLAlchemy is imported (the login-first
start). It says yes only for a file at this program's schema with accounts and a set-up ward,
and never writes."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from antq_desktop.db import engine
from antq_desktop.db.peek import head_revision, peek_sign_in

ROOT = Path(__file__).resolve().parents[2]


def _file(tmp_path, template, *, ward: str | None = "Phường Hoàn Kiếm", accounts: int = 1):
    """A store at the head; ``ward`` None: its unit row blank (made before the set-up,
    migration 0016), "": no unit row at all."""
    path = tmp_path / "antq.db"
    shutil.copyfile(template, path)
    con = sqlite3.connect(path)
    with con:
        if ward != "":
            con.execute("INSERT INTO unit (id, province_code, province_name, ward_code, "
                        "ward_name, header_superior, header_issuer, place_name, commander_name, "
                        "commander_title) VALUES (1, 1, 'Thành phố Hà Nội', ?, ?, '', '', '', "
                        "'', '')", (0, "") if ward is None else (70, ward))
        for i in range(accounts):
            con.execute("INSERT INTO app_user (name, name_folded, display_name, role, "
                        "password_hash, must_change, disabled, failed_count, province, version, "
                        "created_at, updated_at) VALUES (?, ?, '', 'admin', 'x', 0, 0, 0, 0, 1, "
                        "'2026-01-01', '2026-01-01')", (f"u{i}", f"u{i}"))
    con.close()
    return path


@pytest.fixture
def template(migrated_sqlite):
    return migrated_sqlite


def test_a_file_with_accounts_and_a_ward_is_peeked_without_a_trace(tmp_path, template):
    path = _file(tmp_path, template)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert peek_sign_in(f"sqlite:///{path}").ward_name == "Phường Hoàn Kiếm"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["antq.db"]  # no -wal, no -shm
    assert peek_sign_in(f"sqlite+pysqlite:///{path}") is not None
    odd = tmp_path / "thư mục #1 %20" / "antq.db"  # a path a URI must encode
    odd.parent.mkdir()
    shutil.copyfile(path, odd)
    assert peek_sign_in(f"sqlite:///{odd}") is not None


def test_what_keeps_the_ordinary_order(tmp_path, template):
    assert peek_sign_in(f"sqlite:///{tmp_path / 'missing.db'}") is None
    empty = tmp_path / "empty.db"
    empty.touch()
    assert peek_sign_in(f"sqlite:///{empty}") is None
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00garbage" * 512)
    assert peek_sign_in(f"sqlite:///{garbage}") is None
    assert garbage.read_bytes() == b"\x00garbage" * 512
    assert peek_sign_in(f"sqlite:///{tmp_path}") is None  # a folder
    assert peek_sign_in("sqlite://") is None and peek_sign_in("sqlite:///:memory:") is None
    assert peek_sign_in("postgresql+psycopg2://antq:antq@localhost/antq") is None
    path = _file(tmp_path, template, accounts=0)
    assert peek_sign_in(f"sqlite:///{path}") is None  # single-user mode, or the first admin
    path = _file(tmp_path, template, ward=None)  # the unit row made before the set-up
    assert peek_sign_in(f"sqlite:///{path}") is None
    path = _file(tmp_path, template, ward="")  # no unit yet
    assert peek_sign_in(f"sqlite:///{path}") is None
    assert peek_sign_in(f"sqlite+pysqlcipher://:key@/{path}") is None  # not for the stdlib
    for revision in (f"{int(head_revision()) - 1:04d}", "9999"):  # to upgrade; newer program's
        path = _file(tmp_path, template)
        con = sqlite3.connect(path)
        with con:
            con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.close()
        assert peek_sign_in(f"sqlite:///{path}") is None, revision


def test_commits_still_in_the_wal_are_read(tmp_path, template):
    path = _file(tmp_path, template, accounts=0)
    db = engine.open_database(f"sqlite:///{path}")  # WAL mode, the program's pragmas
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO app_user (name, name_folded, display_name, role, password_hash, "
                "must_change, disabled, failed_count, province, version, created_at, "
                "updated_at) VALUES ('a', 'a', '', 'admin', 'x', 0, 0, 0, 0, 1, '2026-01-01', "
                "'2026-01-01')")
        assert Path(f"{path}-wal").stat().st_size > 0  # not checkpointed yet
        assert peek_sign_in(f"sqlite:///{path}") is not None
    finally:
        db.dispose()


def test_the_head_is_the_engines():
    assert head_revision() == engine.head_revision() == engine.script_head()


def test_the_peek_imports_no_sqlalchemy():
    code = "import sys, antq_desktop.db.peek; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "False", done.stderr[-2000:]
