"""Opening the database: engine with SQLite pragmas, migrations at start, clear errors.

Safety (docs/RELIABILITY.md): every upgrade (all pending revisions) runs in one transaction
(migrations/env.py), so a crash or a refused revision leaves the file at its old revision; the
copy taken before an upgrade is reused by the next attempt while the file has not changed; an
unusable file's message names the newest copy to restore.
"""

from __future__ import annotations

import errno
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..access import CURRENT_USER, CurrentUser
from ..config import sqlite_path
from .peek import REVISION_FILE  # noqa: F401 - named here by tests and callers
from .peek import head_revision as _head_of
from .search import has_household_fts

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a database is not at the head revision (an upgrade, a new
# file, an unknown revision): opening an up-to-date file reads ``alembic_version`` with
# SQLAlchemy and compares it with the newest revision file's number (docs/PERFORMANCE.md,
# "Cold start"). Importing alembic costs ~170 ms of CPU that most starts need not pay.
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000  # the command line and services: wait this long for another writer
GUI_BUSY_TIMEOUT_MS = 400  # the GUI: a save meeting another writer says so at once (no 5 s freeze)
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # a reset WAL is truncated back to this size
BACKUP_FOLDER = "sao-luu"  # the backups folder beside the database (services' backup command)
BACKUP_MARK = ".truoc-nang-cap-"  # the copies taken before an upgrade: <stem>.truoc-nang-cap-<rev>-…
# PostgreSQL: the upgrade transaction holds this advisory lock (migrations/env.py), so that two
# clients starting at once never both upgrade; the second waits at most UPGRADE_WAIT_S.
UPGRADE_LOCK_KEY = 0x414E5451_00000001  # "ANTQ", 1: any fixed bigint no other program uses
UPGRADE_WAIT_S = 600.0
UPGRADE_BUSY = ("Một máy khác đang nâng cấp cơ sở dữ liệu trên máy chủ {where} và chưa xong sau "
                "{minutes} phút; chưa nâng cấp gì ở máy này. Hãy đợi máy kia xong rồi mở lại.")
# Alembic's ``context`` and ``op`` are module-level proxies: two upgrades running at once in one
# process (two threads) would run each other's migrations. One at a time.
_UPGRADE_LOCK = threading.Lock()


class DatabaseOpenError(Exception):
    """The database cannot be used; the message is Vietnamese and meant for the user."""


class UpgradeRefused(DatabaseOpenError):
    """A migration found data it cannot carry over (raised inside the upgrade transaction, so the
    file stays at its old revision); the message is Vietnamese and holds no personal data."""


@dataclass
class Database:
    url: str
    engine: Engine
    session: sessionmaker[Session]
    backup_path: Path | None = None  # copy taken before this start's upgrade, if any
    has_fts: bool = False  # SQLite trigram index for the household search
    snapshot: bool = False  # a read_snapshot view: every query reads one consistent state
    # Who works on it (login sets it; db/guard.py checks each session's writes against it).
    # Default: the command line's --user, else the system user (docs/USERS.md).
    user: CurrentUser = field(default_factory=lambda: CURRENT_USER.get())
    # The ward this handle works in when its user names none (docs/ARCHITECTURE.md §6); None:
    # the store's first unit, looked up by db/guard.py when first needed.
    unit_id: int | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        if self.is_sqlite:
            checkpoint(self)
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, busy_timeout_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: the households list and search stay in memory
    cur.execute("PRAGMA mmap_size=268435456")
    cur.close()


def make_engine(url: str) -> Engine:
    # Exports run in a worker thread; the pool hands a connection to one thread at a time.
    args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    # A server (PostgreSQL): a pooled connection the server dropped while the program sat idle
    # (restart, network cut, idle timeout) is found by a ping when taken and replaced, so the
    # first save after the server comes back works. A connection lost during a save fails that
    # save only (CONNECTION_LOST); SQLAlchemy then discards the whole pool.
    engine = create_engine(url, connect_args=args, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        engine.antq_busy_timeout_ms = BUSY_TIMEOUT_MS
        event.listen(engine, "connect", lambda dbapi_conn, _record: _sqlite_pragmas(
            dbapi_conn, getattr(engine, "antq_busy_timeout_ms", BUSY_TIMEOUT_MS)))
    return engine


def set_busy_timeout(db: Database, milliseconds: int) -> None:
    """How long a write waits for another program's write lock on ``db`` (SQLite) before it
    fails with "database is locked". The GUI uses GUI_BUSY_TIMEOUT_MS, so a save during another
    program's long write says so at once instead of freezing the window. Connections already
    open get it too (they are closed and reopened on their next use)."""
    if not db.is_sqlite:
        return
    db.engine.antq_busy_timeout_ms = milliseconds
    db.engine.pool.dispose()  # the pooled connections were set up with the old value


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot name a database the program can open (an unknown scheme, a driver
    that is not installed), as one Vietnamese sentence without the password; None when it can."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return (f"Địa chỉ cơ sở dữ liệu “{_masked(url)}” không hợp lệ: hãy dùng đường dẫn tới tệp "
                "(ví dụ D:\\ANTQ\\antq.db) hoặc URL dạng postgresql+psycopg2://người_dùng@máy/tên.")
    try:
        dialect = parsed.get_dialect()
    except Exception:  # NoSuchModuleError and friends: the scheme names nothing installed
        backend, _, driver = parsed.drivername.partition("+")
        if driver and backend in ("sqlite", "postgresql"):
            return (f"Chưa cài trình điều khiển “{driver}” cho {backend} (địa chỉ --db "
                    f"“{_masked(url)}”). Hãy dùng postgresql+psycopg2:// hoặc một tệp SQLite.")
        return (f"Không hỗ trợ loại cơ sở dữ liệu “{parsed.drivername}” (địa chỉ --db "
                f"“{_masked(url)}”): chỉ dùng được tệp SQLite hoặc PostgreSQL "
                "(postgresql+psycopg2://…).")
    if dialect.name not in ("sqlite", "postgresql"):
        return (f"Không hỗ trợ loại cơ sở dữ liệu “{parsed.drivername}”: chỉ dùng được tệp SQLite "
                "hoặc PostgreSQL (postgresql+psycopg2://…).")
    try:
        dialect.import_dbapi()
    except ImportError:
        return (f"Chưa cài trình điều khiển cơ sở dữ liệu cho “{parsed.drivername}” (thư viện "
                f"{dialect.driver}). Hãy cài thư viện đó hoặc dùng postgresql+psycopg2://.")
    return None


def masked_url(url: str) -> str:
    """``url`` as the program shows it (the About box, messages): never its password."""
    try:
        parsed = make_url(url)
        if "password" in parsed.query:  # ?password=… is read by the drivers too
            parsed = parsed.update_query_dict({"password": "***"})
        return parsed.render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy reads: whatever follows the last @
        return url.rsplit("@", 1)[-1].split("?", 1)[0]


def _masked(url: str) -> str:
    """``url`` without its password, cut to a readable length."""
    text = masked_url(url)
    return text if len(text) <= 80 else text[:79] + "…"


def file_state(url: str) -> str | None:
    """For a SQLite URL: "missing" (no file), "empty" (a zero-byte file: not a database yet, as
    a mistyped or interrupted copy leaves), "folder", or "file". None for other databases."""
    path = sqlite_path(url)
    if path is None:
        return None
    if path.is_dir():
        return "folder"
    if not path.is_file():
        return "missing"
    try:
        return "empty" if path.stat().st_size == 0 else "file"
    except OSError:
        return "missing"


class _SnapshotEngine:
    """Stands in for the Engine inside a :func:`read_snapshot`: ``connect()`` and ``begin()``
    hand out the snapshot's one connection (left open), everything else is the real engine's."""

    def __init__(self, conn: Connection, engine: Engine):
        self._conn, self._engine = conn, engine
        self.dialect = engine.dialect

    def connect(self):
        return nullcontext(self._conn)

    def begin(self):
        return nullcontext(self._conn)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


@contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """A view of ``db`` whose every query (through ``db.session()`` or ``db.engine.connect()``)
    runs on one connection inside one read transaction, so a report built from several queries
    sees one consistent state of the data, whatever other programs commit meanwhile.

    SQLite (WAL): ``BEGIN`` and a first read pin the snapshot; readers never block writers.
    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. Nothing is written; the transaction is
    rolled back at the end. Nested use reuses the outer snapshot.
    """
    if db.snapshot:
        yield db
        return
    if db.is_sqlite:
        conn = db.engine.connect()
    else:
        conn = db.engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                      postgresql_readonly=True)
    try:
        if db.is_sqlite:
            # the driver leaves reads outside a transaction: open one, and read at once so
            # that the snapshot is taken now
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        else:
            conn.begin()
            conn.exec_driver_sql("SELECT 1").scalar()
        view = replace(db, engine=_SnapshotEngine(conn, db.engine),
                       session=sessionmaker(bind=conn, expire_on_commit=False), snapshot=True)
        view.session.configure(info={"antq_db": view})
        yield view
    finally:
        try:
            conn.rollback()
        finally:
            conn.close()


