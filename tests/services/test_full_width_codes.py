"""Found by bench/probe_inputs.py: a full-width household code or area name got past the
uniqueness checks as a second, look-alike record."""

from datetime import date

from antq_desktop.validation import FieldError
from tests.conftest import household, member
from tests.services.test_bounds_and_order import refused

TODAY = date(2026, 6, 15)


def test_full_width_household_code_is_stored_plain_and_caught_as_taken(db, households, ward):
    hid = households.save(household(ward[0], code="ＨＫ０００１２３"), today=TODAY)
    assert households.get(hid).code == "HK000123"
    other = household(ward[0], code="ｈｋ０００１２３",
                      members=[member(name="Phạm Văn Cường", id_number="")])
    error = refused(db, lambda: households.save(other, today=TODAY), "Số hộ", "đã dùng")
    assert "HK000123" in error.message


def test_full_width_area_name_equals_the_plain_one(db, unit_service, ward):
    refused(db, lambda: unit_service.add_area("Tổ dân phố số １"), "Tên khu dân cư", "đã có")
    aid = unit_service.add_area("Tổ dân phố số ３")
    assert next(a.name for a in unit_service.areas() if a.id == aid) == "Tổ dân phố số 3"
    try:
        unit_service.rename_area(aid, "Tổ dân phố số ２")
    except FieldError as error:
        assert "đã có" in error.message
    else:
        raise AssertionError("a full-width rename onto an existing area was accepted")
