"""Issue 12: an upgrade is one transaction; a failed one leaves the file at its old revision,
usable, and the next start upgrades it, reusing the copy taken by the failed attempt."""

import sqlite3

import pytest
from alembic import command
from alembic.operations.base import BatchOperations
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from antq_desktop.db import search
from antq_desktop.db.engine import (
    DatabaseOpenError,
    UpgradeRefused,
    alembic_config,
    head_revision,
    make_engine,
    open_database,
)
from tests.conftest import household, member, sqlite_only

pytestmark = sqlite_only


def _tables(path):
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    finally:
        con.close()


def _scalar(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _copies(folder, revision="0001"):
    """The copies taken before an upgrade, wherever the backup service keeps them."""
    return sorted(p for p in folder.rglob(f"*truoc-nang-cap-{revision}*")
                  if p.suffix == ".db")


def _at_revision(path, revision, area="Tổ 1"):
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), revision)
    with engine.begin() as conn:
        conn.execute(text("insert into area (name, sort_order) values (:n, 1)"), {"n": area})
    engine.dispose()


@pytest.fixture
def crash_in_0007(monkeypatch):
    """The last revision's index creation fails, after every earlier revision ran."""
    original = BatchOperations.create_index

    def create_index(self, name, *args, **kw):
        if name == "uq_resident_living_id_number":
            raise RuntimeError("simulated crash")
        return original(self, name, *args, **kw)

    monkeypatch.setattr(BatchOperations, "create_index", create_index)
    return monkeypatch


