"""Importing a read table: parse every cell, validate with the services' own rules, then write
in one transaction recorded as an ImportBatch (docs/IMPORT.md).

A dry run does exactly the same work, writes included, in a transaction that is rolled back,
so it finds every problem the real import would (the database's own constraints too). An import
with errors writes nothing unless ``partial`` is set, and then writes only the records without
errors (a household is never half-imported: one bad member holds the whole household back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.engine import Database
from ..db.models import ImportBatch
from ..services import audit
from .columns import Kind, match_headers
from .reader import Table
from .values import cell_text, is_empty

MODES = {"skip": "bỏ qua bản ghi đã có", "update": "cập nhật bản ghi đã có",
         "fill": "chỉ điền ô còn trống của bản ghi đã có"}
Progress = Callable[[int, int, str], object]  # (done, total, text); False cancels


class ImportCancelled(Exception):
    """The user cancelled; nothing was written."""


class MappingError(Exception):
    """The columns mapped cannot make records (a required column missing); Vietnamese."""


@dataclass
class Options:
    mode: str = "skip"
    dry_run: bool = False
    partial: bool = False  # write the rows without errors even when others have errors
    area: str | None = None  # the residential area of rows that name none
    create_areas: bool = False
    mapping: dict[int, str] | None = None  # column index → column key; None: from the headers
    today: date | None = None
    backup: bool = True  # a verified backup before writing (SQLite files)


@dataclass
class Report:
    kind: str
    file_name: str
    mode: str
    dry_run: bool
    partial: bool = False
    rows_read: int = 0
    created: int = 0  # households (the records the kind makes)
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    people_created: int = 0
    people_updated: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)  # row → its own problems
    held: dict[int, str] = field(default_factory=dict)  # row → why a good row was not written
    warnings: dict[int, list[str]] = field(default_factory=dict)
    areas_created: list[str] = field(default_factory=list)
    probable_duplicates: int = 0  # new people probably registered already (services.duplicates)
    written: bool = False
    batch_id: int | None = None
    backup_path: str | None = None
    area_ids: list[int] = field(default_factory=list)  # areas the imported households are in
    noun: str = "Hộ"  # the kind's records (Kind.noun), and what people_* count (second_noun)
    second_noun: str | None = "Nhân khẩu"

    @property
    def error_rows(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        what = "Kiểm tra thử (không ghi gì)" if self.dry_run else (
            "Đã nhập" if self.written else "Chưa nhập gì")
        if not self.dry_run and not self.written and (self.partial or not self.errors):
            what = "Không có gì mới để nhập"
        out = [f"{what}: {self.file_name}, {self.rows_read} dòng dữ liệu, chế độ "
               f"“{MODES[self.mode]}”."]
        verb = "sẽ " if self.dry_run or (not self.written and self.errors
                                         and not self.partial) else ""
        out.append(f"{self.noun}: {self.created} {verb}thêm mới, {self.updated} {verb}cập nhật, "
                   f"{self.unchanged} không đổi, {self.skipped} bỏ qua (đã có).")
        if self.second_noun:
            out.append(f"{self.second_noun}: {self.people_created} {verb}thêm mới, "
                       f"{self.people_updated} {verb}cập nhật.")
        if self.areas_created:
            out.append(f"Khu dân cư {verb}tạo mới: {', '.join(self.areas_created)}.")
        if self.errors:
            out.append(f"{len(self.errors)} dòng có lỗi"
                       + (f", {len(self.held)} dòng cùng {'hộ' if self.kind == 'households' else 'tổ'}"
                          " chưa nhập theo" if self.held else "")
                       + ".")
        warned = len(self.warnings)
        if warned:
            out.append(f"{warned} dòng có cảnh báo (ví dụ đã bổ sung số 0 đầu).")
        if self.probable_duplicates:
            out.append(f"{self.probable_duplicates} người mới có thể đã có trong sổ hộ khẩu (cùng "
                       "họ tên và ngày sinh, hoặc năm sinh và khu dân cư): xem cảnh báo của "
                       "từng dòng; sau khi nhập, gộp bằng Tệp → Tìm người trùng….")
        if self.errors and not self.written and not self.dry_run and not self.partial:
            out.append("Không ghi gì vì có dòng lỗi; sửa các dòng đó (xem tệp lỗi) rồi nhập lại, "
                       "hoặc chọn nhập phần không lỗi.")
        return out

    def problem_rows(self) -> dict[int, str]:
        """Every row not imported → its message (the "Lỗi" column of the error workbook)."""
        out = {r: " ".join(msgs) for r, msgs in self.errors.items()}
        for r, msg in self.held.items():
            out.setdefault(r, msg)
        return dict(sorted(out.items()))


@dataclass
class Row:
    number: int  # in the file (1-based)
    values: dict[str, object]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_rows(kind: Kind, table: Table, mapping: dict[int, str]) -> list[Row]:
    """Every data row parsed with its columns' parsers; a cell that cannot be read is an error
    naming its column's header."""
    columns = {c.key: c for c in kind.columns}
    plan = [(i, columns[key], table.headers[i] or columns[key].label)
            for i, key in sorted(mapping.items())]
    out = []
    for number, cells in table.rows:
        row = Row(number, {})
        for i, column, header in plan:
            raw = cells[i] if i < len(cells) else None
            if is_empty(raw):
                continue
            try:
                value, warning = column.parse(raw)
            except ValueError as exc:
                row.errors.append(f"Cột “{header}”: {exc}")
                continue
            if value is not None:
                row.values[column.key] = value
            if warning:
                row.warnings.append(f"Cột “{header}”: {warning}")
        if row.values or row.errors:
            out.append(row)
    return out


