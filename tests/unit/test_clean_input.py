"""Issue 12, "clean input": the pure checks and cleaners of text.py and validation.py."""

from datetime import date

import pytest
from openpyxl import Workbook

from antq_desktop.enums import Sex
from antq_desktop.text import ascii_digits, cell_text, clean_line, clean_multiline, unsafe_chars
from antq_desktop.validation import (
    EARLIEST_EVENT,
    EARLIEST_RECORD,
    MAX_AMOUNT,
    check_amount,
    check_count,
    check_event_date,
    check_id_number,
    check_label,
    check_old_id_number,
    check_person_name,
    check_phone,
    check_planned_date,
    clean_number,
    normalize_phone,
)

TODAY = date(2026, 6, 15)
INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = "có ký tự điều khiển hoặc ký tự ẩn"


# -- names and codes: refused ------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("Nguyễn Văn\x07 An", HIDDEN + " (U+0007)"),
    ("Nguyễn\x00 An", HIDDEN + " (U+0000)"),
    ("Nguyễn\x7f An", HIDDEN),
    ("Nguyễn\x85 An", HIDDEN),  # C1 control
    *[(f"Nguyễn{ch}An", HIDDEN + f" (U+{ord(ch):04X})") for ch in INVISIBLE],
    ("\u0301\u0303", "phải có chữ cái"),  # accents only
    ("...--", "phải có chữ cái"),
    ("😀😀", "phải có chữ cái"),
    ("Nguyễn An 😀", "có ký tự không dùng trong họ tên (😀)"),
    ("Nguyễn @An", "có ký tự không dùng trong họ tên (@)"),
    ("A" * 10_000, "không quá 100 ký tự (đang có 10000)"),
    ("Nguyễn Văn 2", "không được chứa chữ số"),
    ("   ", "chưa nhập"),
])
def test_person_name_refused(name, expected):
    assert expected in (check_person_name(name) or "")


@pytest.mark.parametrize("name", ["Nguyễn Văn An", "Đặng Thị Ngọc Ánh", "H'Hen Niê",
                                  "Trần-Lê Bảo", "Lò Văn Páo", "A"])
def test_person_name_accepted(name):
    assert check_person_name(name) is None


@pytest.mark.parametrize("value, expected", [
    ("HK\x07001", HIDDEN),
    ("HK\u202e001", HIDDEN + " (U+202E)"),
    ("!!!", "phải có chữ hoặc số"),
    ("🏠", "phải có chữ hoặc số"),
    ("X" * 31, "không quá 30 ký tự (đang có 31)"),
    ("", "chưa nhập"),
])
def test_label_refused(value, expected):
    assert expected in (check_label(value, 30) or "")


def test_label_accepted():
    assert check_label("125/QĐ-UBND", 50) is None
    assert check_label("", 50, required=False) is None


# -- free text: cleaned ------------------------------------------------------------------------
def test_free_text_loses_controls_and_invisibles_but_keeps_lines():
    assert clean_multiline(" Dòng 1\x07\r\nDòng\u200b 2\tcột\x00 ") == "Dòng 1\nDòng 2\tcột"
    assert clean_line("12\x0b Hàng\u202e Bạc\n") == "12 Hàng Bạc"
    assert unsafe_chars(clean_multiline("a\x1b\u2066b")) == ""


def test_cell_text_makes_any_stored_text_writable():
    ws = Workbook().active
    for i, raw in enumerate(["Nguyễn\x07 An", "\x00\x1f\ufeffHK001", "x\u202ey", "ok\nline"], 1):
        ws.cell(i, 1, cell_text(raw))  # raises IllegalCharacterError without cell_text
    assert [ws.cell(i, 1).value for i in range(1, 5)] == ["Nguyễn An", "HK001", "xy",
                                                          "ok\nline"]
    assert cell_text(12) == 12 and cell_text(None) is None
    assert cell_text(date(2026, 1, 2)) == date(2026, 1, 2)