def test_first_start_interrupted_after_the_fts_index_leaves_an_empty_file(tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    original = search.create_household_fts

    def fts_then_crash(conn):
        original(conn)
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(search, "create_household_fts", fts_then_crash)
    with pytest.raises(DatabaseOpenError, match="vẫn trống") as err:
        open_database(f"sqlite:///{path}")
    assert "Bản sao" not in str(err.value)  # a new file has nothing to copy
    assert _tables(path) <= {"alembic_version"}  # no table, FTS5 virtual table included
    monkeypatch.undo()
    db = open_database(f"sqlite:///{path}")
    assert db.has_fts and db.backup_path is None
    db.dispose()
    assert _scalar(path, "select version_num from alembic_version") == head_revision()


def test_failed_upgrade_rolls_back_every_revision_and_reuses_its_copy(tmp_path, crash_in_0007):
    path = tmp_path / "old.db"
    _at_revision(path, "0001")
    with pytest.raises(DatabaseOpenError, match="vẫn ở phiên bản 0001") as err:
        open_database(f"sqlite:///{path}")
    copies = list(_copies(tmp_path))
    assert len(copies) == 1 and f"Bản sao trước khi nâng cấp: {copies[0]}" in str(err.value)
    # the file is as it was: old revision, data kept, none of the later tables, sound
    assert _scalar(path, "select version_num from alembic_version") == "0001"
    assert _scalar(path, "select name from area") == "Tổ 1"
    assert "rehab_case" not in _tables(path)
    assert _scalar(path, "pragma integrity_check") == "ok"

    with pytest.raises(DatabaseOpenError, match=str(copies[0]).replace("\\", "\\\\")):
        open_database(f"sqlite:///{path}")  # a retry names the same copy, writes no other
    assert list(_copies(tmp_path)) == copies

    crash_in_0007.undo()
    db = open_database(f"sqlite:///{path}")
    assert db.backup_path == copies[0]
    with db.engine.connect() as conn:
        assert conn.execute(text("select name from area")).scalar() == "Tổ 1"
        assert conn.execute(text("select version_num from alembic_version")).scalar() == \
            head_revision()
    db.dispose()
    assert list(_copies(tmp_path)) == copies


def test_a_file_changed_since_the_failed_attempt_gets_a_new_copy(tmp_path, crash_in_0007):
    path = tmp_path / "old.db"
    _at_revision(path, "0001")
    with pytest.raises(DatabaseOpenError):
        open_database(f"sqlite:///{path}")
    con = sqlite3.connect(path)  # the previous version of the app kept working on the file
    con.execute("insert into area (name, sort_order) values ('Tổ 2', 2)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseOpenError):
        open_database(f"sqlite:///{path}")
    copies = sorted(_copies(tmp_path))
    assert len(copies) == 2
    newest = max(copies, key=lambda p: p.stat().st_mtime_ns)
    assert _scalar(newest, "select count(*) from area") == 2


def test_a_damaged_copy_is_not_reused(tmp_path, crash_in_0007):
    path = tmp_path / "old.db"
    _at_revision(path, "0001")
    with pytest.raises(DatabaseOpenError):
        open_database(f"sqlite:///{path}")
    (copy,) = _copies(tmp_path)
    copy.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # cut short by a crash
    crash_in_0007.undo()
    db = open_database(f"sqlite:///{path}")
    assert db.backup_path is not None and db.backup_path != copy
    assert _scalar(db.backup_path, "select version_num from alembic_version") == "0001"
    db.dispose()


def _two_living_with_one_number(path, ward_ids=None):
    """A file at 0006 where two living residents share an ID number (before the index)."""
    from antq_desktop.services.households import HouseholdService
    from antq_desktop.services.unit import UnitService

    db = open_database(f"sqlite:///{path}")
    area = UnitService(db).add_area("Tổ dân phố số 1")
    service = HouseholdService(db)
    service.save(household(area, "HK000001", [member(id_number="001080012345")]))
    service.save(household(area, "HK000002", [member(id_number="001080012346")]))
    service.save(household(area, "HK000003", [member(id_number="001080012347")]))
    db.dispose()
    engine = make_engine(f"sqlite:///{path}")
    command.downgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:
        conn.execute(text("update resident set id_number = '001080012345' "
                          "where id_number in ('001080012346', '001080012347')"))
        conn.execute(text("update resident set moved_out_on = '2020-01-01' "
                          "where id_number = '001080012345' and household_id = 3"))
    engine.dispose()


def test_duplicate_living_id_numbers_refuse_the_upgrade_and_keep_the_file(tmp_path):
    path = tmp_path / "dup.db"
    _two_living_with_one_number(path)
    with pytest.raises(UpgradeRefused, match="có 1 số định danh") as err:
        open_database(f"sqlite:///{path}")
    message = str(err.value)
    assert "(2 nhân khẩu)" in message and "vẫn ở phiên bản 0006" in message
    assert "001080012345" not in message  # no personal data in messages
    assert _scalar(path, "select version_num from alembic_version") == "0006"
    assert _scalar(path, "select count(*) from resident") == 3

    con = sqlite3.connect(path)  # corrected with the previous version: one of them moved out
    con.execute("update resident set moved_out_on = '2021-01-01' where household_id = 2")
    con.commit()
    con.close()
    db = open_database(f"sqlite:///{path}")  # moved-out holders of the number do not count
    db.dispose()
    assert _scalar(path, "select version_num from alembic_version") == head_revision()


def test_the_index_refuses_a_second_living_resident_with_the_same_number(db, households, ward):
    households.save(household(ward[0], "HK000001", [member(id_number="001080012345")]))
    households.save(household(ward[0], "HK000002", [member(id_number="001080012346")]))
    with pytest.raises(IntegrityError), db.session.begin() as s:  # two concurrent saves' end
        s.execute(text("update resident set id_number = '001080012345' "
                       "where id_number = '001080012346'"))
    with db.session.begin() as s:  # a moved-out resident keeps the number without conflict
        s.execute(text("update resident set moved_out_on = '2024-01-01' "
                       "where id_number = '001080012346'"))
        s.execute(text("update resident set id_number = '001080012345' "
                       "where id_number = '001080012346'"))


def test_a_migration_rebuilding_the_household_table_keeps_foreign_keys(tmp_path):
    """A migration that rebuilds a referenced table (batch mode; the 0006 downgrade drops a column
    of household) works on a file with households: with foreign keys on, SQLite's DROP TABLE
    deleted the rows first and failed on their residents. Migrations turn them off around their
    transaction and run foreign_key_check before committing."""
    from antq_desktop.services.households import HouseholdService
    from antq_desktop.services.unit import UnitService

    path = tmp_path / "with-data.db"
    db = open_database(f"sqlite:///{path}")
    area = UnitService(db).add_area("Tổ dân phố số 1")
    HouseholdService(db).save(household(area, "HK000001", [member()]))
    db.dispose()
    engine = make_engine(f"sqlite:///{path}")
    command.downgrade(alembic_config(engine), "0005")
    engine.dispose()
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == \
            head_revision()
        assert conn.execute(text("select count(*) from resident")).scalar() == 1
        assert conn.execute(text("pragma foreign_keys")).scalar() == 1
        assert conn.execute(text("pragma foreign_key_check")).all() == []
    db.dispose()


def test_two_upgrades_at_once_in_one_process_take_turns(tmp_path):
    """Alembic's context is module-global: two threads upgrading at once ran each other's
    migrations (KeyError, OperationalError). open_database upgrades one file at a time."""
    import shutil
    import threading

    _at_revision(tmp_path / "a.db", "0001")
    shutil.copyfile(tmp_path / "a.db", tmp_path / "b.db")
    errors = []

    def open_one(name):
        try:
            open_database(f"sqlite:///{tmp_path / name}").dispose()
        except Exception as exc:  # noqa: BLE001 — collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(n,)) for n in ("a.db", "b.db")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for name in ("a.db", "b.db"):
        assert _scalar(tmp_path / name, "select version_num from alembic_version") == \
            head_revision()
