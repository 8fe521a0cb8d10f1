"""A printable table document in the state format (docs/DOMAIN.md §6), neutral of its output.

A :class:`TableDocument` holds what a list or a table report says: the letterhead, number and
date, the title and subject lines, the columns and rows (with :class:`~.layout.Heading`,
:class:`~.layout.SectionRow` and :class:`~.layout.Subtotal` rows, and :class:`Formatted` values
that carry their own number format), a total, closing paragraphs under the table, the
recipients. It is drawn two ways:

- :func:`to_workbook` on an openpyxl sheet through :class:`~.layout.Sheet`, so the ``.xlsx``
  looks like every other form;
- :func:`html_parts` as the rich-text subset of HTML that ``QTextDocument`` understands, which
  :mod:`antq_desktop.reports.printing` measures, cuts into A4 pages with :func:`paginate` and
  draws for print preview, printing and PDF.

A document of its own rather than the police's (the mediation team's book) is a
:class:`SectionedDocument`: parts (:class:`Section`) that each start on a new page and number
their own pages, each a :class:`TableDocument` without the ND30 header and the signature block
(``state_header``, ``signed``) or a :class:`TextPage` of lines (a cover);
:func:`sections_to_workbook` draws each on a sheet of its own. A :class:`Room` cell is left empty to write in by hand.

Nothing here imports Qt: :func:`paginate` decides the page breaks from heights measured
elsewhere, so it is tested on made-up heights too.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from . import textfit
from .layout import (
    A4_MM,
    FONT_NAME,
    HEADER_SPLIT,
    MARGINS_MM,
    ANNEX_NOTE_SIZE,
    MOTTO,
    NATIONAL_TITLE,
    NOTE_SIZE,
    PT_PER_MM,
    SIGNATURE_SPLIT,
    SUBJECT_SIZE,
    Column,
    Heading,
    Letterhead,
    SectionRow,
    Sheet,
    Subtotal,
    font,
    place_date,
    subject_rule_pt,
)

Row = Sequence[Any] | Heading | SectionRow | Subtotal
EMPTY = "(Không có số liệu)"
SIGNING_SPACE_PT = 80  # room for the signature and the seal (about 3 cm)
CELL_PADDING_PT = 6  # what a line loses to the cell it sits in (padding and border)
SLACK_PT = 2  # more room a date, a number or a word needs so that it never breaks in its cell
LINE_PITCH = 1.11  # a printed line's height in the shipped serif, in font sizes
INDENT_PT = 10  # one indent level of a spreadsheet cell, as LibreOffice prints it
PX_PER_PT = 96 / 72  # Qt's rich text counts a margin in pixels of 1/96 inch


@dataclass(frozen=True)
class Formatted:
    """A cell value with a number format of its own (the column's serves the other rows):
    ``Formatted(12.5, "#,##0.0#")`` among whole counts."""

    value: Any
    number_format: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph under the table, before the signature block ("Trong năm 2025: …")."""

    text: str
    italic: bool = False
    bold: bool = False
    size: float | None = None  # None: a point above the table's body size, as Sheet.paragraph
    align: str = "left"


@dataclass(frozen=True)
class TableDocument:
    """One printable document: the ND30 header, a title, a table and the signature block."""

    letterhead: Letterhead
    number: str | None  # after "Số: "; "" leaves blanks to fill by hand, None leaves it out
    on: date  # the document date, written after the place
    title: str  # "DANH SÁCH" (printed in capitals)
    subject_lines: Sequence[str] = ()
    columns: Sequence[Column] = ()
    rows: Sequence[Row] = ()
    total: Sequence[Any] | None = None
    note: str | None = None  # an italic line below the subject lines
    recipients: Sequence[str] = ()
    landscape: bool = False
    empty: str = EMPTY  # what the table says when it has no rows
    numbered: bool = True  # the "(1) (2) …" row under the column headers
    font_size: float = 12
    closing: Sequence[Paragraph] = ()  # under the table, before the signature block
    # An annex of another body's document (Nghị định 30/2020, Phụ lục I, mục III.1; Phụ lục
    # III, mẫu 2.1): the title, the italic "(Kèm theo Quyết định số … ngày … của …)" line
    # (``note``) with a short rule under it, and the table; no letterhead, number, place and
    # date, signature block or recipients, which are the main document's.
    annex: bool = False
    # A document of its own (a mediation team's book) leaves out the police's ND30 header
    # (letterhead, number, place and date) and its signature block.
    state_header: bool = True
    signed: bool = True


@dataclass(frozen=True)
class Room:
    """An empty cell left to write in by hand (the signatures of a case, column 9 of the
    mediation book): its row is at least ``height`` points high."""

    height: float

    def lines(self, font_size: float) -> int:
        """Empty lines of ``font_size`` that make a printed row at least ``height`` high."""
        return max(1, math.ceil((self.height - CELL_PADDING_PT) / (font_size * LINE_PITCH)
                                - 0.01))


@dataclass(frozen=True)
class Line:
    """One line (wrapped if long) of a page without a table, such as a book's cover."""

    text: str
    size: float = 14
    bold: bool = False
    underline: bool = False
    align: str = "center"
    indent: int = 0  # steps in from the left (Excel's indent levels), for left-aligned lines
    space_before: float = 0  # points left empty above it


@dataclass(frozen=True)
class TextPage:
    """A page of lines and no table (a book's cover), always on a page of its own."""

    title: str
    lines: Sequence[Line]
    landscape: bool = False
    font_size: float = 12
    numbered_page: bool = False  # a cover carries no page number


@dataclass(frozen=True)
class Section:
    """One part of a :class:`SectionedDocument`: a sheet of its own in the workbook (named
    ``name``), and in print it starts on a new page and numbers its own pages."""

    name: str  # the sheet's name (at most 31 characters, unique in the document)
    body: TableDocument | TextPage


@dataclass(frozen=True)
class SectionedDocument:
    """A document made of parts, each with its own columns and header, each starting on a new
    page (a mediation team's book: the cover, Part I and Part II, for each team in turn).

    Its parts share one orientation: a bound book has one, and a print preview shows every page
    on the same paper."""

    title: str
    sections: Sequence[Section]
    subject_lines: Sequence[str] = ()

    def __post_init__(self):
        if not self.sections:
            raise ValueError("a sectioned document has at least one section")
        if len({s.body.landscape for s in self.sections}) > 1:
            raise ValueError("the sections of one document share one orientation")

    @property
    def landscape(self) -> bool:
        return self.sections[0].body.landscape


Printable = TableDocument | SectionedDocument  # what print preview, printing and PDF take


# -- Excel ---------------------------------------------------------------------------------------
def _plain(values: Sequence[Any], at: int, formats: list,
           rooms: list | None = None) -> Sequence[Any]:
    """``values`` without their :class:`Formatted` wrappers, whose formats go to ``formats``
    as (row index, column index, format), and with their :class:`Room` cells empty, whose
    heights go to ``rooms`` as (row index, height)."""
    if not any(type(v) in (Formatted, Room) for v in values):
        return values
    out = []
    for column, value in enumerate(values):
        if type(value) is Formatted:
            formats.append((at, column, value.number_format))
            value = value.value
        elif type(value) is Room:
            if rooms is not None:
                rooms.append((at, value.height))
            value = None
        out.append(value)
    return out


def to_workbook(doc: TableDocument, sheet_title: str | None = None, *,
                sheet_class: type[Sheet] = Sheet) -> Workbook:
    """The document on the first sheet of a new workbook, drawn by :class:`layout.Sheet` (or a
    faster subclass of it that draws the same cells)."""
    wb = Workbook()
    ws = wb.active
    if sheet_title:
        ws.title = sheet_title[:31]
    draw(ws, doc, sheet_class=sheet_class)
    return wb


def draw(ws, doc: TableDocument, *, sheet_class: type[Sheet] = Sheet) -> Sheet:
    """The document on the worksheet ``ws``."""
    # the columns in the printed document's proportions: a narrow column is widened for its
    # widest date, number or word, so no program breaks one inside its cell
    columns = [replace(c, width=p) for c, p in zip(doc.columns, column_percents(doc))]
    sheet = sheet_class(ws, doc.letterhead, columns, landscape=doc.landscape,
                        font_size=doc.font_size)
    if doc.state_header and not doc.annex:
        sheet.header(number=doc.number, on=doc.on)
    sheet.title(doc.title, list(doc.subject_lines), doc.note,
                note_size=ANNEX_NOTE_SIZE if doc.annex else NOTE_SIZE)
    formats: list[tuple[int, int, str]] = []
    rooms: list[tuple[int, float]] = []
    rows: list = []
    for at, item in enumerate(doc.rows):
        if isinstance(item, Heading):
            rows.append(item)
        elif isinstance(item, (SectionRow, Subtotal)):
            values = _plain(item.values, at, formats)
            rows.append(item if values is item.values else type(item)(values))
        else:
            rows.append(_plain(item, at, formats, rooms))
    total = None if doc.total is None else _plain(doc.total, max(len(rows), 1), formats)
    first = sheet.row + header_rows(doc)  # the sheet row of the first table row
    sheet.table(rows, total=total, numbered=doc.numbered, empty=doc.empty)
    for at, column, number_format in formats:
        ws.cell(first + at, column + 1).number_format = number_format
    for at, height in rooms:  # room to write in by hand
        dimension = ws.row_dimensions[first + at]
        dimension.height = max(dimension.height or 0, height)
    for p in doc.closing:
        sheet.paragraph(p.text, bold=p.bold, italic=p.italic, align=p.align, size=p.size)
    if doc.signed and not doc.annex:
        sheet.signature(recipients=list(doc.recipients))
    else:  # no signature block to keep rows with: one row is enough on the last page
        sheet.finish(keep_with=1)
    return sheet


BLANK_LETTERHEAD = Letterhead(superior="", issuer="", place="", signer_title=())


def draw_text_page(ws, page: TextPage) -> Sheet:
    """A page of lines on the worksheet ``ws``, in one column between two margins (a book's
    cover), printed on one page without a page number."""
    sheet = Sheet(ws, BLANK_LETTERHEAD, [Column("", 20), Column("", 60), Column("", 20)],
                  landscape=page.landscape, font_size=page.font_size)
    if not page.numbered_page:
        ws.oddHeader.center.text = None
    for line in page.lines:
        if line.space_before:
            sheet.skip(line.space_before)
        sheet.paragraph(line.text, bold=line.bold, align=line.align, size=line.size)
        cell = ws.cell(sheet.row - 1, 1)
        if line.underline:
            cell.font = font(line.size, bold=line.bold, underline="single")
        if line.indent:
            cell.alignment = Alignment(horizontal=line.align, vertical="center",
                                       wrap_text=True, indent=line.indent)
    ws.print_area = f"A1:C{sheet.row - 1}"
    return sheet


def sections_to_workbook(doc: SectionedDocument) -> Workbook:
    """Each section of ``doc`` on a sheet of its own, named as the section, numbering its own
    pages (from 2, as ND30 wants) also when the workbook is printed whole."""
    wb = Workbook()
    wb.remove(wb.active)
    for section in doc.sections:
        ws = wb.create_sheet(section.name[:31])
        if isinstance(section.body, TextPage):
            draw_text_page(ws, section.body)
        else:
            draw(ws, section.body)
        ws.page_setup.firstPageNumber = 1
        ws.page_setup.useFirstPageNumber = True
    return wb


def header_rows(doc: TableDocument) -> int:
    """Rows of the table's header: one, or two under grouped columns, and the "(1) (2) …" row."""
    return (2 if any(c.group for c in doc.columns) else 1) + (1 if doc.numbered else 0)


# -- values as text ------------------------------------------------------------------------------
def content_width_pt(landscape: bool) -> float:
    """The printable width of an A4 page between the ND30 margins, in points."""
    paper_w = A4_MM[1] if landscape else A4_MM[0]
    return (paper_w - MARGINS_MM["left"] - MARGINS_MM["right"]) * PT_PER_MM


def display(value: Any, number_format: str | None = None) -> str:
    """The text a cell shows: dates dd/mm/yyyy, thousands with dots, decimals with a comma,
    signs and decimals as the number format says ("+#,##0;-#,##0;0", "0.0", "#,##0.0#")."""
    if type(value) is Formatted:
        return display(value.value, value.number_format)
    if value is None or type(value) is Room:
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, (int, float)) and number_format and any(
            ch in number_format for ch in "0#"):
        return format_number(value, number_format)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _digits(Decimal(repr(value)), 2, 2, True)
    return str(value)


