"""Rough text measurement for Times New Roman, to size merged cells and rows and to paginate.

Excel and LibreOffice never grow a merged cell to fit its text, and row heights decide where pages
break, so the layout sets every row height itself from these estimates. Widths are the advance
widths of Times New Roman (Liberation Serif has the same metrics) in 1/1000 em for ASCII 32–126;
a Vietnamese letter is measured as its base letter (ư and ơ a little wider).
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

# fmt: off
_REGULAR = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
]
_BOLD = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
]
# fmt: on
_WIDER = {"ư": 1.12, "Ư": 1.1, "ơ": 1.1, "Ơ": 1.08}
SAFETY = 1.04  # printers and screen rounding make text a little wider than the font says
LINE_FACTOR = 1.2  # line pitch of wrapped text, in font sizes
CELL_PADDING_PT = 4.0  # left + right inner margin of a cell


@lru_cache(maxsize=1024)
def _char_em(ch: str, bold: bool) -> float:
    table = _BOLD if bold else _REGULAR
    base = {"đ": "d", "Đ": "D", "\u00a0": " "}.get(ch) or unicodedata.normalize("NFD", ch)[:1]
    code = ord(base) if base else 0
    width = table[code - 32] if 32 <= code <= 126 else 600
    return width / 1000 * _WIDER.get(ch, 1.0)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of ``text`` in points."""
    return _em(text, bold) * size * SAFETY


@lru_cache(maxsize=16384)
def _em(text: str, bold: bool) -> float:
    return sum(_char_em(ch, bold) for ch in text)


def line_count(text: str, width_pt: float, size: float, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped at spaces in a cell ``width_pt`` wide (0 for empty)."""
    if not text:
        return 0
    usable = max(width_pt - CELL_PADDING_PT, size)
    space = text_width(" ", size, bold)
    total = 0
    for paragraph in text.split("\n"):
        lines, current = 1, 0.0
        for word in paragraph.split(" "):
            w = text_width(word, size, bold)
            if current and current + space + w > usable:
                lines += 1
                current = 0.0
            if w > usable:  # a word longer than the cell breaks inside itself
                extra = math.ceil(w / usable) - 1
                lines += extra
                w -= extra * usable
            current = w if not current else current + space + w
        total += lines
    return total


def row_height(lines: int, size: float) -> float:
    """Height in points of a row showing ``lines`` lines of text of ``size`` points."""
    return round(max(lines, 1) * size * LINE_FACTOR + 4, 1)


# A column width is counted in digits of the workbook's default font (the layout makes it Times
# New Roman 12: a digit is 0.5 em = 6 pt, 8 px at 96 dpi), in Excel and in LibreOffice alike.
DIGIT_PT = 6.0


def column_points(width_units: float) -> float:
    """Column width as stored in the file → points."""
    return width_units * DIGIT_PT


def column_units(points: float) -> float:
    """Inverse of :func:`column_points`."""
    return max(points / DIGIT_PT, 0.5)
