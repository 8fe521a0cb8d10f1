"""Bulk inserts for the demo ward: many rows in one plain executemany, inside the caller's
transaction."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session


def bulk(model):
    """``insert(Model)`` for a list of row dicts, run as one plain executemany.

    dml_strategy="raw" hands the statement straight to Core: the rows already use column names
    and need no ORM bookkeeping, which otherwise costs about a third of the load time. (The
    ORM's default "bulk" strategy also drops None values and splits the rows into one INSERT
    per shape unless render_nulls is set.)
    """
    return insert(model).execution_options(dml_strategy="raw")


def insert_ids(s: Session, model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids in the same order. The ids are read back
    afterwards: RETURNING in parameter order makes SQLite insert one row per statement."""
    if not rows:
        return []
    before = s.scalar(select(func.max(model.id))) or 0
    s.execute(bulk(model), rows)
    ids = list(s.scalars(select(model.id).where(model.id > before).order_by(model.id)))
    assert len(ids) == len(rows)
    return ids