def format_number(value: float, number_format: str) -> str:
    """``value`` as Excel shows it under ``number_format`` (sections "positive;negative;zero",
    literal signs, "#,##0", "0.0", "#,##0.0#", "%"), in Vietnamese: 1.234,5."""
    sections = number_format.split(";")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number < 0 and len(sections) > 1:
        section, number, sign = sections[1], -number, ""
    elif number == 0 and len(sections) > 2:
        section, sign = sections[2], ""
    else:
        section, sign = sections[0], "-" if number < 0 else ""
        number = abs(number)
    marks = [i for i, ch in enumerate(section) if ch in "0#"]
    if not marks:  # a section of text only ("-")
        return section.replace('"', "")
    prefix, core, suffix = section[:marks[0]], section[marks[0]:marks[-1] + 1], \
        section[marks[-1] + 1:]
    if "%" in suffix:
        number *= 100
    decimals = core.split(".", 1)[1] if "." in core else ""
    text = _digits(number, decimals.count("0"), len(decimals), "," in core)
    if text.strip("0.,") == "" and sign:  # -0,0 shows as 0,0
        sign = ""
    return (sign + prefix + text + suffix).replace('"', "").replace("\\", "")


def _digits(number: Decimal, least: int, most: int, grouped: bool) -> str:
    """``number`` (not negative unless ``least`` = ``most`` = 2, the default look of a float)
    with at least ``least`` and at most ``most`` decimals, rounded half up."""
    sign = "-" if number < 0 else ""
    number = abs(number).quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{number:f}".partition(".")
    while len(fraction) > least and fraction.endswith("0"):
        fraction = fraction[:-1]
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


