from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from antq_desktop.db.models import Award, MovementModel, Outreach, Patrol, Tip, WeaponHandover
from antq_desktop.enums import AwardLevel, OutreachKind, TipResult, WeaponKind
from antq_desktop.services.activities import (
    WARD_LABEL,
    WARD_ONLY,
    ActivityService,
    AwardData,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
    activity_errors,
    format_number,
)
from antq_desktop.validation import FieldError

TODAY = date(2026, 11, 20)
TABLES = {Kind.TIP: Tip, Kind.MODEL: MovementModel, Kind.PATROL: Patrol, Kind.OUTREACH: Outreach,
          Kind.WEAPON: WeaponHandover, Kind.AWARD: Award}


@pytest.fixture
def acts(db):
    return ActivityService(db)


def _count(db, table) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(table))


def tip(on=date(2026, 3, 2), area=None, content="Phát hiện nhóm thanh niên tụ tập đua xe "
        "trên phố Tràng Tiền", **kw):
    return TipData(received_on=on, area_id=area, content=content, **kw)


GOOD = {
    Kind.TIP: tip(),
    Kind.MODEL: ModelData("Camera an ninh", None, date(2024, 5, 1), members=12),
    Kind.PATROL: PatrolData(date(2026, 3, 2), None, 6),
    Kind.OUTREACH: OutreachData(date(2026, 3, 2), None, OutreachKind.MEETING,
                                "Phòng chống lừa đảo qua mạng", 80),
    Kind.WEAPON: WeaponData(date(2026, 1, 20), None, WeaponKind.FIRECRACKER, 3.5),
    Kind.AWARD: AwardData(date(2025, 12, 20), "Nguyễn Văn An", AwardLevel.WARD_POLICE),
}


def _error(acts, kind, data, record_id=None) -> FieldError:
    with pytest.raises(FieldError) as info:
        acts.save(kind, data, record_id, today=TODAY)
    return info.value


# -- saving and reading back ------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(Kind))
def test_save_and_get_round_trip(acts, ward, kind):
    data = replace(GOOD[kind], area_id=ward[1])
    record_id = acts.save(kind, data, today=TODAY)
    back = acts.get(kind, record_id)
    assert type(back) is type(data)
    if kind is Kind.WEAPON:
        assert back == replace(data, unit="kg")  # the kind's default unit
    else:
        assert back == data
    [row] = acts.rows(kind)
    assert row.id == record_id and row.area_name == "Tổ dân phố số 2"


def test_text_is_trimmed_and_folded(db, acts):
    record_id = acts.save(Kind.TIP, tip(content="  Đối tượng  lạ \n", result_note="  ghi  chú "),
                          today=TODAY)
    data = acts.get(Kind.TIP, record_id)
    assert data.content == "Đối tượng  lạ" and data.result_note == "ghi chú"
    with db.session() as s:
        assert s.get(Tip, record_id).folded == "doi tuong la ghi chu"


def test_edit_keeps_one_record(acts):
    record_id = acts.save(Kind.PATROL, GOOD[Kind.PATROL], today=TODAY)
    assert acts.save(Kind.PATROL, replace(GOOD[Kind.PATROL], participants=9, notes="Tuần tra "
                     "đêm"), record_id, today=TODAY) == record_id
    [row] = acts.rows(Kind.PATROL, search="dem")
    assert row.participants == 9


def test_wrong_data_class_refused(acts):
    with pytest.raises(TypeError):
        acts.save(Kind.TIP, GOOD[Kind.PATROL])


# -- validation --------------------------------------------------------------------------------
DATE_FIELDS = {Kind.TIP: ("received_on", "Ngày tiếp nhận"),
               Kind.MODEL: ("started_on", "Ngày thành lập"),
               Kind.PATROL: ("held_on", "Ngày tuần tra"),
               Kind.OUTREACH: ("held_on", "Ngày tuyên truyền"),
               Kind.WEAPON: ("received_on", "Ngày tiếp nhận"),
               Kind.AWARD: ("awarded_on", "Ngày khen thưởng")}


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("value, message", [
    (None, "chưa nhập."),
    (date(2026, 11, 21), "không được sau ngày hôm nay."),
    (date(1989, 12, 31), "không được trước ngày 01/01/1990."),
])
def test_dates_required_not_future_not_absurd(db, acts, kind, value, message):
    field, label = DATE_FIELDS[kind]
    err = _error(acts, kind, replace(GOOD[kind], **{field: value}))
    assert (err.field, err.message) == (label, message)
    assert _count(db, TABLES[kind]) == 0


