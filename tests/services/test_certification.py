from datetime import date

import pytest
from sqlalchemy import func, select

from antq_desktop.criteria import criteria_for
from antq_desktop.db.models import CertCriterion, CertRecord, CertUnit, Setting
from antq_desktop.enums import CertCategory, CertResult, CertState
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, CriterionData, RecordData
from antq_desktop.services.settings import CertSettings, SettingsService
from antq_desktop.validation import FieldError
from tests.conftest import household, member

YEAR = 2025
TODAY = date(2026, 6, 1)  # every date of YEAR's cycle is past
C, S = CertCategory, CertState
MET, NOT_MET = CertResult.MET, CertResult.NOT_MET


@pytest.fixture
def cert(db):
    return CertificationService(db)


def add(cert, name, category=C.AGENCY, **kw):
    return cert.save_unit(CertUnitData(category=category, name=name, **kw))


def record(category, registered=date(YEAR, 2, 10), evaluated=None, result=None, decision="",
           decided=None, certificate="", unmet=(), notes=None, **kw):
    """A RecordData with every criterion ticked except the numbers in ``unmet``."""
    notes = notes or {}
    criteria = [CriterionData(c.code, c.number not in unmet, notes.get(c.number, ""))
                for c in criteria_for(category)]
    return RecordData(registered_on=registered, evaluated_on=evaluated, result=result,
                      decision_number=decision, decision_date=decided,
                      certificate_number=certificate, criteria=criteria, **kw)


def recognised(category, number="125/QĐ-UBND"):
    return record(category, evaluated=date(YEAR, 10, 20), result=MET, decision=number,
                  decided=date(YEAR, 11, 10), certificate=f"GCN-{number[:3]}")


def evaluated(category):
    return record(category, evaluated=date(YEAR, 10, 20), result=MET)


def count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def by_name(rows):
    return {r.name: r for r in rows}


# -- units ------------------------------------------------------------------------------------------
def test_sync_makes_one_unit_per_area_and_the_ward_and_is_idempotent(db, cert, ward,
                                                                     unit_service):
    rows = cert.year_rows(YEAR)
    assert [(r.category, r.name) for r in rows] == [
        (C.AREA, "Tổ dân phố số 1"), (C.AREA, "Tổ dân phố số 2"), (C.WARD, "Phường Hoàn Kiếm")]
    assert [r.area_id for r in rows] == [ward[0], ward[1], None]
    assert cert.sync_units() == 0
    cert.year_rows(YEAR)
    assert count(db, CertUnit) == 3

    unit_service.rename_area(ward[1], "Tổ dân phố Hàng Bạc")
    unit_service.retire_area(ward[0], date(2026, 3, 1))
    assert cert.sync_units() == 2
    assert [r.name for r in cert.year_rows(2026)] == ["Tổ dân phố Hàng Bạc", "Phường Hoàn Kiếm"]
    # Retired in 2026: still one of the units of 2025.
    assert "Tổ dân phố số 1" in by_name(cert.year_rows(2025))
    unit_service.restore_area(ward[0])
    assert len(cert.year_rows(2026)) == 3
    assert count(db, CertUnit) == 3


def test_no_ward_unit_before_the_unit_is_set_up(cert, unit_service):
    unit_service.add_area("Thôn Đông")
    assert [r.category for r in cert.year_rows(YEAR)] == [C.AREA]


def test_save_unit_validates(cert, ward):
    uid = add(cert, "  Trường THCS  Chu Văn An ", C.SCHOOL, address="số 10, phố Thụy Khuê",
              head_name="Lê Thị Hoa", phone="0912 345 678")
    u = cert.unit(uid)
    assert (u.name, u.category, u.phone, u.editable) == (
        "Trường THCS Chu Văn An", C.SCHOOL, "0912345678", True)
    cases = [
        (CertUnitData(None, "Bưu điện"), "Loại đơn vị", "chưa chọn"),
        (CertUnitData(C.AREA, "Tổ dân phố số 9"), "Loại đơn vị", "Thông tin đơn vị"),
        (CertUnitData(C.WARD, "Phường Khác"), "Loại đơn vị", "Thông tin đơn vị"),
        (CertUnitData(C.AGENCY, "  "), "Tên đơn vị", "chưa nhập"),
        (CertUnitData(C.AGENCY, "Bưu điện", phone="12ab"), "Số điện thoại", "không đúng"),
        (CertUnitData(C.SCHOOL, "trường thcs chu văn an"), "Tên đơn vị", "đã có"),
    ]
    for data, field, words in cases:
        with pytest.raises(FieldError) as e:
            cert.save_unit(data)
        assert e.value.field == field and words in e.value.message, data
    # The same name in another category is another unit.
    assert add(cert, "Trường THCS Chu Văn An", C.ENTERPRISE) != uid
    # Editing keeps its own name.
    assert cert.save_unit(CertUnitData(C.SCHOOL, "Trường THCS Chu Văn An", id=uid)) == uid


