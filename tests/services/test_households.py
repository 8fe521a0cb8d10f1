from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from antq_desktop.db.models import Household, Resident
from antq_desktop.enums import Relationship, ResidenceKind, Sex
from antq_desktop.services.households import Status, household_errors
from antq_desktop.validation import FieldError
from tests.conftest import household, member

TODAY = date(2026, 6, 15)  # the tests' today, passed to the service: they do not read the clock
THIS_YEAR = TODAY.year


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_save_and_get_roundtrip(households, ward):
    hid = households.save(household(ward[0], members=[
        member(),
        member("nguyễn  thị hoa", date(1982, 2, 3), Sex.FEMALE, Relationship.WIFE, "001182000001",
               phone="0912 345 678"),
    ]))
    data = households.get(hid)
    assert [m.full_name for m in data.members] == ["Đặng Đức Anh", "Nguyễn Thị Hoa"]
    assert data.members[1].phone == "0912345678"
    row = households.rows([hid])[hid]
    assert (row.head_name, row.member_count, row.area_name) == ("Đặng Đức Anh", 2, "Tổ dân phố số 1")


def test_exactly_one_head(households, ward, db):
    no_head = household(ward[0], members=[member(rel=Relationship.CHILD)])
    with pytest.raises(FieldError, match="chưa có chủ hộ"):
        households.save(no_head)
    two = household(ward[0], members=[member(), member("Lê Văn Bình", id_number="")])
    with pytest.raises(FieldError, match="chỉ được một"):
        households.save(two)
    assert _count(db, Household) == 0 and _count(db, Resident) == 0


def test_invalid_member_saves_nothing(households, ward, db):
    bad = household(ward[0], members=[member(), member("Đặng Văn Con", date(2010, 1, 1),
                                                       rel=Relationship.CHILD,
                                                       id_number="001110000001")])
    with pytest.raises(FieldError) as err:
        households.save(bad)
    assert err.value.field == "Số định danh cá nhân" and err.value.row == "Đặng Văn Con"
    assert _count(db, Household) == 0 and _count(db, Resident) == 0


@pytest.mark.parametrize("changes,field", [
    ({"full_name": ""}, "Họ và tên"),
    ({"birth_date": None}, "Ngày sinh"),
    ({"birth_date": date(2999, 1, 1), "id_number": ""}, "Ngày sinh"),
    ({"sex": None}, "Giới tính"),
    ({"phone": "12ab"}, "Số điện thoại"),
    ({"residence_from": date(1970, 1, 1)}, "Cư trú từ ngày"),
    ({"residence_kind": ResidenceKind.TEMPORARY, "residence_from": date(2020, 1, 1),
      "residence_to": date(2023, 1, 2)}, "Cư trú đến ngày"),
    ({"old_id_number": "12345"}, "Số CMND cũ"),
])
def test_member_field_errors(households, ward, changes, field):
    m = member()
    for k, v in changes.items():
        setattr(m, k, v)
    with pytest.raises(FieldError) as err:
        households.save(household(ward[0], members=[m]))
    assert err.value.field == field


def test_required_household_fields(households, ward):
    with pytest.raises(FieldError, match="Địa chỉ"):
        households.save(household(ward[0], address="  "))
    with pytest.raises(FieldError, match="Khu dân cư"):
        households.save(household(None))


def test_duplicate_id_number_across_households(households, ward, db):
    households.save(household(ward[0]))
    with pytest.raises(FieldError, match="đã có ở nhân khẩu Đặng Đức Anh, hộ HK000001"):
        households.save(household(ward[1], code="HK000002", address="3 Hàng Đào"))
    assert _count(db, Household) == 1


def test_duplicate_code(households, ward):
    households.save(household(ward[0]))
    with pytest.raises(FieldError, match="Số hộ"):
        households.save(household(ward[0], members=[member(id_number="")]))


def test_members_move_out_not_deleted(households, ward, db):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Thị Lan", date(2001, 1, 1), Sex.FEMALE, Relationship.CHILD,
                         "001301000001")]))
    data = households.get(hid)
    data.members.pop()
    with pytest.raises(FieldError, match="không được xóa"):
        households.save(data)
    data = households.get(hid)
    data.members[1].moved_out_on = date(2025, 3, 1)
    households.save(data)
    assert households.rows([hid])[hid].member_count == 1
    assert _count(db, Resident) == 2
    # the moved member's number is free again for a new household
    households.save(household(ward[1], code="HK000002", members=[
        member("Đặng Thị Lan", date(2001, 1, 1), Sex.FEMALE, id_number="001301000001")]))