@pytest.mark.parametrize("kind, changes, field, message", [
    (Kind.TIP, {"content": "   "}, "Nội dung tin báo", "chưa nhập."),
    (Kind.TIP, {"result": None}, "Kết quả xử lý", "chưa chọn."),
    (Kind.TIP, {"result": TipResult.ARREST, "valuable": True}, "Số đối tượng",
     "phải từ 1 trở lên."),
    (Kind.TIP, {"result": TipResult.SURRENDER, "valuable": True, "persons": 101},
     "Số đối tượng", "không được quá 100."),
    (Kind.TIP, {"result": TipResult.NO_RESULT, "persons": 2}, "Số đối tượng",
     "chỉ ghi khi kết quả là bắt giữ hoặc vận động đầu thú."),
    (Kind.TIP, {"result": TipResult.CASE_SOLVED}, "Tin có giá trị",
     "tin đã “phục vụ giải quyết vụ việc” là tin có giá trị."),
    (Kind.TIP, {"result_note": "x" * 301}, "Ghi chú kết quả",
     "không quá 300 ký tự (đang có 301)."),
    (Kind.MODEL, {"name": ""}, "Tên mô hình", "chưa nhập."),
    (Kind.MODEL, {"members": -1}, "Số thành viên", "không được âm."),
    (Kind.MODEL, {"ended_on": date(2024, 4, 30)}, "Ngày kết thúc",
     "không được trước ngày 01/05/2024."),
    (Kind.MODEL, {"ended_on": date(2026, 12, 1)}, "Ngày kết thúc",
     "không được sau ngày hôm nay."),
    (Kind.PATROL, {"participants": 0}, "Số người tham gia", "phải từ 1 trở lên."),
    (Kind.PATROL, {"participants": None}, "Số người tham gia", "chưa nhập."),
    (Kind.PATROL, {"participants": 1001}, "Số người tham gia", "không được quá 1.000."),
    (Kind.OUTREACH, {"kind": None}, "Hình thức", "chưa chọn."),
    (Kind.OUTREACH, {"topic": ""}, "Nội dung tuyên truyền", "chưa nhập."),
    (Kind.OUTREACH, {"attendance": -5}, "Số người dự", "không được âm."),
    (Kind.WEAPON, {"kind": None}, "Loại", "chưa chọn."),
    (Kind.WEAPON, {"quantity": 0}, "Số lượng", "phải lớn hơn 0."),
    (Kind.WEAPON, {"quantity": -2}, "Số lượng", "phải lớn hơn 0."),
    (Kind.WEAPON, {"quantity": None}, "Số lượng", "chưa nhập."),
    (Kind.WEAPON, {"kind": WeaponKind.AMMUNITION, "quantity": 2.5}, "Số lượng",
     "đếm theo viên phải là số nguyên."),
    (Kind.WEAPON, {"unit": "x" * 21}, "Đơn vị tính", "không quá 20 ký tự (đang có 21)."),
    (Kind.AWARD, {"recipient": " "}, "Tập thể, cá nhân được khen", "chưa nhập."),
    (Kind.AWARD, {"level": None}, "Hình thức khen thưởng", "chưa chọn."),
    (Kind.AWARD, {"decision_number": "1" * 51}, "Số quyết định",
     "không quá 50 ký tự (đang có 51)."),
])
def test_each_rule_names_its_field_and_saves_nothing(db, acts, kind, changes, field, message):
    err = _error(acts, kind, replace(GOOD[kind], **changes))
    assert (err.field, err.message) == (field, message)
    assert _count(db, TABLES[kind]) == 0
    assert activity_errors(kind, replace(GOOD[kind], **changes), TODAY)[0] == err


def test_good_records_have_no_errors():
    for kind, data in GOOD.items():
        assert activity_errors(kind, data, TODAY) == [], kind


def test_tip_results_with_persons(acts):
    arrest = tip(result=TipResult.ARREST, valuable=True, persons=3, result_note="Bắt quả tang")
    record_id = acts.save(Kind.TIP, arrest, today=TODAY)
    [row] = acts.rows(Kind.TIP)
    assert row.persons == 3 and row.result_text == "Bắt giữ 3 đối tượng"
    assert acts.get(Kind.TIP, record_id).valuable
    acts.save(Kind.TIP, tip(valuable=True), today=TODAY)  # a valuable tip still being checked
    assert len(acts.rows(Kind.TIP)) == 2


def test_weapon_unit_follows_kind_unless_given(acts):
    acts.save(Kind.WEAPON, WeaponData(date(2026, 2, 1), None, WeaponKind.AMMUNITION, 12),
              today=TODAY)
    acts.save(Kind.WEAPON, WeaponData(date(2026, 2, 2), None, WeaponKind.EXPLOSIVE, 2,
                                      unit="quả", description="Lựu đạn"), today=TODAY)
    rows = acts.rows(Kind.WEAPON)
    assert [r.quantity_text for r in rows] == ["2 quả", "12 viên"]
    assert format_number(1250.25) == "1.250,25"


