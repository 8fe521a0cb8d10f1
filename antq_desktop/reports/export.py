"""Writing a form to a file (.xlsx, or .pdf for printable forms; .docx, or .pdf through
LibreOffice, for Word forms): built in memory, saved atomically next to the target."""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..access import Permission, require, user_of
from ..db.engine import disk_full_message, read_snapshot
from ..gcpause import gc_paused
from . import registry
from .registry import Params, ReportError

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..db.engine import Database

Progress = Callable[[int, str], None]  # (percent 0–100, Vietnamese status line)


class ExportError(ReportError):
    """The file could not be written; the message is Vietnamese."""


def export_xlsx(db: Database, form_id: str, params: Params, path: str | os.PathLike,
                progress: Progress | None = None) -> Path:
    """Build form ``form_id`` for ``params`` and save it to ``path`` (.xlsx). Returns the path.

    Raises UnknownFormError, ReportError (bad parameters, unit not set up) or ExportError.
    A failed save leaves an existing file at ``path`` untouched.
    """
    require(db, Permission.EXPORT)  # a read-only account neither prints nor exports
    form = registry.get(form_id)
    registry.check_account(form, user_of(db))  # a province form: a province account's only
    form.check(params)
    if form.build is None:
        raise ReportError(WORD_ONLY.format(title=form.title))
    path = Path(path)
    report = progress or (lambda _percent, _text: None)
    report(0, f"Đang lập “{form.title}”…")
    with read_snapshot(db) as snapshot:  # every query of the form sees the same data
        workbook = form.build(snapshot, params)
    workbook.properties.creator = "ANTQ Desktop"
    workbook.properties.title = form.title
    report(80, f"Đang ghi tệp {path.name}…")
    save_atomically(workbook, path)
    record_output(db, "export", form, params, path.name,
                  sum(max(ws.max_row, 0) for ws in workbook.worksheets))
    report(100, f"Đã ghi {path}.")
    return path


def export_pdf(db: Database, form_id: str, params: Params, path: str | os.PathLike,
               progress: Progress | None = None) -> Path:
    """Build the printable document of form ``form_id`` and write it to ``path`` as a PDF.

    Raises UnknownFormError, ReportError (bad parameters, unit not set up, a form that cannot
    be printed) or ExportError. A failed export leaves an existing file at ``path`` untouched.
    Needs a QGuiApplication (the GUI's, or :func:`printing.ensure_gui_app`). Call it on the
    GUI thread; in the background, use :func:`prepare_pdf` there and :func:`finish_pdf` here.
    """
    return finish_pdf(prepare_pdf(db, form_id, params, path, progress))


@dataclasses.dataclass
class PendingPdf:
    """A printable form read from the database, not laid out yet. Qt's text layout and fonts
    belong to the GUI thread (a QTextDocument built on a pool thread once hung the program),
    so a background export reads the data in the worker and lays out and prints the pages
    here, on the GUI thread, with :meth:`write`."""

    db: Database
    form: registry.Form
    params: Params
    document: object
    path: Path
    report: Progress

    def write(self) -> Path:
        from . import printing

        self.report(50, f"Đang ghi tệp {self.path.name}…")
        printing.export_pdf(self.document, self.path)
        record_output(self.db, "export", self.form, self.params, self.path.name, None)
        self.report(100, f"Đã ghi {self.path}.")
        return self.path


def prepare_pdf(db: Database, form_id: str, params: Params, path: str | os.PathLike,
                progress: Progress | None = None) -> Path | PendingPdf:
    """The part of a PDF export that may run on any thread: checks, the database reads and,
    for a Word form, the whole conversion by LibreOffice (a separate process; the PDF is
    written and its path returned). A printable form comes back as a :class:`PendingPdf`
    for :func:`finish_pdf` on the GUI thread."""
    require(db, Permission.EXPORT)  # a read-only account neither prints nor exports
    form = registry.get(form_id)
    registry.check_account(form, user_of(db))
    form.check(params)
    if form.is_word:
        return export_word_pdf(db, form_id, params, path, progress)
    if form.document is None:
        raise ReportError(registry.NOT_PRINTABLE.format(title=form.title))
    path = Path(path)
    report = progress or (lambda _percent, _text: None)
    report(0, f"Đang lập “{form.title}”…")
    document = build_document(db, form, params)
    return PendingPdf(db, form, params, document, path, report)


