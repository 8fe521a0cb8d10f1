"""What the start can read of a SQLite store with the standard library alone, before SQLAlchemy
and the models are imported (docs/PERFORMANCE.md, "Cold start"; docs/ARCHITECTURE.md §
start-up): whether the login dialog may be shown first, and the ward it names.

Nothing here imports SQLAlchemy: ``ui/app.py`` asks :func:`peek_sign_in` before anything
heavy is loaded. The peek never writes to the file (``mode=ro``) and gives up at the first
doubt; the program then starts in its ordinary order, where the real opening says what is
wrong.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..config import sqlite_path

MIGRATIONS = Path(__file__).with_name("migrations")
REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")  # versions/NNNN_what.py, revision = "NNNN"
PEEK_TIMEOUT_S = 0.1  # a file another program holds locked: not worth waiting for
# the plain SQLite drivers; an encrypted file (sqlcipher) cannot be read by the stdlib module
_PLAIN_SQLITE = ("sqlite:", "sqlite+pysqlite:")


def head_revision(migrations: Path = MIGRATIONS) -> str | None:
    """The newest revision the program carries: the highest ``NNNN`` of the
    ``versions/NNNN_*.py`` files under ``migrations`` (db/engine.py's ``head_revision``)."""
    try:
        names = [entry.name for entry in (migrations / "versions").iterdir()]
    except OSError:
        return None
    numbers = [m.group(1) for m in map(REVISION_FILE.match, names) if m]
    return max(numbers, default=None)


@dataclass(frozen=True)
class SignInPeek:
    """A store that has accounts and a set-up ward, at this program's schema."""

    ward_name: str  # the store's first unit (the one the login dialog names today)


def peek_sign_in(url: str) -> SignInPeek | None:
    """For a plain SQLite file that exists, is at the head revision, has at least one account
    and a set-up unit: its ward's name. None for anything else (no file, an empty or damaged
    file, an older or newer schema, no accounts, no unit yet, a server, a file locked past
    PEEK_TIMEOUT_S): the caller then opens the database first, as always."""
    if not url.startswith(_PLAIN_SQLITE):
        return None
    path = sqlite_path(url)
    head = head_revision()
    try:
        if path is None or head is None or not path.is_file() or path.stat().st_size == 0:
            return None
        uri = f"{path.resolve().as_uri()}?mode=ro"  # percent-encoded; never written
        if not path.with_name(path.name + "-wal").exists():
            # no WAL: the file holds every commit, and "immutable" reads it without making
            # the -wal and -shm files a read-only reader of a WAL database would leave behind
            # (a writer that starts meanwhile can only make the peek fail: then open first)
            uri += "&immutable=1"
        con = sqlite3.connect(uri, uri=True, timeout=PEEK_TIMEOUT_S)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        con.execute("PRAGMA query_only = ON")
        versions = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if versions != [(head,)]:
            return None  # an upgrade (with its copy) or a newer program's file: open first
        if con.execute("SELECT 1 FROM app_user LIMIT 1").fetchone() is None:
            return None  # single-user mode, or the first administrator to make
        unit = con.execute("SELECT ward_code, ward_name FROM unit ORDER BY id LIMIT 1").fetchone()
        if unit is None or (unit[0] == 0 and not unit[1]):  # services.unit.is_blank
            return None  # the first-start unit dialog comes first
        return SignInPeek(str(unit[1] or ""))
    except (sqlite3.Error, ValueError, TypeError, IndexError):
        return None
    finally:
        con.close()