# -- HTML ----------------------------------------------------------------------------------------
HEADING, SECTION, SUBTOTAL, ROW = "heading", "section", "subtotal", "row"  # kinds of table row
KEEP_WITH_NEXT = (HEADING, SECTION)  # never the last row of a page
KEEP_WITH_PREVIOUS = (SUBTOTAL,)  # never the first row of a page


def row_kind(item: Row) -> str:
    if isinstance(item, Heading):
        return HEADING
    if isinstance(item, SectionRow):
        return SECTION
    if isinstance(item, Subtotal):
        return SUBTOTAL
    return ROW


def _text(value: str) -> str:
    """Escaped text with line breaks kept."""
    return html.escape(value).replace("\n", "<br/>")


def _p(text: str, size: float, *, bold: bool = False, italic: bool = False,
       align: str = "center", margin_top: float = 0, margin_bottom: float = 0) -> str:
    style = [f"font-size:{size:g}pt", f"margin-top:{margin_top:g}px",
             f"margin-bottom:{margin_bottom:g}px"]
    if bold:
        style.append("font-weight:bold")
    if italic:
        style.append("font-style:italic")
    return f'<p align="{align}" style="{";".join(style)}">{_text(text)}</p>'


def _rule(percent: float) -> str:
    """A short centred rule under a header line."""
    return f'<hr width="{max(5, min(100, round(percent)))}%" style="margin:0px"/>'