def finish_pdf(prepared: Path | PendingPdf) -> Path:
    """Lay out and write a :class:`PendingPdf` (GUI thread); a path is already written."""
    return prepared.write() if isinstance(prepared, PendingPdf) else Path(prepared)


def record_output(db: Database, action: str, form: registry.Form, params: Params,
                  file_name: str = "", rows: int | None = None) -> None:
    """The audit entry of an export or a print (docs/AUDIT.md): form, parameters, file name
    and row count, never the data itself."""
    from ..services import audit

    values = {k: v for k, v in dataclasses.asdict(params).items()
              if v not in (None, False, "", (), [])}
    audit.record_now(db, action, "report", None, params.area_id, form=form.id,
                     title=form.title, params=values, file=file_name, rows=rows)


def build_document(db: Database, form: registry.Form, params: Params):
    """The printable document of ``form``, read from one consistent snapshot of the data
    (print preview, printing, PDF)."""
    require(db, Permission.EXPORT)  # a read-only account neither prints nor exports
    registry.check_account(form, user_of(db))
    with read_snapshot(db) as snapshot:
        return form.document(snapshot, params)


WORD_ONLY = ("“{title}” là văn bản Word: hãy xuất ra tệp .docx (hoặc .pdf khi máy có "
             "LibreOffice).")
NOT_WORD = "Biểu “{title}” là bảng biểu: hãy xuất ra tệp Excel (.xlsx) hoặc PDF (.pdf)."


def build_word(db: Database, form: registry.Form, params: Params):
    """The python-docx document of a Word form, read from one consistent snapshot."""
    registry.check_account(form, user_of(db))  # a ward's paper: one ward chosen
    with read_snapshot(db) as snapshot:
        return form.word(snapshot, params)


def export_docx(db: Database, form_id: str, params: Params, path: str | os.PathLike,
                progress: Progress | None = None) -> Path:
    """Build Word form ``form_id`` and save it to ``path`` (.docx). Raises UnknownFormError,
    ReportError or ExportError; a failed save leaves an existing file untouched."""
    form = registry.get(form_id)
    form.check(params)
    if not form.is_word:
        raise ReportError(NOT_WORD.format(title=form.title))
    path = Path(path)
    report = progress or (lambda _percent, _text: None)
    report(0, f"Đang lập “{form.title}”…")
    document = build_word(db, form, params)
    document.core_properties.title = form.title
    report(80, f"Đang ghi tệp {path.name}…")
    write_atomically(path, document.save)
    report(100, f"Đã ghi {path}.")
    return path


def export_word_pdf(db: Database, form_id: str, params: Params, path: str | os.PathLike,
                    progress: Progress | None = None) -> Path:
    """A Word form as PDF: the .docx converted by LibreOffice (what Writer prints is what the
    .docx holds); ReportError when LibreOffice is not installed."""
    from .word.convert import docx_to_pdf, libreoffice

    if libreoffice() is None:
        raise ReportError(NO_LIBREOFFICE)
    form = registry.get(form_id)
    form.check(params)
    path = Path(path)
    report = progress or (lambda _percent, _text: None)
    report(0, f"Đang lập “{form.title}”…")
    document = build_word(db, form, params)
    document.core_properties.title = form.title
    report(40, "Đang chuyển sang PDF bằng LibreOffice…")
    write_atomically(path, lambda target: docx_to_pdf(document, target))
    report(100, f"Đã ghi {path}.")
    return path


NO_LIBREOFFICE = ("Máy chưa cài LibreOffice nên chưa xuất được văn bản Word ra PDF: hãy xuất "
                  "tệp .docx rồi in từ Word (hoặc cài LibreOffice).")

SUFFIXES = {".xlsx": export_xlsx, ".pdf": export_pdf, ".docx": export_docx}