def check_mapping(kind: Kind, mapping: dict[int, str]) -> None:
    keys = set(mapping.values())
    missing = [c.label for c in kind.columns if c.required and c.key not in keys]
    for group in kind.need_one_of:
        if not keys & set(group):
            missing.append(kind.column(group[0]).label)
    if missing:
        raise MappingError("Chưa có cột " + ", ".join(f"“{m}”" for m in missing)
                           + " trong tệp (hoặc chưa ghép cột nào vào đó).")


def default_mapping(kind: Kind, table: Table) -> dict[int, str]:
    return match_headers(kind, table.headers)


def run_import(db: Database, kind: Kind, table: Table, options: Options,
               progress: Progress | None = None) -> Report:
    """Validate and (unless a dry run, or errors without ``partial``) write ``table``."""
    from .savers import SAVERS

    if options.mode not in MODES:
        raise ValueError(f"mode {options.mode!r}")
    mapping = options.mapping if options.mapping is not None else default_mapping(kind, table)
    check_mapping(kind, mapping)
    report = Report(kind=kind.id, file_name=table.file_name, mode=options.mode,
                    dry_run=options.dry_run, partial=options.partial, noun=kind.noun,
                    second_noun=kind.second_noun)

    def tick(done: int, total: int, text: str) -> None:
        if progress is not None and progress(done, total, text) is False:
            raise ImportCancelled()

    rows = parse_rows(kind, table, mapping)
    report.rows_read = len(rows)
    tick(0, 1, "Đang đọc tệp…")
    if not options.dry_run and options.backup and db.is_sqlite:
        from ..services.backup import BEFORE_IMPORT, backup_now

        report.backup_path = str(backup_now(db, reason=BEFORE_IMPORT).path)
    saver = SAVERS[kind.id]
    s = db.session()
    try:
        batch = ImportBatch(kind=kind.id, file_name=table.file_name[:300],
                            sha256=table.sha256 or hashlib.sha256(b"").hexdigest(),
                            mode=options.mode, imported_at=datetime.now().replace(microsecond=0),
                            summary="")
        audit.suppress(s)  # the batch is one entry of the trail, not one per row
        s.add(batch)
        s.flush()
        try:
            saver(s, db, rows, options, report, batch.id, tick)
        except IntegrityError as exc:  # a constraint the checks did not foresee (a race)
            s.rollback()
            from ..services.children import unique_violation

            raise MappingError(
                "Cơ sở dữ liệu từ chối ghi"
                + (f" (trùng {unique_violation(exc)})" if unique_violation(exc) else "")
                + "; có thể một người khác vừa ghi cùng lúc. Hãy kiểm tra lại rồi nhập lại."
            ) from None
        for r in rows:
            if r.errors:
                report.errors[r.number] = r.errors
            if r.warnings:
                report.warnings[r.number] = r.warnings
        write = not options.dry_run and (not report.errors or options.partial)
        if write and (report.created or report.updated or report.people_created
                      or report.people_updated):
            s.execute(update(ImportBatch).where(ImportBatch.id == batch.id).values(
                rows_read=report.rows_read, created=report.created, updated=report.updated,
                unchanged=report.unchanged, skipped=report.skipped,
                error_rows=report.error_rows, people_created=report.people_created,
                people_updated=report.people_updated, summary="\n".join(report.lines())))
            audit.record(s, "import", "import_batch", batch.id, file=table.file_name[:300],
                         import_kind=kind.id, mode=options.mode, rows=report.rows_read,
                         created=report.created, updated=report.updated,
                         people_created=report.people_created,
                         people_updated=report.people_updated)
            s.commit()
            report.written = True
            report.batch_id = batch.id
        else:
            s.rollback()
        tick(len(rows), len(rows), "Xong.")
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()
    if report.written:  # the summary stored says "Đã nhập"
        with db.session.begin() as s2:
            s2.execute(update(ImportBatch).where(ImportBatch.id == report.batch_id)
                       .values(summary="\n".join(report.lines())))
    return report


