"""The state document format (Nghị định 30/2020/NĐ-CP, docs/DOMAIN.md §6) drawn on an openpyxl
sheet.

Every form draws its sheet through :class:`Sheet`, so all of them look the same::

    sheet = Sheet(wb.active, letterhead, [
        Column("STT", 5, "center"),
        Column("Họ và tên", 24),
        Column("Ngày sinh", 11, "center", "dd/mm/yyyy"),
        Column("Thành", 8, "center", group="Kết quả"),
        Column("Không thành", 8, "center", group="Kết quả"),
    ], landscape=True)
    sheet.header(number="    /DS-CAP")              # the two-sided header block with the date
    sheet.title("DANH SÁCH", ["Người được giáo dục tại địa phương năm 2025"])
    sheet.table(rows, total=("Tổng cộng", None, None, 12, 3))
    sheet.signature(recipients=["Như trên;", "Lưu: VT."])

Column widths are relative: the sheet stretches them to fill the printable width at 100 % scale,
so the fonts print at their nominal ND30 sizes. Every row height is set here (Excel and
LibreOffice never grow a merged cell), which also lets :meth:`Sheet.signature` see where pages
break and move the last table rows with the signature so that the block stays on one page.
Totals are values computed by the caller; no formulas are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..text import cell_text
from . import textfit

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..services.unit import UnitInfo

FONT_NAME = "Times New Roman"
DEFAULT_FONT_SIZE = 12
MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
A4_MM = (210.0, 297.0)
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0, "header": 10.0,
              "footer": 10.0}
FILL = 0.97  # share of the printable width the columns take (room for printer rounding)
HEADER_SPLIT = 0.42  # the left header block takes about this share of the width
SIGNATURE_SPLIT = {False: 0.45, True: 0.55}  # left share beside the signature (portrait, landscape)
SIGNING_SPACE_ROWS = 5  # empty lines left for the signature and the seal
RULE_SIZE = 6  # font size of the underlined spaces that draw the short rules
SUBJECT_SIZE = 14  # the subject line (trích yếu) under the document's name, bold
NOTE_SIZE = 13  # the italic line under the subject lines
ANNEX_NOTE_SIZE = 14  # an annex's "(Kèm theo … số … ngày …)" line, italic (ND30, Phụ lục I)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NBSP = "\u00a0"
DATE_FORMAT = "dd/mm/yyyy"

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def subject_rule_pt(subject_lines: Sequence[str], width_pt: float) -> float:
    """The length of the short rule under the subject lines: a third of the longest line as
    printed (ND30 asks for one between a third and a half), at least 3 cm."""
    longest = max(min(textfit.text_width(line, SUBJECT_SIZE, True), width_pt)
                  for line in subject_lines)
    return max(longest / 3, 30 * PT_PER_MM)


def place_date(place: str, on: date) -> str:
    """"Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026": ND30 writes a leading zero for days below
    10 and for January and February only."""
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


@lru_cache(maxsize=128)
def font(size: float, bold: bool = False, italic: bool = False,
         underline: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline)


def use_default_font(wb: Workbook) -> None:
    """Make Times New Roman 12 the workbook's default font (the "Normal" style and font 0).

    Column widths are counted in digits of that font, so with it they mean the same in Excel
    and LibreOffice (Calibri is often missing on Linux); empty cells a user types in later are
    Times New Roman too.
    """
    base = Font(name=FONT_NAME, size=DEFAULT_FONT_SIZE)
    if wb._fonts[0] == base:
        return
    fonts = list(wb._fonts)
    fonts[0] = base
    wb._fonts = IndexedList(fonts)
    wb._named_styles["Normal"].font = base


@dataclass(frozen=True)
class Letterhead:
    """The unit's lines printed on every document (its settings, never names in code)."""

    superior: str  # "CÔNG AN THÀNH PHỐ HÀ NỘI"
    issuer: str  # "CÔNG AN PHƯỜNG HOÀN KIẾM"
    place: str  # "Phường Hoàn Kiếm", written before the date
    signer_title: tuple[str, ...]  # ("KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG")
    signer_name: str = ""  # empty: left blank to be written by hand
    recipients: tuple[str, ...] = ()  # "Nơi nhận", the unit's setting

    @classmethod
    def from_unit(cls, info: UnitInfo) -> Letterhead:
        """Build from the unit settings. A signer title may hold several lines separated by
        "/" or a line break ("KT. TRƯỞNG CÔNG AN PHƯỜNG / PHÓ TRƯỞNG CÔNG AN PHƯỜNG")."""
        raw = (info.commander_title or "").replace("\n", "/")
        lines = tuple(part.strip().upper() for part in raw.split("/") if part.strip())
        if not lines:
            lines = (_default_signer_title(info),)
        return cls(superior=info.header_superior.strip().upper(),
                   issuer=info.header_issuer.strip().upper(), place=info.place_name.strip(),
                   signer_title=lines, signer_name=(info.commander_name or "").strip(),
                   recipients=tuple(info.recipients))