def lock_for_upgrade(conn: Connection) -> None:
    """PostgreSQL: take the upgrade's advisory lock inside the upgrade transaction (released by
    its commit or rollback), waiting at most UPGRADE_WAIT_S for another client's upgrade.
    Raises DatabaseOpenError (UPGRADE_BUSY) when that one is still running."""
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(UPGRADE_WAIT_S * 1000)}")
    try:
        with conn.begin_nested():  # a timeout must not abort the surrounding transaction
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK_KEY})")
    except DBAPIError as exc:
        if getattr(exc.orig, "pgcode", None) != "55P03":  # lock_not_available
            raise
        where = masked_url(str(conn.engine.url)).split("@")[-1]
        minutes = max(1, round(UPGRADE_WAIT_S / 60))
        raise DatabaseOpenError(UPGRADE_BUSY.format(where=where, minutes=minutes)) from None
    conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    """The newest revision the program carries: the highest ``NNNN`` of the
    ``versions/NNNN_*.py`` files (each file's ``revision`` is its number and the chain is
    linear; tests/unit/test_lazy_start.py checks both against alembic's own reading). None when
    the folder is missing or holds no revision. Reads file names only: no alembic import."""
    return _head_of(MIGRATIONS)


def script_head() -> str | None:
    """The head revision as alembic reads it from the migration scripts (imports alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def stored_revision(conn: Connection) -> tuple[str | None, set[str]]:
    """The revision recorded in the database (``alembic_version``; None for a database that
    has none) and the names of its tables, read with SQLAlchemy alone. More than one row (a
    branched history, never made by this program) reads as the first; the caller then meets
    a revision that is not the head and lets alembic judge it."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        return None, tables
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return (row[0] if row else None), tables