def _fitting(text: str, width: float, sizes: Sequence[float], bold: bool = False) -> float:
    """The largest of ``sizes`` that keeps ``text`` on one line of ``width`` points."""
    return next((size for size in sizes if textfit.text_width(text, size, bold) <= width),
                sizes[-1])


def _header(doc: TableDocument, width_pt: float) -> str:
    lh = doc.letterhead
    left_w = width_pt * HEADER_SPLIT - CELL_PADDING_PT
    right_w = width_pt * (1 - HEADER_SPLIT) - CELL_PADDING_PT
    size = _fitting(max(lh.superior, lh.issuer, key=len), left_w, (13, 12, 11), True)
    nat_size = _fitting(NATIONAL_TITLE, right_w, (13, 12), True)
    motto_size = _fitting(MOTTO, right_w, (14, 13), True)
    when = place_date(lh.place, doc.on)
    when_size = _fitting(when, right_w, (13, 12), False)
    issuer_rule = min(textfit.text_width(lh.issuer, size, True), left_w) * 0.4 / left_w * 100
    motto_rule = textfit.text_width(MOTTO, motto_size, True) / textfit.SAFETY / right_w * 100
    number = ""
    if doc.number is not None:
        number = _p(f"Số: {doc.number or chr(0xA0) * 8 + '/'}", 13)
    left = _p(lh.superior, size) + _p(lh.issuer, size, bold=True) + _rule(issuer_rule)
    right = (_p(NATIONAL_TITLE, nat_size, bold=True) + _p(MOTTO, motto_size, bold=True)
             + _rule(motto_rule))
    split = round(HEADER_SPLIT * 100)
    return (
        '<table width="100%" cellspacing="0" cellpadding="0" border="0">'
        f'<tr><td width="{split}%" valign="top">{left}</td>'
        f'<td width="{100 - split}%" valign="top">{right}</td></tr>'
        f'<tr><td valign="top">{number}</td>'
        f'<td valign="top">{_p(when, when_size, italic=True, margin_top=6)}</td></tr>'
        "</table>"
    )


def _title(doc: TableDocument) -> str:
    parts = [_p(doc.title.upper(), 14, bold=True, margin_top=0 if doc.annex else 18)]
    parts += [_p(line, SUBJECT_SIZE, bold=True) for line in doc.subject_lines]
    if doc.note:
        parts.append(_p(doc.note, ANNEX_NOTE_SIZE if doc.annex else NOTE_SIZE, italic=True))
    if doc.subject_lines:
        width = content_width_pt(doc.landscape)
        parts.append(_rule(subject_rule_pt(doc.subject_lines, width) / width * 100))
    parts.append('<p style="font-size:6pt;margin:0px">&nbsp;</p>')
    return "".join(parts)


def _cell(text: str, *, align: str = "left", bold: bool = False, italic: bool = False,
          size: float | None = None, colspan: int = 1, rowspan: int = 1,
          width: float | None = None, tag: str = "td") -> str:
    attrs = [f'align="{align}"', 'valign="middle"']
    if colspan > 1:
        attrs.append(f'colspan="{colspan}"')
    if rowspan > 1:
        attrs.append(f'rowspan="{rowspan}"')
    if width is not None:
        attrs.append(f'width="{width:g}%"')
    style = []
    if size:
        style.append(f"font-size:{size:g}pt")
    style.append(f"font-weight:{'bold' if bold else 'normal'}")
    if italic:
        style.append("font-style:italic")
    attrs.append(f'style="{";".join(style)}"')
    return f"<{tag} {' '.join(attrs)}>{_text(text)}</{tag}>"


# A word Qt could break at its slash or hyphen ("III/|2026)", "QĐ-|UBND"; not "05/01/2025").
_BREAKABLE = re.compile(r"[^\s\d][/-]\S")


class _Needs:
    """The widest word (or date, or number) of each column, measured as rows are drawn, and
    whether a cell holds a word Qt could break inside (:data:`_BREAKABLE`)."""

    def __init__(self, count: int, size: float):
        self.widths = [0.0] * count
        self.size = size
        self.breakable = False
        self._seen: dict[tuple[str, bool], tuple[float, bool]] = {}

    def add(self, column: int, text: str, bold: bool) -> None:
        key = (text, bold)
        seen = self._seen.get(key)
        if seen is None:
            width = max((textfit.text_width(word, self.size, bold) for word in text.split()),
                        default=0.0)
            seen = self._seen[key] = (width, bool(_BREAKABLE.search(text)))
        self.widths[column] = max(self.widths[column], seen[0])
        self.breakable = self.breakable or seen[1]


QT_CELL_INSET_PT = 5.7  # a cell's padding and border, as Qt lays out the table


def _line_width(text: str, size: float, bold: bool) -> float:
    """A line's width as printed (textfit's metrics without their safety margin, the em dash
    at its real width), rounded up a little."""
    width = textfit.text_width(text, size, bold) / textfit.SAFETY
    return (width + text.count("\u2014") * 0.4 * size) * 1.005