def test_area_and_ward_units_are_not_edited_here(cert, ward):
    area, _, ward_unit = cert.year_rows(YEAR)
    for uid in (area.unit_id, ward_unit.unit_id):
        assert not cert.unit(uid).editable
        with pytest.raises(FieldError, match="Thông tin đơn vị"):
            cert.retire_unit(uid, date(2026, 1, 1), today=TODAY)
        with pytest.raises(FieldError, match="Thông tin đơn vị"):
            cert.restore_unit(uid)
        with pytest.raises(FieldError, match="Thông tin đơn vị"):
            cert.save_unit(CertUnitData(C.AGENCY, "Đổi tên", id=uid))
        info = cert.unit(uid)
        with pytest.raises(FieldError, match="Thông tin đơn vị"):
            cert.save_unit(CertUnitData(info.category, "Đổi tên", id=uid))


def test_area_and_ward_units_keep_an_address_and_head(cert, ward):
    area = cert.year_rows(YEAR)[0]
    info = cert.unit(area.unit_id)
    assert cert.save_unit(CertUnitData(info.category, info.name, address="số 5 phố Hàng Bạc",
                                       head_name="Trần Văn Lộc", phone="0912345678",
                                       id=info.id)) == info.id
    saved = cert.unit(info.id)
    assert (saved.name, saved.address, saved.head_name) == (info.name, "số 5 phố Hàng Bạc",
                                                            "Trần Văn Lộc")
    listed = cert.year_rows(YEAR)[0]
    assert listed.head_name == "Trần Văn Lộc"


def test_category_not_changed_once_a_unit_has_records(cert, ward):
    uid = add(cert, "Công ty TNHH Hà Thành", C.ENTERPRISE)
    assert cert.save_unit(CertUnitData(C.AGENCY, "Công ty TNHH Hà Thành", id=uid)) == uid
    cert.save_record(uid, YEAR, record(C.AGENCY), today=TODAY)
    with pytest.raises(FieldError, match="không đổi được"):
        cert.save_unit(CertUnitData(C.ENTERPRISE, "Công ty TNHH Hà Thành", id=uid))


def test_retire_and_restore_a_unit(cert, ward):
    kept = add(cert, "Bưu điện Hoàn Kiếm")
    gone = add(cert, "Trạm y tế phường")
    with pytest.raises(FieldError, match="sau ngày hôm nay"):
        cert.retire_unit(gone, date(2026, 7, 1), today=TODAY)
    cert.save_record(kept, 2026, record(C.AGENCY, registered=date(2026, 2, 1)), today=TODAY)
    cert.retire_unit(kept, date(2026, 5, 1), today=TODAY)
    cert.retire_unit(gone, date(2026, 5, 1), today=TODAY)
    names = by_name(cert.year_rows(2026))
    assert "Bưu điện Hoàn Kiếm" in names  # it has a record that year
    assert "Trạm y tế phường" not in names
    assert "Trạm y tế phường" in by_name(cert.year_rows(2025))  # still open then
    with pytest.raises(FieldError, match="thôi theo dõi"):
        cert.save_record(gone, 2027, record(C.AGENCY, registered=None), today=date(2027, 1, 5))
    cert.restore_unit(gone)
    assert cert.unit(gone).retired_on is None
    assert "Trạm y tế phường" in by_name(cert.year_rows(2026))


