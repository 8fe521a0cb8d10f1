"""Where the data lives: the user data folder and the database URL."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ANTQ Desktop"
APP_SLUG = "antq-desktop"
ORG_NAME = "ANTQ"
DB_ENV = "ANTQ_DB"
DB_FILENAME = "antq.db"


def data_dir() -> Path:
    return Path(user_data_dir(APP_SLUG, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resolve_db_url(arg: str | None = None) -> str:
    """``--db`` beats ``ANTQ_DB`` beats the default file. A path becomes a sqlite URL."""
    value = arg or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path.as_posix()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL, or None for other databases and in-memory sqlite."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    if not rest or rest.startswith(":memory:"):
        return None
    return Path(rest.split("?", 1)[0])


def resources_dir() -> Path:
    """The package's ``resources/`` folder (style sheet, fonts, icon, indicator list).

    It lives inside the package, so an editable install, a wheel and a frozen build all find it
    next to this module."""
    return Path(__file__).resolve().parent / "resources"