def _wrapped(text: str, width_pt: float, size: float, bold: bool) -> str:
    """``text`` with a line break wherever it wraps at a space in a cell ``width_pt`` wide,
    so that Qt never needs to break one of its lines again (where it might choose a slash)."""
    usable = width_pt - QT_CELL_INSET_PT - 0.3
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            longer = f"{line} {word}" if line else word
            if line and _line_width(longer, size, bold) > usable:
                out.append(line)
                line = word
            else:
                line = longer
        out.append(line)
    return "\n".join(out)


def _values(doc: TableDocument, values: Sequence[Any], bold: bool = False, *,
            merge: bool = True, needs: _Needs | None = None,
            widths: Sequence[float] | None = None) -> str:
    """A row of cells; with ``widths`` (points), a text that Qt could break inside a word is
    broken at its spaces instead."""
    cols = doc.columns
    values = list(values)
    if len(values) > len(cols):
        raise ValueError(f"Row has {len(values)} values for {len(cols)} columns: {values}")
    values += [None] * (len(cols) - len(values))
    cells, i = [], 0
    while i < len(cols):
        value, last = values[i], i
        if bold and merge and isinstance(value, str):  # a label over the empty cells after it
            while last + 1 < len(cols) and values[last + 1] is None:
                last += 1
        text = display(value, cols[i].number_format)
        if type(value) is Room:  # empty lines that make the row as tall as asked
            text = "\n".join(["\u00a0"] * value.lines(doc.font_size))
        if needs is not None and text and last == i:
            needs.add(i, text, bold)
        if widths is not None and last == i and _BREAKABLE.search(text):
            text = _wrapped(text, widths[i], doc.font_size, bold)
        align = "center" if last > i else cols[i].align
        cells.append(_cell(text, align=align, bold=bold, colspan=last - i + 1))
        i = last + 1
    return f"<tr>{''.join(cells)}</tr>"


def _row(doc: TableDocument, item: Row, needs: _Needs | None = None,
         widths: Sequence[float] | None = None) -> str:
    if isinstance(item, Heading):
        cell = _cell(item.text, bold=True, colspan=len(doc.columns), align=item.align,
                     size=item.size)
        return f"<tr>{cell}</tr>"
    if isinstance(item, SectionRow):
        return _values(doc, item.values, bold=True, merge=False, needs=needs, widths=widths)
    if isinstance(item, Subtotal):
        return _values(doc, item.values, bold=True, needs=needs, widths=widths)
    return _values(doc, item, needs=needs, widths=widths)


def _fit_widths(base: Sequence[float], needs: Sequence[float]) -> list[float] | None:
    """``base`` widths with every column at least as wide as it ``needs``: what the narrow
    columns lack is taken from the others in proportion to what they have to spare; None when
    the needs exceed the whole width."""
    if sum(needs) > sum(base):
        return None
    short = [b < n for b, n in zip(base, needs)]
    lack = sum(n - b for b, n, s in zip(base, needs, short) if s)
    if not lack:
        return list(base)
    spare = sum(b - n for b, n, s in zip(base, needs, short) if not s)
    return [n if s else b - (b - n) * lack / spare for b, n, s in zip(base, needs, short)]


def _measured(doc: TableDocument) -> _Needs:
    """The widest word of each column (as :func:`_values` adds them while drawing rows),
    without drawing: a cell merged over the ones after it (a bold label) is not counted."""
    cols = doc.columns
    needs = _Needs(len(cols), doc.font_size)

    def add(values: Sequence[Any], bold: bool, merge: bool) -> None:
        values = list(values) + [None] * (len(cols) - len(values))
        for i, value in enumerate(values):
            if value is None:
                continue
            if bold and merge and isinstance(value, str) and i + 1 < len(cols) \
                    and values[i + 1] is None:
                continue  # merged over the empty cells after it
            text = display(value, cols[i].number_format)
            if text:
                needs.add(i, text, bold)

    for item in doc.rows:
        if isinstance(item, Heading):
            continue
        if isinstance(item, SectionRow):
            add(item.values, True, False)
        elif isinstance(item, Subtotal):
            add(item.values, True, True)
        else:
            add(item, False, True)
    if doc.total is not None:
        add(doc.total, True, True)
    return needs


def column_percents(doc: TableDocument, needs: _Needs | None = None) -> list[float]:
    """Each column's share of the width (in %): the relative widths of the columns, widened
    where a word, a date or a number of the column (or of its header, at the body size if the
    table allows, else a point or two smaller) would otherwise break inside its cell."""
    cols = list(doc.columns)
    width = content_width_pt(doc.landscape)
    total = sum(c.width for c in cols)
    base = [c.width / total * width for c in cols]
    if needs is None:
        needs = _measured(doc)
    values = needs.widths
    pad = CELL_PADDING_PT + SLACK_PT
    numbered = [textfit.text_width(f"({n})", doc.font_size - 1) if doc.numbered else 0.0
                for n in range(1, len(cols) + 1)]
    fitted = None
    for size in (doc.font_size, doc.font_size - 1, doc.font_size - 2, None):
        heads = [0.0 if size is None else max(textfit.text_width(w, size, True)
                                               for w in c.header.split() or [""])
                 for c in cols]
        fitted = _fit_widths(base, [max(v, h, n) + pad
                                    for v, h, n in zip(values, heads, numbered)])
        if fitted is not None:
            break
    widths = fitted or base
    percents = [round(w / width * 100, 3) for w in widths]
    percents[-1] = round(percents[-1] + 100 - sum(percents), 3)  # exactly 100 in all
    return percents


