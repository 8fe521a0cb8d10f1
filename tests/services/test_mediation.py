from dataclasses import replace
from datetime import date

import pytest

from antq_desktop.enums import CaseOrigin, Compliance, MediationStatus, MediationType, Sex
from antq_desktop.services.mediation import (
    CaseData,
    MediationService,
    MediatorData,
    PartyData,
    StatusFilter,
    TeamData,
    start_check,
    team_warnings,
)
from antq_desktop.validation import FieldError
from tests.conftest import household, member, sqlite_only

TODAY = date(2026, 11, 20)
M, F = Sex.MALE, Sex.FEMALE
S = MediationStatus


@pytest.fixture
def med(db):
    return MediationService(db)


def mediator(name, sex=M, leader=False, **kw):
    return MediatorData(full_name=name, sex=sex, is_leader=leader, **kw)


FULL_TEAM = [mediator("Nguyễn Văn Hòa", leader=True, birth_year=1958),
             mediator("Trần Thị Bích", F, birth_year=1965, phone="0912 345 678"),
             mediator("Lê Quang Minh", birth_year=1970)]


@pytest.fixture
def teams(med, ward):
    """Team 1 complete (leader Hòa, Bích, Minh); team 2 with two mediators of its own."""
    med.ensure_teams()
    one, two = med.list_teams()
    data = med.get_team(one.id)
    data.mediators = [replace(m) for m in FULL_TEAM]
    med.save_team(data, today=TODAY)
    data = med.get_team(two.id)
    data.mediators = [mediator("Phạm Văn Tư", leader=True), mediator("Đỗ Văn Năm")]
    med.save_team(data, today=TODAY)
    return med.list_teams()


def _ids(med, team_id):
    return {m.full_name: m.id for m in med.get_team(team_id).mediators}


def case(team_id, received=date(2026, 3, 2), parties=None, **kw):
    kw.setdefault("origin", CaseOrigin.PARTY_REQUEST)
    kw.setdefault("case_type", MediationType.EVERYDAY)
    kw.setdefault("content", "Tranh chấp lối đi chung trong ngõ")
    return CaseData(team_id=team_id, received_on=received,
                    parties=parties if parties is not None else [
                        PartyData("Hoàng Văn Khải", birth_year=1971, address="số 3, ngõ 5"),
                        PartyData("Vũ Thị Lan", age=50, address="số 5, ngõ 5")], **kw)


# -- teams ----------------------------------------------------------------------------------------
def test_a_team_per_active_area(med, ward, unit_service):
    retired = unit_service.add_area("Tổ dân phố số 3")
    unit_service.retire_area(retired, date(2026, 1, 1))
    assert med.ensure_teams() == 2
    assert med.ensure_teams() == 0
    rows = med.list_teams()
    assert [(r.area_id, r.name) for r in rows] == [
        (ward[0], "Tổ hòa giải Tổ dân phố số 1"), (ward[1], "Tổ hòa giải Tổ dân phố số 2")]
    assert rows[0].warnings == (
        "Tổ hòa giải Tổ dân phố số 1 chưa có hòa giải viên nào; cần ít nhất 3.",
        "Tổ hòa giải Tổ dân phố số 1 chưa có tổ trưởng.")
    assert med.team_for_area(ward[1]) == rows[1].id and med.team_for_area(retired) is None
    with pytest.raises(FieldError, match="Khu dân cư: “Tổ dân phố số 1” đã có Tổ hòa giải"):
        med.save_team(TeamData(area_id=ward[0]))


def test_composition_warnings_count_active_mediators_only():
    name = "Tổ hòa giải Tổ dân phố số 1"
    assert team_warnings(name, FULL_TEAM) == []
    assert team_warnings(name, FULL_TEAM[:1] + FULL_TEAM[2:]) == [
        f"{name} mới có 2 hòa giải viên; cần ít nhất 3.", f"{name} chưa có hòa giải viên nữ."]
    assert team_warnings(name, FULL_TEAM[1:] + [mediator("Bùi Văn Sáu")]) == [
        f"{name} chưa có tổ trưởng."]
    woman_left = [FULL_TEAM[0], replace(FULL_TEAM[1], left_on=date(2026, 1, 1)), FULL_TEAM[2],
                  mediator("Bùi Văn Sáu")]
    assert team_warnings(name, woman_left) == [f"{name} chưa có hòa giải viên nữ."]
    leader_left = [replace(FULL_TEAM[0], left_on=date(2026, 1, 1))] + FULL_TEAM[1:]
    assert team_warnings(name, leader_left) == [
        f"{name} mới có 2 hòa giải viên; cần ít nhất 3.", f"{name} chưa có tổ trưởng."]