def test_unknown_area_refused_and_nothing_saved(db, acts, ward):
    err = _error(acts, Kind.PATROL, replace(GOOD[Kind.PATROL], area_id=ward[1] + 99))
    assert (err.field, err.message) == ("Khu dân cư", "không tồn tại.")
    assert _count(db, Patrol) == 0


def test_failed_edit_changes_nothing(acts):
    record_id = acts.save(Kind.OUTREACH, GOOD[Kind.OUTREACH], today=TODAY)
    _error(acts, Kind.OUTREACH, replace(GOOD[Kind.OUTREACH], topic="Mới", attendance=-1),
           record_id)
    assert acts.get(Kind.OUTREACH, record_id) == GOOD[Kind.OUTREACH]


def test_same_model_kept_twice_in_one_place_refused(db, acts, ward):
    acts.save(Kind.MODEL, replace(GOOD[Kind.MODEL], area_id=ward[0]), today=TODAY)
    err = _error(acts, Kind.MODEL, replace(GOOD[Kind.MODEL], name="camera  AN NINH",
                                           area_id=ward[0]))
    assert err.field == "Tên mô hình" and "đang được duy trì" in err.message
    assert _count(db, MovementModel) == 1
    # another area, or the ward as a whole, may keep one of the same name
    acts.save(Kind.MODEL, replace(GOOD[Kind.MODEL], area_id=ward[1]), today=TODAY)
    acts.save(Kind.MODEL, GOOD[Kind.MODEL], today=TODAY)
    assert _count(db, MovementModel) == 3


# -- lists: year, area, search -----------------------------------------------------------------
@pytest.fixture
def tips(acts, ward):
    """Four tips: two in area 1 (2025, 2026), one in area 2, one of the whole ward."""
    acts.save(Kind.TIP, tip(date(2025, 12, 31), ward[0], "Nghi vấn mua bán ma túy ở ngõ Đồng "
                            "Xuân"), today=TODAY)
    acts.save(Kind.TIP, tip(date(2026, 1, 1), ward[0], "Trộm cắp xe máy tại chợ"), today=TODAY)
    acts.save(Kind.TIP, tip(date(2026, 6, 5), ward[1], "Đánh bạc tại nhà số 8 Hàng Đào"),
              today=TODAY)
    acts.save(Kind.TIP, tip(date(2026, 3, 9), None, "Đường dây cho vay nặng lãi 100%"),
              today=TODAY)


def _contents(rows):
    return [r.content.split()[0] for r in rows]


def test_rows_newest_first_with_year_filter(acts, tips):
    assert _contents(acts.rows(Kind.TIP)) == ["Đánh", "Đường", "Trộm", "Nghi"]
    assert _contents(acts.rows(Kind.TIP, 2026)) == ["Đánh", "Đường", "Trộm"]
    assert _contents(acts.rows(Kind.TIP, 2025)) == ["Nghi"]
    assert acts.rows(Kind.TIP, 2024) == []


def test_rows_area_filter(acts, ward, tips):
    assert _contents(acts.rows(Kind.TIP, area_id=ward[0])) == ["Trộm", "Nghi"]
    assert _contents(acts.rows(Kind.TIP, area_id=ward[1])) == ["Đánh"]
    ward_rows = acts.rows(Kind.TIP, area_id=WARD_ONLY)
    assert _contents(ward_rows) == ["Đường"] and ward_rows[0].area_name == WARD_LABEL
    assert _contents(acts.rows(Kind.TIP, 2026, ward[0])) == ["Trộm"]


def test_search_without_diacritics_every_word(acts, tips):
    assert _contents(acts.rows(Kind.TIP, search="dong xuan")) == ["Nghi"]
    assert _contents(acts.rows(Kind.TIP, search="ĐỒNG")) == ["Nghi"]
    assert _contents(acts.rows(Kind.TIP, search="xe cho")) == ["Trộm"]  # words in any place
    assert _contents(acts.rows(Kind.TIP, search="danh")) == ["Đánh"]
    assert acts.rows(Kind.TIP, search="xe bac") == []
    assert _contents(acts.rows(Kind.TIP, search="100%")) == ["Đường"]  # % is literal
    assert acts.rows(Kind.TIP, search="1_0") == []  # so is _


def test_search_finds_other_kinds_by_their_text(acts):
    for kind, data in GOOD.items():
        acts.save(kind, data, today=TODAY)
    assert len(acts.rows(Kind.MODEL, search="camera")) == 1
    assert len(acts.rows(Kind.OUTREACH, search="lua dao")) == 1
    assert len(acts.rows(Kind.OUTREACH, search="hop dan")) == 1  # the kind's label
    assert len(acts.rows(Kind.WEAPON, search="phao")) == 1
    assert len(acts.rows(Kind.AWARD, search="nguyen van an")) == 1


