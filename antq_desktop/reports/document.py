"""A printable table document in the state format (DOMAIN.md §6), neutral of its output.

A :class:`TableDocument` holds what a list or a table report says: the letterhead, number and
date, the title and subject lines, the columns and rows (with :class:`~.layout.Heading` and
:class:`~.layout.Subtotal` rows), a total, the recipients. It is drawn two ways:

- :func:`to_workbook` on an openpyxl sheet through :class:`~.layout.Sheet`, so the ``.xlsx``
  looks like every other form;
- :func:`to_html` as the rich-text subset of HTML that ``QTextDocument`` understands, which
  :mod:`antq_desktop.reports.printing` lays out on A4 pages for print preview, printing and PDF.

Nothing here imports Qt.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook

from . import textfit
from .layout import (
    A4_MM,
    FONT_NAME,
    HEADER_SPLIT,
    MARGINS_MM,
    MOTTO,
    NATIONAL_TITLE,
    PT_PER_MM,
    SIGNATURE_SPLIT,
    SUBJECT_SIZE,
    Column,
    Heading,
    Letterhead,
    Sheet,
    Subtotal,
    place_date,
    subject_rule_pt,
)

Row = Sequence[Any] | Heading | Subtotal
EMPTY = "(Không có số liệu)"
SIGNING_SPACE_PT = 80  # room for the signature and the seal (about 3 cm)
CELL_PADDING_PT = 6  # what a line loses to the cell it sits in


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


# -- Excel ---------------------------------------------------------------------------------------
def to_workbook(doc: TableDocument, sheet_title: str | None = None) -> Workbook:
    """The document on the first sheet of a new workbook, drawn by :class:`layout.Sheet`."""
    wb = Workbook()
    ws = wb.active
    if sheet_title:
        ws.title = sheet_title[:31]
    sheet = Sheet(ws, doc.letterhead, list(doc.columns), landscape=doc.landscape,
                  font_size=doc.font_size)
    sheet.header(number=doc.number, on=doc.on)
    sheet.title(doc.title, list(doc.subject_lines), doc.note)
    sheet.table(list(doc.rows), total=doc.total, numbered=doc.numbered, empty=doc.empty)
    sheet.signature(recipients=list(doc.recipients))
    return wb


# -- HTML ----------------------------------------------------------------------------------------
def content_width_pt(landscape: bool) -> float:
    """The printable width of an A4 page between the ND30 margins, in points."""
    paper_w = A4_MM[1] if landscape else A4_MM[0]
    return (paper_w - MARGINS_MM["left"] - MARGINS_MM["right"]) * PT_PER_MM


def display(value: Any, number_format: str | None = None) -> str:
    """The text a cell shows: dates dd/mm/yyyy, thousands with dots, decimals with a comma."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        text = f"{value:,}" if number_format and "," in number_format else str(value)
        return text.replace(",", ".")
    if isinstance(value, float):
        decimals = 0
        if number_format and "." in number_format:
            decimals = len(number_format.split(".", 1)[1].rstrip(";%"))
        elif not number_format:
            decimals = 2
        text = f"{value:,.{decimals}f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


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
    parts = [_p(doc.title.upper(), 14, bold=True, margin_top=18)]
    parts += [_p(line, SUBJECT_SIZE, bold=True) for line in doc.subject_lines]
    if doc.note:
        parts.append(_p(doc.note, 13, italic=True))
    if doc.subject_lines:
        width = content_width_pt(doc.landscape)
        parts.append(_rule(subject_rule_pt(doc.subject_lines, width) / width * 100))
    parts.append('<p style="font-size:6pt;margin:0px">&nbsp;</p>')
    return "".join(parts)


def _column_percents(columns: Sequence[Column]) -> list[int]:
    total = sum(c.width for c in columns)
    percents = [max(1, round(c.width / total * 100)) for c in columns]
    percents[-1] += 100 - sum(percents)  # exactly 100 in all
    return percents


def _cell(text: str, *, align: str = "left", bold: bool = False, italic: bool = False,
          size: float | None = None, colspan: int = 1, rowspan: int = 1,
          width: int | None = None, tag: str = "td") -> str:
    attrs = [f'align="{align}"', 'valign="middle"']
    if colspan > 1:
        attrs.append(f'colspan="{colspan}"')
    if rowspan > 1:
        attrs.append(f'rowspan="{rowspan}"')
    if width is not None:
        attrs.append(f'width="{width}%"')
    style = []
    if size:
        style.append(f"font-size:{size:g}pt")
    style.append(f"font-weight:{'bold' if bold else 'normal'}")
    if italic:
        style.append("font-style:italic")
    attrs.append(f'style="{";".join(style)}"')
    return f"<{tag} {' '.join(attrs)}>{_text(text)}</{tag}>"


def _table_head(doc: TableDocument, size: float) -> str:
    cols = list(doc.columns)
    percents = _column_percents(cols)
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