def test_household_moves_away(households, ward):
    hid = households.save(household(ward[0]))
    households.move_away(hid, date(2025, 6, 1), "Chuyển vào TP Hồ Chí Minh")
    assert households.query_ids() == []
    assert households.query_ids(status=Status.MOVED) == [hid]
    assert households.counts().households == 0
    with pytest.raises(FieldError):
        households.move_away(hid, date(2025, 7, 1))


def _ward_of_three(households, ward):
    a = households.save(household(ward[0], "HK000001", [member()]))
    b = households.save(household(ward[0], "HK000002", [
        member("Đang Đức Minh", id_number="001080000002")], address="5 Hàng Bè"))
    c = households.save(household(ward[1], "HK000003", [
        member("Trần Văn An", id_number="001075000003", born=date(1975, 1, 1)),
        member("Đặng Đức Thảo", date(1999, 9, 9), Sex.FEMALE, Relationship.CHILD, "001199000004",
               phone="0987654321")], address="7 Lò Sũ"))
    return a, b, c


def test_search_folds_and_ranks_exact_first(households, ward):
    a, b, c = _ward_of_three(households, ward)
    assert set(households.query_ids("dang duc")) == {a, b, c}
    # exact-diacritic matches come first, whatever the sort
    assert households.query_ids("Đang Đức")[0] == b
    assert households.query_ids("Đặng Đức", sort="code", descending=True) == [c, a, b]
    assert households.query_ids("DANG DUC MINH") == [b]
    assert households.query_ids("001199000004") == [c]  # ID number of a member
    assert households.query_ids("0987654321") == [c]  # phone
    assert households.query_ids("lo su") == [c]  # address
    assert households.query_ids("dang", area_id=ward[1]) == [c]
    assert households.query_ids("100%") == []  # wildcards are literal


def test_sorting(households, ward):
    a, b, c = _ward_of_three(households, ward)
    # Vietnamese order: by given name first ("An" < "Anh" < "Minh"), then the full name
    assert households.query_ids(sort="head") == [c, a, b]
    assert households.query_ids(sort="members", descending=True)[0] == c
    assert households.query_ids(sort="area", descending=True)[0] == c


def test_signups_and_summary(households, ward):
    a, b, c = _ward_of_three(households, ward)
    households.sign_up(a, THIS_YEAR, date(THIS_YEAR, 1, 10), today=TODAY)
    summary = {s.area_name: (s.signed, s.total)
               for s in households.signup_summary(THIS_YEAR, TODAY)}
    assert summary == {"Tổ dân phố số 1": (1, 2), "Tổ dân phố số 2": (0, 1)}
    assert households.sign_up_area(ward[0], THIS_YEAR, date(THIS_YEAR, 1, 15), TODAY) == 1
    assert households.sign_up_area(ward[0], THIS_YEAR, date(THIS_YEAR, 1, 15), TODAY) == 0
    summary = {s.area_name: (s.signed, s.total)
               for s in households.signup_summary(THIS_YEAR, TODAY)}
    assert summary["Tổ dân phố số 1"] == (2, 2)
    assert households.rows([a], year=THIS_YEAR)[a].signed_on == date(THIS_YEAR, 1, 10)
    assert households.rows([a], year=THIS_YEAR - 1)[a].signed_on is None
    with pytest.raises(FieldError, match="Ngày đăng ký"):
        households.sign_up(c, THIS_YEAR, date(THIS_YEAR - 1, 12, 31), today=TODAY)
    with pytest.raises(FieldError, match="Ngày đăng ký: không được sau ngày hôm nay"):
        households.sign_up(c, THIS_YEAR, TODAY + timedelta(days=1), today=TODAY)
    households.move_away(b, TODAY, today=TODAY)
    summary = {s.area_name: (s.signed, s.total)
               for s in households.signup_summary(THIS_YEAR, TODAY)}
    assert summary["Tổ dân phố số 1"] == (1, 1)  # moved households no longer count
    households.cancel_sign_up(a, THIS_YEAR)
    assert households.rows([a], year=THIS_YEAR)[a].signed_on is None


def test_sign_up_around_new_year(households, ward):
    """On New Year's Day: this year's sign-up may be dated today, last year's 31/12 at the
    latest; on New Year's Eve nothing is dated in the next year."""
    a, _b, c = _ward_of_three(households, ward)
    new_year = date(2027, 1, 1)
    households.sign_up(a, 2027, new_year, today=new_year)
    households.sign_up(a, 2026, date(2026, 12, 31), today=new_year)
    with pytest.raises(FieldError, match="phải thuộc năm 2026"):
        households.sign_up(c, 2026, new_year, today=new_year)
    with pytest.raises(FieldError, match="không được sau ngày hôm nay"):
        households.sign_up(c, 2027, new_year, today=date(2026, 12, 31))
    assert households.sign_up_area(ward[1], 2027, new_year, today=new_year) == 1
    assert {s.area_name: (s.signed, s.total)
            for s in households.signup_summary(2027, new_year)} == {
        "Tổ dân phố số 1": (1, 2), "Tổ dân phố số 2": (1, 1)}
    assert households.rows([a], year=2026)[a].signed_on == date(2026, 12, 31)