# -- the year list ------------------------------------------------------------------------------------
@pytest.fixture
def units(cert, ward):
    """Areas 1–2, the ward, and agencies, an enterprise, a school in every state of YEAR."""
    ids = {
        "area1": cert.year_rows(YEAR)[0].unit_id,
        "area2": cert.year_rows(YEAR)[1].unit_id,
        "ward": cert.year_rows(YEAR)[2].unit_id,
        "ubnd": add(cert, "Ủy ban nhân dân phường", address="số 1, phố Hàng Bạc",
                    head_name="Nguyễn Văn Quang"),
        "buudien": add(cert, "Bưu điện Hoàn Kiếm", address="số 75, phố Đinh Tiên Hoàng",
                       head_name="Trần Thị Mai"),
        "tram": add(cert, "Trạm y tế phường"),
        "cty": add(cert, "Công ty CP Đồng Xuân", C.ENTERPRISE, head_name="Đặng Đức Thắng"),
        "thcs": add(cert, "Trường THCS Trưng Vương", C.SCHOOL),
    }
    cert.save_record(ids["area1"], YEAR, recognised(C.AREA, "101/QĐ-UBND"), today=TODAY)
    cert.save_record(ids["ubnd"], YEAR, evaluated(C.AGENCY), today=TODAY)
    cert.save_record(ids["buudien"], YEAR, record(C.AGENCY), today=TODAY)
    cert.save_record(ids["cty"], YEAR, record(C.ENTERPRISE, evaluated=date(YEAR, 10, 25),
                                              result=NOT_MET, unmet=(3,),
                                              notes={3: "Cháy kho hàng tháng 7"}), today=TODAY)
    cert.save_record(ids["thcs"], YEAR, recognised(C.SCHOOL, "102/QĐ-UBND"), today=TODAY)
    return ids


def test_year_rows_states_and_order(cert, units):
    rows = cert.year_rows(YEAR)
    assert [(r.category, r.name, r.state) for r in rows] == [
        (C.AREA, "Tổ dân phố số 1", S.RECOGNISED),
        (C.AREA, "Tổ dân phố số 2", S.NOT_REGISTERED),
        (C.AGENCY, "Bưu điện Hoàn Kiếm", S.REGISTERED),
        (C.AGENCY, "Trạm y tế phường", S.NOT_REGISTERED),
        (C.AGENCY, "Ủy ban nhân dân phường", S.EVALUATED),
        (C.ENTERPRISE, "Công ty CP Đồng Xuân", S.NOT_MET),
        (C.SCHOOL, "Trường THCS Trưng Vương", S.RECOGNISED),
        (C.WARD, "Phường Hoàn Kiếm", S.NOT_REGISTERED),
    ]
    r = by_name(rows)
    assert (r["Công ty CP Đồng Xuân"].criteria_met, r["Công ty CP Đồng Xuân"].criteria_total) == (4, 5)
    assert (r["Trường THCS Trưng Vương"].criteria_met,
            r["Trường THCS Trưng Vương"].criteria_total) == (8, 8)
    assert r["Trạm y tế phường"].criteria_met == 0 and r["Trạm y tế phường"].registered_on is None
    assert r["Trường THCS Trưng Vương"].decision_number == "102/QĐ-UBND"
    # Another year: nobody registered.
    assert {x.state for x in cert.year_rows(YEAR + 1)} == {S.NOT_REGISTERED}


def test_year_rows_filters_and_folded_search(cert, units):
    assert [r.name for r in cert.year_rows(YEAR, C.AGENCY)] == [
        "Bưu điện Hoàn Kiếm", "Trạm y tế phường", "Ủy ban nhân dân phường"]
    assert [r.name for r in cert.year_rows(YEAR, state=S.RECOGNISED)] == [
        "Tổ dân phố số 1", "Trường THCS Trưng Vương"]
    assert cert.year_rows(YEAR, C.SCHOOL, S.NOT_MET) == []
    assert [r.name for r in cert.year_rows(YEAR, search="uy ban")] == ["Ủy ban nhân dân phường"]
    assert [r.name for r in cert.year_rows(YEAR, search="dang duc thang")] == [
        "Công ty CP Đồng Xuân"]
    assert [r.name for r in cert.year_rows(YEAR, search="DINH TIÊN hoang")] == [
        "Bưu điện Hoàn Kiếm"]
    assert cert.year_rows(YEAR, search="không có ai") == []


def test_state_counts(cert, units):
    assert cert.state_counts(YEAR) == {S.NOT_REGISTERED: 3, S.REGISTERED: 1, S.EVALUATED: 1,
                                       S.RECOGNISED: 2, S.NOT_MET: 1}