def export_file(db: Database, form_id: str, params: Params, path: str | os.PathLike,
                progress: Progress | None = None) -> Path:
    """Export to .xlsx, .docx or .pdf according to ``path``'s suffix."""
    exporter = SUFFIXES.get(Path(path).suffix.lower())
    if exporter is None:
        raise ExportError(f"Tệp kết quả phải có đuôi .xlsx, .docx hoặc .pdf: {path}")
    return exporter(db, form_id, params, path, progress)


def save_atomically(workbook: Workbook, path: Path) -> None:
    """Save to a temporary file in the same folder, then replace ``path`` in one step."""
    with gc_paused():  # every cell links to its sheet: the collector's passes cost ~0.3 s
        write_atomically(path, workbook.save)


TEMP_SUFFIX = ".antq-tmp"  # ".~<name>.<pid>.<random>.antq-tmp": an export being written
_TEMP_NAME = re.compile(r"^\.~.*\.(\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")
STALE_AFTER_S = 12 * 3600  # a temporary file this old is stale whoever wrote it
MAX_NAME = 255  # characters of a file name (most file systems)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (POSIX); elsewhere assumed so (the age decides)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # os.kill on Windows would end the process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale_temp_files(folder: Path, now: float | None = None) -> int:
    """Remove the temporary files that exports interrupted by a crash or a kill left in
    ``folder`` (their writer no longer runs, or they are older than STALE_AFTER_S). Returns
    how many were removed; never raises."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    for entry in entries:
        found = _TEMP_NAME.match(entry.name)
        if found is None:
            continue
        try:
            age = now - entry.stat().st_mtime
            if not entry.is_file() or (_alive(int(found.group(1))) and age < STALE_AFTER_S):
                continue
            entry.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:40] + "…" + name[-12:]


def write_atomically(path: Path, write: Callable[[str], object]) -> None:
    """Call ``write(temporary_path)`` on a file in ``path``'s folder, then replace ``path`` with
    it in one step. Raises ExportError (Vietnamese); an existing file is left untouched, and a
    read-only one is refused. Temporary files that a crashed export left there are removed."""
    if len(path.name) > MAX_NAME:
        raise ExportError(f"Tên tệp “{_short(path.name)}” quá dài ({len(path.name)} ký tự; tối "
                          f"đa {MAX_NAME}): hãy đặt tên ngắn hơn.")
    if path.is_dir():
        raise ExportError(f"Không ghi được tệp {path}: đó là một thư mục.")
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"Không ghi được tệp {path}: thư mục {folder} không tồn tại.")
    if path.exists() and _read_only(path):
        raise ExportError(f"Tệp {path} đã có và chỉ cho phép đọc (read-only), nên không ghi đè "
                          "lên. Hãy chọn tên tệp khác, hoặc bỏ thuộc tính chỉ đọc của tệp rồi "
                          "xuất lại.")
    clean_stale_temp_files(folder)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".~{path.stem[:40]}.{os.getpid()}.",
                                   suffix=TEMP_SUFFIX, dir=folder)
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
        tmp = None
    except PermissionError:
        raise ExportError(f"Không ghi được tệp {path}: tệp đang mở trong chương trình khác "
                          "hoặc không có quyền ghi.") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            raise ExportError(disk_full_message(folder, f"tệp {_short(path.name)}")) from None
        if exc.errno == errno.ENAMETOOLONG:
            raise ExportError(f"Tên tệp “{_short(path.name)}” hoặc đường dẫn quá dài: hãy đặt "
                              "tên ngắn hơn hoặc chọn thư mục khác.") from None
        raise ExportError(f"Không ghi được tệp {path} (lỗi hệ thống số {exc.errno}).") from None
    finally:
        if tmp is not None:
            try:
                os.remove(tmp)
            except OSError:
                pass


def _read_only(path: Path) -> bool:
    """The file may not be written: no write permission bit for anyone (a read-only file on
    Windows, chmod a-w elsewhere; root may write it but should not replace it), or no access."""
    try:
        return not (path.stat().st_mode & 0o222) or not os.access(path, os.W_OK)
    except OSError:
        return False