def test_save_team_with_its_mediators(med, teams):
    one, two = teams
    assert (one.leader, one.mediators, one.women, one.warnings) == ("Nguyễn Văn Hòa", 3, 1, ())
    assert one.composition == "3 hòa giải viên (1 nữ)"
    assert two.warnings == ("Tổ hòa giải Tổ dân phố số 2 mới có 2 hòa giải viên; cần ít nhất 3.",
                            "Tổ hòa giải Tổ dân phố số 2 chưa có hòa giải viên nữ.")
    assert med.warnings() == list(two.warnings)
    data = med.get_team(one.id)
    assert [(m.full_name, m.sex, m.is_leader) for m in data.mediators] == [
        ("Nguyễn Văn Hòa", M, True), ("Trần Thị Bích", F, False), ("Lê Quang Minh", M, False)]
    assert data.mediators[1].phone == "0912345678"
    # a woman joins team 2, typed carelessly; the book cover is filled in
    data = med.get_team(two.id)
    data.mediators.append(mediator("  ngô  thị   hoa ", F, decision_number="12/QĐ-UBND",
                                   decision_date=date(2026, 2, 1)))
    data.book_number, data.book_opened_on = "02", date(2026, 1, 5)
    med.save_team(data, today=TODAY)
    again = med.get_team(two.id)
    assert again.mediators[-1].full_name == "Ngô Thị Hoa"
    assert again.mediators[-1].decision == "12/QĐ-UBND ngày 01/02/2026"
    assert (again.book_number, again.book_opened_on) == ("02", date(2026, 1, 5))
    assert med.list_teams()[1].warnings == ()


def test_team_validation_names_the_field_and_the_person(med, teams):
    one = teams[0]
    before = med.get_team(one.id)

    def refused(match, change):
        data = med.get_team(one.id)
        change(data)
        with pytest.raises(FieldError, match=match) as exc:
            med.save_team(data, today=TODAY)
        assert med.get_team(one.id) == before  # nothing half-saved
        return exc.value

    err = refused("Giới tính", lambda d: d.mediators.append(mediator("Cao Văn Bảy", None)))
    assert (err.row, err.field, err.message) == ("Cao Văn Bảy", "Giới tính", "chưa chọn.")
    err = refused("Tổ trưởng", lambda d: setattr(d.mediators[1], "is_leader", True))
    assert err.message == "tổ có 2 tổ trưởng (Nguyễn Văn Hòa, Trần Thị Bích); chỉ được một."
    refused("Năm sinh: hòa giải viên phải đủ 18 tuổi",
            lambda d: d.mediators.append(mediator("Cao Văn Bảy", birth_year=2012)))
    refused("Số điện thoại", lambda d: setattr(d.mediators[2], "phone", "12345"))
    refused("Ngày thôi làm hòa giải viên: không được trước ngày 01/02/2026",
            lambda d: d.mediators.append(mediator("Cao Văn Bảy", decision_date=date(2026, 2, 1),
                                                  left_on=date(2026, 1, 1))))
    refused("Họ và tên: trùng", lambda d: d.mediators.append(replace(d.mediators[2], id=None)))
    err = refused("không được xóa hòa giải viên", lambda d: d.mediators.pop())
    assert "ngày thôi làm hòa giải viên" in err.message
    # a new mediator is fine together with a leader who has left and a new leader
    data = med.get_team(one.id)
    data.mediators[0].left_on, data.mediators[0].left_reason = date(2026, 6, 30), "Chuyển đi"
    data.mediators[1].is_leader = True
    med.save_team(data, today=TODAY)
    row = med.list_teams()[0]
    assert (row.leader, row.mediators) == ("Trần Thị Bích", 2)
    assert len(med.get_team(one.id).mediators) == 3  # the one who left is still there


