import sqlite3

import pytest
from sqlalchemy import inspect, text

from antq_desktop.config import resolve_db_url, sqlite_path
from antq_desktop.db.engine import DatabaseOpenError, _backup_sqlite, head_revision, open_database
from tests.conftest import sqlite_only


def test_migrations_from_an_empty_file(tmp_path):
    path = tmp_path / "new.db"
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"unit", "area", "household", "resident", "household_signup",
                "household_search", "household_fts"} <= tables
        assert conn.execute(text("select version_num from alembic_version")).scalar() == \
            head_revision()
        assert conn.execute(text("pragma foreign_keys")).scalar() == 1
        assert conn.execute(text("pragma journal_mode")).scalar() == "wal"
        assert conn.execute(text("pragma busy_timeout")).scalar() > 0
    db.dispose()
    assert db.backup_path is None  # nothing to keep from a brand-new file
    # opening again at the head revision changes nothing and copies nothing
    again = open_database(f"sqlite:///{path}")
    assert again.backup_path is None
    again.dispose()
    assert list(tmp_path.glob("*truoc-nang-cap*")) == []


def test_foreign_keys_enforced(db):
    with pytest.raises(Exception):
        with db.session.begin() as s:
            s.execute(text("insert into household (code, area_id, address, notes, "
                           "moved_out_reason, head_name, head_sort, member_count, "
                           "residence_kind) values ('X', 999, 'a', '', '', '', '', 0, "
                           "'permanent')"))


@sqlite_only
def test_backup_copy_is_a_readable_database(tmp_path, db, households, ward):
    from tests.conftest import household
    households.save(household(ward[0]))
    source = sqlite_path(db.url)
    copy = _backup_sqlite(source, "0001")
    assert copy.parent == source.parent / "sao-luu" and "truoc-nang-cap-0001" in copy.name
    con = sqlite3.connect(copy)
    assert con.execute("select count(*) from household").fetchone() == (1,)
    con.close()


def test_not_a_database(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseOpenError, match="bị hỏng hoặc không phải cơ sở dữ liệu"):
        open_database(f"sqlite:///{path}")


def test_foreign_sqlite_file_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table invoices (id integer)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseOpenError, match="không phải cơ sở dữ liệu của ANTQ Desktop"):
        open_database(f"sqlite:///{path}")


def test_newer_than_app(tmp_path):
    path = tmp_path / "newer.db"
    open_database(f"sqlite:///{path}").dispose()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseOpenError, match="phiên bản ANTQ Desktop mới hơn"):
        open_database(f"sqlite:///{path}")


def test_locked_database(tmp_path, monkeypatch):
    monkeypatch.setattr("antq_desktop.db.engine.BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "locked.db"
    # another program holds an exclusive lock on a file that still needs its schema
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("pragma journal_mode=delete")
    holder.execute("begin exclusive")
    holder.execute("create table t (x)")
    try:
        with pytest.raises(DatabaseOpenError, match="đang bị khóa"):
            open_database(f"sqlite:///{path}")
    finally:
        holder.execute("rollback")
        holder.close()


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(DatabaseOpenError, match="thư mục"):
        open_database(f"sqlite:///{tmp_path}")


def test_resolve_db_url(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTQ_DB", raising=False)
    assert resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    monkeypatch.setenv("ANTQ_DB", "postgresql://u@h/antq")
    assert resolve_db_url() == "postgresql://u@h/antq"
    assert resolve_db_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_db_url().startswith("postgresql")
    monkeypatch.delenv("ANTQ_DB")
    assert resolve_db_url().endswith("antq-desktop/antq.db")


def test_error_met_while_working_is_described(db):
    from sqlalchemy.exc import OperationalError

    from antq_desktop.db.engine import database_error_message

    exc = OperationalError("insert …", {}, sqlite3.OperationalError("database is locked"))
    assert "đang bị khóa" in database_error_message(exc, db.url)
    assert database_error_message(ValueError("x"), db.url) is None


@sqlite_only
def test_upgrade_from_first_release_keeps_data_and_a_copy(tmp_path):
    from alembic import command

    from antq_desktop.db.engine import alembic_config, make_engine

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")  # a database from the first version
    with engine.begin() as conn:
        conn.execute(text("insert into area (name, sort_order) values ('Tổ 1', 1)"))
    engine.dispose()

    db = open_database(f"sqlite:///{path}")
    assert db.backup_path is not None and db.backup_path.exists()
    assert "truoc-nang-cap-0001" in db.backup_path.name
    with db.engine.connect() as conn:
        assert conn.execute(text("select name from area")).scalar() == "Tổ 1"
        assert "rehab_case" in inspect(conn).get_table_names()
        assert conn.execute(text("select version_num from alembic_version")).scalar() == \
            head_revision()
    db.dispose()
    con = sqlite3.connect(db.backup_path)  # the copy is the database as it was
    assert con.execute("select version_num from alembic_version").fetchone() == ("0001",)
    con.close()


def test_models_match_the_migrations(db):
    """The models and the migrations describe the same schema: the next autogenerated migration
    would be empty (an index written by hand must be declared on the model too)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from antq_desktop.db.models import Base
    from antq_desktop.db.search import include_object

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
