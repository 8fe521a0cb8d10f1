"""Verified backups of the SQLite file: copy, check, manifest, retention, restore and a health check.

Every backup is made with SQLite's online backup API (``sqlite3.Connection.backup``, a consistent
snapshot even while the program writes), written as ``<name>.db.tmp`` and renamed only after it has
been verified: ``PRAGMA integrity_check`` on the copy, row counts of every table of the app, and a
manifest ``<name>.json`` beside it (time, reason, app version, schema revision, unit, counts, size,
sha256). A backup without a manifest, or whose file does not match its manifest, is never listed as
good. See docs/BACKUP.md.

A PostgreSQL database is backed up with the server's own tool, ``pg_dump`` in its custom format
(``-Fc``), into ``<database>.<reason>-<time>.dump`` with the same kind of manifest (the counts are
read in the very snapshot the dump is taken from); it is restored with ``pg_restore`` piped into
``psql`` in one transaction. The password goes to those tools through ``PGPASSWORD`` only.
Nothing here logs or shows personal data: messages name files and counts only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .. import __version__
from ..config import sqlite_path
from ..fileperms import FILE_MODE, FOLDER_MODE, make_private, new_private_file
from . import audit
from .settings import (
    BACKUP_FOLDER,
    BACKUP_SIZE_CAP_MB,
    BackupSettings,
    backup_settings,
    parse_backup_settings,
)
from ..numbers import grouped

DEFAULT_FOLDER_NAME = "sao-luu"  # <folder of the database>/sao-luu
SUFFIX = ".db"
MANIFEST = ".json"
PARTIAL = ".tmp"
DUMP_SUFFIX = ".dump"  # a PostgreSQL backup: pg_dump's custom format
RAW_SUFFIX = ".hong"  # a byte copy of data that could not be backed up verified (damaged)
AUTO_INTERVAL_MS = 30 * 60 * 1000  # the GUI's timer: a backup every 30 minutes while data changed
STALE_AFTER = timedelta(days=7)  # the status bar warns when the last good backup is older
KEEP_RECENT, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 10, 7, 4, 12
BUSY_TIMEOUT_S = 5.0
POSIX = os.name == "posix"

# Why a backup was made: the code in its file name, the label the user reads.
MANUAL, AUTO, ON_EXIT = "thu-cong", "tu-dong", "khi-thoat"
BEFORE_UPGRADE, BEFORE_RESTORE = "truoc-nang-cap", "truoc-khoi-phuc"
BEFORE_IMPORT, BEFORE_MERGE = "truoc-nhap", "truoc-gop"
REASONS = {
    MANUAL: "Sao lưu ngay",
    AUTO: "Tự động",
    ON_EXIT: "Khi thoát chương trình",
    BEFORE_UPGRADE: "Trước khi nâng cấp",
    BEFORE_RESTORE: "Trước khi khôi phục",
    BEFORE_IMPORT: "Trước khi nhập dữ liệu",
    BEFORE_MERGE: "Trước khi gộp dữ liệu",
}

# The counts a person recognises, in the order they are shown (table → label).
SHOWN_COUNTS = {
    "household": "hộ",
    "resident": "nhân khẩu",
    "rehab_case": "người được quản lý, giáo dục",
    "mediation_case": "vụ hòa giải",
}

POSTGRES_MESSAGE = ("Cơ sở dữ liệu này nằm trên máy chủ (không phải tệp SQLite): việc sao lưu và "
                    "khôi phục do quản trị máy chủ thực hiện (ví dụ bằng pg_dump).")
NOT_VERIFIED = "Bản sao lưu không đạt kiểm tra nên đã bị xóa"


class BackupError(Exception):
    """A backup or restore did not happen; the message is Vietnamese and meant for the user."""


def reason_label(reason: str) -> str:
    for code, label in REASONS.items():
        if reason == code or reason.startswith(code + "-"):
            return label
    return reason


@dataclass(frozen=True)
class Backup:
    """A verified backup file and what its manifest says."""

    path: Path
    created: datetime
    size: int
    reason: str = ""
    schema: str = ""
    app_version: str = ""
    unit: str = ""
    database: str = ""  # the stem of the database file it copies
    counts: tuple[tuple[str, int], ...] = ()
    sha256: str = ""

    def count(self, table: str) -> int:
        return dict(self.counts).get(table, 0)

    def describe_counts(self) -> str:
        """"12 hộ, 40 nhân khẩu, …" (only what the backup holds)."""
        parts = [f"{_thousands(self.count(t))} {label}" for t, label in SHOWN_COUNTS.items()
                 if t in dict(self.counts)]
        return ", ".join(parts) or "không có dữ liệu"


@dataclass(frozen=True)
class RestoreResult:
    backup: Backup  # what was restored: its date and its counts
    safety: Backup | None  # the verified copy of the data as it was just before
    safety_raw: Path | None = None  # a byte copy instead, when the data was too damaged to verify
    upgraded_from: str | None = None  # the backup's older schema revision, upgraded on reopening

    def describe(self) -> str:
        text = (f"Đã khôi phục dữ liệu của bản sao lưu lúc {format_time(self.backup.created)}: "
                f"{self.backup.describe_counts()}.")
        if self.upgraded_from:
            text += f" Dữ liệu đã được nâng cấp từ lược đồ {self.upgraded_from}."
        if self.safety is not None:
            text += f" Dữ liệu trước khi khôi phục được giữ trong {self.safety.path}."
        elif self.safety_raw is not None:
            text += (" Dữ liệu trước khi khôi phục bị hỏng; bản chép nguyên tệp được giữ trong "
                     f"{self.safety_raw}.")
        return text


_thousands = grouped


def format_time(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def format_size(size: int) -> str:
    if size >= 1024 ** 3:
        return f"{size / 1024 ** 3:.1f} GB".replace(".", ",")
    if size >= 1024 ** 2:
        return f"{size / 1024 ** 2:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


# -- retention --------------------------------------------------------------------------------------
def keep(backups: Iterable[Backup], now: datetime, *, size_cap: int | None = None,
         recent: int = KEEP_RECENT, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY,
         monthly: int = KEEP_MONTHLY) -> set[Backup]:
    """The backups to keep: the ``recent`` newest, and the newest of each of the ``daily`` last
    days, ``weekly`` last ISO weeks and ``monthly`` last months that have a backup (a computer
    left off for a month keeps its older copies). Within ``size_cap`` bytes the oldest kept go
    first, never the newest. A backup dated after ``now`` (the clock was set back) is kept."""
    ordered = sorted(backups, key=lambda b: b.created, reverse=True)
    if not ordered:
        return set()
    past = [b for b in ordered if b.created <= now]
    chosen = {b for b in ordered if b.created > now} | set(past[:recent])
    periods: list[tuple[int, Callable[[datetime], object]]] = [
        (daily, lambda d: d.date()),
        (weekly, lambda d: tuple(d.isocalendar())[:2]),
        (monthly, lambda d: (d.year, d.month)),
    ]
    for count, period in periods:
        seen: set[object] = set()
        for b in past:
            key = period(b.created)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            chosen.add(b)
    if size_cap is not None:
        total = sum(b.size for b in chosen)
        newest = ordered[0]
        for b in sorted(chosen, key=lambda b: b.created):
            if total <= size_cap:
                break
            if b is newest:
                continue
            chosen.discard(b)
            total -= b.size
    return chosen


# -- files and permissions --------------------------------------------------------------------------
def _private(path: Path, mode: int = FILE_MODE) -> None:
    """Owner-only access: 0600/0700 on POSIX, an owner-only ACL on Windows (``fileperms``).
    A drive without permissions (FAT USB) is logged and skipped."""
    make_private(path, folder=mode == FOLDER_MODE)


def secure_database(db_path: Path) -> None:
    """The database file, its WAL and shared-memory index readable by their owner only."""
    for path in (db_path, _side(db_path, "-wal"), _side(db_path, "-shm")):
        if path.exists():
            _private(path)


def _side(db_path: Path, tail: str) -> Path:
    return db_path.with_name(db_path.name + tail)


def _new_private_file(path: Path) -> None:
    new_private_file(path)  # O_EXCL, owner-only before anything is written into it


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if not POSIX:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- where backups go -------------------------------------------------------------------------------
def default_folder(db_path: Path) -> Path:
    return db_path.parent / DEFAULT_FOLDER_NAME


def read_settings_file(db_path: Path) -> BackupSettings:
    """The backup settings straight from the file (no engine, no migration): also for a database
    that is damaged, older, or about to be upgraded. Unreadable: the defaults."""
    try:
        con = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S)
        try:
            rows = con.execute("SELECT key, value FROM setting WHERE key IN (?, ?)",
                               (BACKUP_FOLDER, BACKUP_SIZE_CAP_MB)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        rows = []
    return parse_backup_settings(dict(rows))


def folder_for(db_path: Path, settings: BackupSettings | None = None) -> Path:
    if settings is None:
        settings = read_settings_file(db_path)
    return Path(settings.folder).expanduser() if settings.folder else default_folder(db_path)


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    except OSError:
        raise BackupError(f"Không tạo được thư mục sao lưu {folder} (ổ đĩa không có, đã rút "
                          "ra hoặc không có quyền ghi).") from None
    if not folder.is_dir():
        raise BackupError(f"{folder} không phải là một thư mục.")
    _private(folder, FOLDER_MODE)


def _name(db_path: Path, folder: Path, moment: datetime, reason: str,
          suffix: str = SUFFIX, database: str | None = None) -> Path:
    # <stem>.<reason>-<time>.db; the copy before an upgrade is <stem>.truoc-nang-cap-<rev>-<time>.db,
    # the name open_database looks for when it can reuse the copy of a failed attempt.
    # A server database: <database>.<reason>-<time>.dump
    stem = f"{database or db_path.stem}.{reason}-{moment:%Y%m%d-%H%M%S}"
    candidate, n = folder / f"{stem}{suffix}", 2
    while candidate.exists() or candidate.with_suffix(MANIFEST).exists() or \
            Path(str(candidate) + PARTIAL).exists():
        candidate, n = folder / f"{stem}-{n}{suffix}", n + 1
    return candidate


# -- copying and verifying --------------------------------------------------------------------------
def _copy(source: Path, target: Path) -> None:
    """Online copy (a consistent snapshot, the WAL included) into an existing empty ``target``,
    left as one self-contained file (rollback journal, no -wal beside it)."""
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    fts = [name for (name,) in rows if name.startswith("household_fts")]
    return [name for (name,) in rows if name not in fts and name != "alembic_version"]


@dataclass(frozen=True)
class _Verified:
    schema: str
    unit: str
    counts: tuple[tuple[str, int], ...]


def verify_file(path: Path) -> _Verified:
    """Open a copy and check it: integrity, an ANTQ Desktop schema, the row counts.

    Raises BackupError (Vietnamese) when the file is damaged or not one of ours."""
    try:
        uri = "file:" + urllib.request.pathname2url(str(path.resolve())) + "?mode=ro"
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        raise BackupError(f"Không mở được tệp {path.name}.") from None
    try:
        result = [row[0] for row in con.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            raise BackupError(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn không đạt).")
        tables = _tables(con)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row is None:
            raise BackupError(f"Tệp {path.name} không phải cơ sở dữ liệu của ANTQ Desktop.")
        counts = tuple((t, con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                       for t in tables)
        unit = ""
        if "unit" in tables:
            found = con.execute("SELECT ward_name FROM unit ORDER BY id LIMIT 1").fetchone()
            unit = found[0] if found else ""
        return _Verified(schema=row[0], unit=unit, counts=counts)
    except sqlite3.DatabaseError:
        raise BackupError(f"Tệp {path.name} bị hỏng hoặc không phải cơ sở dữ liệu "
                          "của ANTQ Desktop.") from None
    finally:
        con.close()


def _manifest(b: Backup) -> dict:
    return {
        "file": b.path.name,
        "created": b.created.isoformat(timespec="seconds"),
        "reason": b.reason,
        "app_version": b.app_version,
        "schema": b.schema,
        "unit": b.unit,
        "database": b.database,
        "counts": dict(b.counts),
        "size": b.size,
        "sha256": b.sha256,
        "integrity_check": "ok",
    }


def _write_json(path: Path, data: dict) -> None:
    tmp = Path(str(path) + PARTIAL)
    _new_private_file(tmp)
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def backup_file(db_path: Path, folder: Path, reason: str = MANUAL,
                now: datetime | None = None) -> Backup:
    """Copy ``db_path`` into ``folder`` as a verified backup with its manifest.

    A copy that fails verification is deleted and BackupError says so; nothing half-written
    stays under a backup's name (``*.tmp`` until verified; the next start removes leftovers)."""
    if not db_path.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu {db_path}.")
    _ensure_folder(folder)
    moment = (now or datetime.now()).replace(microsecond=0)
    final = _name(db_path, folder, moment, reason)
    tmp = Path(str(final) + PARTIAL)
    try:
        _new_private_file(tmp)
        _copy(db_path, tmp)
        checked = verify_file(tmp)
        _fsync(tmp)
        backup = Backup(path=final, created=moment, size=tmp.stat().st_size, reason=reason,
                        schema=checked.schema, app_version=__version__, unit=checked.unit,
                        database=db_path.stem, counts=checked.counts, sha256=_sha256(tmp))
        _write_json(final.with_suffix(MANIFEST), _manifest(backup))  # the manifest first: a
        os.replace(tmp, final)  # crash now leaves a manifest without its file, never listed
        _fsync_dir(folder)
    except BackupError as exc:
        _discard(tmp, final)
        raise BackupError(f"{NOT_VERIFIED}: {exc}") from None
    except sqlite3.Error as exc:
        _discard(tmp, final)
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise BackupError("Không sao lưu được: cơ sở dữ liệu đang bị khóa bởi một chương "
                              "trình khác; hãy thử lại sau.") from None
        raise BackupError(f"{NOT_VERIFIED}: không đọc được cơ sở dữ liệu {db_path.name} "
                          "(tệp có thể bị hỏng; hãy khôi phục từ một bản sao lưu).") from None
    except OSError:
        _discard(tmp, final)
        raise BackupError(f"Không ghi được bản sao lưu vào thư mục {folder} (ổ đĩa đầy, không "
                          "có quyền ghi hoặc ổ đã rút ra).") from None
    return backup


