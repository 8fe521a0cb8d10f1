"""Saving the child rows of a record (a household's members, a team's mediators, a case's
parties) from the dialog's list: people and book entries are corrected, never dropped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..validation import FieldError


def pair_children(rows: list, items: Sequence[Any], make: Callable[[], Any], field: str,
                  no_delete: str, not_ours: str) -> list[tuple[Any, Any]]:
    """Pair each item (with ``id`` and ``full_name``) with its stored row in ``rows``, adding
    a new row for an item without id. Raises FieldError(``field``) when a stored row is left
    out (``no_delete``) or an item's id is not one of ``rows`` (``not_ours``)."""
    existing = {row.id: row for row in rows}
    if existing.keys() - {item.id for item in items if item.id is not None}:
        raise FieldError(field, no_delete)
    pairs = []
    for item in items:
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            if item.id is not None:
                raise FieldError(field, not_ours, item.full_name)
            row = make()
            rows.append(row)
        pairs.append((item, row))
    return pairs