def test_mediator_choices_for_a_case(med, teams):
    one = teams[0]
    data = med.get_team(one.id)
    data.mediators[2].left_on = date(2026, 5, 1)
    med.save_team(data, today=TODAY)
    ids = _ids(med, one.id)
    names = [m.full_name for m in med.mediator_choices(one.id, on=date(2026, 6, 1))]
    assert names == ["Nguyễn Văn Hòa", "Trần Thị Bích"]  # leader first
    names = [m.full_name for m in med.mediator_choices(one.id, on=date(2026, 4, 1))]
    assert "Lê Quang Minh" in names
    kept = med.mediator_choices(one.id, on=date(2026, 6, 1), keep=[ids["Lê Quang Minh"]])
    assert kept[-1].label == "Lê Quang Minh — đã thôi từ 01/05/2026"
    assert kept[0].label == "Nguyễn Văn Hòa (tổ trưởng)"


# -- cases ----------------------------------------------------------------------------------------
def test_record_a_case_with_a_registered_party(med, households, ward, teams):
    one = teams[0]
    households.save(household(ward[0], members=[member("Đặng Văn Hải", id_number="")],
                              address="số 12, phố Hàng Bạc"))
    pick = med.find_residents("dang van hai")[0]
    party = PartyData.from_resident(pick)
    assert (party.full_name, party.birth_year, party.address) == (
        "Đặng Văn Hải", 1980, "số 12, phố Hàng Bạc")
    ids = _ids(med, one.id)
    cid = med.save(case(one.id, parties=[party, PartyData("  vũ thị  lan", age=50)],
                        mediator_ids=[ids["Trần Thị Bích"], ids["Nguyễn Văn Hòa"]],
                        invited="Trưởng ban công tác Mặt trận tổ dân phố"), today=TODAY)
    data = med.get(cid)
    assert [p.full_name for p in data.parties] == ["Đặng Văn Hải", "Vũ Thị Lan"]
    assert data.parties[0].resident_id == pick.id
    assert data.parties[0].book_text(date(2026, 3, 2)) == "Đặng Văn Hải, 46 tuổi, số 12, phố Hàng Bạc"
    assert data.parties[1].book_text(date(2026, 3, 2)) == "Vũ Thị Lan, 50 tuổi"
    row, = med.list_cases(today=TODAY)
    assert (row.id, row.team_name, row.area_name, row.status_label) == (
        cid, "Tổ hòa giải Tổ dân phố số 1", "Tổ dân phố số 1", "Đang hòa giải")
    assert row.parties == "Đặng Văn Hải – Vũ Thị Lan"
    assert row.mediators == "Nguyễn Văn Hòa, Trần Thị Bích"  # the leader first
    for text in ("dang van", "VŨ THỊ", "vu thi lan", "Hải"):
        assert [r.id for r in med.list_cases(text, today=TODAY)] == [cid], text
    assert med.list_cases("nguyen van hoa", today=TODAY) == []  # mediators are not parties

    # close it as successful, with the agreement and its follow-up
    data.status, data.closed_on = S.SUCCEEDED, date(2026, 3, 4)
    data.started_on = date(2026, 3, 3)
    data.agreement = "Hai bên thống nhất giữ lối đi rộng 1,2 m, không để xe chắn lối."
    data.compliance = Compliance.DONE
    med.save(data, today=TODAY)
    row, = med.list_cases(today=TODAY)
    assert row.status_label == "Hòa giải thành 04/03/2026" and row.compliance is Compliance.DONE
    assert med.get(cid).agreement.startswith("Hai bên thống nhất")