def table_header_size(doc: TableDocument, percents: Sequence[float] | None = None) -> float:
    """The body size, or a point or two smaller when a header word would not fit its column
    (the same choice :class:`layout.Sheet` makes)."""
    cols = list(doc.columns)
    width = content_width_pt(doc.landscape)
    percents = column_percents(doc) if percents is None else percents
    for size in (doc.font_size, doc.font_size - 1, doc.font_size - 2):
        if all(textfit.text_width(word, size, True) + CELL_PADDING_PT <= width * p / 100
               for c, p in zip(cols, percents) for word in c.header.split()):
            return size
    return doc.font_size - 2


def _table_head(doc: TableDocument, percents: Sequence[float]) -> str:
    cols = list(doc.columns)
    size = table_header_size(doc, percents)
    two_levels = any(c.group for c in cols)
    upper, lower = [], []
    i = 0
    while i < len(cols):
        col = cols[i]
        if not col.group:
            upper.append(_cell(col.header, align="center", bold=True, size=size,
                               rowspan=2 if two_levels else 1, width=percents[i]))
            i += 1
            continue
        j = i
        while j + 1 < len(cols) and cols[j + 1].group == col.group:
            j += 1
        upper.append(_cell(col.group, align="center", bold=True, size=size, colspan=j - i + 1))
        lower += [_cell(cols[m].header, align="center", bold=True, size=size,
                        width=percents[m]) for m in range(i, j + 1)]
        i = j + 1
    rows = [f"<tr>{''.join(upper)}</tr>"]
    if two_levels:
        rows.append(f"<tr>{''.join(lower)}</tr>")
    if doc.numbered:
        rows.append("<tr>" + "".join(_cell(f"({n})", align="center", italic=True,
                                           size=doc.font_size - 1)
                                     for n in range(1, len(cols) + 1)) + "</tr>")
    return f"<thead>{''.join(rows)}</thead>"


TABLE_OPEN = ('<table width="100%" border="1" cellspacing="0" cellpadding="3" '
              'style="border-collapse:collapse;border-color:#000000;border-style:solid;'
              'border-width:0.75px;{extra}">')


def _closing(doc: TableDocument) -> str:
    return "".join(_p(p.text, p.size or doc.font_size + 1, bold=p.bold, italic=p.italic,
                      align=p.align, margin_top=12) for p in doc.closing)


def _signature(doc: TableDocument, width_pt: float) -> str:
    lh = doc.letterhead
    split = round(SIGNATURE_SPLIT[doc.landscape] * 100)
    left = ""
    if doc.recipients:
        left = _p("Nơi nhận:", 12, bold=True, italic=True, align="left")
        left += "".join(_p(t if t.lstrip().startswith("-") else f"- {t}", 11, align="left")
                        for t in doc.recipients)
    right = "".join(_p(t, 13, bold=True) for t in lh.signer_title)
    right += f'<p style="font-size:13pt;margin-top:{SIGNING_SPACE_PT}px">&nbsp;</p>'
    right += _p(lh.signer_name or "\u00a0", 13, bold=True)
    return (
        '<table width="100%" cellspacing="0" cellpadding="0" border="0" '
        'style="margin-top:14px">'
        f'<tr><td width="{split}%" valign="top">{left}</td>'
        f'<td width="{100 - split}%" valign="top">{right}</td></tr></table>'
    )


@dataclass(frozen=True)
class PageSpan:
    """What one printed page holds: the table rows ``start`` to ``end`` (indices in
    :attr:`HtmlParts.rows`; none when equal) under the column headers, and perhaps the
    letterhead and title above them (the first page), the total row after them, the closing
    paragraphs and the signature block below (the last page)."""

    start: int
    end: int
    first: bool = False
    total: bool = False
    last: bool = False


@dataclass(frozen=True)
class HtmlParts:
    """A document as pieces of QTextDocument HTML, from which any page is put together: the
    rows are drawn once and cut where the pages turn."""

    opening: str  # <html>, <body> with the font
    top: str  # the ND30 header and the title
    head: str  # the table's <thead>: the column headers, repeated on every page
    rows: tuple[str, ...]  # one <tr> per table row (the "empty" row when there are none)
    kinds: tuple[str, ...]  # HEADING, SECTION, SUBTOTAL or ROW, per row
    total: str  # the total row, "" when there is none
    tail: str  # the closing paragraphs and the signature block
    percents: tuple[float, ...] = ()  # each column's share of the width
    ending: str = "</body></html>"

    def table(self, start: int, end: int, total: bool, page_break: bool = False) -> str:
        """A table of rows ``start`` to ``end`` under the column headers."""
        extra = "page-break-before:always" if page_break else ""
        body = "".join(self.rows[start:end]) + (self.total if total else "")
        return f"{TABLE_OPEN.format(extra=extra)}{self.head}<tbody>{body}</tbody></table>"

    def page(self, span: PageSpan) -> str:
        """The HTML of one page."""
        parts = [self.opening]
        if span.first:
            parts.append(self.top)
        if span.end > span.start or span.total:
            parts.append(self.table(span.start, span.end, span.total))
        if span.last:
            parts.append(self.tail)
        parts.append(self.ending)
        return "".join(parts)


