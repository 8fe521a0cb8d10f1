"""'Nơi nhận' is a setting of the unit, named after its own province and ward by default, kept
with the unit in one save, and printed on its documents; never a generic 'Công an cấp trên'."""

import pytest

from antq_desktop.reports import registry
from antq_desktop.services.unit import UnitInfo, default_recipients, recipient_lines
from antq_desktop.validation import FieldError

WARD = dict(province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
            ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
            header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm")


def test_the_default_names_the_units_own_province_and_ward(unit_service):
    unit_service.save(UnitInfo(**WARD))
    got = unit_service.get().recipients
    assert got == default_recipients(UnitInfo(**WARD)) == (
        "Công an thành phố Hà Nội (để báo cáo);", "Đảng ủy, UBND phường Hoàn Kiếm;",
        "Lưu: VT, hồ sơ phong trào.")
    assert not any("cấp trên" in line for line in got)


def test_the_officer_sets_them_and_every_document_carries_them(db, unit_service):
    unit_service.save(UnitInfo(**WARD, recipients=(
        "- UBND phường Hoàn Kiếm;", "", "  Lưu: VT, CAP.  ")))
    assert unit_service.get().recipients == ("UBND phường Hoàn Kiếm;", "Lưu: VT, CAP.")
    assert registry.load_letterhead(db).recipients == ("UBND phường Hoàn Kiếm;",
                                                        "Lưu: VT, CAP.")


def test_too_many_or_too_long_lines_are_refused_and_nothing_is_saved(unit_service):
    unit_service.save(UnitInfo(**WARD))
    with pytest.raises(FieldError, match="Nơi nhận: tối đa 10 nơi nhận"):
        unit_service.save(UnitInfo(**{**WARD, "place_name": "Hà Nội"},
                                   recipients=tuple(f"Nơi {i};" for i in range(11))))
    with pytest.raises(FieldError, match="dài quá 200 ký tự"):
        unit_service.save(UnitInfo(**WARD, recipients=("x" * 201,)))
    info = unit_service.get()
    assert info.place_name == "Phường Hoàn Kiếm"  # the failed save changed nothing
    assert info.recipients == default_recipients(info)


def test_recipient_lines():
    assert recipient_lines("- A;\n\n– B.\n  ") == ("A;", "B.")