def test_case_validation(med, teams):
    one, two = teams
    ids = _ids(med, one.id)
    other = _ids(med, two.id)["Phạm Văn Tư"]

    def refused(match, **changes):
        data = case(one.id)
        for k, v in changes.items():
            setattr(data, k, v)
        with pytest.raises(FieldError, match=match):
            med.save(data, today=TODAY)

    refused("Tổ hòa giải: chưa chọn", team_id=None)
    refused("Ngày nhận: chưa nhập", received_on=None)
    refused("Ngày nhận: không được sau ngày hôm nay", received_on=date(2026, 11, 21))
    refused("Căn cứ hòa giải", origin=None)
    refused("Loại vụ, việc", case_type=None)
    refused("Nội dung chủ yếu", content="  ")
    refused("Các bên: vụ, việc phải có ít nhất một bên", parties=[])
    refused("Bên thứ 2 — Họ và tên: chưa nhập", parties=[PartyData("Hoàng Văn Khải"),
                                                          PartyData(" ")])
    refused("Vũ Thị Lan — Tuổi", parties=[PartyData("Vũ Thị Lan", age=130)])
    refused("Ngày phân công: không được trước ngày 02/03/2026", assigned_on=date(2026, 3, 1))
    refused("Ngày bắt đầu hòa giải", assigned_on=date(2026, 3, 3), started_on=date(2026, 3, 2))
    refused("Ngày kết thúc: chưa nhập", status=S.FAILED)
    refused("Ngày kết thúc: không được trước", status=S.FAILED, closed_on=date(2026, 3, 1))
    refused("Ngày kết thúc: vụ, việc đang hòa giải", closed_on=date(2026, 3, 5))
    refused("Thỏa thuận của các bên", status=S.SUCCEEDED, closed_on=date(2026, 3, 5))
    refused("Theo dõi thực hiện: chỉ ghi khi hòa giải thành", status=S.FAILED,
            closed_on=date(2026, 3, 5), compliance=Compliance.DONE)
    refused("Hòa giải viên: Phạm Văn Tư không thuộc Tổ hòa giải Tổ dân phố số 1",
            mediator_ids=[ids["Lê Quang Minh"], other])
    data = med.get_team(one.id)
    data.mediators[2].left_on = date(2026, 2, 1)
    med.save_team(data, today=TODAY)
    refused("Lê Quang Minh đã thôi làm hòa giải viên từ ngày 01/02/2026",
            mediator_ids=[ids["Lê Quang Minh"]])
    refused("Các bên", parties=[PartyData("Người Lạ", resident_id=9999)])
    assert med.list_cases(today=TODAY) == []  # nothing half-saved


def test_a_party_in_the_book_is_never_dropped(med, teams):
    one = teams[0]
    ids = _ids(med, one.id)
    cid = med.save(case(one.id, mediator_ids=[ids["Lê Quang Minh"]]), today=TODAY)
    data = med.get(cid)
    data.parties.pop()
    data.content = "Nội dung đã sửa"
    data.mediator_ids = [ids["Trần Thị Bích"]]
    with pytest.raises(FieldError, match="không được xóa một bên"):
        med.save(data, today=TODAY)
    kept = med.get(cid)
    assert len(kept.parties) == 2 and kept.content == "Tranh chấp lối đi chung trong ngõ"
    assert kept.mediator_ids == [ids["Lê Quang Minh"]]
    # correcting a party, adding one and changing the mediators is fine
    kept.parties[1].full_name = "Vũ Thị Lài"
    kept.parties.append(PartyData("Hoàng Thị Mai", birth_year=1975))
    kept.mediator_ids = [ids["Trần Thị Bích"], ids["Nguyễn Văn Hòa"], ids["Trần Thị Bích"]]
    med.save(kept, today=TODAY)
    again = med.get(cid)
    assert [p.full_name for p in again.parties] == ["Hoàng Văn Khải", "Vũ Thị Lài",
                                                    "Hoàng Thị Mai"]
    assert sorted(again.mediator_ids) == sorted([ids["Trần Thị Bích"], ids["Nguyễn Văn Hòa"]])


@pytest.mark.parametrize("origin, received, assigned, started, closed, late", [
    # assigned on 01/03: up to 04/03 is in time
    (CaseOrigin.PARTY_REQUEST, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 4), None, False),
    (CaseOrigin.PARTY_REQUEST, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 5), None, True),
    # the leader assigned it on receipt: the 3 days count from the day received
    (CaseOrigin.ASSIGNED, date(2026, 3, 1), None, date(2026, 3, 5), None, True),
    (CaseOrigin.ASSIGNED, date(2026, 3, 1), None, date(2026, 3, 3), None, False),
    # never assigned (a mediator saw it happen): no rule applies
    (CaseOrigin.WITNESSED, date(2026, 3, 1), None, date(2026, 3, 20), None, False),
    (CaseOrigin.PARTY_REQUEST, date(2026, 3, 1), None, None, None, False),
    # not started: late once more than 3 days have passed (today is 05/03)
    (CaseOrigin.PROPOSED, date(2026, 3, 1), date(2026, 3, 2), None, None, False),
    (CaseOrigin.PROPOSED, date(2026, 3, 1), date(2026, 3, 1), None, None, True),
    # closed without mediation (a party asked to stop) within 3 days, or after
    (CaseOrigin.ASSIGNED, date(2026, 3, 1), None, None, date(2026, 3, 3), False),
    (CaseOrigin.ASSIGNED, date(2026, 2, 1), None, None, date(2026, 2, 10), True),
])
def test_three_day_rule(origin, received, assigned, started, closed, late):
    check = start_check(origin, received, assigned, started, closed, today=date(2026, 3, 5))
    assert check.late is late
    assert bool(check.label) is late