def html_parts(doc: TableDocument, *, font_family: str = FONT_NAME) -> HtmlParts:
    """The document as :class:`HtmlParts` in ``font_family``."""
    width = content_width_pt(doc.landscape)
    family = html.escape(font_family, quote=True)
    needs = _Needs(len(doc.columns), doc.font_size)
    rows, again = [], []
    for index, item in enumerate(doc.rows):
        rows.append(_row(doc, item, needs))
        if needs.breakable:
            again.append(index)
            needs.breakable = False
    kinds = tuple(row_kind(item) for item in doc.rows)
    if not doc.rows:
        empty = _cell(doc.empty, italic=True, colspan=len(doc.columns), align="center")
        rows, kinds = [f"<tr>{empty}</tr>"], (ROW,)
    total = "" if doc.total is None else _values(doc, doc.total, bold=True, needs=needs)
    percents = column_percents(doc, needs)
    widths = [p / 100 * width for p in percents]
    for index in again:  # drawn again, now that the widths are known
        rows[index] = _row(doc, doc.rows[index], widths=widths)
    if needs.breakable:
        total = _values(doc, doc.total, bold=True, widths=widths)
    return HtmlParts(
        opening=("<html><head><meta charset='utf-8'/></head>"
                 f'<body style="font-family:\'{family}\';font-size:{doc.font_size:g}pt;'
                 'color:#000000">'),
        top=(_header(doc, width) if doc.state_header and not doc.annex else "") + _title(doc),
        head=_table_head(doc, percents),
        rows=tuple(rows), kinds=kinds, total=total,
        tail=_closing(doc) + (_signature(doc, width) if doc.signed and not doc.annex else ""),
        percents=tuple(percents))


def text_page_html(page: TextPage, *, font_family: str = FONT_NAME,
                   dots_per_pt: float = PX_PER_PT) -> str:
    """A page of lines (a book's cover) as QTextDocument HTML, as :func:`draw_text_page` draws
    it on a sheet, with the same room above each line. ``dots_per_pt`` are the paint device's
    dots in a point: Qt scales a top margin to the device but takes a left margin in its dots
    (on a printer, the indent is given in the printer's dots)."""
    family = html.escape(font_family, quote=True)
    parts = []
    for line in page.lines:
        style = [f"font-size:{line.size:g}pt", f"margin-top:{line.space_before * PX_PER_PT:g}px",
                 "margin-bottom:0px"]
        if line.bold:
            style.append("font-weight:bold")
        if line.underline:
            style.append("text-decoration:underline")
        if line.indent:
            style.append(f"margin-left:{round(line.indent * INDENT_PT * dots_per_pt)}px")
        parts.append(f'<p align="{line.align}" style="{";".join(style)}">'
                     f"{_text(line.text)}</p>")
    return ("<html><head><meta charset='utf-8'/></head>"
            f'<body style="font-family:\'{family}\';font-size:{page.font_size:g}pt;'
            f'color:#000000">{"".join(parts)}</body></html>')


def to_html(doc: TableDocument, *, font_family: str = FONT_NAME,
            breaks: Sequence[int] = ()) -> str:
    """The whole document as one piece of QTextDocument HTML.

    ``breaks`` are indices in ``doc.rows`` where a new page starts: the table is cut there into
    tables of their own, each after a page break and under a repeat of the column headers (the
    last one holds the total; ``len(doc.rows)`` puts the total alone on a new page, 0 moves the
    whole table to a new page). :mod:`.printing` draws each page on its own instead
    (:meth:`HtmlParts.page`).
    """
    parts = html_parts(doc, font_family=font_family)
    n = len(doc.rows)
    cuts = sorted({b for b in breaks if 0 <= b <= n}) if n else []
    bounds = ([0] if not cuts or cuts[0] != 0 else []) + cuts + [len(parts.rows)]
    out = [parts.opening, parts.top]
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        last = i == len(bounds) - 2
        if a == b and n and not (last and doc.total is not None):
            continue  # nothing to show in this piece
        out.append(parts.table(a, b, total=last and bool(parts.total), page_break=a in cuts))
    out += [parts.tail, parts.ending]
    return "".join(out)


# -- pagination ----------------------------------------------------------------------------------
KEEP_WITH = 2  # table rows (not headings or subtotals) that go to the last page with the signature
MIN_ROWS = 2  # rows a heading keeps under it at the end of a page (when its group has them)


@dataclass(frozen=True)
class Measures:
    """Heights (in any one unit) that decide the pages of a document.

    The fixed parts are the heights of whole pages without any table row: ``first`` — the
    letterhead, the title and the column headers; ``middle`` — the column headers;
    ``last`` — the column headers, the closing paragraphs and the signature block;
    ``single`` — all of that on one page; ``alone`` — the closing paragraphs and the signature
    block with no table. ``rows`` are the heights the table rows add (``kinds`` say which are
    headings), ``total`` the total row's."""

    page: float
    first: float
    middle: float
    last: float
    single: float
    alone: float
    rows: Sequence[float]
    kinds: Sequence[str]
    total: float = 0.0


