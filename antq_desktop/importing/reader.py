"""Reading an office's list: .xlsx (openpyxl, read-only), .xls (xlrd) or .csv (UTF-8, UTF-8 with
BOM or Windows-1258), with the title block above the header found and skipped, a two-row header
(a merged "Ngày sinh" over "Nam" | "Nữ") joined, the column-number row under it skipped, and
every data row kept with its row number in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..text import normalize
from .columns import Kind, match_headers
from .values import cell_text, fold_header, is_empty

HEADER_SCAN_ROWS = 25  # the header is looked for among the first rows
_NUMBERING = re.compile(r"^\(?[0-9]{1,2}\)?$|^\([a-z]\)$", re.IGNORECASE)


class ReadError(Exception):
    """The file cannot be read (the message is Vietnamese, meant for the user)."""


@dataclass
class Table:
    """One sheet as read: its headers (joined text of a two-row header), the header rows' numbers,
    and the data rows as (row number in the file, cells)."""

    file_name: str
    sheet: str
    sheets: list[str]
    headers: list[str]
    header_rows: tuple[int, ...]
    rows: list[tuple[int, list]] = field(default_factory=list)
    sha256: str = ""
    title: list[str] = field(default_factory=list)  # the lines above the header


def _xlsx(path: Path, sheet: str | None):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(f"Không đọc được tệp Excel {path.name}: tệp hỏng hoặc không phải "
                        f".xlsx ({type(exc).__name__}).") from None
    except Exception as exc:  # zipfile.BadZipFile and the like
        raise ReadError(f"Không đọc được tệp Excel {path.name}: tệp hỏng hoặc không phải "
                        f".xlsx ({type(exc).__name__}).") from None
    try:
        names = book.sheetnames
        chosen = _pick(names, sheet)
        ws = book[chosen] if chosen else None
        sheets = {}
        for name in ([chosen] if chosen else names):
            ws = book[name]
            ws.reset_dimensions()  # some programs write a wrong <dimension>: read every row
            sheets[name] = [list(r) for r in ws.iter_rows(values_only=True)]
        return names, sheets
    finally:
        book.close()


def _xls(path: Path, sheet: str | None):
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a dependency, present in every install
        raise ReadError("Chương trình thiếu thư viện xlrd để đọc tệp .xls; hãy lưu tệp thành "
                        ".xlsx trong Excel rồi nhập lại.") from None
    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises its own XLRDError and plain struct errors
        raise ReadError(f"Không đọc được tệp Excel 97–2003 {path.name}: tệp hỏng hoặc không "
                        f"phải .xls ({type(exc).__name__}).") from None
    names = book.sheet_names()
    chosen = _pick(names, sheet)
    sheets = {}
    for name in ([chosen] if chosen else names):
        ws = book.sheet_by_name(name)
        rows = []
        for r in range(ws.nrows):
            row = []
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:
                        row.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        sheets[name] = rows
    return names, sheets


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1258 (Excel's "CSV" on a Vietnamese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise ReadError("Không đọc được tệp CSV: không phải UTF-8 hay Windows-1258; hãy lưu lại "
                        "với mã hóa UTF-8.") from None


def _csv(path: Path, data: bytes):
    content = decode_text(data)
    sample = content[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[c if c != "" else None for c in r] for r in csv.reader(io.StringIO(content),
                                                                     dialect)]
    return [path.stem], {path.stem: rows}


def _pick(names: list[str], sheet: str | None) -> str | None:
    if sheet is None:
        return None
    for name in names:
        if fold_header(name) == fold_header(sheet):
            return name
    raise ReadError(f"Tệp không có trang tính “{sheet}” (có: {', '.join(names)}).")


def _width(rows: list[list]) -> int:
    return max((len(r) for r in rows), default=0)


def _texts(row: list, width: int) -> list[str]:
    return [cell_text(row[i]) if i < len(row) else "" for i in range(width)]


def two_row_headers(kind: Kind, top: list[str], below: list[str]) -> list[str]:
    """Headers of a header spread over two rows: a cell merged across columns (left blank to
    its right) is the parent of the cells under it; each column's header is the first of
    "parent child", "child", "parent" that the kind knows, else "parent child"."""
    parents, last = [], ""
    for i, text in enumerate(top):
        if text:
            last = text
            parents.append(text)
        elif below[i] and last:
            parents.append(last)
        else:
            parents.append("")
            last = "" if not below[i] else last
    out = []
    for parent, child in zip(parents, below):
        options = [f"{parent} {child}".strip(), child, parent]
        known = next((o for o in options if o and match_headers(kind, [o])), None)
        out.append(known or options[0])
    return out


def find_header(kind: Kind, rows: list[list]) -> tuple[int, int, list[str]]:
    """(first header row index, header row count, headers) for the best-scoring rows among the
    first HEADER_SCAN_ROWS; ReadError when none names two known columns."""
    width = _width(rows[:HEADER_SCAN_ROWS + 1])
    best = (0, -1, 1, [])
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        one = _texts(rows[i], width)
        score = len(match_headers(kind, one))
        if score > best[0]:
            best = (score, i, 1, one)
        if i + 1 < len(rows) and score:
            two = two_row_headers(kind, one, _texts(rows[i + 1], width))
            score2 = len(match_headers(kind, two))
            if score2 > best[0]:
                best = (score2, i, 2, two)
    score, index, count, headers = best
    if score < 2:
        raise ReadError(f"Không tìm thấy dòng tiêu đề cột trong {HEADER_SCAN_ROWS} dòng đầu "
                        f"(cần ít nhất hai cột như “Họ và tên”, “Ngày sinh”). Hãy dùng mẫu "
                        f"tải từ chương trình (antq-desktop template {kind.id}).")
    return index, count, headers


def _is_numbering(row: list) -> bool:
    """The "(1) (2) (3)…" row state forms put under the header."""
    cells = [cell_text(c) for c in row if not is_empty(c)]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def read_table(path: Path, kind: Kind, sheet: str | None = None) -> Table:
    """Read ``path`` for ``kind``; ReadError (Vietnamese) if it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"Không mở được tệp {path.name}: {exc.strerror or exc}.") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        names, sheets = _xlsx(path, sheet)
    elif suffix == ".xls":
        names, sheets = _xls(path, sheet)
    elif suffix in (".csv", ".txt"):
        names, sheets = _csv(path, data)
    else:
        raise ReadError(f"Không đọc được tệp {path.name}: chỉ nhận tệp .xlsx, .xls hoặc .csv.")
    # The sheet asked for, else the one whose header names most columns.
    found = None
    for name, rows in sheets.items():
        try:
            index, count, headers = find_header(kind, rows)
        except ReadError as exc:
            found = found or (None, exc)
            continue
        score = len(match_headers(kind, headers))
        if found is None or found[0] is None or score > found[0][0]:
            found = ((score, name, index, count, headers), None)
    if found is None or found[0] is None:
        raise found[1] if found else ReadError(f"Tệp {path.name} không có trang tính nào.")
    _, name, index, count, headers = found[0]
    rows = sheets[name]
    body = rows[index + count:]
    start = index + count + 1  # 1-based row number of body[0]
    if body and _is_numbering(body[0]):
        body, start = body[1:], start + 1
    width = len(headers)
    table = Table(file_name=path.name, sheet=name, sheets=names, headers=headers,
                  header_rows=tuple(range(index + 1, index + count + 1)),
                  sha256=hashlib.sha256(data).hexdigest(),
                  title=[t for r in rows[:index] for t in [normalize(" ".join(
                      cell_text(c) for c in r if not is_empty(c)))] if t])
    for offset, row in enumerate(body):
        cells = list(row[:width]) + [None] * (width - len(row))
        if all(is_empty(c) for c in cells):
            continue
        table.rows.append((start + offset, cells))
    return table


def file_stamp() -> datetime:
    return datetime.now().replace(microsecond=0)