def test_listing_proposed_and_recognised(cert, units):
    proposed = cert.listing(YEAR, "proposed")
    assert [u.name for u in proposed] == [
        "Tổ dân phố số 1", "Ủy ban nhân dân phường", "Trường THCS Trưng Vương"]
    assert [u.name for u in cert.listing(YEAR, "recognised")] == [
        "Tổ dân phố số 1", "Trường THCS Trưng Vương"]
    (school,) = cert.listing(YEAR, "recognised", C.SCHOOL)
    assert (school.decision_number, school.decision_date, school.certificate_number) == (
        "102/QĐ-UBND", date(YEAR, 11, 10), "GCN-102")
    assert (school.criteria_met, school.criteria_total, school.result) == (8, 8, MET)
    assert [u.name for u in cert.listing(YEAR, "proposed", C.AGENCY)] == ["Ủy ban nhân dân phường"]
    assert cert.listing(YEAR, "recognised", C.ENTERPRISE) == []
    assert cert.listing(YEAR + 1, "proposed") == []
    with pytest.raises(ValueError):
        cert.listing(YEAR, "all")


def test_category_ratios(cert, units):
    assert cert.category_ratios(YEAR) == {C.AREA: (1, 2), C.AGENCY: (0, 3), C.ENTERPRISE: (0, 1),
                                          C.SCHOOL: (1, 1), C.WARD: (0, 1)}


# -- one record -----------------------------------------------------------------------------------
def test_record_round_trip_with_notes(cert, units):
    info = cert.record(units["cty"], YEAR)
    assert info.exists and info.state is S.NOT_MET and info.result is NOT_MET
    assert [c.met for c in info.checklist] == [True, True, False, True, True]
    assert info.checklist[2].note == "Cháy kho hàng tháng 7"
    assert info.proposed is NOT_MET
    empty = cert.record(units["tram"], YEAR)
    assert not empty.exists and empty.state is S.NOT_REGISTERED
    assert [c.met for c in empty.checklist] == [False] * 5
    assert all(c.computed_met is None for c in empty.checklist)


def test_kdc_criterion_1_comes_from_the_sign_ups(cert, ward, households):
    a = households.save(household(ward[0], "HK000001"))
    b = households.save(household(ward[0], "HK000002",
                                  [member("Trần Văn Bình", id_number="001080054321")]))
    area1, area2 = [r.unit_id for r in cert.year_rows(YEAR)[:2]]
    households.sign_up(a, YEAR, date(YEAR, 1, 10))
    c1 = cert.record(area1, YEAR).checklist[0]
    assert (c1.criterion.code, c1.computed_met, c1.met) == ("kdc-1", False, False)
    assert c1.computed_text == "1/2 hộ đã đăng ký (50,0%)"
    households.sign_up(b, YEAR, date(YEAR, 1, 12))
    c1 = cert.record(area1, YEAR).checklist[0]
    assert (c1.computed_met, c1.met, c1.computed_text) == (True, True, "2/2 hộ đã đăng ký (100%)")
    assert cert.record(area1, YEAR).checklist[1].computed_met is None
    # An area with no household cannot have 100% signed up.
    empty = cert.record(area2, YEAR).checklist[0]
    assert (empty.computed_met, empty.met) == (False, False)
    assert "chưa có hộ" in empty.computed_text
    # The officer's tick wins over the computed value once stored.
    cert.save_record(area1, YEAR, record(C.AREA, unmet=(1,), notes={1: "Chi bộ chưa họp"}),
                     today=TODAY)
    c1 = cert.record(area1, YEAR).checklist[0]
    assert (c1.met, c1.computed_met, c1.note) == (False, True, "Chi bộ chưa họp")


