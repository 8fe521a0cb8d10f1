from datetime import date

import pytest

from antq_desktop.enums import Sex
from antq_desktop.text import fold, lower, title_name
from antq_desktop.validation import check_id_number, parse_date


def test_fold_vietnamese():
    assert fold("  Đặng  Đức ") == "dang duc"
    assert fold("NGUYỄN THỊ HỒNG ƯỚC") == "nguyen thi hong uoc"
    assert fold("Ðinh") == "dinh"  # the look-alike Icelandic eth used by some keyboards
    assert fold("Hoa\u0300") == "hoa"  # decomposed input
    assert lower("Đặng ĐỨC") == "đặng đức"


def test_title_name():
    assert title_name("  đặng   đức ánh ") == "Đặng Đức Ánh"


@pytest.mark.parametrize("number,sex,born,ok", [
    ("001080012345", Sex.MALE, date(1980, 1, 1), True),
    ("001180012345", Sex.FEMALE, date(1980, 1, 1), True),
    ("079205012345", Sex.MALE, date(2005, 3, 3), True),
    ("079305012345", Sex.FEMALE, date(2005, 3, 3), True),
    ("001080012345", Sex.FEMALE, date(1980, 1, 1), False),  # digit 4 says male
    ("001080012345", Sex.MALE, date(1981, 1, 1), False),  # year 80 vs 1981
    ("001280012345", Sex.MALE, date(1980, 1, 1), False),  # century 2000s: 2080
    ("00108001234", Sex.MALE, date(1980, 1, 1), False),  # 11 digits
    ("00108001234A", Sex.MALE, date(1980, 1, 1), False),
    ("003080012345", Sex.MALE, date(1980, 1, 1), False),  # 003 is no province code
    ("", Sex.MALE, date(2020, 1, 1), True),  # children may have no number
])
def test_id_number(number, sex, born, ok):
    assert (check_id_number(number, sex, born) is None) == ok


def test_id_number_messages_name_the_problem():
    assert "giới tính" in check_id_number("001080012345", Sex.FEMALE, date(1980, 1, 1))
    assert "năm sinh" in check_id_number("001080012345", Sex.MALE, date(1981, 1, 1))
    assert "12 chữ số" in check_id_number("12345", Sex.MALE, None)


def test_parse_date():
    assert parse_date("05/01/2026") == date(2026, 1, 5)
    assert parse_date("5-1-2026") == date(2026, 1, 5)
    assert parse_date(" ") is None
    with pytest.raises(ValueError, match="không tồn tại"):
        parse_date("31/02/2024")
    with pytest.raises(ValueError, match="dạng"):
        parse_date("2024-02-01")


def test_id_number_birth_year_against_a_given_today():
    from datetime import date

    from antq_desktop.enums import Sex
    from antq_desktop.validation import check_id_number

    # 001 (Hà Nội), 3 (female, 2000s), 27 → born 2027: after "this year" on 01/12/2026 only
    assert "sau năm hiện tại" in check_id_number("001327012345", Sex.FEMALE, None,
                                                 today=date(2026, 12, 1))
    assert check_id_number("001327012345", Sex.FEMALE, None, today=date(2027, 2, 1)) is None
