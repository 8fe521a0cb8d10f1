"""The year-end summary of the movement (issue 6, docs/DOMAIN.md §5): every indicator of the
indicator list (services/indicators.py, a data file) for the year and the year before, with the
change — first for the whole ward, then the records of no residential area, then one section per
residential area (only the chosen one when an area is given). A printable document (print
preview, printing and PDF as well as .xlsx)."""

from __future__ import annotations

import re
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

from ...gcpause import gc_paused
from ...numbers import round_half_up
from ...services.indicators import (
    AreaFigures,
    Figures,
    IndicatorError,
    IndicatorService,
    Section,
    YearEndTable,
)
from .. import textfit
from ..document import Formatted, Paragraph, TableDocument, to_workbook
from ..layout import Column, Heading, SectionRow, Sheet
from ..registry import Form, Params, ReportError, load_letterhead, register

TITLE = ("Báo cáo tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc trong năm (các chỉ tiêu "
         "theo khu dân cư và toàn phường, so với năm trước)")
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
DELTA_FORMAT = "+#,##0;-#,##0;0"
DELTA_DECIMAL_FORMAT = "+#,##0.0#;-#,##0.0#;0"
CHANGE_FORMAT = "+0.0;-0.0;0.0"  # the change of a count in % of last year
SHARE_FORMAT = "0.0"  # the share of an "x/y" indicator, in %
POINTS_FORMAT = "+0.0;-0.0;0.0"  # the change of an "x/y" indicator's share, in points
BLOCK_SIZE = 13  # the heading of a block (the ward, an area): a point above the table's
_NUMBERED = re.compile(r"^([IVXLC]+|[A-Z]|\d+)\.\s+(.*)$", re.DOTALL)
RATIO_NOTE = ("Chỉ tiêu dạng x/y (số đạt/tổng số): cột (8) là tỷ lệ x/y năm {year}, cột (9) là "
              "mức tăng (+), giảm (−) của tỷ lệ đó so với năm {last}, tính bằng điểm phần trăm. "
              "Cột (6), (7) là mức tăng, giảm của các chỉ tiêu khác: theo đơn vị tính và theo "
              "phần trăm.")


class _MergedRanges(MultiCellRange):
    """The merged ranges of the sheet. openpyxl checks each new range against every earlier one
    (quadratic: 35 s for the 2,900 headings of a 285-area ward); layout.Sheet never merges
    overlapping ranges, so the check is skipped."""

    def add(self, coord):
        self.ranges.add(coord if isinstance(coord, CellRange) else CellRange(coord))


class YearEndSheet(Sheet):
    """layout.Sheet drawing its unmerged rows faster: the first row of each kind (bold or not,
    text or number in each column) is drawn by Sheet itself; later rows of that kind get copies
    of its cells' finished styles (font, alignment, format, borders) instead of building them
    cell by cell. Heights and pagination are Sheet's. Merged ranges are kept without openpyxl's
    overlap check (quadratic). At 10,000 rows this takes the drawing from ~2 s to ~0.5 s;
    tests/reports/test_yearend_form.py checks the result cell by cell against Sheet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ws.merged_cells = _MergedRanges()
        self._prototypes: dict[tuple, list] = {}

    def _values(self, values, bold: bool = False, merge: bool = True) -> None:
        values = list(values) + [None] * (self.ncols - len(values))
        if (bold and merge) or len(values) > self.ncols:
            return super()._values(values, bold, merge)
        kind = (bold, *((isinstance(v, str) or v is None, isinstance(v, date)) for v in values))
        styles = self._prototypes.get(kind)
        r = self.row
        if styles is None:
            super()._values(values, bold, merge)
            self._prototypes[kind] = [copy(self.ws.cell(r, i)._style)
                                      for i in range(1, self.ncols + 1)]
            return
        lines = 1
        cells = self.ws._cells
        for i, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            cell = Cell(self.ws, row=r, column=i, value=value)
            cell._style = copy(style)
            cells[(r, i)] = cell
            if isinstance(value, str) and value:
                lines = max(lines, textfit.line_count(value, self.widths[i - 1],
                                                      self.font_size, bold))
        self._height(r, textfit.row_height(lines, self.font_size))
        self.row += 1


def columns(year: int) -> list[Column]:
    """Each column holds one kind of figure: a count's change in its unit and in %, an "x/y"
    indicator's share and its change in points (a row fills the pair that is its kind's)."""
    against = f"So với năm {year - 1}"
    ratio = "Tỷ lệ x/y (%)"
    return [
        Column("STT", 5, "center"),
        Column("Chỉ tiêu", 38),
        Column("Đơn vị tính", 9, "center"),
        Column(f"Năm {year - 1}", 10, "center", COUNT_FORMAT),
        Column(f"Năm {year}", 10, "center", COUNT_FORMAT),
        Column("Tăng (+), giảm (−)", 10, "center", DELTA_FORMAT, group=against),
        Column("Tăng, giảm (%)", 9, "center", CHANGE_FORMAT, group=against),
        Column(f"Năm {year}", 9, "center", SHARE_FORMAT, group=ratio),
        Column("Tăng, giảm (điểm)", 9, "center", POINTS_FORMAT, group=ratio),
        Column("Ghi chú", 16),
    ]


def _number(value: float) -> float | int:
    """Whole quantities as integers (12.0 kg → 12); others to two decimals."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 2)
    return value