def paginate(m: Measures, *, keep_with: int = KEEP_WITH, min_rows: int = MIN_ROWS,
             tolerance: float = 0.0) -> list[PageSpan]:
    """The pages of a document, in one pass over the measured rows.

    Pages are filled in turn; a page never ends with a heading or with fewer than
    ``min_rows`` rows under one (they follow it to the next page), never starts with a
    subtotal, and keeps at least one table row. The last page holds the total, the closing
    paragraphs and the whole signature block with at least the last ``keep_with`` table rows:
    when they do not fit under the rows there, they go to a new page with those rows, or fewer
    when those would not fit with them (no rows only when even one does not fit, or when the
    first page would be left without a table row). ``tolerance`` is room left free at the
    bottom of every page, for rounding.
    """
    n = len(m.rows)
    if n == 0:
        raise ValueError("a document has at least one table row (the 'empty' row)")
    room = m.page - tolerance
    height = [0.0, *accumulate(m.rows)]
    data = [0, *accumulate(1 if k == ROW else 0 for k in m.kinds)]

    def rows_height(a: int, b: int) -> float:
        return height[b] - height[a] + (m.total if b == n and m.total else 0.0)

    def fixed(a: int, b: int, last: bool) -> float:
        if a == b:  # no table on the page
            return m.alone if last else 0.0
        if a == 0:
            return m.single if last else m.first
        return m.last if last else m.middle

    def fits(a: int, b: int, last: bool = False) -> bool:
        return fixed(a, b, last) + rows_height(a, b) <= room

    # data rows since the last heading, before each row (n + 1: no heading yet)
    since, count = [], n + 1
    for kind in m.kinds:
        since.append(count)
        count = 0 if kind in KEEP_WITH_NEXT else count + (kind == ROW)
    since.append(count)

    def can_break(b: int) -> bool:
        """Whether a page may end before row ``b``: not right under a heading nor with fewer
        than ``min_rows`` rows under it (unless its group ends there), not before a
        subtotal."""
        if not 0 < b < n or m.kinds[b] in KEEP_WITH_PREVIOUS:
            return False
        return since[b] >= max(min_rows, 1) or (since[b] > 0 and m.kinds[b] in KEEP_WITH_NEXT)

    def fill(a: int, stop: int) -> list[tuple[int, int]]:
        """Pages of rows ``a`` to ``stop``, each as full as the rules allow."""
        pages = []
        while a < stop:
            # the furthest end that fits: the heights only grow, so a bisection finds it
            limit = room - fixed(a, a + 1, False) + height[a]
            b = min(max(bisect_right(height, limit, a + 1, stop + 1) - 1, a + 1), stop)
            if b == n and b > a + 1 and not fits(a, b):
                b -= 1  # the total row goes with the last row
            if b < stop and not (can_break(b) and data[b] > data[a]):
                c = b
                while c > a and not (can_break(c) and data[c] > data[a]):
                    c -= 1
                b = c if c > a else b  # no break allowed on this page: cut where it is full
            pages.append((a, b))
            a = b
        return pages

    pages = fill(0, n)
    start = pages[-1][0]
    if not fits(start, n, last=True) or (start and data[n] - data[start] < keep_with):
        # The signature block goes to a new page (or stays on the last one) with the last
        # ``keep_with`` rows and the headings above them, fewer when they would not fit.
        breaks = [b for b in range(1, n + 1) if b == n or (can_break(b) and data[b] > 0)]
        wanted = max((b for b in breaks if data[n] - data[b] >= keep_with), default=breaks[0])
        index = breaks.index(wanted)
        while index + 1 < len(breaks) and not fits(breaks[index], n, last=True):
            index += 1
        start = breaks[index]
        pages = fill(0, start) + [(start, n)]
    spans = [PageSpan(a, b, first=(i == 0)) for i, (a, b) in enumerate(pages)]
    spans[-1] = replace(spans[-1], total=m.total > 0 and spans[-1].start < n, last=True)
    if spans[-1].start == n and len(spans) > 1:  # the signature block alone: the total ends
        spans[-2] = replace(spans[-2], total=m.total > 0)  # the table on the page before
    return spans


# -- the last rows and their headings -------------------------------------------------------------
def carry_start(doc: TableDocument, keep_with: int = KEEP_WITH) -> int:
    """Index in ``doc.rows`` from which rows move to the next page with the signature block:
    the last ``keep_with`` plain rows, with the group heading right above them; 0 = all."""
    data = [i for i, item in enumerate(doc.rows) if row_kind(item) == ROW]
    if len(data) <= keep_with:
        return 0
    return with_heading(doc, data[-keep_with])


def with_heading(doc: TableDocument, index: int) -> int:
    """Move a page break at row ``index`` above the group headings right before it, so that a
    heading never ends a page (unless that would move the whole table)."""
    start = index
    while start > 0 and row_kind(doc.rows[start - 1]) in KEEP_WITH_NEXT:
        start -= 1
    return start if start > 0 else index