def _default_signer_title(info: UnitInfo) -> str:
    from .. import places

    try:
        kind = places.ward(info.province_code, info.ward_code).kind
    except StopIteration:
        return f"TRƯỞNG {info.header_issuer.strip().upper()}"
    return f"TRƯỞNG CÔNG AN {kind.upper()}"


@dataclass(frozen=True)
class Column:
    """One table column. ``width`` is relative (Excel character units before stretching)."""

    header: str
    width: float = 10
    align: str = "left"  # "left" | "center" | "right"
    number_format: str | None = None  # "dd/mm/yyyy", "#,##0", "0.0"…; dates default to dd/mm/yyyy
    group: str | None = None  # upper header shared by adjacent columns ("Kết quả")


@dataclass(frozen=True)
class Heading:
    """A bold row across the whole table that starts a group ("I. Tổ dân phố số 1"); ``size``
    (default: the table's) and ``align`` make a bigger, centred heading of a whole block."""

    text: str
    size: float | None = None
    align: str = "left"


@dataclass(frozen=True)
class SectionRow:
    """A bold row of values that opens a part of the table, not merged ("II", "Mô hình, tổ tự
    quản": the numeral under STT, the title beside it). Like a Heading it goes with the rows
    after it."""

    values: Sequence[Any]


@dataclass(frozen=True)
class Subtotal:
    """A bold row of values (a group's subtotal). A text first value followed by None values is
    merged over those cells ("Cộng", None, 12 → "Cộng" spans the first two columns)."""

    values: Sequence[Any]


