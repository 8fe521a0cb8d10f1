import pytest

from antq_desktop.services.unit import UnitInfo
from antq_desktop.validation import FieldError
from tests.conftest import household, member


def test_unit_roundtrip(unit_service, ward):
    info = unit_service.get()
    assert info.ward_name == "Phường Hoàn Kiếm" and info.header_issuer == "CÔNG AN PHƯỜNG HOÀN KIẾM"


def test_unit_rejects_unknown_ward(unit_service):
    assert unit_service.get() is None
    with pytest.raises(FieldError, match="Phường/xã"):
        unit_service.save(UnitInfo(1, "Hà Nội", 999999, "X", "A", "B", "C"))


def test_areas_add_rename_retire(unit_service, households, ward):
    with pytest.raises(FieldError, match="đã có"):
        unit_service.add_area("tổ dân phố số 1")
    ward.append(unit_service.add_area("Thôn Đông"))
    with pytest.raises(FieldError, match="đã có"):
        unit_service.add_area("THÔN ĐÔNG")
    unit_service.retire_area(ward.pop())
    unit_service.rename_area(ward[1], "Tổ dân phố số 2A")
    households.save(household(ward[0]))
    with pytest.raises(FieldError, match="còn 1 hộ"):
        unit_service.retire_area(ward[0])
    unit_service.retire_area(ward[1])
    assert [a.name for a in unit_service.areas()] == ["Tổ dân phố số 1"]
    assert [a.household_count for a in unit_service.areas(include_retired=True)] == [1, 0, 0]
    with pytest.raises(FieldError, match="thôi sử dụng"):
        households.save(household(ward[1], code="HK000009", members=[member(id_number="")]))