def _discard(tmp: Path, final: Path) -> None:
    for path in (tmp, final.with_suffix(MANIFEST), Path(str(final.with_suffix(MANIFEST)) + PARTIAL)):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


# -- listing, retention, leftovers ------------------------------------------------------------------
def _read_manifest(path: Path) -> Backup | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        target = path.with_name(data["file"])
        if target.parent != path.parent or target.suffix not in (SUFFIX, DUMP_SUFFIX):
            return None
        return Backup(path=target, created=datetime.fromisoformat(data["created"]),
                      size=int(data["size"]), reason=str(data.get("reason", "")),
                      schema=str(data.get("schema", "")),
                      app_version=str(data.get("app_version", "")),
                      unit=str(data.get("unit", "")), database=str(data.get("database", "")),
                      counts=tuple((str(k), int(v)) for k, v in data["counts"].items()),
                      sha256=str(data["sha256"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def list_backups(folder: Path, database: str | None = None) -> list[Backup]:
    """The good backups in ``folder`` (of the database with that file stem), newest first: a
    manifest whose file is there with the size it records."""
    found = []
    if not folder.is_dir():
        return found
    for manifest in folder.glob(f"*{MANIFEST}"):
        b = _read_manifest(manifest)
        if b is None or (database is not None and b.database != database):
            continue
        try:
            if b.path.stat().st_size != b.size:
                continue
        except OSError:
            continue
        found.append(b)
    return sorted(found, key=lambda b: b.created, reverse=True)


def prune(folder: Path, database: str, now: datetime, size_cap: int | None) -> list[Backup]:
    """Delete the backups of ``database`` that ``keep`` lets go; return them."""
    backups = list_backups(folder, database)
    kept = keep(backups, now, size_cap=size_cap)
    removed = []
    for b in backups:
        if b in kept:
            continue
        try:
            b.path.unlink(missing_ok=True)
            b.path.with_suffix(MANIFEST).unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(b)
    return removed


def clean_partial(db_path: Path, folder: Path | None = None) -> list[Path]:
    """Remove what a crash left behind: ``*.tmp`` copies in the backup folder and beside the
    database (a restore's temporary file), and manifests whose file never arrived."""
    removed = []
    folder = folder if folder is not None else folder_for(db_path)
    candidates = list(db_path.parent.glob(f".{db_path.name}.*{PARTIAL}"))
    if folder.is_dir():
        candidates += list(folder.glob(f"*{PARTIAL}"))
        for manifest in folder.glob(f"*{MANIFEST}"):
            b = _read_manifest(manifest)
            if b is not None and not b.path.exists():
                candidates.append(manifest)
    for path in candidates:
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def last_good(folder: Path, database: str) -> Backup | None:
    backups = list_backups(folder, database)
    return backups[0] if backups else None


def backup_warning(last: Backup | None, now: datetime, can_backup: bool = True) -> str | None:
    """The status bar's warning, or None when the last good backup is recent. An account
    that may not back up (``can_backup`` False: Chỉ xem) is told whom to ask instead of a
    menu entry it cannot use."""
    todo = ("hãy chọn Tệp → Sao lưu ngay." if can_backup
            else "hãy báo cán bộ có quyền sao lưu.")
    if last is None:
        return f"Chưa có bản sao lưu nào — {todo}"
    if now - last.created > STALE_AFTER:
        return f"Bản sao lưu gần nhất đã cũ ({format_time(last.created)}) — {todo}"
    return None


# -- the entry points for the program ---------------------------------------------------------------
def database_file(db) -> Path:
    """The SQLite file of a Database; BackupError for a server database or an in-memory one."""
    path = sqlite_path(db.url) if db.is_sqlite else None
    if path is None:
        raise BackupError(POSTGRES_MESSAGE)
    return path


def settings_of(db) -> BackupSettings:
    try:
        return backup_settings(db)
    except (SQLAlchemyError, sqlite3.Error):  # damaged: its defaults still find the folder
        return read_settings_file(database_file(db))


def backup_now(db, reason: str = MANUAL, *, folder: Path | None = None,
               now: datetime | None = None) -> Backup:
    """A verified backup of ``db`` in the backup folder (or ``folder``), then the retention.

    The hook for every change of many records at once: call it before a restore, an import or
    a merge (``reason`` BEFORE_IMPORT, BEFORE_MERGE). Raises BackupError (Vietnamese)."""
    if is_server(db.url):
        return backup_server(db, reason, folder=folder, now=now)
    path = database_file(db)
    settings = settings_of(db)
    target = folder if folder is not None else folder_for(path, settings)
    moment = (now or datetime.now()).replace(microsecond=0)
    if reason != AUTO:  # the trail's entry goes in first, so that the copy holds it. The
        # half-hourly automatic copy writes none: it copies only data changed since the last
        # copy, and an entry of its own would be such a change every time.
        audit.record_now(db, "backup", "database", reason=reason,
                         file=_name(path, target, moment, reason).name)
    made = backup_file(path, target, reason, moment)
    if folder is None:  # a folder named for one backup is the user's: nothing deleted there
        prune(target, path.stem, made.created, settings.size_cap_mb * 1024 * 1024)
    return made


def backup_before_upgrade(db_path: Path, revision: str) -> Path:
    """The copy ``open_database`` takes before migrating (db/engine.py ``_backup_sqlite``)."""
    made = backup_file(db_path, folder_for(db_path), f"{BEFORE_UPGRADE}-{revision}")
    return made.path


def fingerprint(db_path: Path) -> tuple:
    """Cheap "did the data change" token: size and modification time of the file and its WAL
    (every commit writes the WAL). A checkpoint changes it without a change of data, which only
    costs one extra backup."""
    parts = []
    for path in (db_path, _side(db_path, "-wal")):
        try:
            st = path.stat()
            parts.append((st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append(None)
    return tuple(parts)


# -- restoring --------------------------------------------------------------------------------------
def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    from ..db.engine import MIGRATIONS

    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except (RevisionError, CommandError, KeyError):
        return False


def inspect_backup(path: Path) -> Backup:
    """Check a file before restoring it: its manifest's checksum (when it has one), integrity,
    an ANTQ Desktop schema this version knows. Raises BackupError."""
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    listed = _read_manifest(path.with_suffix(MANIFEST))
    if listed is not None and listed.path == path and (
            path.stat().st_size != listed.size or _sha256(path) != listed.sha256):
            raise BackupError(f"Tệp {path.name} đã bị thay đổi hoặc hỏng sau khi sao lưu "
                              "(mã kiểm tra sha256 không khớp); hãy chọn bản khác.")
    checked = verify_file(path)
    if not _known_revision(checked.schema):
        raise BackupError(f"Bản sao lưu {path.name} do một phiên bản ANTQ Desktop mới hơn tạo ra "
                          f"(phiên bản lược đồ {checked.schema}). Hãy cập nhật chương trình "
                          "rồi khôi phục lại.")
    if listed is not None and listed.path == path:
        return listed
    st = path.stat()
    return Backup(path=path, created=datetime.fromtimestamp(st.st_mtime).replace(microsecond=0),
                  size=st.st_size, schema=checked.schema, unit=checked.unit,
                  counts=checked.counts)


def _safety_copy(db_path: Path, folder: Path, now: datetime | None
                 ) -> tuple[Backup | None, Path | None]:
    try:
        return backup_file(db_path, folder, BEFORE_RESTORE, now), None
    except BackupError:
        pass  # damaged data (the usual reason to restore): keep its bytes as they are
    _ensure_folder(folder)
    moment = (now or datetime.now()).replace(microsecond=0)
    stem = f"{db_path.stem}.{BEFORE_RESTORE}-{moment:%Y%m%d-%H%M%S}"
    raw, n = folder / f"{stem}{RAW_SUFFIX}", 2
    while raw.exists():
        raw, n = folder / f"{stem}-{n}{RAW_SUFFIX}", n + 1
    try:
        _new_private_file(raw)
        shutil.copyfile(db_path, raw)
        wal = _side(db_path, "-wal")
        if wal.exists():
            raw_wal = _side(raw, "-wal")
            _new_private_file(raw_wal)
            shutil.copyfile(wal, raw_wal)
    except OSError:
        raise BackupError("Không khôi phục: không chép được dữ liệu hiện tại sang thư mục sao "
                          f"lưu {folder} để giữ lại (ổ đĩa đầy hoặc không có quyền ghi).") from None
    return None, raw


def restore(db_path: Path, backup_path: Path, *, folder: Path | None = None,
            now: datetime | None = None) -> RestoreResult:
    """Replace the database file with a backup, safely. Every connection to ``db_path`` must be
    closed first (``Database.dispose``); reopen it afterwards with ``open_database``, which
    upgrades a backup of an older schema. A newer schema is refused.

    Steps: check the backup; keep a safety copy of the current data; copy the backup with the
    backup API into a temporary file beside the database; verify it; fsync; drop the old WAL;
    ``os.replace``. Raises BackupError (Vietnamese); the current data is untouched then."""
    backup_path = backup_path.expanduser().resolve()
    db_path = db_path.resolve()
    if not db_path.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu {db_path}.")
    if backup_path == db_path:
        raise BackupError("Tệp sao lưu đã chọn chính là cơ sở dữ liệu đang dùng.")
    chosen = inspect_backup(backup_path)
    target_folder = folder if folder is not None else folder_for(db_path)
    safety, raw = _safety_copy(db_path, target_folder, now)
    tmp = db_path.with_name(f".{db_path.name}.khoi-phuc{PARTIAL}")
    try:
        tmp.unlink(missing_ok=True)
        _new_private_file(tmp)
        _copy(backup_path, tmp)
        if verify_file(tmp).counts != chosen.counts:
            raise BackupError("Bản chép của tệp sao lưu không khớp với tệp gốc.")
        _fsync(tmp)
        for tail in ("-wal", "-shm", "-journal"):  # they belong to the file being replaced
            _side(db_path, tail).unlink(missing_ok=True)
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    except BackupError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"Không khôi phục được: {exc}") from None
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)
        raise BackupError(f"Không khôi phục được vào {db_path}: không ghi được tệp (ổ đĩa đầy, "
                          "không có quyền ghi hoặc tệp đang được một chương trình khác mở).") \
            from None
    secure_database(db_path)
    from ..db.engine import head_revision

    upgraded = chosen.schema if chosen.schema != head_revision() else None
    if upgraded is None:  # at this schema the restored file has its trail: say so in it
        _record_restore(db_path, backup_path.name, safety)
    return RestoreResult(backup=chosen, safety=safety, safety_raw=raw, upgraded_from=upgraded)


def _record_restore(db_path: Path, file_name: str, safety) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with sessionmaker(bind=engine).begin() as s:
            audit.record(s, "restore", "database", file=file_name,
                         safety=getattr(safety, "name", "") if safety else "")
    finally:
        engine.dispose()


# -- PostgreSQL: pg_dump and pg_restore --------------------------------------------------------------
PG_CLIENT_PACKAGE = "postgresql-client"
TOOL_TIMEOUT_S = 6 * 3600  # a province store is large; a hung tool is stopped after this
RESTORE_LOCK_TIMEOUT_MS = 10_000  # a restore gives up when other programs still hold the tables


def is_server(url: str) -> bool:
    """A PostgreSQL URL (whatever its driver): backed up with pg_dump, not as a file."""
    return url.startswith("postgresql")


def client_missing_message(tool: str, what: str) -> str:
    return (f"Không tìm thấy chương trình {tool} của PostgreSQL trên máy này (không có trong "
            f"PATH) nên chưa {what} được. Hãy cài gói {PG_CLIENT_PACKAGE} cùng phiên bản với máy "
            "chủ (Debian/Ubuntu: sudo apt-get install postgresql-client; Windows: bộ cài "
            "PostgreSQL, rồi thêm thư mục bin của nó vào PATH), rồi chạy lại lệnh.")


def require_tools(what: str, *names: str) -> None:
    """BackupError (client_missing_message) unless every PostgreSQL tool ``names`` is on PATH:
    said before anything else, even before the server is reached."""
    for name in names:
        _tool(name, what)


def _tool(name: str, what: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(client_missing_message(name, what))
    return found


@dataclass(frozen=True)
class _Server:
    """How pg_dump, pg_restore and psql reach the database of a URL: options without the
    password (it travels in PGPASSWORD only), and the masked host/database for messages."""

    args: tuple[str, ...]
    env: dict
    database: str
    where: str
    password: str | None

    def scrub(self, text: str) -> str:
        text = " ".join(text.split())
        if self.password:
            text = text.replace(self.password, "***")
        return text if len(text) <= 300 else text[:299] + "…"


def _server(url: str) -> _Server:
    from sqlalchemy.engine import make_url

    from ..db.engine import masked_url

    u = make_url(url)
    query = {k: (v[0] if isinstance(v, tuple) else v) for k, v in u.query.items()}
    args = ["-w"]  # never a password prompt: a refusal is reported instead
    host = u.host or query.get("host")
    if host:
        args += ["-h", str(host)]
    if u.port or query.get("port"):
        args += ["-p", str(u.port or query["port"])]
    if u.username:
        args += ["-U", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    for key, name in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                      ("connect_timeout", "PGCONNECT_TIMEOUT")):
        if key in query:
            env[name] = str(query[key])
    return _Server(args=tuple(args), env=env, database=u.database or "",
                   where=masked_url(url).split("@")[-1],
                   password=str(u.password) if u.password else None)


def _run(cmd: list[str], server: _Server, failed: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, env=server.env, capture_output=True, timeout=TOOL_TIMEOUT_S,
                              **kwargs)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{failed}: {Path(cmd[0]).name} chạy quá lâu nên đã bị dừng.") from None
    except OSError:
        raise BackupError(f"{failed}: không chạy được {cmd[0]}.") from None
    if done.returncode != 0:
        raise BackupError(f"{failed}: {Path(cmd[0]).name} báo lỗi: "
                          f"{server.scrub(_last_lines(done.stderr))}")
    return done


def _last_lines(err: bytes | str, n: int = 2) -> str:
    text = err.decode("utf-8", "replace") if isinstance(err, bytes) else (err or "")
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[-n:]) or "(không rõ lý do)"


def server_folder(db) -> Path:
    """Where a server database's dumps go: the ``backup.folder`` setting, else ``sao-luu`` in
    the user data folder of this computer."""
    from ..config import data_dir

    try:
        settings = backup_settings(db)
    except SQLAlchemyError:
        settings = parse_backup_settings({})
    return Path(settings.folder).expanduser() if settings.folder else \
        data_dir() / DEFAULT_FOLDER_NAME


def _server_facts(conn) -> _Verified:
    """Schema revision, unit and row counts, read inside the dump's snapshot."""
    tables = [t for (t,) in conn.exec_driver_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
        if t != "alembic_version"]
    has_version = conn.exec_driver_sql(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name = 'alembic_version'").scalar()
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first() \
        if has_version else None
    counts = tuple((t, conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar())
                   for t in tables)
    unit = ""
    if "unit" in tables:
        unit = conn.exec_driver_sql("SELECT ward_name FROM unit ORDER BY id LIMIT 1").scalar() \
            or ""
    return _Verified(schema=row[0] if row else "", unit=unit, counts=counts)


def _dump_tables(path: Path, server: _Server, failed: str) -> set[str]:
    """The tables whose data a custom-format dump holds (``pg_restore --list``): reading its
    table of contents proves the archive is whole and readable."""
    pg_restore = _tool("pg_restore", "kiểm tra bản sao lưu")
    done = _run([pg_restore, "--list", str(path)], server, failed)
    found = set()
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if "TABLE" in parts and "DATA" in parts:  # "123; 0 16390 TABLE DATA public unit antq"
            i = parts.index("DATA")
            if len(parts) > i + 2 and parts[i - 1] == "TABLE":
                found.add(parts[i + 2])
    return found


def backup_server(db, reason: str = MANUAL, *, folder: Path | None = None,
                  now: datetime | None = None) -> Backup:
    """A PostgreSQL database dumped with ``pg_dump -Fc`` into the backup folder (or
    ``folder``) as ``<database>.<reason>-<time>.dump``, checked (its table of contents lists
    every table) and described by a manifest whose counts were read in the dump's own snapshot.
    Retention as for the files, in the configured folder only. Raises BackupError
    (Vietnamese, never the password), also when pg_dump is not installed."""
    from ..db.engine import database_error_message

    pg_dump = _tool("pg_dump", "sao lưu")
    _tool("pg_restore", "sao lưu")  # the check below needs it
    server = _server(db.url)
    target = folder if folder is not None else server_folder(db)
    _ensure_folder(target)
    moment = (now or datetime.now()).replace(microsecond=0)
    final = _name(Path(server.database), target, moment, reason, DUMP_SUFFIX, server.database)
    tmp = Path(str(final) + PARTIAL)
    failed = f"Không sao lưu được cơ sở dữ liệu {server.where}"
    try:
        if reason != AUTO:  # in the trail before the snapshot, so that the dump holds it
            audit.record_now(db, "backup", "database", reason=reason, file=final.name)
        _new_private_file(tmp)
        with db.engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                   postgresql_readonly=True) as conn:
            conn.begin()
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            facts = _server_facts(conn)
            _run([pg_dump, *server.args, "-Fc", f"--snapshot={snapshot}", "-f", str(tmp),
                  f"--dbname={server.database}"], server, failed)
            conn.rollback()
        listed = _dump_tables(tmp, server, failed)
        missing = [t for t, _n in facts.counts if t not in listed]
        if not facts.schema or "alembic_version" not in listed or missing:
            raise BackupError(f"{NOT_VERIFIED}: tệp {final.name} thiếu dữ liệu của "
                              f"{', '.join(missing[:5]) or 'alembic_version'}.")
        _fsync(tmp)
        backup = Backup(path=final, created=moment, size=tmp.stat().st_size, reason=reason,
                        schema=facts.schema, app_version=__version__, unit=facts.unit,
                        database=server.database, counts=facts.counts, sha256=_sha256(tmp))
        _write_json(final.with_suffix(MANIFEST), _manifest(backup))
        os.replace(tmp, final)
        _fsync_dir(target)
    except BackupError:
        _discard(tmp, final)
        raise
    except (DBAPIError, SQLAlchemyError) as exc:
        _discard(tmp, final)
        raise BackupError(f"{failed}: " + (database_error_message(exc, db.url)
                                           or type(exc).__name__)) from None
    except OSError:
        _discard(tmp, final)
        raise BackupError(f"Không ghi được bản sao lưu vào thư mục {target} (ổ đĩa đầy, không "
                          "có quyền ghi hoặc ổ đã rút ra).") from None
    if folder is None:  # a folder named for one backup is the user's: nothing deleted there
        try:
            cap = backup_settings(db).size_cap_mb * 1024 * 1024
        except SQLAlchemyError:
            cap = None
        prune(target, server.database, backup.created, cap)
    return backup


def inspect_dump(path: Path, server: _Server) -> Backup:
    """Check a dump before restoring it: its manifest's checksum (when it has one), a table of
    contents pg_restore reads, a schema this version knows. Raises BackupError."""
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    if path.suffix != DUMP_SUFFIX:
        raise BackupError(f"Tệp {path.name} không phải bản sao lưu của máy chủ PostgreSQL: cơ sở "
                          "dữ liệu trên máy chủ chỉ khôi phục được từ tệp .dump do lệnh backup "
                          "(pg_dump) tạo ra.")
    listed = _read_manifest(path.with_suffix(MANIFEST))
    if listed is not None and listed.path == path and (
            path.stat().st_size != listed.size or _sha256(path) != listed.sha256):
        raise BackupError(f"Tệp {path.name} đã bị thay đổi hoặc hỏng sau khi sao lưu "
                          "(mã kiểm tra sha256 không khớp); hãy chọn bản khác.")
    tables = _dump_tables(path, server, f"Tệp {path.name} bị hỏng hoặc không phải bản sao lưu "
                                        "pg_dump")
    if "alembic_version" not in tables:
        raise BackupError(f"Tệp {path.name} không phải bản sao lưu của ANTQ Desktop.")
    if listed is not None and listed.path == path:
        if listed.schema and not _known_revision(listed.schema):
            raise BackupError(f"Bản sao lưu {path.name} do một phiên bản ANTQ Desktop mới hơn tạo "
                              f"ra (phiên bản lược đồ {listed.schema}). Hãy cập nhật chương trình "
                              "rồi khôi phục lại.")
        return listed
    st = path.stat()
    return Backup(path=path, created=datetime.fromtimestamp(st.st_mtime).replace(microsecond=0),
                  size=st.st_size)


def restore_server(db, dump_path: Path, *, folder: Path | None = None,
                   now: datetime | None = None) -> RestoreResult:
    """Replace the contents of a PostgreSQL database with a dump made by :func:`backup_server`.

    The dump is checked; a safety dump of the current data is taken; then, in one transaction
    (``psql --single-transaction``), the schema is dropped and recreated and the dump's SQL
    (``pg_restore -f -``) is replayed: if anything fails, the database stays as it was. Other
    programs must be closed: a restore waits RESTORE_LOCK_TIMEOUT_MS for their locks, then
    gives up. ``db`` is disposed; reopen with ``open_database`` (it upgrades an older dump)."""
    server = _server(db.url)
    pg_restore = _tool("pg_restore", "khôi phục")
    psql = _tool("psql", "khôi phục")
    dump_path = dump_path.expanduser().resolve()
    chosen = inspect_dump(dump_path, server)
    safety = backup_server(db, BEFORE_RESTORE, folder=folder, now=now)
    db.dispose()
    env = dict(server.env)
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + f" -c lock_timeout={RESTORE_LOCK_TIMEOUT_MS}"
                        ).strip()
    replay = _Server(server.args, env, server.database, server.where, server.password)
    failed = (f"Không khôi phục được vào {server.where} (dữ liệu trên máy chủ không thay đổi; "
              "nếu ANTQ Desktop đang mở ở máy khác, hãy đóng lại rồi thử lại)")
    reader = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "-f", "-",
                               str(dump_path)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        _run([psql, *server.args, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
              "-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public", "-f", "-",
              f"--dbname={server.database}"], replay, failed, stdin=reader.stdout)
    finally:
        reader.stdout.close()
        _out, err = reader.communicate(timeout=TOOL_TIMEOUT_S)
    if reader.returncode != 0:  # psql met the end of a cut stream: it committed a part?
        raise BackupError(f"{failed}: pg_restore báo lỗi: {server.scrub(_last_lines(err))}")
    from ..db.engine import head_revision

    schema = _restored_schema(db.url)
    upgraded = schema if schema and schema != head_revision() else None
    if upgraded is None:
        _record_restore_url(db.url, dump_path.name, safety)
    if not chosen.counts:  # a dump without its manifest: say what it held, read back
        chosen = Backup(path=chosen.path, created=chosen.created, size=chosen.size,
                        schema=schema or "", counts=_restored_counts(db.url))
    return RestoreResult(backup=chosen, safety=safety, upgraded_from=upgraded)


def _restored_schema(url: str) -> str | None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


def _restored_counts(url: str) -> tuple[tuple[str, int], ...]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return _server_facts(conn).counts
    finally:
        engine.dispose()


def _record_restore_url(url: str, file_name: str, safety) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    engine = create_engine(url)
    try:
        with sessionmaker(bind=engine).begin() as s:
            audit.record(s, "restore", "database", file=file_name,
                         safety=safety.path.name if safety else "")
    finally:
        engine.dispose()


# -- the health check (antq-desktop check) ----------------------------------------------------------
MAX_LINES = 20


def check(db) -> list[str]:
    """Problems of the database, one Vietnamese line each (empty: all is well). Names records
    by household code only, never by a person's name or ID number."""
    from sqlalchemy import func, select

    from ..db.models import Household, HouseholdSearch, HouseholdSignup, Resident
    from ..db.search import FTS_TABLE
    from ..enums import Relationship

    problems: list[str] = []
    with db.engine.connect() as conn:
        if db.is_sqlite:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                problems += [f"Tệp cơ sở dữ liệu bị hỏng: {r}" for r in rows[:MAX_LINES]]
                return problems  # nothing else can be trusted
            for table, rowid, parent, _fk in conn.exec_driver_sql(
                    "PRAGMA foreign_key_check").fetchall()[:MAX_LINES]:
                problems.append(f"Bảng {table}, dòng {rowid}: tham chiếu tới bảng {parent} "
                                "không tồn tại.")
        missing = conn.execute(
            select(Household.code).where(~select(HouseholdSearch.household_id).where(
                HouseholdSearch.household_id == Household.id).exists())
            .order_by(Household.code)).scalars().all()
        for code in missing[:MAX_LINES]:
            problems.append(f"Hộ {code}: thiếu trong chỉ mục tìm kiếm.")
        if db.has_fts:
            indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {FTS_TABLE}").scalar()
            searchable = conn.execute(select(func.count()).select_from(HouseholdSearch)).scalar()
            try:
                conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) "
                                     "VALUES ('integrity-check', 1)")
                consistent = indexed == searchable
            except DBAPIError:
                consistent = False
            conn.rollback()
            if not consistent:
                problems.append("Chỉ mục tìm kiếm hộ gia đình không khớp với dữ liệu hộ "
                                f"({_thousands(indexed)} mục, {_thousands(searchable)} hộ).")
        heads = (select(Household.code, func.count(Resident.id))
                 .outerjoin(Resident, (Resident.household_id == Household.id)
                            & (Resident.relation == Relationship.HEAD)
                            & Resident.moved_out_on.is_(None))
                 .where(Household.moved_out_on.is_(None))
                 .group_by(Household.id, Household.code)
                 .having(func.count(Resident.id) != 1).order_by(Household.code))
        for code, n in conn.execute(heads).all()[:MAX_LINES]:
            problems.append(f"Hộ {code}: có {n} chủ hộ đang cư trú (phải có đúng một).")
        signups = (select(Household.code, HouseholdSignup.year, HouseholdSignup.signed_on)
                   .join(Household, Household.id == HouseholdSignup.household_id)
                   .order_by(Household.code, HouseholdSignup.year))
        wrong = [(c, y, d) for c, y, d in conn.execute(signups) if d is not None and d.year != y]
        for code, year, signed in wrong[:MAX_LINES]:
            problems.append(f"Hộ {code}: đăng ký năm {year} nhưng ghi ngày ký "
                            f"{signed:%d/%m/%Y}.")
    problems += audit.verify(db)
    return problems


def describe(b: Backup) -> str:
    """One line of the list (antq-desktop backups)."""
    return "\t".join([format_time(b.created), b.describe_counts(), format_size(b.size),
                      str(b.path)])

