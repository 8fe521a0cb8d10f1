"""Found by bench/probe_inputs.py: full-width codes, and messages that echoed a bad name whole."""

from antq_desktop.text import normalize_compat
from antq_desktop.validation import FieldError, row_label


def test_compat_makes_full_width_codes_plain_and_keeps_invisibles():
    assert normalize_compat("  ＨＫ０００ ００１ ") == "HK000 001"
    assert normalize_compat("Tổ số ¹²") == "Tổ số 12"
    assert normalize_compat("Đặng Đức") == "Đặng Đức"  # NFC kept
    assert "\u200b" in normalize_compat("HK\u200b01")  # left for validation to refuse
    assert normalize_compat(None) == ""


def test_a_message_names_a_long_or_invisible_name_on_one_short_line():
    error = FieldError("Họ và tên", "không quá 100 ký tự (đang có 10000).", "A" * 10_000)
    text = str(error)
    assert text.startswith("A" * 39 + "… — Họ và tên:")
    assert len(text) < 100
    assert error.row == "A" * 10_000  # the dialog still finds the member by its row
    shown = str(FieldError("Họ và tên", "có ký tự ẩn.", "Đặng\x07 Đức\u202e Anh"))
    assert shown.startswith("Đặng Đức Anh — ")
    assert row_label("x\x00y") == "xy"