def is_busy_error(exc: BaseException) -> bool:
    """The error is SQLite's "database is locked/busy": another connection holds the write lock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text


def is_busy(db: Database) -> bool:
    """Whether a save would have to wait for another program right now (SQLite only).

    Tries to take the write lock with no waiting on a connection of its own and lets go at once,
    so a caller can say "đang bận" immediately instead of freezing for BUSY_TIMEOUT_MS. Readers
    never block a save (WAL); only another writer does. Always False for PostgreSQL.
    """
    path = sqlite_path(db.url) if db.is_sqlite else None
    if path is None or not path.exists():
        return False
    try:
        con = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return is_busy_error(exc)
    finally:
        con.close()


def checkpoint(db: Database) -> bool:
    """Copy the WAL back into the database file and truncate it (SQLite; no-op elsewhere).

    Never waits: while another program holds a read transaction or a write, the checkpoint
    stops short ("busy") and this returns False; the next call finishes the job. Call it when the
    app is idle and on close (``Database.dispose`` does), so the WAL does not keep growing.
    """
    return db.is_sqlite and _checkpoint_engine(db.engine)


def _is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _backup_folders(path: Path) -> list[Path]:
    """Where copies of ``path`` are kept: beside it (older versions), ``sao-luu`` beside it, and
    the backup folder chosen in the settings (services.backup), when that can be read."""
    folders = [path.parent, path.parent / BACKUP_FOLDER]
    try:
        from ..services.backup import folder_for  # optional: the backup service's settings

        folders.append(folder_for(path))
    except (ImportError, OSError, ValueError, sqlite3.Error):
        pass  # the default folders are still searched
    unique: list[Path] = []
    for folder in folders:
        if folder not in unique and folder.is_dir():
            unique.append(folder)
    return unique


def newest_backup(path: Path) -> Path | None:
    """The newest copy of the database ``path``: a pre-upgrade copy beside it
    (``*.truoc-nang-cap-*.db``) or a ``*.db`` in the backup folder (``sao-luu`` beside it)."""
    suffix = path.suffix or ".db"
    found = {p for p in path.parent.glob(f"*{BACKUP_MARK}*{suffix}")}
    for folder in _backup_folders(path)[1:]:
        found.update(folder.glob(f"*{suffix}"))
    found = [p for p in found if p != path and p.is_file() and _is_sqlite_file(p)]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def restore_hint(path: Path | None) -> str:
    """" Bản sao gần nhất: … Khôi phục bằng: …" for a database that cannot be used, or ""."""
    copy = newest_backup(path) if path is not None else None
    if copy is None:
        return ""
    when = datetime.fromtimestamp(copy.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
    return f" Bản sao gần nhất: {copy} ({when}). {RESTORE_COMMAND}{copy}"


RESTORE_COMMAND = "Khôi phục bằng: antq-desktop restore "


def restore_candidate(exc: BaseException, url: str) -> Path | None:
    """The copy an unusable database's message names to restore (see :func:`restore_hint`),
    for the GUI to offer to restore it; None when the message names none (a busy file, a full
    disk, no copy)."""
    path = sqlite_path(url)
    if path is None or RESTORE_COMMAND not in str(exc):
        return None
    return newest_backup(path)


def is_disk_full(exc: BaseException) -> bool:
    """The error is a full disk: SQLite's SQLITE_FULL, PostgreSQL's "No space left on device",
    or an OSError with errno ENOSPC (or EDQUOT, a full quota)."""
    for err in (exc, getattr(exc, "orig", None), exc.__cause__):
        if isinstance(err, OSError) and err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return True
        if err is not None and not isinstance(err, OSError):
            text = str(err).lower()
            if "disk is full" in text or "no space left" in text or "disk full" in text:
                return True
    return False


def disk_full_message(folder: Path | str, what: str = "cơ sở dữ liệu") -> str:
    return (f"Ổ đĩa đã đầy: không ghi được {what} vào thư mục {folder}. Hãy giải phóng dung "
            "lượng trên ổ đĩa đó (xóa bớt tệp không cần, dọn thùng rác) rồi thử lại.")


BUSY_MESSAGE = ("Cơ sở dữ liệu đang bận (một chương trình khác đang ghi) — thử lại sau giây lát.")


# What a driver says when the server is gone (psycopg2/psycopg and libpq wordings, lower case).
_LOST_CONNECTION = (
    "server closed the connection", "terminating connection", "connection refused",
    "could not connect", "connection already closed", "no connection to the server",
    "connection timed out", "timeout expired", "ssl syscall", "ssl connection has been closed",
    "could not receive data", "could not send data", "not currently accepting connections",
    "the database system is starting up", "the database system is shutting down",
    "could not translate host name", "network is unreachable", "no route to host",
    "connection is closed", "consuming input failed", "lost synchronization with server",
)
CONNECTION_LOST = ("Mất kết nối tới máy chủ cơ sở dữ liệu {where} (máy chủ đang tắt, đang khởi "
                   "động lại hoặc mạng bị ngắt)")


def is_connection_lost(exc: BaseException, url: str) -> bool:
    """``exc`` says the database server (not a SQLite file) cannot be reached or dropped the
    connection: the transaction did not commit, and a later attempt may succeed."""
    if url.startswith("sqlite") or not isinstance(exc, (DBAPIError, OSError)):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return any(words in text for words in _LOST_CONNECTION)


def connection_lost_message(url: str) -> str:
    """CONNECTION_LOST naming the server and database of ``url`` (never its password)."""
    return CONNECTION_LOST.format(where=_masked(url).split("@")[-1])


def describe_error(exc: BaseException, url: str) -> str:
    """Turn a driver error into one Vietnamese sentence for the user."""
    text = str(getattr(exc, "orig", exc)).lower()
    where = sqlite_path(url) or _masked(url).split("@")[-1]
    if is_connection_lost(exc, url):
        return (f"{connection_lost_message(url)}. Hãy thử lại khi có kết nối; nếu vẫn không "
                "được, hãy báo người quản trị máy chủ.")
    if is_busy_error(exc):
        return (f"{BUSY_MESSAGE} Tệp {where} đang bị khóa bởi một chương trình khác đang ghi "
                "vào tệp (có thể ANTQ Desktop đang mở ở cửa sổ hoặc máy khác); nếu vẫn bận, hãy "
                "đợi chương trình đó ghi xong hoặc đóng nó.")
    if is_disk_full(exc):
        path = sqlite_path(url)
        if path is None:
            return (f"Máy chủ cơ sở dữ liệu {where} đã hết dung lượng đĩa; thao tác vừa rồi chưa "
                    "được lưu. Hãy báo người quản trị máy chủ.")
        return disk_full_message(path.parent)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"Tệp {where} bị hỏng hoặc không phải cơ sở dữ liệu của ANTQ Desktop. "
                "Hãy khôi phục từ bản sao lưu." + restore_hint(sqlite_path(url)))
    if "unable to open" in text or "readonly" in text or "read-only" in text or "permission" in text:
        return (f"Không mở được cơ sở dữ liệu {where}: không có quyền đọc/ghi hoặc thư mục "
                "không tồn tại.")
    return f"Không mở được cơ sở dữ liệu {where}. Chi tiết kỹ thuật: {type(exc).__name__}."


def database_error_message(exc: BaseException, url: str) -> str | None:
    """The user's message for a database failure met while working, or None if ``exc`` is not one."""
    if isinstance(exc, (DBAPIError, sqlite3.Error)):
        return describe_error(exc, url)
    if isinstance(exc, OSError) and is_disk_full(exc):
        path = sqlite_path(url)
        return disk_full_message(path.parent if path else "dữ liệu")
    return None