def test_ward_criterion_4_and_ratio_boundary(cert, ward):
    area1, area2, ward_unit = [r.unit_id for r in cert.year_rows(YEAR)]
    others = [add(cert, f"Cơ quan số {i}") for i in range(1, 9)]  # 10 units with the areas
    everyone = [area1, area2] + others
    for i, uid in enumerate(everyone):
        category = C.AREA if uid in (area1, area2) else C.AGENCY
        cert.save_record(uid, YEAR, recognised(category, f"{100 + i}/QĐ-UBND") if i < 6
                         else evaluated(category), today=TODAY)
    ratio = cert.ward_ratio(YEAR)
    assert (ratio.units, ratio.registered, ratio.recognised, ratio.met) == (10, 10, 6, False)
    w4 = cert.record(ward_unit, YEAR).checklist[3]
    assert (w4.criterion.code, w4.computed_met, w4.met) == ("ward-4", False, False)
    cert.save_record(everyone[6], YEAR, recognised(C.AGENCY, "200/QĐ-UBND"), today=TODAY)
    ratio = cert.ward_ratio(YEAR)
    assert (ratio.recognised, ratio.met, ratio.recognised_share) == (7, True, 0.7)
    assert ratio.text == "Đăng ký 10/10 (100%), công nhận 7/10 (70,0%)"
    w4 = cert.record(ward_unit, YEAR).checklist[3]
    assert (w4.computed_met, w4.met, w4.computed_text) == (True, True, ratio.text)
    # The ward's own record does not count; one more unit not registered breaks the 100%.
    cert.save_record(ward_unit, YEAR, recognised(C.WARD, "300/QĐ-UBND"), today=TODAY)
    assert cert.ward_ratio(YEAR).units == 10
    add(cert, "Trường THPT Việt Đức", C.SCHOOL)
    ratio = cert.ward_ratio(YEAR)
    assert (ratio.units, ratio.all_registered, ratio.met) == (11, False, False)


def test_save_record_updates_and_clear_record(db, cert, units):
    uid = units["buudien"]
    cert.save_record(uid, YEAR, record(C.AGENCY, evaluated=date(YEAR, 10, 30), result=MET,
                                       notes={2: "Biên bản phối hợp số 5"}), today=TODAY)
    info = cert.record(uid, YEAR)
    assert info.state is S.EVALUATED and info.checklist[1].note == "Biên bản phối hợp số 5"
    # A criterion left out of the data is stored unmet.
    data = record(C.AGENCY)
    data.criteria = data.criteria[:3]
    cert.save_record(uid, YEAR, data, today=TODAY)
    assert [c.met for c in cert.record(uid, YEAR).checklist] == [True, True, True, False, False]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CertCriterion)
                        .join(CertRecord).where(CertRecord.unit_id == uid)) == 5
    assert cert.clear_record(uid, YEAR) is True
    assert cert.clear_record(uid, YEAR) is False
    assert not cert.record(uid, YEAR).exists
    with db.session() as s:  # its checklist went with it
        assert s.scalar(select(func.count()).select_from(CertCriterion)
                        .join(CertRecord).where(CertRecord.unit_id == uid)) == 0


BAD_RECORDS = [
    ({"registered": date(YEAR - 1, 12, 30)}, "Ngày đăng ký", "phải từ 01/01/2025"),
    ({"registered": date(2026, 7, 1)}, "Ngày đăng ký", "phải từ"),
    ({"evaluated": date(YEAR, 1, 5)}, "Ngày họp đánh giá", "không được trước ngày đăng ký"),
    ({"registered": None, "evaluated": date(YEAR, 10, 1)}, "Ngày họp đánh giá", "chưa đăng ký"),
    ({"registered": None, "result": NOT_MET}, "Kết quả", "chưa đăng ký"),
    ({"result": NOT_MET}, "Kết quả", "chưa có ngày họp đánh giá"),
    ({"evaluated": date(YEAR, 10, 1), "result": MET, "unmet": (2, 4)}, "Kết quả",
     "chưa đạt tiêu chuẩn 2, 4"),
    ({"evaluated": date(YEAR, 10, 1), "result": NOT_MET, "decision": "5/QĐ-UBND"}, "Số quyết định",
     "chỉ ghi khi kết quả là “Đạt”"),
    ({"decided": date(YEAR, 11, 1)}, "Ngày quyết định", "chỉ ghi khi"),
    ({"evaluated": date(YEAR, 10, 1), "result": MET, "certificate": "GCN-1"}, "Số Giấy công nhận",
     "chưa có số quyết định"),
    ({"certificate": "GCN-1"}, "Số Giấy công nhận", "chỉ ghi khi"),
    ({"evaluated": date(YEAR, 10, 1), "result": MET, "decision": "5/QĐ-UBND",
          "decided": date(YEAR, 9, 30)}, "Ngày quyết định", "không được trước ngày họp đánh giá"),
    ({"evaluated": date(YEAR, 10, 1), "result": MET, "decision": "5/QĐ-UBND"}, "Ngày quyết định",
     "chưa nhập"),
    ({"evaluated": date(YEAR, 10, 1), "result": MET, "decided": date(YEAR, 11, 1)}, "Số quyết định",
     "chưa nhập"),
    ({"evaluated": date(YEAR + 1, 4, 1)}, "Ngày họp đánh giá", "đến 31/03/2026"),
]


