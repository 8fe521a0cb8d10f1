"""Reading one spreadsheet cell as the value a record needs, the way office lists write them.

Every parser takes the raw cell (str, int, float, datetime, date or None) and returns
``(value, warning)``; it raises ``ValueError`` with a Vietnamese message (no row, no column:
the caller adds them) when the cell cannot be read without guessing. An empty cell is None.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import NamedTuple

from ..text import ascii_digits, clean_line, fold, normalize, title_name

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 01/01/1900 (Excel's 1900 leap-year bug included)
PADDED_ZERO = "đã bổ sung số 0 đầu (Excel bỏ mất số 0 khi ô được định dạng là số)."


class Birth(NamedTuple):
    """A birth date, or only a year (``year_only``: ``day`` is 01/01 of that year)."""

    day: date
    year_only: bool = False

    def label(self) -> str:
        return str(self.day.year) if self.year_only else f"{self.day:%d/%m/%Y}"


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not normalize(raw))


def cell_text(raw) -> str:
    """The cell as one line of text: NFC, spaces collapsed, trailing spaces gone; a whole float
    (Excel's 12.0) written without its ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return f"{raw:%d/%m/%Y}"
    return normalize(str(raw))


def text(raw):
    value = clean_line(cell_text(raw))
    return (value or None), None


def name(raw):
    """A person's name, proper-cased as the household dialog saves it ("NGUYỄN VĂN AN" → "Nguyễn
    Văn An")."""
    value = cell_text(raw)
    return (title_name(value) or None), None


def code(raw):
    value = cell_text(raw).upper()
    return (value or None), None


_SCIENTIFIC = re.compile(r"^[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+$")


def id_number(raw):
    """A 12-digit personal ID number. A number cell that lost its leading zero (11 digits) gets
    it back with a warning; spaces and dots are removed; Excel's scientific notation
    ("1,23457E+11") is refused: its last digits are gone."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, bool):
        raise ValueError("không phải số định danh.")
    if isinstance(raw, float):
        if not raw.is_integer() or raw >= 1e15:
            raise ValueError("ô là số thập phân hoặc quá lớn (Excel đã làm tròn); hãy định dạng "
                             "cột là Văn bản (Text) và gõ lại số.")
        raw = int(raw)
    textual = not isinstance(raw, int)
    value = unicodedata.normalize("NFKC", str(raw)).strip()
    if _SCIENTIFIC.match(value.replace(" ", "")):
        raise ValueError(f"“{value}” ở dạng số mũ, các chữ số cuối đã mất; hãy định dạng cột là "
                         "Văn bản (Text) và gõ lại số.")
    value = ascii_digits(value).lstrip("'")
    if not value.isdigit():
        raise ValueError(f"“{normalize(str(raw))}” không phải dãy chữ số.")
    if not textual and 9 < len(value) < 12:  # a number cell drops every leading zero
        return value.zfill(12), PADDED_ZERO
    if len(value) == 11:  # text (a CSV written from such a cell): one zero lost
        return "0" + value, PADDED_ZERO
    return value, None


def old_id_number(raw):
    if is_empty(raw):
        return None, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = ascii_digits(unicodedata.normalize("NFKC", str(raw)))
    if isinstance(raw, int) and len(value) == 8:
        return "0" + value, PADDED_ZERO
    return value, None


def phone(raw):
    if is_empty(raw):
        return None, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        value = str(raw)
        if len(value) == 9:  # 912345678: the leading 0 lost to a number cell
            return "0" + value, PADDED_ZERO
        return value, None
    return cell_text(raw), None


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")


def _day(year: int, month: int, day: int, shown: str) -> date:
    if month > 12:
        raise ValueError(f"“{shown}”: không có tháng {month}; ngày phải viết theo thứ tự "
                         "ngày/tháng/năm (ví dụ 05/03/1985).")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày “{shown}” không tồn tại.") from None


def _date(raw, year_alone: bool):
    """(date, year_only) of a cell, or ValueError."""
    if isinstance(raw, datetime):
        return raw.date(), False
    if isinstance(raw, date):
        return raw, False
    if isinstance(raw, bool):
        raise ValueError("không phải ngày.")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not raw.is_integer():
            raw = int(raw)  # a date with a time of day: the day
        number = int(raw)
        if 1900 <= number <= 2100 and year_alone:
            return date(number, 1, 1), True
        if 1900 <= number <= 2100:
            raise ValueError(f"“{number}” chỉ có năm; cột này cần đủ ngày/tháng/năm.")
        if 1 <= number <= 73050:  # an Excel serial (up to the year 2100)
            return EXCEL_EPOCH + timedelta(days=number), False
        raise ValueError(f"“{number}” không phải ngày.")
    shown = cell_text(raw)
    value = shown.replace(" ", "")
    if re.fullmatch(r"\d{4}", value):
        if year_alone:
            return date(int(value), 1, 1), True
        raise ValueError(f"“{shown}” chỉ có năm; cột này cần đủ ngày/tháng/năm.")
    m = _DMY.match(value)
    if m:
        day, month, year = m.groups()
        if len(year) != 4:
            raise ValueError(f"“{shown}”: năm phải đủ 4 chữ số (ví dụ 05/03/1985), không đoán "
                             "được thế kỷ.")
        return _day(int(year), int(month), int(day), shown), False
    m = _ISO.match(value)
    if m:
        year, month, day = m.groups()
        return _day(int(year), int(month), int(day), shown), False
    if _MY.match(value):
        raise ValueError(f"“{shown}” thiếu ngày; hãy ghi đủ ngày/tháng/năm"
                         + (" hoặc chỉ năm sinh." if year_alone else "."))
    raise ValueError(f"“{shown}” không đúng dạng ngày/tháng/năm (ví dụ 05/03/1985).")


def a_date(raw):
    """A date: an Excel date, a serial number, "05/03/1985", "5-3-1985", "5.3.1985",
    "1985-03-05". A two-digit year or a month without a day is refused."""
    if is_empty(raw):
        return None, None
    return _date(raw, year_alone=False)[0], None


def birth(raw):
    """A birth date as ``a_date`` reads it, or a birth year alone ("1985" or 1985)."""
    if is_empty(raw):
        return None, None
    day, year_only = _date(raw, year_alone=True)
    return Birth(day, year_only), None


def year(raw):
    """A birth year: "1965", 1965, or a full date (its year)."""
    if is_empty(raw):
        return None, None
    day, _ = _date(raw, year_alone=True)
    return day.year, None


def integer(raw):
    """A whole number of people or things: 12, "12", "12 người"; not negative, not a fraction."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, bool):
        raise ValueError("phải là số nguyên.")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(f"“{cell_text(raw)}” phải là số nguyên.")
        return int(raw), None
    shown = cell_text(raw)
    m = re.fullmatch(r"([0-9.,]+)\s*([^0-9]*)", shown)  # "12", "12 người", "1.200"
    token = m.group(1) if m else ""
    if re.fullmatch(r"\d+", token):
        return int(token), None
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", token):  # thousands separated
        return int(re.sub(r"[.,]", "", token)), None
    if re.fullmatch(r"\d+[.,]0+", token):
        return int(re.split(r"[.,]", token)[0]), None
    raise ValueError(f"“{shown}” không phải số nguyên.")


def quantity(raw):
    """A quantity that may have a fraction (2,5 kg): a number cell, "2,5" or "2.5"."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, bool):
        raise ValueError("không phải số.")
    if isinstance(raw, (int, float)):
        return float(raw), None
    shown = cell_text(raw)
    value = ascii_digits(shown).replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", value):
        raise ValueError(f"“{shown}” không phải số (ví dụ 2 hoặc 2,5).")
    return float(value), None


_YES = {"x", "co", "dung", "yes", "y", "1", "true", "v", "co gia tri", "to truong"}
_NO = {"khong", "no", "n", "0", "false", "-", "khong co gia tri", "to vien", "hoa giai vien",
       "thanh vien"}


def flag(raw):
    """A yes/no cell: "x", "Có", "1" / "Không", "0"; empty is None (not "no")."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, bool):
        return raw, None
    key = fold(re.sub(r"[.:;]+$", "", cell_text(raw)))
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    raise ValueError(f"“{cell_text(raw)}”: ghi “x” hoặc “Có” (có), để trống hoặc “Không” "
                     "(không).")


def choice(mapping: dict[str, object], shown: str):
    """A parser for a value from a list: ``mapping`` is folded spelling → value; ``shown`` lists
    the allowed spellings for the message."""
    def parse(raw):
        if is_empty(raw):
            return None, None
        key = fold(re.sub(r"[.:;]+$", "", cell_text(raw)))
        if key in mapping:
            return mapping[key], None
        raise ValueError(f"“{cell_text(raw)}” không có trong danh sách ({shown}).")
    return parse


def fold_header(raw) -> str:
    """A header cell folded for matching: no diacritics, no case, no punctuation, no line
    breaks ("Ngày, tháng,\\nnăm sinh (*)" → "ngay thang nam sinh")."""
    folded = fold(cell_text(raw).replace("\n", " "))
    folded = re.sub(r"\(\*\)|\*", " ", folded)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())