def test_models_listed_in_every_year_they_were_kept(acts, ward):
    kept = acts.save(Kind.MODEL, ModelData("Tổ an ninh tự quản", ward[0], date(2023, 4, 1)),
                     today=TODAY)
    ended = acts.save(Kind.MODEL, ModelData("Cổng trường an toàn", ward[0], date(2024, 9, 1),
                                            ended_on=date(2025, 6, 30)), today=TODAY)
    assert [r.id for r in acts.rows(Kind.MODEL, 2022)] == []
    assert [r.id for r in acts.rows(Kind.MODEL, 2023)] == [kept]
    assert [r.id for r in acts.rows(Kind.MODEL, 2025)] == [ended, kept]
    assert [r.id for r in acts.rows(Kind.MODEL, 2026)] == [kept]
    assert [r.status for r in acts.rows(Kind.MODEL)] == ["Đã kết thúc 30/06/2025",
                                                         "Đang duy trì"]


def test_counts_per_kind_for_year_and_area(acts, ward, tips):
    acts.save(Kind.PATROL, PatrolData(date(2026, 2, 1), ward[0], 5), today=TODAY)
    acts.save(Kind.PATROL, PatrolData(date(2025, 2, 1), ward[0], 5), today=TODAY)
    acts.save(Kind.MODEL, ModelData("Camera an ninh", ward[1], date(2020, 1, 1)), today=TODAY)
    counts = acts.counts(2026)
    assert counts == {Kind.TIP: 3, Kind.MODEL: 1, Kind.PATROL: 1, Kind.OUTREACH: 0,
                      Kind.WEAPON: 0, Kind.AWARD: 0}
    assert acts.counts(2026, ward[0])[Kind.TIP] == 1
    assert acts.counts(2026, WARD_ONLY)[Kind.TIP] == 1
    assert acts.counts()[Kind.PATROL] == 2


def test_years_span_records_and_this_year(acts):
    assert acts.years(TODAY) == [2026]
    acts.save(Kind.AWARD, replace(GOOD[Kind.AWARD], awarded_on=date(2023, 12, 1)), today=TODAY)
    assert acts.years(TODAY) == [2026, 2025, 2024, 2023]


# -- delete and end ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [k for k in Kind if k is not Kind.MODEL])
def test_delete_a_record_entered_by_mistake(db, acts, kind):
    """Issue 15: deleting voids the record with a reason; it stays, under "Đã hủy"."""
    keep = acts.save(kind, GOOD[kind], today=TODAY)
    gone = acts.save(kind, GOOD[kind], today=TODAY)
    with pytest.raises(FieldError, match="lý do"):
        acts.delete(kind, gone)
    acts.delete(kind, gone, "Nhập trùng")
    assert [r.id for r in acts.rows(kind)] == [keep]
    assert [r.id for r in acts.rows(kind, voided=True)] == [gone]
    with pytest.raises(LookupError):
        acts.delete(kind, gone, "Lần nữa")
    with pytest.raises(LookupError):  # a voided record is not edited
        acts.save(kind, GOOD[kind], gone, today=TODAY)


def test_model_is_ended_never_deleted(db, acts):
    model_id = acts.save(Kind.MODEL, GOOD[Kind.MODEL], today=TODAY)
    with pytest.raises(FieldError) as info:
        acts.delete(Kind.MODEL, model_id)
    assert "ngày kết thúc" in info.value.message
    assert _count(db, MovementModel) == 1

    for on, message in ((None, "chưa nhập."),
                        (date(2024, 4, 1), "không được trước ngày 01/05/2024."),
                        (date(2026, 11, 21), "không được sau ngày hôm nay.")):
        with pytest.raises(FieldError) as info:
            acts.end_model(model_id, on, today=TODAY)
        assert (info.value.field, info.value.message) == ("Ngày kết thúc", message)
        assert acts.get(Kind.MODEL, model_id).ended_on is None

    acts.end_model(model_id, date(2026, 10, 31), today=TODAY)
    assert acts.get(Kind.MODEL, model_id).ended_on == date(2026, 10, 31)
    with pytest.raises(FieldError) as info:
        acts.end_model(model_id, date(2026, 11, 1), today=TODAY)
    assert info.value.message == "mô hình đã kết thúc từ ngày 31/10/2026."
    # once ended, a model of the same name may start again in the same place
    acts.save(Kind.MODEL, replace(GOOD[Kind.MODEL], started_on=date(2026, 11, 1)), today=TODAY)
    assert _count(db, MovementModel) == 2
