"""Owner-only access to the files that hold records (the database, its WAL, backups, manifests).

POSIX: ``chmod`` 0600 for a file, 0700 for a folder. Windows: ``chmod`` only toggles the
read-only flag, so an owner-only ACL is set with the system's ``icacls`` (no new dependency, no
console window): inherited entries removed, full control for the signed-in user only; a folder's
entry is inherited by what is created in it afterwards. A failure (a FAT drive has no
permissions, icacls missing) is logged and never stops the program: the file is still written.
Log lines name the file only (never the folder, which holds the Windows user name), never the
account. See docs/BACKUP.md, "Permissions".
"""

from __future__ import annotations

import functools
import getpass
import logging
import os
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE, FOLDER_MODE = 0o600, 0o700
CREATE_NO_WINDOW = 0x08000000  # subprocess.CREATE_NO_WINDOW, which exists only on Windows
ICACLS_TIMEOUT_S = 15


def is_windows() -> bool:
    return sys.platform == "win32"  # read at each call (tests force the Windows branch)


@functools.lru_cache(maxsize=1)
def owner_account() -> str | None:
    """The signed-in Windows account as icacls names it: ``DOMAIN\\user`` (a local account's
    domain is the computer's name), or ``user`` alone when the domain is unknown."""
    user = os.environ.get("USERNAME", "").strip()
    if not user:
        try:
            user = getpass.getuser().strip()
        except (OSError, KeyError, ImportError):
            return None
    if not user:
        return None
    domain = os.environ.get("USERDOMAIN", "").strip()
    return f"{domain}\\{user}" if domain else user


def icacls_program() -> str:
    """icacls from the system folder (not whatever an ``icacls`` on the PATH would be)."""
    root = os.environ.get("SystemRoot") or os.environ.get("windir")
    return os.path.join(root, "System32", "icacls.exe") if root else "icacls"


def icacls_command(path: Path, account: str, *, folder: bool = False) -> list[str]:
    """Replace the ACL of ``path`` by one entry: full control for ``account``. On a folder the
    entry is inherited by files (OI) and subfolders (CI) created in it later."""
    grant = f"{account}:(OI)(CI)F" if folder else f"{account}:F"
    return [icacls_program(), str(path), "/inheritance:r", "/grant:r", grant, "/q"]


def make_private(path: Path, *, folder: bool = False) -> bool:
    """Make ``path`` readable and writable by its owner only. True when done; False (logged)
    when the file system or the system refused, which never raises."""
    path = Path(path)
    if is_windows():
        return _windows_acl(path, folder)
    try:
        os.chmod(path, FOLDER_MODE if folder else FILE_MODE)
        return True
    except OSError as exc:  # e.g. a FAT USB drive has no permissions to set
        log.warning("Could not make %s owner-only (chmod: %s)", path.name, exc.strerror)
        return False


def _windows_acl(path: Path, folder: bool) -> bool:
    account = owner_account()
    if account is None:
        log.warning("Could not make %s owner-only: the Windows account is unknown", path.name)
        return False
    try:
        done = subprocess.run(icacls_command(path, account, folder=folder), capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=ICACLS_TIMEOUT_S,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW",
                                                    CREATE_NO_WINDOW))
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("Could not make %s owner-only (icacls did not run: %s)", path.name,
                    type(exc).__name__)
        return False
    if done.returncode != 0:  # its output names the path (and so the user): not logged
        log.warning("Could not make %s owner-only (icacls exit status %s)", path.name,
                    done.returncode)
        return False
    return True


def new_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only before anything is written into it (``O_EXCL``:
    never an existing file). Raises OSError when it cannot be created."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    make_private(path)  # a umask never widens, but a FAT drive or Windows has its own idea
