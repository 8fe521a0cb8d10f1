"""One import from a spreadsheet (docs/IMPORT.md): what was read, when, and what it made.

The records an import creates carry its id (``import_batch_id`` on households and residents), so
that "Hoàn tác lần nhập này" can find and remove exactly them while nothing else touched them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, WardOwned


class ImportBatch(WardOwned, Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # importing.columns kind id ("households")
    file_name: Mapped[str] = mapped_column(String(300))  # the base name only, not the path
    sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(10))  # skip | update | fill
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)  # households (or records) made
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    people_created: Mapped[int] = mapped_column(Integer, default=0)
    people_updated: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")  # the report's Vietnamese lines
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
