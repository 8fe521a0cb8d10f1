"""Field validation with Vietnamese messages (DOMAIN.md §1). Pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .enums import Sex
from .text import digits, normalize

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
_PHONE = re.compile(r"^(\+84|0)\d{9,10}$")


@dataclass
class FieldError(Exception):
    """A save refused because of one field. ``field`` is the Vietnamese field label."""

    field: str
    message: str
    row: str | None = None  # e.g. the member's name inside a household

    def __str__(self) -> str:
        where = f"{self.row} — " if self.row else ""
        return f"{where}{self.field}: {self.message}"


class ErrorList(list):
    """Collects a form's FieldErrors: ``add(label, message)`` keeps only real messages, each
    naming ``row`` (the person) when given."""

    def __init__(self, row: str | None = None):
        super().__init__()
        self.row = row

    def add(self, label: str, message: str | None) -> None:
        if message:
            self.append(FieldError(label, message, self.row))


def check_person_name(name: str | None) -> str | None:
    if not normalize(name):
        return "chưa nhập."
    if any(ch.isdigit() for ch in name):
        return "không được chứa chữ số."
    return None


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
    if not number.isdigit() or len(number) != 12:
        return "phải gồm đúng 12 chữ số."
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
    if not number.isdigit() or len(number) != 9:
        return "CMND cũ phải gồm đúng 9 chữ số."
    return None


def check_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    compact = phone.replace(" ", "").replace(".", "").replace("-", "")
    if not _PHONE.match(compact):
        return "không đúng dạng số điện thoại (ví dụ 0912345678)."
    return None


def normalize_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return ("+" if phone.strip().startswith("+") else "") + digits(phone)


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
                     today: date | None = None, required: bool = False) -> str | None:
    """A date of something that already happened (moved in, moved out, signed up)."""
    today = today or date.today()
    if value is None:
        return "chưa nhập." if required else None
    if value > today:
        return "không được sau ngày hôm nay."
    if not_before is not None and value < not_before:
        return f"không được trước ngày {not_before:%d/%m/%Y}."
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