NO_RECORDS = "—"  # a year with no records in the program: neither 0 nor a change against it


def cell_values(f: Figures) -> tuple:
    """(last year, this year, change, change in %, share in %, change of the share in points)
    as written: "x/y" text for ratios, numbers otherwise, "—" for a year with no records; a
    count leaves the share and its points empty, a ratio the change and its %."""
    if f.is_ratio:
        points = None if f.delta is None else round_half_up(f.delta)
        share = None if f.this is None else f.this.share
        return (NO_RECORDS if f.last is None else str(f.last),
                NO_RECORDS if f.this is None else str(f.this), None, None,
                None if share is None else round_half_up(share), points)
    percent = None if f.percent is None else round_half_up(f.percent)
    delta = None if f.delta is None else _number(f.delta)
    return (NO_RECORDS if f.last is None else _number(f.last),
            NO_RECORDS if f.this is None else _number(f.this), delta, percent, None, None)


def split_section(title: str) -> tuple[str | None, str]:
    """"II. Mô hình…" → ("II", "Mô hình…"): the numeral goes in the STT column."""
    match = _NUMBERED.match(title)
    return (match[1], match[2]) if match else (None, title)


def _figures(f: Figures) -> list:
    """The six figures of an indicator row, those that need a number format other than their
    column's wrapped in Formatted: decimals (kg) and their change."""
    last, this, delta, change, share, points = cell_values(f)
    if isinstance(last, float):
        last = Formatted(last, DECIMAL_FORMAT)
    if isinstance(this, float):
        this = Formatted(this, DECIMAL_FORMAT)
    if isinstance(delta, float):
        delta = Formatted(delta, DELTA_DECIMAL_FORMAT)
    return [last, this, delta, change, share, points]


def _rows(items, block: AreaFigures, area: bool) -> list:
    """The block's rows: its heading, each section as a row (numeral in STT, title in bold) and
    its indicators — in an area's block without the ward-only indicators and the sections they
    leave empty."""
    rows: list = [Heading(block.name, size=BLOCK_SIZE, align="center")]
    number = 0
    for index, item in enumerate(items):
        if isinstance(item, Section):
            following = []
            for later in items[index + 1:]:
                if isinstance(later, Section):
                    break
                following.append(later)
            if following and all(i.ward_only for i in following) and area:
                continue
            rows.append(SectionRow(split_section(item.title)))  # no merge: thousands of rows
            number = 0
            continue
        if area and item.ward_only:
            continue
        number += 1
        rows.append([number, item.label, item.unit, *_figures(block[item.code]),
                     item.note or None])
    return rows


def _blocks(table: YearEndTable, place: str, area_given: bool) -> list[AreaFigures]:
    """The whole ward, the ward-level records and each area; for one area, that area first
    and the whole ward after it to compare."""
    ward = AreaFigures(None, f"TOÀN {place.upper()}", table.ward.figures)
    areas = [AreaFigures(a.area_id, f"KHU DÂN CƯ: {a.name.upper()}", a.figures)
             for a in table.areas]
    if area_given:
        return [*areas, ward]
    blocks = [ward]
    if table.ward_level is not None:
        blocks.append(AreaFigures(None, "CÁC HOẠT ĐỘNG, ĐƠN VỊ KHÔNG THUỘC KHU DÂN CƯ NÀO",
                                  table.ward_level.figures))
    return blocks + areas


def document(db, params: Params, today: date | None = None) -> TableDocument:
    """The printable document; ``today`` (by default the real today) dates it when the
    parameters give no date, and ends this year's figures."""
    letterhead = load_letterhead(db)
    try:
        table = IndicatorService(db).table(params.year, params.area_id, today=today)
    except IndicatorError as err:
        raise ReportError(str(err)) from None
    if params.area_id is not None and not table.areas:
        raise ReportError("Không có khu dân cư đã chọn.")
    rows: list = []
    for block in _blocks(table, letterhead.place, params.area_id is not None):
        rows += _rows(table.items, block, block.area_id is not None)
    subject = [f"Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm {params.year}"]
    if params.area_id is not None:
        subject.append(f"Khu dân cư: {table.areas[0].name}")
    note = None
    if table.cutoff < date(params.year, 12, 31):
        note = f"(Số liệu tính đến ngày {table.cutoff:%d/%m/%Y})"
    closing = []
    if any(item.ratio for item in table.definitions.indicators):
        closing.append(Paragraph(RATIO_NOTE.format(year=params.year, last=params.year - 1),
                                 italic=True, size=12))
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Báo cáo", subject_lines=subject, note=note,
        columns=columns(params.year), rows=rows, closing=closing,
        recipients=letterhead.recipients, landscape=True)


def build(db, params: Params, today: date | None = None) -> Workbook:
    """The workbook. Python's cyclic garbage collector is paused while it is drawn: each of
    the ~85,000 cells of a 285-area ward links to its sheet, and the collector's passes over
    them cost a third of the drawing time."""
    with gc_paused():
        return to_workbook(document(db, params, today), f"Tổng kết {params.year}",
                           sheet_class=YearEndSheet)


YEAREND = register(Form("yearend-summary", TITLE, build, takes_area=True, document=document))

__all__ = ["YEAREND", "build", "cell_values", "columns", "document"]