def _backup_sqlite(path: Path, revision: str) -> Path:
    """A verified backup (integrity check, counts, manifest) in the backup folder before an
    upgrade; raises DatabaseOpenError (nothing upgraded) when it cannot be made."""
    from ..services.backup import BackupError, backup_before_upgrade  # the one upward import:
    # the backup service needs no engine, and the upgrade must not start without its copy

    try:
        return backup_before_upgrade(path, revision)
    except BackupError as exc:
        raise DatabaseOpenError(f"Chưa nâng cấp cơ sở dữ liệu vì chưa sao lưu được: {exc}") \
            from None


MISSING_MIGRATIONS = ("Thiếu các tệp nâng cấp cơ sở dữ liệu đi kèm chương trình (thư mục "
                      "migrations); hãy cài lại chương trình.")


def _checkpoint_engine(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                row = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            finally:
                wait = getattr(engine, "antq_busy_timeout_ms", BUSY_TIMEOUT_MS)
                conn.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
        return row is not None and row[0] == 0
    except (SQLAlchemyError, sqlite3.Error):  # busy, damaged, gone: nothing to do now
        return False


def _revision_of_copy(copy: Path) -> str | None:
    """The schema revision of a backup file that passes SQLite's quick check, else None."""
    try:
        con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA quick_check").fetchone() != ("ok",):
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            con.close()
    except sqlite3.Error:
        return None


def _reusable_backup(path: Path, revision: str) -> Path | None:
    """A sound copy at ``revision`` written after the file last changed: left by an earlier
    attempt at this upgrade that failed (and rolled back), so a retry need not copy again.

    Call after a complete WAL checkpoint, so that the file's mtime is that of its last commit."""
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return None
    pattern = f"{path.stem}*{BACKUP_MARK}{revision}*{path.suffix or '.db'}"
    found = {p for folder in _backup_folders(path) for p in folder.glob(pattern)}
    found = [p for p in found if p.is_file() and p.stat().st_mtime_ns > changed]
    for copy in sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True):
        if _is_sqlite_file(copy) and _revision_of_copy(copy) == revision:
            return copy
    return None