# -- digits ------------------------------------------------------------------------------------
def test_full_width_and_superscript_digits_become_ascii():
    assert clean_number("００１ ０８０ ０１２ ３４５") == "001080012345"
    assert clean_number("⁰⁰¹⁰⁸⁰⁰¹²³⁴⁵") == "001080012345"
    assert ascii_digits("0912.345-678") == "0912345678"
    assert check_id_number("００１０８００１２３４５", Sex.MALE, date(1980, 5, 1), TODAY) is None


@pytest.mark.parametrize("number", [
    "00108001234\u0665",  # Arabic-Indic five: a digit for str.isdigit, not after NFKC
    "0010800123\u09e7\u09e8",  # Bengali digits
    "00108001234a",
    "0010800\x0712345",
])
def test_other_unicode_digits_refused_with_a_message(number):
    message = check_id_number(number, None, None, TODAY)  # never a ValueError
    assert message and ("12 chữ số (0–9)" in message or HIDDEN in message)


def test_superscript_id_number_gives_no_value_error():
    assert check_id_number("²²²²²²²²²²²²", None, None, TODAY)  # a message (province 222)
    assert check_old_id_number("¹²³⁴⁵⁶⁷⁸⁹") is None
    assert "9 chữ số" in check_old_id_number("12345678\u0669")


def test_phone_digits():
    assert check_phone("０９１２ ３４５ ６７８") is None
    assert normalize_phone("０９１２ ３４５ ６７８") == "0912345678"
    assert normalize_phone("+84 912 345 678") == "+84912345678"
    assert check_phone("09123456\u0667\u0668")  # Arabic-Indic digits: refused
    assert HIDDEN in check_phone("0912\u200b345678")


# -- bounds ------------------------------------------------------------------------------------
@pytest.mark.parametrize("day", [date(1, 1, 1), date(1800, 1, 1), date(1899, 12, 31)])
def test_event_dates_not_before_1900(day):
    assert check_event_date(day, today=TODAY) == "không được trước ngày 01/01/1900."
    assert check_event_date(EARLIEST_EVENT, today=TODAY) is None


def test_record_dates_not_before_1990():
    msg = check_event_date(date(1989, 12, 31), today=TODAY, earliest=EARLIEST_RECORD)
    assert msg == "không được trước ngày 01/01/1990."


def test_planned_dates_at_most_20_years_ahead():
    assert check_planned_date(date(2046, 6, 15), date(2026, 1, 1), TODAY) is None
    assert "20 năm tới" in check_planned_date(date(3000, 1, 1), date(2026, 1, 1), TODAY)
    assert "trước ngày 01/01/2026" in check_planned_date(date(2025, 1, 1), date(2026, 1, 1),
                                                         TODAY)


@pytest.mark.parametrize("amount, positive, expected", [
    (10**20, True, "không được quá 1.000.000.000.000 đồng."),
    (MAX_AMOUNT + 1, False, "không được quá"),
    (0, True, "phải lớn hơn 0 đồng."),
    (-5, False, "không được âm."),
    (1.5, False, "phải là số nguyên"),
    (None, True, None),
])
def test_amount_bounds(amount, positive, expected):
    message = check_amount(amount, positive=positive)
    assert (message is None) if expected is None else expected in message
    assert check_amount(MAX_AMOUNT, positive=True) is None


def test_count_bounds():
    assert check_count(-1, 100) == "không được âm."
    assert check_count(101, 100) == "không được quá 100."
    assert check_count(True, 100) == "phải là số nguyên."
    assert check_count(5, 100) is None


def test_parse_whole_number_for_dialogs():
    from antq_desktop.validation import FieldError, parse_whole_number

    assert parse_whole_number("３０.０００.０００ đ", "Số tiền") == 30_000_000
    assert parse_whole_number("¹⁹⁷¹", "Năm sinh") == 1971
    assert parse_whole_number("  ", "Tuổi") is None
    for bad in ("4\u0665", "12a", "1" * 20, "-5"):
        with pytest.raises(FieldError, match="chỉ gồm chữ số 0–9"):
            parse_whole_number(bad, "Số tiền")
