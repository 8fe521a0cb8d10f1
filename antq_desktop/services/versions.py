"""Lost updates (issue 12): a save built on a record as it was read earlier is refused when
another save (another window, another program, another officer on a shared database) changed
the record since.

Every editable record has a ``version`` (db/models/base.py ``Versioned``, the ORM's
``version_id_col``). Two guards, both ending in the same message:
- the version a dialog read **when it opened** travels in the data it saves (``version``) and
  the service compares it with the stored one (``check_version``) before writing anything;
- the ORM issues every UPDATE as ``… AND version = <read>``; a save that passed the check
  while another one committed matches no row and raises StaleDataError, turned into the same
  refusal by ``stale_errors`` (the transaction is already rolled back: nothing is written).

A save that changes only the children of a record (a household's members, a team's mediators,
a case's parties or criteria) still ``touch``es the record, so its version moves with them.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db.engine import Database
from ..db.models.base import utc_now
from ..validation import FieldError


def local_time(stored: datetime | None) -> datetime | None:
    """A stored ``updated_at`` (naive UTC) in the computer's local time."""
    if stored is None:
        return None
    return stored.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def stale_message(changed_at: datetime | None) -> str:
    """``changed_at``: local time of the other save."""
    when = f" lúc {changed_at:%H:%M %d/%m/%Y}" if changed_at is not None else ""
    return f"Hồ sơ đã được sửa ở nơi khác{when} — mở lại để xem bản mới"


class StaleRecord(FieldError):
    """The record changed since it was read: nothing was saved. A FieldError, so every dialog
    that keeps itself open on a FieldError keeps the typed data and shows this message (it
    names no field: the whole record is concerned)."""

    def __init__(self, changed_at: datetime | None = None):
        super().__init__("", stale_message(changed_at))
        self.changed_at = changed_at

    def __str__(self) -> str:
        return self.message


def check_version(row: Any, expected: int | None) -> None:
    """Refuse the save when ``row`` (just read in the save's transaction) is no longer at the
    version the caller read (None: the caller read no version, e.g. an import: no check)."""
    if expected is not None and row.version != expected:
        raise StaleRecord(local_time(row.updated_at))


def touch(row: Any) -> None:
    """Make the ORM update ``row`` (and so bump its version) even if none of its own columns
    changed: its children did."""
    row.updated_at = utc_now()


@contextmanager
def stale_errors(db: Database, model: type, record_id: Any):
    """Around a save's ``session.begin()`` block (commit included): a StaleDataError becomes
    StaleRecord with the time of the save that won, read afresh. ``record_id`` may be a
    function giving it (a record found by another key)."""
    try:
        yield
    except StaleDataError:
        if callable(record_id):
            record_id = record_id()
        raise StaleRecord(changed_at(db, model, record_id)) from None


def changed_at(db: Database, model: type, record_id: Any) -> datetime | None:
    if record_id is None:
        return None
    key = model.__mapper__.primary_key[0]
    with db.session() as s:
        return local_time(s.scalar(select(model.updated_at).where(key == record_id)))