@pytest.mark.parametrize("kw, field, words", BAD_RECORDS)
def test_save_record_refuses_and_writes_nothing(db, cert, units, kw, field, words):
    uid = units["tram"]
    with pytest.raises(FieldError) as e:
        cert.save_record(uid, YEAR, record(C.AGENCY, **kw), today=date(2026, 6, 1))
    assert e.value.field == field and words in e.value.message, e.value
    assert not cert.record(uid, YEAR).exists


def test_failed_update_leaves_the_record_as_it_was(db, cert, units):
    uid = units["ubnd"]
    before = cert.record(uid, YEAR)
    criteria_before = count(db, CertCriterion)
    bad = record(C.AGENCY, evaluated=date(YEAR, 10, 1), result=MET, unmet=(1,),
                 notes={1: "đã sửa"})
    with pytest.raises(FieldError):
        cert.save_record(uid, YEAR, bad, today=TODAY)
    assert cert.record(uid, YEAR) == before
    assert count(db, CertCriterion) == criteria_before


def test_save_record_other_checks(cert, units):
    with pytest.raises(FieldError) as e:
        cert.save_record(units["tram"], 1999, record(C.AGENCY, registered=None), today=TODAY)
    assert e.value.field == "Năm"
    with pytest.raises(FieldError) as e:
        cert.save_record(units["tram"], YEAR, record(C.AGENCY, registered=date(2026, 6, 2)),
                         today=date(2026, 6, 1))
    assert "phải từ" in e.value.message
    with pytest.raises(FieldError) as e:  # registered later this year than today
        cert.save_record(units["tram"], 2026, record(C.AGENCY, registered=date(2026, 6, 2)),
                         today=date(2026, 6, 1))
    assert e.value.message == "không được sau ngày hôm nay."
    wrong = record(C.AGENCY)
    wrong.criteria.append(CriterionData("kdc-1", True))
    with pytest.raises(FieldError) as e:
        cert.save_record(units["tram"], YEAR, wrong, today=TODAY)
    assert e.value.field == "Tiêu chuẩn"
    # A decision a little after New Year is accepted.
    late = record(C.AGENCY, evaluated=date(YEAR, 12, 20), result=MET, decision="3/QĐ-UBND",
                  decided=date(YEAR + 1, 1, 8))
    cert.save_record(units["tram"], YEAR, late, today=TODAY)
    assert cert.record(units["tram"], YEAR).state is S.RECOGNISED


# -- deadlines ---------------------------------------------------------------------------------------
def test_registration_deadline_near_past_and_quiet(cert, units):
    # 3 units not registered in YEAR (area 2, trạm y tế, the ward).
    (n,) = cert.deadlines(YEAR, date(YEAR, 3, 20))
    assert not n.past
    assert n.text == ("Hạn đăng ký phấn đấu “An toàn về an ninh, trật tự” năm 2025 là "
                      "31/03/2025 (còn 11 ngày): còn 3 đơn vị chưa đăng ký.")
    (n,) = cert.deadlines(YEAR, date(YEAR, 3, 31))
    assert "hôm nay là hạn cuối" in n.text
    (n,) = cert.deadlines(YEAR, date(YEAR, 4, 2))
    assert n.past and n.text.startswith("Đã quá hạn đăng ký") and "còn 3 đơn vị" in n.text
    assert cert.deadlines(YEAR, date(YEAR, 3, 1)) == []  # 30 days ahead: not near yet
    for key in ("area2", "tram", "ward"):
        category = {"area2": C.AREA, "tram": C.AGENCY, "ward": C.WARD}[key]
        cert.save_record(units[key], YEAR, record(category), today=TODAY)
    assert cert.deadlines(YEAR, date(YEAR, 4, 2)) == []