def test_past_year_counts_the_households_living_here_then(households, ward):
    """Last year's ratio: a household that came this year does not count; one that left this
    year does (it lived here then)."""
    last = THIS_YEAR - 1
    old = households.save(household(ward[0], "HK000001", [member()], address="1 Hàng Bạc"))
    came = households.save(replace(household(ward[0], "HK000002", [
        member("Lê Văn Tâm", id_number="001080000002")], address="2 Hàng Bạc"),
        since=date(THIS_YEAR, 1, 1)))
    left = households.save(replace(household(ward[0], "HK000003", [
        member("Lê Văn Bình", id_number="001080000003")], address="3 Hàng Bạc"),
        since=date(last - 3, 5, 1)))
    households.sign_up([old, left], last, date(last, 2, 1), today=TODAY)
    households.move_away(left, date(THIS_YEAR, 1, 1), today=TODAY)
    by_area = {a.area_name: (a.signed, a.total) for a in households.signup_summary(last, TODAY)}
    assert by_area["Tổ dân phố số 1"] == (2, 2)  # 100%: the newcomer is not counted
    now = {a.area_name: (a.signed, a.total)
           for a in households.signup_summary(THIS_YEAR, TODAY)}
    assert now["Tổ dân phố số 1"] == (0, 2)  # the one who left is gone, the newcomer is here
    assert households.get(came).since == date(THIS_YEAR, 1, 1)


def test_since_is_checked(households, ward):
    tomorrow = replace(household(ward[0]), since=TODAY + timedelta(days=1))
    assert [e.field for e in household_errors(tomorrow, TODAY)] == ["Ngày đến cư trú"]
    assert household_errors(replace(tomorrow, since=TODAY), TODAY) == []
    with pytest.raises(FieldError, match="Ngày đến cư trú"):  # saving checks it as well
        households.save(replace(household(ward[0]), since=date(9999, 12, 31)))
    hid = households.save(replace(household(ward[0]), since=date(THIS_YEAR - 1, 6, 1)))
    with pytest.raises(FieldError, match="Ngày hộ chuyển đi.*không được trước ngày"):
        households.move_away(hid, date(THIS_YEAR - 1, 5, 1), today=TODAY)
    with pytest.raises(FieldError, match="Ngày hộ chuyển đi.*không được sau ngày hôm nay"):
        households.move_away(hid, TODAY + timedelta(days=1), today=TODAY)


def test_next_code(households, ward):
    assert households.next_code() == "HK000001"
    households.save(household(ward[0], "HK000041"))
    assert households.next_code() == "HK000042"


def test_fts_and_like_paths_agree_and_stay_in_sync(db, households, ward):
    assert db.has_fts == (db.engine.dialect.name == "sqlite")  # the fast path is in use
    a, b, c = _ward_of_three(households, ward)
    queries = ["dang duc", "Đặng", "an", "du", "hk00000", '"dang', "lo su", "0987", "xyz", ""]

    fts = db.has_fts

    def both(q):
        db.has_fts = fts
        fast = households.query_ids(q)
        db.has_fts = False
        slow = households.query_ids(q)
        db.has_fts = fts
        return fast, slow

    for q in queries:
        fast, slow = both(q)
        assert fast == slow, q
    data = households.get(c)
    data.members[1].full_name = "Phạm Ngọc Diệp"
    households.save(data)
    assert households.query_ids("dang duc thao") == []
    assert households.query_ids("pham ngoc diep") == [c]
    assert both("pham ngoc diep") == ([c], [c])
    data = households.get(c)
    data.members[1].moved_out_on = date(2025, 1, 1)
    households.save(data)
    assert households.query_ids("pham ngoc diep") == []  # only current members are searched


def test_fast_id_fetch_matches_sqlalchemy(db, households, ward):
    from antq_desktop.db.query import fetch_column

    _ward_of_three(households, ward)
    statements = [
        select(Household.id).where(Household.moved_out_on.is_(None)).order_by(Household.code),
        select(Household.id).where(Household.area_id == ward[1], Household.code.like("HK%")),
        select(Household.id).where(Household.id.in_([1, 3])).order_by(Household.id.desc()),
        select(Resident.full_name).where(Resident.birth_date > date(1990, 1, 1)),
    ]
    with db.engine.connect() as conn:
        for stmt in statements:
            assert fetch_column(conn, stmt) == list(conn.execute(stmt).scalars())