# -- the batches, and undoing one ----------------------------------------------------------------
@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    file_name: str
    imported_at: datetime
    created: int
    updated: int
    people_created: int
    undone_at: datetime | None
    summary: str


def batches(db: Database, limit: int = 50) -> list[BatchInfo]:
    with db.session() as s:
        rows = s.scalars(select(ImportBatch).where(
            (ImportBatch.created + ImportBatch.updated + ImportBatch.people_created
             + ImportBatch.people_updated) > 0)
            .order_by(ImportBatch.id.desc()).limit(limit))
        return [BatchInfo(b.id, b.kind, b.file_name, b.imported_at, b.created, b.updated,
                          b.people_created, b.undone_at, b.summary) for b in rows]


def undo(db: Database, batch_id: int, backup: bool = True) -> list[str]:
    """"Hoàn tác lần nhập này": remove the records the batch created that nothing touched since;
    returns Vietnamese lines saying what was removed and exactly what could not be."""
    from .savers import UNDOERS

    with db.session() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise MappingError(f"Không có lần nhập số {batch_id}.")
        if batch.undone_at is not None:
            raise MappingError(f"Lần nhập số {batch_id} đã được hoàn tác ngày "
                               f"{batch.undone_at:%d/%m/%Y %H:%M}.")
        kind, updated = batch.kind, batch.updated
    if backup and db.is_sqlite:
        from ..services.backup import BEFORE_IMPORT, backup_now

        backup_now(db, reason=f"{BEFORE_IMPORT}-hoan-tac")
    with db.session.begin() as s:
        audit.suppress(s)
        lines = UNDOERS[kind](s, batch_id)
        if updated:
            lines.append(f"Không hoàn tác được phần cập nhật {updated} bản ghi có sẵn (lần nhập đã "
                         "sửa dữ liệu của chúng); nếu cần, khôi phục bản sao lưu “Trước khi nhập "
                         "dữ liệu”.")
        s.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                  .values(undone_at=datetime.now().replace(microsecond=0)))
        audit.record(s, "undo_import", "import_batch", batch_id, import_kind=kind,
                     lines=len(lines))
    return lines


def cell_for_sheet(raw):
    """A raw cell as written back into the error workbook (text keeps what was typed)."""
    if isinstance(raw, str):
        return cell_text(raw) if "\n" not in raw else raw
    return raw


__all__ = ["ImportCancelled", "MappingError", "Options", "Report", "Row", "run_import", "undo",
           "batches", "parse_rows", "check_mapping", "default_mapping", "Session"]