def _backup_before_upgrade(engine: Engine, path: Path, revision: str) -> Path:
    if _checkpoint_engine(engine):  # the WAL is empty: the file's mtime dates its last commit
        reused = _reusable_backup(path, revision)
        if reused is not None:
            return reused
    return _backup_sqlite(path, revision)


def _is_corrupt_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return stored_revision(conn)[0]


def _upgrade_failed(exc: Exception, engine: Engine, url: str, before: str | None,
                    backup: Path | None) -> DatabaseOpenError:
    """The user's message for an upgrade that did not go through (and was rolled back)."""
    if isinstance(exc, (DBAPIError, sqlite3.Error)) and (is_busy_error(exc)
                                                         or _is_corrupt_error(exc)):
        return DatabaseOpenError(describe_error(exc, url))
    where = sqlite_path(url) or _masked(url).split("@")[-1]
    if isinstance(exc, DatabaseOpenError):  # refused data, another client's long upgrade
        text = str(exc)
    else:
        text = (f"Không nâng cấp được cơ sở dữ liệu {where} lên phiên bản {head_revision()} "
                f"(chi tiết kỹ thuật: {type(exc).__name__}).")
    try:
        after = _current_revision(engine)
    except (SQLAlchemyError, sqlite3.Error):
        after = "?"
    if after == before and before is None:
        text += " Cơ sở dữ liệu vẫn trống, chưa có dữ liệu nào; mở lại để thử lần nữa."
    elif after == before:
        text += f" Cơ sở dữ liệu vẫn ở phiên bản {before}, dữ liệu không thay đổi."
    if backup is not None:
        text += f" Bản sao trước khi nâng cấp: {backup}."
    cls = UpgradeRefused if isinstance(exc, UpgradeRefused) else DatabaseOpenError
    return cls(text)


