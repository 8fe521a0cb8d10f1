"""Issue 12: a damaged file's message names the copy to restore; a locked file is reported at
once; the WAL is checkpointed without waiting for a long reader."""

import os
import sqlite3
import time

import pytest
from sqlalchemy import text

from antq_desktop.config import sqlite_path
from antq_desktop.db.engine import (
    DatabaseOpenError,
    UpgradeRefused,
    checkpoint,
    describe_error,
    is_busy,
    is_busy_error,
    newest_backup,
    open_database,
)
from tests.conftest import household, sqlite_only

pytestmark = sqlite_only


def _copy_of(source, target, age_s=0):
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    stamp = time.time() - age_s
    os.utime(target, (stamp, stamp))
    return target


def test_a_damaged_file_names_the_newest_copy(tmp_path):
    path = tmp_path / "antq.db"
    open_database(f"sqlite:///{path}").dispose()
    (tmp_path / "sao-luu").mkdir()
    older = _copy_of(path, tmp_path / "antq.truoc-nang-cap-0006-20250101-080000.db", age_s=3600)
    newer = _copy_of(path, tmp_path / "sao-luu" / "antq.thu-cong-20250102-080000.db", age_s=60)
    (tmp_path / "sao-luu" / "notes.db").write_bytes(b"not sqlite")  # not a copy: ignored
    assert newest_backup(path) == newer
    path.write_bytes(b"garbage, not sqlite" * 500)
    with pytest.raises(DatabaseOpenError, match="bị hỏng") as err:
        open_database(f"sqlite:///{path}")
    message = str(err.value)
    assert f"Bản sao gần nhất: {newer} (" in message
    assert message.endswith(f"Khôi phục bằng: antq-desktop restore {newer}")
    os.utime(older, None)  # now the newest
    with pytest.raises(DatabaseOpenError, match="antq-desktop restore .*truoc-nang-cap-0006"):
        open_database(f"sqlite:///{path}")


def test_no_copy_no_hint(tmp_path):
    path = tmp_path / "antq.db"
    path.write_bytes(b"garbage, not sqlite" * 500)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(f"sqlite:///{path}")
    assert "Bản sao" not in str(err.value)


def test_a_half_made_file_names_the_copy(tmp_path):
    """A file left with tables but no revision (a crash of an older version) is refused; the
    message says which copy to restore."""
    path = tmp_path / "antq.db"
    open_database(f"sqlite:///{path}").dispose()
    copy = _copy_of(path, tmp_path / "antq.truoc-nang-cap-0001-20250101-080000.db")
    con = sqlite3.connect(path)
    con.execute("delete from alembic_version")
    con.commit()
    con.close()
    with pytest.raises(DatabaseOpenError, match="không phải cơ sở dữ liệu") as err:
        open_database(f"sqlite:///{path}")
    assert f"antq-desktop restore {copy}" in str(err.value)


def test_upgrade_refused_is_an_open_error():
    assert issubclass(UpgradeRefused, DatabaseOpenError)


def test_a_writer_elsewhere_is_reported_at_once(db):
    holder = sqlite3.connect(sqlite_path(db.url), isolation_level=None)
    holder.execute("begin immediate")  # another program is saving
    try:
        started = time.monotonic()
        assert is_busy(db)
        assert time.monotonic() - started < 1  # no busy_timeout wait
    finally:
        holder.execute("rollback")
        holder.close()
    assert not is_busy(db)


def test_a_reader_elsewhere_does_not_make_it_busy(db, households, ward):
    households.save(household(ward[0]))
    reader = sqlite3.connect(sqlite_path(db.url), isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from household").fetchone()
    try:
        assert not is_busy(db)
    finally:
        reader.execute("rollback")
        reader.close()


def test_locked_message_says_another_program_holds_the_file(db):
    exc = sqlite3.OperationalError("database is locked")
    assert is_busy_error(exc) and not is_busy_error(ValueError("x"))
    message = describe_error(exc, db.url)
    assert message.startswith("Cơ sở dữ liệu đang bận (một chương trình khác đang ghi) — thử lại "
                              "sau giây lát.")
    assert "đang bị khóa bởi một chương trình khác" in message


def test_checkpoint_does_not_wait_for_a_long_reader(db, households, ward):
    path = sqlite_path(db.url)
    wal = path.with_name(path.name + "-wal")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from household").fetchone()  # holds its snapshot
    try:
        for i in range(5):
            households.save(household(ward[0], f"HK{i:06d}", [_member(i)]))
        assert wal.stat().st_size > 0
        started = time.monotonic()
        assert checkpoint(db) is False  # the reader still needs the WAL
        assert time.monotonic() - started < 1
    finally:
        reader.execute("rollback")
        reader.close()
    assert checkpoint(db) is True
    assert wal.stat().st_size == 0
    with db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from household")).scalar() == 5
        assert conn.execute(text("pragma busy_timeout")).scalar() == 5000


def _member(i):
    from tests.conftest import member

    return member(id_number=f"00108001{i:04d}")


def test_dispose_checkpoints(tmp_path):
    path = tmp_path / "antq.db"
    db = open_database(f"sqlite:///{path}")
    other = sqlite3.connect(path)  # keeps the WAL file from being removed on close
    other.execute("select count(*) from sqlite_master").fetchone()
    try:
        with db.session.begin() as s:
            s.execute(text("insert into setting (key, value) values ('test.wal', 'x')"))
        db.dispose()
        assert path.with_name(path.name + "-wal").stat().st_size == 0
    finally:
        other.close()


def test_checkpoint_on_postgresql_is_a_no_op():
    class Fake:
        is_sqlite = False

    assert checkpoint(Fake()) is False
