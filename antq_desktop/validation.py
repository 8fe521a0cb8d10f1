"""Field validation with Vietnamese messages (docs/DOMAIN.md §1). Pure functions, no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .enums import Sex
from .text import ascii_digits, char_names, clean_line, normalize, unsafe_chars

# Province codes used in the first three digits of the personal ID number (birth registration
# place): the 63 pre-2025 provinces' codes, which stay valid on issued numbers.
ID_PROVINCE_CODES = frozenset(
    {
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
        36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
        72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    }
)

MIN_BIRTH_YEAR = 1900
_PHONE = re.compile(r"^(\+84|0)[0-9]{9,10}$")

# -- bounds (issue 12): what a ward's records can plausibly hold; outside is a typing mistake ----
# Dates of a person's life (birth, coming to live here, moving away, a mediator leaving):
# not before 1900, the oldest birth accepted. Dates of the police's own records (decisions,
# sign-ups, rehabilitation cases and their evaluations/support, mediation cases, activities,
# certification): not before 1990 (the ward's books, the movement and the laws behind them are
# younger). Past events are never after today; a planned end is at most 20 years ahead.
EARLIEST_EVENT = date(MIN_BIRTH_YEAR, 1, 1)
EARLIEST_RECORD = date(1990, 1, 1)
MAX_YEARS_AHEAD = 20
MAX_AMOUNT = 10**12  # VND: a loan or support amount, 0 < x ≤ 1,000 billion (BigInteger holds 9.2e18)
MAX_FREE_TEXT = 20_000  # characters of a notes/content field (Text columns have no length)
# Lengths of the String(n) columns (antq_desktop/db/models/*.py), used by the services' checks.
LEN_NAME = 100  # person names, area names, occupations
LEN_CODE = 30  # household code, book number
LEN_NUMBER = 50  # decision and certificate numbers
LEN_LABEL = 200  # unit/team/model names, signers, supervisors, recipients
LEN_LINE = 300  # addresses, reasons, one-line notes
NAME_PUNCTUATION = frozenset(" '’-.")


@dataclass
class FieldError(Exception):
    """A save refused because of one field. ``field`` is the Vietnamese field label the message
    shows; ``key`` is the stable name a dialog binds its widget to (the data class attribute,
    e.g. "birth_date"), so rewording a label never unbinds a widget. ``ident`` is the key, or
    the label where a rule gives no key."""

    field: str
    message: str
    row: str | None = None  # e.g. the member's name inside a household
    key: str | None = None

    @property
    def ident(self) -> str:
        return self.key or self.field

    def __str__(self) -> str:
        where = f"{row_label(self.row)} — " if self.row else ""
        return f"{where}{self.field}: {self.message}"


ROW_LABEL_MAX = 40


def row_label(text: str | None) -> str:
    """A typed name as a message shows it: without the invisible characters that made it wrong,
    and at most ROW_LABEL_MAX characters (a 10,000-character name stays one line)."""
    value = clean_line(text)
    return value if len(value) <= ROW_LABEL_MAX else value[:ROW_LABEL_MAX - 1] + "…"


class ErrorList(list):
    """Collects a form's FieldErrors: ``add(label, message)`` keeps only real messages, each
    naming ``row`` (the person) when given."""

    def __init__(self, row: str | None = None):
        super().__init__()
        self.row = row

    def add(self, label: str, message: str | None, key: str | None = None) -> None:
        if message:
            self.append(FieldError(label, message, self.row, key))


def check_unsafe(text: str | None) -> str | None:
    """Message for control, zero-width or direction characters (pasted, invisible), or None."""
    bad = unsafe_chars(text)
    if bad:
        return f"có ký tự điều khiển hoặc ký tự ẩn ({char_names(bad)}); hãy gõ lại, không dán."
    return None


def check_length(text: str | None, limit: int) -> str | None:
    n = len(text or "")
    return f"không quá {limit} ký tự (đang có {n})." if n > limit else None


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def check_person_name(name: str | None, limit: int = LEN_NAME) -> str | None:
    """A person's name: letters (with their marks), spaces and ' - . only, one letter at least."""
    bad = check_unsafe(name)
    if bad:
        return bad
    if not normalize(name):
        return "chưa nhập."
    if any(ch.isdigit() for ch in name):
        return "không được chứa chữ số."
    too_long = check_length(normalize(name), limit)
    if too_long:
        return too_long
    if not _has_letter(name):
        return "phải có chữ cái (không chỉ dấu, ký hiệu hay biểu tượng)."
    odd = "".join(dict.fromkeys(
        ch for ch in normalize(name) if ch not in NAME_PUNCTUATION
        and unicodedata.category(ch)[0] not in "LM"))
    if odd:
        return f"có ký tự không dùng trong họ tên ({odd})."
    return None


def check_label(text: str | None, limit: int, required: bool = True) -> str | None:
    """A name or code that is not a person's (area, unit, team, household code, decision
    number…): no invisible characters, within ``limit``, at least one letter or digit."""
    bad = check_unsafe(text)
    if bad:
        return bad
    value = normalize(text)
    if not value:
        return "chưa nhập." if required else None
    too_long = check_length(value, limit)
    if too_long:
        return too_long
    if not any(unicodedata.category(ch)[0] in "LN" for ch in value):
        return "phải có chữ hoặc số (không chỉ dấu, ký hiệu hay biểu tượng)."
    return None


def check_free_text(text: str | None, limit: int = MAX_FREE_TEXT,
                    required: bool = False) -> str | None:
    """Free text already cleaned (``text.clean_line``/``clean_multiline``): required, length."""
    if required and not (text or "").strip():
        return "chưa nhập."
    return check_length(text, limit)


def check_amount(value: int | None, required: bool = False, positive: bool = False,
                 limit: int = MAX_AMOUNT) -> str | None:
    """A sum of money in VND: a whole number, 0 < x (``positive``) or 0 ≤ x, at most ``limit``."""
    if value is None:
        return "chưa nhập." if required else None
    if isinstance(value, bool) or not isinstance(value, int):
        return "phải là số nguyên (đồng)."
    if positive and value <= 0:
        return "phải lớn hơn 0 đồng."
    if value < 0:
        return "không được âm."
    if value > limit:
        return f"không được quá {limit:,} đồng.".replace(",", ".")
    return None


def check_count(value: int | None, high: int, low: int = 0,
                required: bool = False) -> str | None:
    """A number of persons or things: a whole number from ``low`` to ``high``."""
    if value is None:
        return "chưa nhập." if required else None
    if isinstance(value, bool) or not isinstance(value, int):
        return "phải là số nguyên."
    if value < low:
        return "không được âm." if low == 0 else f"phải từ {low} trở lên."
    if value > high:
        return f"không được quá {high:,}.".replace(",", ".")
    return None


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


def check_planned_date(value: date | None, not_before: date | None = None,
                       today: date | None = None, years: int = MAX_YEARS_AHEAD) -> str | None:
    """A planned date (a case's planned end): not before ``not_before``, at most ``years``
    years after today."""
    if value is None:
        return None
    today = today or date.today()
    if not_before is not None and value < not_before:
        return f"không được trước ngày {not_before:%d/%m/%Y}."
    last = years_after(today, years)
    if value > last:
        return f"không được sau ngày {last:%d/%m/%Y} ({years} năm tới)."
    if value < EARLIEST_RECORD:
        return f"không được trước ngày {EARLIEST_RECORD:%d/%m/%Y}."
    return None


def clean_number(text: str | None) -> str:
    """An ID, old ID or phone number as stored: NFKC (full-width, superscript digits become
    0–9), spaces, dots and dashes removed. Validation refuses anything else left."""
    return ascii_digits(text)


def id_number_facts(number: str) -> tuple[int, Sex, int]:
    """(province code, sex, birth year) encoded in a well-formed 12-digit ID number."""
    province = int(number[0:3])
    code = int(number[3])
    century = 1900 + (code // 2) * 100
    sex = Sex.MALE if code % 2 == 0 else Sex.FEMALE
    return province, sex, century + int(number[4:6])


def check_id_number(number: str | None, sex: Sex | None, birth_date: date | None,
                    today: date | None = None) -> str | None:
    """Message for a wrong personal ID number, or None. An empty number is allowed (children)."""
    if not number:
        return None
    if unsafe_chars(number):
        return check_unsafe(number)
    number = ascii_digits(number)
    if not re.fullmatch(r"[0-9]{12}", number):
        return "phải gồm đúng 12 chữ số (0–9)."
    province, id_sex, id_year = id_number_facts(number)
    if province not in ID_PROVINCE_CODES:
        return f"3 chữ số đầu ({number[:3]}) không phải mã tỉnh nơi đăng ký khai sinh."
    if id_year > (today or date.today()).year:
        return f"chữ số 4–6 chỉ năm sinh {id_year}, sau năm hiện tại."
    if sex is not None and id_sex != sex:
        return f"chữ số thứ 4 ứng với giới tính {id_sex.label}, không khớp giới tính đã nhập."
    if birth_date is not None and id_year != birth_date.year:
        return f"mã năm sinh trong số ({id_year}) không khớp năm sinh {birth_date.year}."
    return None


def check_old_id_number(number: str | None) -> str | None:
    if not number:
        return None
    if unsafe_chars(number):
        return check_unsafe(number)
    if not re.fullmatch(r"[0-9]{9}", ascii_digits(number)):
        return "CMND cũ phải gồm đúng 9 chữ số (0–9)."
    return None


def check_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    if unsafe_chars(phone):
        return check_unsafe(phone)
    if not _PHONE.match(re.sub(r"[()]", "", ascii_digits(phone))):
        return "không đúng dạng số điện thoại (ví dụ 0912345678)."
    return None


def normalize_phone(phone: str | None) -> str:
    if not phone:
        return ""
    compact = ascii_digits(phone).lstrip("(")
    return ("+" if compact.startswith("+") else "") + "".join(
        ch for ch in compact if "0" <= ch <= "9")


def check_birth_date(value: date | None, today: date | None = None) -> str | None:
    today = today or date.today()
    if value is None:
        return "chưa nhập."
    if value > today:
        return "không được sau ngày hôm nay."
    if value.year < MIN_BIRTH_YEAR:
        return f"không được trước năm {MIN_BIRTH_YEAR}."
    return None


def check_event_date(value: date | None, not_before: date | None = None,
                     today: date | None = None, required: bool = False,
                     earliest: date = EARLIEST_EVENT) -> str | None:
    """A date of something that already happened (moved in, moved out, signed up): not after
    today, not before ``not_before`` nor ``earliest`` (EARLIEST_EVENT, or EARLIEST_RECORD for
    the police's own records)."""
    today = today or date.today()
    if value is None:
        return "chưa nhập." if required else None
    if value > today:
        return "không được sau ngày hôm nay."
    if not_before is not None and value < not_before:
        return f"không được trước ngày {not_before:%d/%m/%Y}."
    if value < earliest:
        return f"không được trước ngày {earliest:%d/%m/%Y}."
    return None


def parse_date(text: str) -> date | None:
    """Parse dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy); None for an empty string.

    Raises ValueError with a Vietnamese message for an impossible date such as 31/02/2024.
    """
    text = (text or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if not m:
        raise ValueError("không đúng dạng ngày/tháng/năm (ví dụ 05/01/1980).")
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày {text} không tồn tại.") from None


def parse_whole_number(text: str | None, label: str) -> int | None:
    """A whole number typed in a dialog (an amount "30.000.000 đ", a year, an age): NFKC
    (full-width, superscript digits become 0–9), thousands separators, spaces and a trailing
    "đ" dropped; None when empty. Raises FieldError(``label``), never ValueError, otherwise."""
    value = re.sub(r"[\s.,]", "", unicodedata.normalize("NFKC", text or ""))
    value = value.removesuffix("đ").removesuffix("d")
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", value):
        raise FieldError(label, "chỉ gồm chữ số 0–9 (ví dụ 30.000.000).")
    return int(value)
