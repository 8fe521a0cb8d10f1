"""The one way a service reads a record by id that must exist."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


def get_or_raise(session: Session, model: type[T], record_id: int) -> T:
    """The ``model`` row with ``record_id``; LookupError(record_id) when there is none (removed
    meanwhile, or a wrong id): the callers tell the user the record is gone."""
    row = session.get(model, record_id)
    if row is None:
        raise LookupError(record_id)
    return row
