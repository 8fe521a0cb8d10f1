"""Opening the database: engine with SQLite pragmas, migrations at start, clear errors."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..config import sqlite_path
from .search import has_household_fts

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000


class DatabaseOpenError(Exception):
    """The database cannot be used; the message is Vietnamese and meant for the user."""


@dataclass
class Database:
    url: str
    engine: Engine
    session: sessionmaker[Session]
    backup_path: Path | None = None  # copy taken before this start's upgrade, if any
    has_fts: bool = False  # SQLite trigram index for the household search

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: the households list and search stay in memory
    cur.execute("PRAGMA mmap_size=268435456")
    cur.close()


def make_engine(url: str) -> Engine:
    # Exports run in a worker thread; the pool hands a connection to one thread at a time.
    args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    engine = create_engine(url, connect_args=args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def describe_error(exc: BaseException, url: str) -> str:
    """Turn a driver error into one Vietnamese sentence for the user."""
    text = str(getattr(exc, "orig", exc)).lower()
    where = sqlite_path(url) or url.split("@")[-1]
    if "locked" in text or "busy" in text:
        return (f"Cơ sở dữ liệu {where} đang bị khóa bởi một chương trình khác "
                "(có thể ANTQ Desktop đang mở trên máy khác). Hãy đóng chương trình đó rồi thử lại.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"Tệp {where} bị hỏng hoặc không phải cơ sở dữ liệu của ANTQ Desktop. "
                "Hãy khôi phục từ bản sao lưu.")
    if "unable to open" in text or "readonly" in text or "read-only" in text or "permission" in text:
        return (f"Không mở được cơ sở dữ liệu {where}: không có quyền đọc/ghi hoặc thư mục "
                "không tồn tại.")
    return f"Không mở được cơ sở dữ liệu {where}. Chi tiết kỹ thuật: {type(exc).__name__}."


def database_error_message(exc: BaseException, url: str) -> str | None:
    """The user's message for a database failure met while working, or None if ``exc`` is not one."""
    if isinstance(exc, (DBAPIError, sqlite3.Error)):
        return describe_error(exc, url)
    return None


def _backup_sqlite(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.truoc-nang-cap-{revision}-{stamp}{path.suffix}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


MISSING_MIGRATIONS = ("Thiếu các tệp nâng cấp cơ sở dữ liệu đi kèm chương trình (thư mục "
                      "migrations); hãy cài lại chương trình.")


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) and migrate the database to the app's schema.

    Raises DatabaseOpenError with a Vietnamese message for a locked, unreadable or newer file,
    and for an installation that lost its migration scripts.
    """
    try:
        if head_revision() is None:
            raise DatabaseOpenError(MISSING_MIGRATIONS)
    except (OSError, CommandError):
        raise DatabaseOpenError(MISSING_MIGRATIONS) from None
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise DatabaseOpenError(f"Không tạo được thư mục dữ liệu {path.parent}.") from None
        if path.exists() and path.is_dir():
            raise DatabaseOpenError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu.")
    engine = make_engine(url)
    backup_path = None
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            tables = set(inspect(conn).get_table_names())
        head = head_revision()
        script = ScriptDirectory(str(MIGRATIONS))
        if current is None and tables - {"alembic_version"}:
            raise DatabaseOpenError(
                f"Tệp {path or url} không phải cơ sở dữ liệu của ANTQ Desktop.")
        if current is not None and current != head:
            try:
                script.get_revision(current)
            except Exception:
                raise DatabaseOpenError(
                    "Cơ sở dữ liệu này do một phiên bản ANTQ Desktop mới hơn tạo ra "
                    f"(phiên bản lược đồ {current}). Hãy cập nhật chương trình rồi mở lại."
                ) from None
        if current != head and upgrade:
            if current is not None and path is not None:
                backup_path = _backup_sqlite(path, current)
            command.upgrade(alembic_config(engine), "head")
    except DatabaseOpenError:
        engine.dispose()
        raise
    except (DBAPIError, SQLAlchemyError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        raise DatabaseOpenError(describe_error(exc, url)) from exc
    with engine.connect() as conn:
        fts = has_household_fts(conn)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(url=url, engine=engine, session=factory, backup_path=backup_path, has_fts=fts)