def test_late_cases_flagged_in_the_list(med, teams):
    one = teams[0]
    today = date(2026, 3, 10)
    on_time = med.save(case(one.id, received=date(2026, 3, 2), assigned_on=date(2026, 3, 2),
                            started_on=date(2026, 3, 4)), today=today)
    slow = med.save(case(one.id, received=date(2026, 3, 2), assigned_on=date(2026, 3, 2),
                         started_on=date(2026, 3, 9)), today=today)
    waiting = med.save(case(one.id, received=date(2026, 3, 3), origin=CaseOrigin.ASSIGNED),
                       today=today)
    fresh = med.save(case(one.id, received=date(2026, 3, 8), origin=CaseOrigin.ASSIGNED),
                     today=today)
    rows = {r.id: r for r in med.list_cases(today=today)}
    assert {i: r.late_start for i, r in rows.items()} == {
        on_time: False, slow: True, waiting: True, fresh: False}
    assert rows[slow].late_label == ("Bắt đầu hòa giải chậm: 7 ngày sau khi phân công ngày "
                                     "02/03/2026 (quá 3 ngày).")
    assert rows[waiting].late_label == ("Quá 3 ngày chưa hòa giải: phân công ngày 03/03/2026, "
                                        "đã 7 ngày.")
    assert rows[on_time].late_label == ""
    assert [r.id for r in med.list_cases(late_only=True, today=today)] == [waiting, slow]
    assert med.counts(today=today) == (4, 2)
    assert med.late_check(med.get(waiting), today=date(2026, 3, 5)).late is False


def test_filters(med, teams):
    one, two = teams
    a = med.save(case(one.id, received=date(2025, 12, 30), case_type=MediationType.LAND),
                 today=TODAY)
    b = med.save(case(one.id, received=date(2026, 1, 2), status=S.FAILED,
                      closed_on=date(2026, 1, 9), agreement="Bà Lan yêu cầu bồi thường."),
                 today=TODAY)
    c = med.save(case(two.id, received=date(2026, 2, 1), case_type=MediationType.FAMILY,
                      parties=[PartyData("Lý Văn Sơn")]), today=TODAY)

    def ids(**kw):
        return [r.id for r in med.list_cases(today=TODAY, **kw)]

    assert ids() == [c, b, a]  # newest first
    assert ids(team_id=one.id) == [b, a]
    assert ids(case_type=MediationType.FAMILY) == [c]
    assert ids(status=S.FAILED) == [b] == ids(status=StatusFilter.CLOSED)
    assert ids(status=StatusFilter.OPEN) == [c, a]
    assert ids(year=2025) == [a] and ids(year=2026) == [c, b]
    assert ids(search="ly van", team_id=two.id, year=2026) == [c]
    assert ids(search="khai", status=StatusFilter.OPEN) == [a]
    assert med.years() == [2026, 2025]


@sqlite_only
def test_upgrade_from_the_rehabilitation_release(tmp_path):
    from alembic import command
    from sqlalchemy import inspect, text

    from antq_desktop.db.engine import alembic_config, make_engine, open_database

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as conn:
        conn.execute(text("insert into area (name, sort_order) values ('Tổ 1', 1)"))
    engine.dispose()
    db = open_database(f"sqlite:///{path}")
    try:
        assert "truoc-nang-cap-0002" in db.backup_path.name
        with db.engine.connect() as conn:
            assert {"mediation_team", "mediator", "mediation_case", "mediation_party",
                    "mediation_case_mediator"} <= set(inspect(conn).get_table_names())
        med = MediationService(db)
        assert med.ensure_teams() == 1 and med.list_teams()[0].name == "Tổ hòa giải Tổ 1"
    finally:
        db.dispose()