def _check_and_upgrade(engine: Engine, url: str, path: Path | None, current: str | None,
                       upgrade: bool) -> Path | None:
    """A database not at the head: refuse a revision this program does not know (a newer
    program's file), else (``upgrade``) copy the file and upgrade it in one transaction.
    Returns the copy taken before the upgrade, if any."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        script = ScriptDirectory(str(MIGRATIONS))
        if script.get_current_head() is None:
            raise DatabaseOpenError(MISSING_MIGRATIONS)
    except (OSError, CommandError):
        raise DatabaseOpenError(MISSING_MIGRATIONS) from None
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise DatabaseOpenError(
                "Cơ sở dữ liệu này do một phiên bản ANTQ Desktop mới hơn tạo ra "
                f"(phiên bản lược đồ {current}). Hãy cập nhật chương trình rồi mở lại."
            ) from None
    if current == script.get_current_head() or not upgrade:
        return None
    backup_path = None
    if current is not None and path is not None:
        backup_path = _backup_before_upgrade(engine, path, current)
    try:
        with _UPGRADE_LOCK:
            command.upgrade(alembic_config(engine), "head")
    except Exception as exc:
        # whatever stopped it, the upgrade was rolled back: say so, and name the copy
        raise _upgrade_failed(exc, engine, url, current, backup_path) from exc
    return backup_path


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) and migrate the database to the app's schema.

    The upgrade runs in one transaction (migrations/env.py): if it fails or is interrupted the
    file stays at its old revision. Before upgrading a SQLite file a copy is taken, or the copy
    left by an earlier failed attempt is reused while the file has not changed since.

    Raises DatabaseOpenError with a Vietnamese message for a locked, unreadable or newer file,
    and for an installation that lost its migration scripts; UpgradeRefused (a DatabaseOpenError)
    when a migration finds data it cannot carry over.
    """
    head = head_revision()
    if head is None or not (MIGRATIONS / "env.py").is_file():
        raise DatabaseOpenError(MISSING_MIGRATIONS)
    problem = url_problem(url)
    if problem is not None:
        raise DatabaseOpenError(problem)
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise DatabaseOpenError(f"Không tạo được thư mục dữ liệu {path.parent}.") from None
        if path.exists() and path.is_dir():
            raise DatabaseOpenError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu.")
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseOpenError(f"Không dùng được địa chỉ cơ sở dữ liệu “{_masked(url)}”. "
                                f"Chi tiết kỹ thuật: {type(exc).__name__}.") from None
    backup_path = None
    try:
        with engine.connect() as conn:
            current, tables = stored_revision(conn)
        if current is None and tables - {"alembic_version"}:
            raise DatabaseOpenError(
                f"{f'Tệp {path}' if path else f'Cơ sở dữ liệu {_masked(url)}'} không phải cơ "
                "sở dữ liệu của ANTQ Desktop."
                + restore_hint(path))
        if current != head:  # only now is alembic needed (most starts never get here)
            backup_path = _check_and_upgrade(engine, url, path, current, upgrade)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except (DBAPIError, SQLAlchemyError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        raise DatabaseOpenError(describe_error(exc, url)) from exc
    with engine.connect() as conn:
        fts = has_household_fts(conn)
    if path is not None:
        from ..services.backup import secure_database  # owner-only, from the first start

        secure_database(path)
    from . import guard

    guard.install()
    factory = sessionmaker(engine, expire_on_commit=False)
    database = Database(url=url, engine=engine, session=factory, backup_path=backup_path,
                        has_fts=fts)
    factory.configure(info={"antq_db": database})  # the guard finds the user through it
    return database