def _values(doc: TableDocument, values: Sequence[Any], bold: bool = False) -> str:
    cols = list(doc.columns)
    values = list(values)
    if len(values) > len(cols):
        raise ValueError(f"Row has {len(values)} values for {len(cols)} columns: {values}")
    values += [None] * (len(cols) - len(values))
    cells, i = [], 0
    while i < len(cols):
        value, last = values[i], i
        if bold and isinstance(value, str):  # a label over the empty cells after it
            while last + 1 < len(cols) and values[last + 1] is None:
                last += 1
        align = "center" if last > i else cols[i].align
        cells.append(_cell(display(value, cols[i].number_format), align=align, bold=bold,
                           colspan=last - i + 1))
        i = last + 1
    return f"<tr>{''.join(cells)}</tr>"


def _row(doc: TableDocument, item: Row) -> str:
    if isinstance(item, Heading):
        return f"<tr>{_cell(item.text, bold=True, colspan=len(doc.columns))}</tr>"
    if isinstance(item, Subtotal):
        return _values(doc, item.values, bold=True)
    return _values(doc, item)


TABLE_OPEN = ('<table width="100%" border="1" cellspacing="0" cellpadding="3" '
              'style="border-collapse:collapse;border-color:#000000;border-style:solid;'
              'border-width:0.75px;{extra}">')


def _table(doc: TableDocument, rows: Sequence[Row], *, total: bool, empty: bool,
           page_break: bool) -> str:
    head_size = table_header_size(doc)
    body = [_row(doc, item) for item in rows]
    if empty:
        body.append(f"<tr>{_cell(doc.empty, italic=True, colspan=len(doc.columns), align='center')}"
                    "</tr>")
    if total and doc.total is not None:
        body.append(_values(doc, doc.total, bold=True))
    extra = "page-break-before:always" if page_break else ""
    return (TABLE_OPEN.format(extra=extra) + _table_head(doc, head_size)
            + f"<tbody>{''.join(body)}</tbody></table>")


def table_header_size(doc: TableDocument) -> float:
    """The body size, or a point or two smaller when a header word would not fit its column
    (the same choice :class:`layout.Sheet` makes)."""
    cols = list(doc.columns)
    width = content_width_pt(doc.landscape)
    percents = _column_percents(cols)
    for size in (doc.font_size, doc.font_size - 1, doc.font_size - 2):
        if all(textfit.text_width(word, size, True) + 6 <= width * p / 100
               for c, p in zip(cols, percents) for word in c.header.split()):
            return size
    return doc.font_size - 2


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


def carry_start(doc: TableDocument, keep_with: int = 2) -> int:
    """Index in ``doc.rows`` from which rows move to the next page with the signature block:
    the last ``keep_with`` plain rows, with the group heading right above them; 0 = all."""
    data = [i for i, item in enumerate(doc.rows) if not isinstance(item, (Heading, Subtotal))]
    if len(data) <= keep_with:
        return 0
    return with_heading(doc, data[-keep_with])


def with_heading(doc: TableDocument, index: int) -> int:
    """Move a page break at row ``index`` above the group headings right before it, so that a
    heading never ends a page (unless that would move the whole table)."""
    start = index
    while start > 0 and isinstance(doc.rows[start - 1], Heading):
        start -= 1
    return start if start > 0 else index


def to_html(doc: TableDocument, *, font_family: str = FONT_NAME,
            breaks: Sequence[int] = ()) -> str:
    """The document as QTextDocument HTML.

    ``breaks`` are indices in ``doc.rows`` where a new page starts: the table is cut there into
    tables of their own, each after a page break and under a repeat of the column headers (the
    last one holds the total; ``len(doc.rows)`` puts the total alone on a new page, 0 moves the
    whole table to a new page). :mod:`.printing` uses them to end every page with a closed table
    and to keep the last rows with the signature block. The column headers are a ``<thead>``,
    which QTextDocument also repeats on its own when a table runs over a page.
    """
    width = content_width_pt(doc.landscape)
    rows = list(doc.rows)
    family = html.escape(font_family, quote=True)
    parts = [
        "<html><head><meta charset='utf-8'/></head>",
        f'<body style="font-family:\'{family}\';font-size:{doc.font_size:g}pt;color:#000000">',
        _header(doc, width),
        _title(doc),
    ]
    cuts = sorted({b for b in breaks if 0 <= b <= len(rows)}) if rows else []
    bounds = ([0] if not cuts or cuts[0] != 0 else []) + cuts + [len(rows)]
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        last = i == len(bounds) - 2
        if a == b and rows and not (last and doc.total is not None):
            continue  # nothing to show in this piece
        parts.append(_table(doc, rows[a:b], total=last, empty=not rows,
                            page_break=a in cuts))
    parts.append(_signature(doc, width))
    parts.append("</body></html>")
    return "".join(parts)