def test_recognition_deadlines(db, cert, units):
    def recognition(today):
        notices = cert.deadlines(YEAR, today)
        assert notices[0].past and notices[0].text.startswith("Đã quá hạn đăng ký")
        return notices[1:]

    # Undecided: Bưu điện (registered), UBND (evaluated). The ward is not registered.
    (n,) = recognition(date(YEAR, 11, 5))
    assert not n.past and "15/11/2025 (còn 10 ngày)" in n.text
    assert "còn 2 đơn vị đã đăng ký nhưng chưa có quyết định công nhận" in n.text
    assert [x.past for x in recognition(date(YEAR, 11, 16))] == [True]
    assert recognition(date(YEAR, 10, 20)) == []  # 26 days ahead
    cert.save_record(units["ward"], YEAR, evaluated(C.WARD), today=TODAY)
    notices = recognition(date(YEAR, 11, 16))
    assert [x.past for x in notices] == [True, False]
    assert "công nhận xã, phường năm 2025 là 20/11/2025 (còn 4 ngày): còn 1 đơn vị" in notices[1].text
    # The settings move the deadline and the window.
    SettingsService(db).save_cert_settings(CertSettings(recognition_deadline=(30, 11),
                                                        near_days=20))
    notices = recognition(date(YEAR, 11, 16))
    assert [x.past for x in notices] == [False, False]
    assert "30/11/2025 (còn 14 ngày)" in notices[0].text
    # Decided (recognised or not met) is no longer behind.
    cert.save_record(units["buudien"], YEAR, recognised(C.AGENCY, "7/QĐ-UBND"), today=TODAY)
    cert.save_record(units["ubnd"], YEAR, record(C.AGENCY, evaluated=date(YEAR, 10, 20),
                                                 result=NOT_MET, unmet=(5,)), today=TODAY)
    assert [x.text[:30] for x in recognition(date(YEAR, 11, 16))] == [
        "Hạn công nhận xã, phường năm 2"]


# -- settings ----------------------------------------------------------------------------------------
def test_settings_defaults_round_trip_and_validation(db):
    settings = SettingsService(db)
    c = settings.cert_settings()
    assert c == CertSettings()
    assert (c.registration_on(2026), c.recognition_on(2026), c.other_recognition_on(2026)) == (
        date(2026, 3, 31), date(2026, 11, 15), date(2026, 11, 20))
    assert (c.decider_title, c.near_days) == ("Chủ tịch UBND phường", 14)
    new = CertSettings(registration_deadline=(15, 3), recognition_deadline=(10, 11),
                       other_recognition_deadline=(25, 11), decider_title="  Chủ tịch UBND xã ",
                       near_days=30)
    settings.save_cert_settings(new)
    got = settings.cert_settings()
    assert got.registration_deadline == (15, 3) and got.decider_title == "Chủ tịch UBND xã"
    assert (got.other_recognition_deadline, got.near_days) == ((25, 11), 30)
    assert settings.get_text("cert.registration_deadline") == "15/03"
    rows = count(db, Setting)
    for bad, field, words in [
        (CertSettings(registration_deadline=(31, 4)), "Hạn đăng ký phấn đấu", "31/04 không tồn tại"),
        (CertSettings(recognition_deadline=(29, 2)), ("Hạn công nhận khu dân cư và đơn vị do "
                                                     "phường quản lý"), "29/02"),
        (CertSettings(other_recognition_deadline=(1, 13)), "Hạn công nhận các đơn vị khác",
         "tháng 13"),
        (CertSettings(decider_title=" "), "Chức danh người ký quyết định công nhận", "chưa nhập"),
        (CertSettings(near_days=0), "Số ngày báo trước hạn", "từ 1 đến 90"),
    ]:
        with pytest.raises(FieldError) as e:
            settings.save_cert_settings(bad)
        assert e.value.field == field and words in e.value.message, bad
    assert settings.cert_settings() == got and count(db, Setting) == rows


def test_settings_generic_text_and_unreadable_values(db):
    settings = SettingsService(db)
    assert settings.get_text("report.footer", "mặc định") == "mặc định"
    settings.set_text("report.footer", "Nơi nhận: Lưu VT")
    settings.set_text("report.footer", "Nơi nhận: Lưu VT, CAP")
    assert settings.get_text("report.footer") == "Nơi nhận: Lưu VT, CAP"
    settings.set_text("cert.registration_deadline", "31/02")
    settings.set_text("cert.near_days", "nhiều")
    c = settings.cert_settings()
    assert (c.registration_deadline, c.near_days) == ((31, 3), 14)


def test_overview_agrees_with_the_separate_reads(cert, ward):
    add(cert, "Bưu điện Hoàn Kiếm")
    seen = cert.overview(YEAR, TODAY)
    assert seen.counts == cert.state_counts(YEAR)
    assert seen.ratio == cert.ward_ratio(YEAR)
    assert seen.deadlines == cert.deadlines(YEAR, TODAY)