def _display(value: Any, number_format: str | None) -> str:
    """The text a value shows, to measure it."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if number_format and "," in number_format else str(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


class Sheet:
    """Draws one document on ``ws``: call header(), title(), table()/paragraph(), signature()."""

    def __init__(self, ws: Worksheet, letterhead: Letterhead, columns: Sequence[Column], *,
                 landscape: bool = False, font_size: float = 12):
        if len(columns) < 2:
            raise ValueError("A sheet needs at least two columns.")
        self.ws = ws
        use_default_font(ws.parent)
        self.letterhead = letterhead
        self.columns = list(columns)
        self.landscape = landscape
        self.font_size = font_size
        self.row = 1  # the next free row
        self._heights: dict[int, float] = {}
        self._styles: dict[tuple, Any] = {}  # style arrays already built in this workbook
        self._title_rows: tuple[int, int] | None = None  # table header rows repeated on each page
        self._body: tuple[int, int] | None = None  # first and last table body rows
        self._data_rows: list[int] = []  # rows holding plain values (not headings or totals)
        self._heading_rows: set[int] = set()
        self._subtotal_rows: set[int] = set()
        self._total_row: int | None = None
        paper_w, paper_h = (A4_MM[1], A4_MM[0]) if landscape else A4_MM
        self.printable_width = (paper_w - MARGINS_MM["left"] - MARGINS_MM["right"]) * PT_PER_MM
        self.printable_height = (paper_h - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * PT_PER_MM
        total = sum(textfit.column_points(c.width) for c in self.columns)
        stretch = self.printable_width * FILL / total
        self.widths = [textfit.column_points(c.width) * stretch for c in self.columns]
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = round(
                textfit.column_units(width), 2)
        # ND30 keeps the national title on one line: the right block must hold it at 12 pt.
        self._header_left = self._split(
            HEADER_SPLIT, textfit.text_width(NATIONAL_TITLE, 12, True) + textfit.CELL_PADDING_PT)
        signer = max((textfit.text_width(t, 13, True) for t in letterhead.signer_title),
                     default=0.0)
        self._signature_left = self._split(SIGNATURE_SPLIT[landscape],
                                           signer + textfit.CELL_PADDING_PT)
        self._page_setup()

    # -- geometry ------------------------------------------------------------------------------
    @property
    def ncols(self) -> int:
        return len(self.columns)

    def _split(self, share: float, right_needs: float = 0.0) -> int:
        """Number of leading columns whose width is closest to ``share`` of the whole, among
        those that leave at least ``right_needs`` points on the right (if any do)."""
        total = sum(self.widths)
        candidates = list(range(1, self.ncols))
        roomy = [k for k in candidates if self._span_width(k + 1, self.ncols) >= right_needs]
        return min(roomy or candidates[:1],
                   key=lambda k: abs(self._span_width(1, k) / total - share))

    def _span_width(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1:last])

    def _page_setup(self) -> None:
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        # The columns fill the printable width at 100 % in Times New Roman. Where a spreadsheet
        # program has another font (LibreOffice with DejaVu Serif measures a column in its
        # wider digits and the table grows to about 310 mm), "fit all columns on one page"
        # shrinks it back; the height stays free (as many pages as it takes).
        ws.page_setup.scale = 100
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        m = {k: v / MM_PER_INCH for k, v in MARGINS_MM.items()}
        ws.page_margins.left, ws.page_margins.right = m["left"], m["right"]
        ws.page_margins.top, ws.page_margins.bottom = m["top"], m["bottom"]
        ws.page_margins.header, ws.page_margins.footer = m["header"], m["footer"]
        ws.print_options.horizontalCentered = True
        # Page numbers top centre from page 2 (ND30): page 1 has its own, empty header.
        ws.HeaderFooter.differentFirst = True
        ws.oddHeader.center.text = "&P"
        ws.oddHeader.center.font = f"{FONT_NAME},Regular"
        ws.oddHeader.center.size = 13
        ws.sheet_view.showGridLines = False

    # -- low-level writing ---------------------------------------------------------------------
    def _height(self, row: int, points: float) -> None:
        points = max(points, self._heights.get(row, 0.0))
        self._heights[row] = points
        self.ws.row_dimensions[row].height = points

    def _put(self, row: int, first: int, last: int, text: Any, fnt: Font, *,
             horizontal: str = "center", vertical: str = "center", wrap: bool = True,
             number_format: str | None = None) -> int:
        """Write ``text`` in columns first..last of ``row`` (merged) and return its line count."""
        text = cell_text(text)  # older stored text may hold characters Excel refuses
        cell = self.ws.cell(row, first, text)
        is_text = isinstance(text, str) or text is None
        key = (fnt.sz, fnt.b, fnt.i, fnt.u, horizontal, vertical, wrap, is_text, number_format)
        cached = self._styles.get(key)
        if cached is not None:  # copying the style array skips openpyxl's slow style hashing
            cell._style = copy(cached)
        else:
            cell.font = fnt
            if is_text:
                cell.alignment = Alignment(horizontal=horizontal, vertical=vertical,
                                           wrap_text=wrap)
            else:  # numbers and dates cannot wrap: shrink them rather than show "###"
                cell.alignment = Alignment(horizontal=horizontal, vertical=vertical,
                                           shrink_to_fit=True)
            if number_format:
                cell.number_format = number_format
            self._styles[key] = copy(cell._style)
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        shown = _display(text, number_format)
        if not isinstance(text, str):
            return 1 if shown else 0
        return textfit.line_count(shown, self._span_width(first, last), fnt.sz, bool(fnt.b))

    def _header_size(self) -> float:
        """One size for the whole table header: the body size, or a point or two smaller when
        some header word would otherwise break inside a narrow column."""
        cells = [(c.header, i, i) for i, c in enumerate(self.columns, start=1)]
        i = 1
        while i <= self.ncols:  # group headers span their run of columns
            group, j = self.columns[i - 1].group, i
            while group and j < self.ncols and self.columns[j].group == group:
                j += 1
            if group:
                cells.append((group, i, j))
            i = j + 1
        for size in (self.font_size, self.font_size - 1, self.font_size - 2):
            if all(textfit.line_count(word, self._span_width(a, b), size, True) <= 1
                   for text, a, b in cells for word in text.split()):
                return size
        return self.font_size - 2

    def _fitting_size(self, text: str, width: float, sizes: Sequence[float], bold: bool) -> float:
        """The largest of ``sizes`` that keeps ``text`` on one line (else the smallest)."""
        for size in sizes:
            if textfit.line_count(text, width, size, bold) <= 1:
                return size
        return sizes[-1]

    def _rule(self, row: int, first: int, last: int, length: float) -> None:
        """A short centred horizontal rule of ``length`` points (underlined no-break spaces,
        bottom-aligned in a thin row, which renders as a clean line in Excel and LibreOffice)."""
        space = textfit.text_width(NBSP, RULE_SIZE) / textfit.SAFETY
        count = max(round(length / space), 4)
        self._put(row, first, last, NBSP * count, font(RULE_SIZE, underline="single"),
                  vertical="bottom", wrap=False)

    def skip(self, points: float = 8) -> None:
        """An empty row ``points`` high."""
        self._height(self.row, points)
        self.row += 1

    # -- the document --------------------------------------------------------------------------
    def header(self, number: str | None = "", on: date | None = None) -> None:
        """The ND30 header: superior and issuing body (ruled) and "Số: …" on the left; the
        national title, the motto (ruled) and "<place>, ngày … tháng … năm …" on the right.

        ``number`` is written after "Số: "; "" leaves blanks to fill by hand ("Số:      /"),
        None leaves the line out. ``on`` is the document date (today by default).
        """
        lh, r, n, k = self.letterhead, self.row, self.ncols, self._header_left
        left_w, right_w = self._span_width(1, k), self._span_width(k + 1, n)
        size = self._fitting_size(max(lh.superior, lh.issuer, key=len), left_w, (13, 12), True)
        nat_size = self._fitting_size(NATIONAL_TITLE, right_w, (13, 12), True)
        motto_size = self._fitting_size(MOTTO, right_w, (14, 13), True)
        lines = max(self._put(r, 1, k, lh.superior, font(size)),
                    self._put(r, k + 1, n, NATIONAL_TITLE, font(nat_size, bold=True)))
        self._height(r, textfit.row_height(lines, max(size, nat_size)))
        lines = max(self._put(r + 1, 1, k, lh.issuer, font(size, bold=True)),
                    self._put(r + 1, k + 1, n, MOTTO, font(motto_size, bold=True)))
        self._height(r + 1, textfit.row_height(lines, max(size, motto_size)))
        issuer_w = min(textfit.text_width(lh.issuer, size, True), left_w - 8)
        self._rule(r + 2, 1, k, issuer_w * 0.4)
        self._rule(r + 2, k + 1, n, textfit.text_width(MOTTO, motto_size, True) / textfit.SAFETY)
        self._height(r + 2, RULE_SIZE + 1)
        self.row = r + 3
        self.skip(6)
        r = self.row
        when = place_date(lh.place, on or date.today())
        when_size = self._fitting_size(when, right_w, (13, 12), False)
        lines = self._put(r, k + 1, n, when, font(when_size, italic=True))
        if number is not None:
            lines = max(lines, self._put(r, 1, k, f"Số: {number or NBSP * 8 + '/'}", font(13)))
        self._height(r, textfit.row_height(lines, 13))
        self.row = r + 1
        self.skip(14)

    def title(self, text: str, subject_lines: Sequence[str] = (), note: str | None = None, *,
              note_size: float = NOTE_SIZE) -> None:
        """The document title (caps bold 14), its subject lines (trích yếu: bold 14) with a
        optional italic note below them ("Kèm theo Quyết định số … ngày …") and a short rule
        under all that (ND30, Phụ lục I)."""
        n = self.ncols
        lines = self._put(self.row, 1, n, text.upper(), font(14, bold=True))
        self._height(self.row, textfit.row_height(lines, 14))
        self.row += 1
        for line in subject_lines:
            lines = self._put(self.row, 1, n, line, font(SUBJECT_SIZE, bold=True))
            self._height(self.row, textfit.row_height(lines, SUBJECT_SIZE))
            self.row += 1
        if note:
            lines = self._put(self.row, 1, n, note, font(note_size, italic=True))
            self._height(self.row, textfit.row_height(lines, note_size))
            self.row += 1
        if subject_lines:
            self._rule(self.row, 1, n, subject_rule_pt(subject_lines, self._span_width(1, n)))
            self._height(self.row, RULE_SIZE + 1)
            self.row += 1
        self.skip(12)

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False,
                  align: str = "left", size: float | None = None) -> None:
        """A line of text across the whole width (wrapped), e.g. "Danh sách này có 60 người."."""
        size = size or self.font_size + 1
        lines = self._put(self.row, 1, self.ncols, text, font(size, bold, italic),
                          horizontal=align)
        self._height(self.row, textfit.row_height(lines, size))
        self.row += 1

    def table(self, rows: Sequence[Sequence[Any] | Heading | Subtotal], *,
              total: Sequence[Any] | None = None, numbered: bool = True,
              empty: str = "(Không có số liệu)") -> None:
        """The table: header row(s) with merges, the "(1) (2) …" row when ``numbered``, the rows
        (plain value sequences, :class:`Heading` and :class:`Subtotal`), and a bold ``total``
        row. The header rows repeat at the top of every printed page."""
        first = self.row
        self._table_header()
        if numbered:
            r, size = self.row, self.font_size - 1
            for i in range(1, self.ncols + 1):
                self._put(r, i, i, f"({i})", font(size, italic=True))
            self._box(r)
            self._height(r, textfit.row_height(1, size))
            self.row += 1
        self._title_rows = (first, self.row - 1)
        body_first = self.row
        if not rows:
            lines = self._put(self.row, 1, self.ncols, empty, font(self.font_size, italic=True))
            self._box(self.row)
            self._height(self.row, textfit.row_height(lines, self.font_size))
            self.row += 1
        for item in rows:
            if isinstance(item, Heading):
                self._heading_rows.add(self.row)
                size = item.size or self.font_size
                lines = self._put(self.row, 1, self.ncols, item.text, font(size, bold=True),
                                  horizontal=item.align)
                self._box(self.row)
                self._height(self.row, textfit.row_height(lines, size))
                self.row += 1
            elif isinstance(item, SectionRow):
                self._heading_rows.add(self.row)
                self._values(item.values, bold=True, merge=False)
            elif isinstance(item, Subtotal):
                self._subtotal_rows.add(self.row)
                self._values(item.values, bold=True)
            else:
                self._data_rows.append(self.row)
                self._values(item)
        if not rows:
            self._data_rows.append(body_first)  # the "empty" line stands for the rows
        self._body = (body_first, self.row - 1)
        if total is not None:
            self._total_row = self.row
            self._values(total, bold=True)

    def _table_header(self) -> None:
        r, size = self.row, self.font_size
        two_levels = any(c.group for c in self.columns)
        size = self._header_size()
        bold = font(size, bold=True)
        if not two_levels:
            lines = max(self._put(r, i, i, c.header, bold)
                        for i, c in enumerate(self.columns, start=1))
            self._box(r)
            self._height(r, textfit.row_height(lines, size))
            self.row += 1
            return
        upper = lower = spanning = 0
        i = 1
        while i <= self.ncols:
            col = self.columns[i - 1]
            if not col.group:
                spanning = max(spanning, self._put(r, i, i, col.header, bold))
                self.ws.merge_cells(start_row=r, start_column=i, end_row=r + 1, end_column=i)
                i += 1
                continue
            j = i
            while j < self.ncols and self.columns[j].group == col.group:
                j += 1
            upper = max(upper, self._put(r, i, j, col.group, bold))
            for m in range(i, j + 1):
                lower = max(lower, self._put(r + 1, m, m, self.columns[m - 1].header, bold))
            i = j + 1
        h_lower = textfit.row_height(lower, size)
        h_upper = max(textfit.row_height(upper, size),
                      textfit.row_height(spanning, size) - h_lower)
        self._height(r, h_upper)
        self._height(r + 1, h_lower)
        self._box(r)
        self._box(r + 1)
        self.row += 2

    def _values(self, values: Sequence[Any], bold: bool = False, merge: bool = True) -> None:
        values = list(values)
        if len(values) > self.ncols:
            raise ValueError(f"Row has {len(values)} values for {self.ncols} columns: {values}")
        values += [None] * (self.ncols - len(values))
        r, lines, i = self.row, 1, 1
        fnt = font(self.font_size, bold=bold)
        while i <= self.ncols:
            col, value = self.columns[i - 1], values[i - 1]
            last = i
            if bold and merge and isinstance(value, str):  # a label merged over the empty cells
                while last < self.ncols and values[last] is None:
                    last += 1
            fmt = col.number_format or (DATE_FORMAT if isinstance(value, (date, datetime))
                                        else None)
            align = "center" if last > i else col.align
            lines = max(lines, self._put(r, i, last, value, fnt, horizontal=align,
                                         number_format=fmt))
            i = last + 1
        self._box(r)
        self._height(r, textfit.row_height(lines, self.font_size))
        self.row += 1

    def _box(self, row: int) -> None:
        """Thin borders round every cell of ``row`` (merged ones included)."""
        for i in range(1, self.ncols + 1):
            cell = self.ws.cell(row, i)
            key = ("box", tuple(cell._style))
            cached = self._styles.get(key)
            if cached is not None:
                cell._style = copy(cached)
            else:
                cell.border = BORDER
                self._styles[key] = copy(cell._style)

    def signature(self, recipients: Sequence[str] = (), *, keep_with: int = 2) -> None:
        """The closing: "Nơi nhận:" and its list on the left, the signer's title (caps bold),
        room to sign and the name (bold) on the right. Call it last: it ends the sheet with
        :meth:`finish` (``keep_with`` table rows go to the last page with the block)."""
        self.skip(10)
        first, k, n = self.row, self._signature_left, self.ncols
        lh = self.letterhead
        rows: list[tuple[str, Font] | None] = [(t, font(13, bold=True)) for t in lh.signer_title]
        rows += [None] * SIGNING_SPACE_ROWS + [(lh.signer_name, font(13, bold=True))]
        left: list[tuple[str, Font]] = []
        if recipients:
            left.append(("Nơi nhận:", font(12, bold=True, italic=True)))
            left += [(t if t.lstrip().startswith("-") else f"- {t}", font(11)) for t in recipients]
        for i in range(max(len(rows), len(left))):
            r = first + i
            height = textfit.row_height(1, 13)  # one pitch: even list lines, ~3.5 cm to sign
            if i < len(rows) and rows[i] is not None and rows[i][0]:
                text, fnt = rows[i]
                height = textfit.row_height(self._put(r, k + 1, n, text, fnt), fnt.sz)
            if i < len(left):
                text, fnt = left[i]
                lines = self._put(r, 1, k, text, fnt, horizontal="left", vertical="top")
                height = max(height, textfit.row_height(lines, fnt.sz))
            self._height(r, height)
        self.row = first + max(len(rows), len(left))
        self.finish(keep_with=keep_with)

    def finish(self, *, keep_with: int = 2) -> None:
        """End the sheet: the print area, the table header rows repeated on every page and the
        manual page breaks, chosen by :func:`~.document.paginate` (the decision the printed
        document takes) from the row heights set here. Called by :meth:`signature`; a sheet
        without a signature block (an annex) calls it itself."""
        self.ws.print_area = f"A1:{get_column_letter(self.ncols)}{self.row - 1}"
        if self._title_rows:
            a, b = self._title_rows
            self.ws.print_title_rows = f"{a}:{b}"
        self._paginate(keep_with)

    # -- pagination ----------------------------------------------------------------------------
    # Room LibreOffice and Excel leave at the foot of a page for rounding row heights (each is
    # stored in twips, and LibreOffice in 1/100 mm): a hair per row, counted generously.
    PAGE_TOLERANCE_PT = 4.0

    def page_spans(self, keep_with: int = 2) -> list:
        """The pages of the table, decided by :func:`~.document.paginate` from the heights of
        the rows as written (at 100 %: a narrower fit only makes the pages roomier, and the
        manual breaks keep them as decided). Spans index the table body rows."""
        from .document import HEADING, ROW, SUBTOTAL, Measures, paginate

        if not self._body or not self._title_rows:
            return []
        body_first, body_last = self._body
        h = self._row_height
        titles = sum(h(r) for r in range(self._title_rows[0], self._title_rows[1] + 1))
        above = sum(h(r) for r in range(1, body_first))
        after = self._total_row + 1 if self._total_row else body_last + 1
        tail = sum(h(r) for r in range(after, self.row))
        kinds = []
        for r in range(body_first, body_last + 1):
            if r in self._heading_rows:  # headings and section rows alike
                kinds.append(HEADING)
            elif r in self._subtotal_rows:
                kinds.append(SUBTOTAL)
            else:
                kinds.append(ROW)
        m = Measures(page=self.printable_height, first=above, middle=titles,
                     last=titles + tail, single=above + tail, alone=titles + tail,
                     rows=[h(r) for r in range(body_first, body_last + 1)], kinds=kinds,
                     total=h(self._total_row) if self._total_row else 0.0)
        return paginate(m, keep_with=keep_with, tolerance=self.PAGE_TOLERANCE_PT)

    def _paginate(self, keep_with: int) -> None:
        """A manual break before every page the table's pages start (Excel and LibreOffice
        then never choose one of their own: every page holds what was decided)."""
        spans = self.page_spans(keep_with)
        if not spans:
            return
        body_first, body_last = self._body
        have = {brk.id for brk in self.ws.row_breaks.brk}
        for span in spans[1:]:
            # the break falls after the sheet row ``id``; a page of the signature block alone
            # starts after the table, its total included
            after = body_first + span.start - 1
            if after == body_last and self._total_row:
                after = self._total_row
            if after not in have:
                self.ws.row_breaks.append(Break(id=after))
                have.add(after)

    def pages(self) -> dict[int, int]:
        """Page number of each written row, as Excel/LibreOffice will break them at 100 %
        (at its manual breaks: :meth:`finish` puts one wherever a page ends)."""
        manual = {brk.id for brk in self.ws.row_breaks.brk}
        page, result = 1, {}
        for r in range(1, self.row):
            if (r - 1) in manual:
                page += 1
            result[r] = page
        return result

    def _row_height(self, row: int) -> float:
        return self._heights.get(row, textfit.row_height(1, 11))

