"""The household save path as the dialog uses it: a birth year alone, the field keys the dialog
binds its widgets to, members moved out rather than deleted, sign-ups saved with the household
(and refused in a signed-off year), and the records of its "Lịch sử"."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from antq_desktop.db.models import HouseholdSignup, Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.services import audit
from antq_desktop.services.households import household_errors, member_errors
from antq_desktop.services.periods import SIGNUPS, PeriodLocked, PeriodService
from antq_desktop.validation import FieldError
from tests.conftest import household, member

TODAY = date(2026, 6, 15)


def _stored_flag(db, rid):
    with db.session() as s:
        r = s.get(Resident, rid)
        return r.birth_date, r.birth_year_only


def test_a_birth_year_alone_is_kept_as_a_year_and_a_full_date_clears_it(households, ward, db):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Văn Cả", date(1950, 1, 1), rel=Relationship.FATHER, id_number="",
                         birth_year_only=True)]), today=TODAY)
    data = households.get(hid)
    old = data.members[1]
    assert old.birth_year_only is True and old.birth_text == "1950"
    assert data.members[0].birth_year_only is False
    assert data.members[0].birth_text == "01/05/1980"
    assert _stored_flag(db, old.id) == (date(1950, 1, 1), True)

    # a later save from the dialog keeps it (the flag travels with MemberData)
    data.address = "14 Hàng Bạc"
    households.save(data, today=TODAY)
    assert _stored_flag(db, old.id) == (date(1950, 1, 1), True)

    # the full date found later: the flag goes
    data = households.get(hid)
    data.members[1].birth_date, data.members[1].birth_year_only = date(1950, 7, 9), False
    households.save(data, today=TODAY)
    assert _stored_flag(db, old.id) == (date(1950, 7, 9), False)
    assert households.get(hid).members[1].birth_text == "09/07/1950"


def test_a_year_only_birth_is_stored_as_the_first_of_january(households, ward, db):
    hid = households.save(household(ward[0], members=[
        member(born=date(1980, 5, 1), id_number="", birth_year_only=True)]), today=TODAY)
    rid = households.get(hid).members[0].id
    assert _stored_flag(db, rid) == (date(1980, 1, 1), True)
    # the rule says so to a caller that passes another day with the flag
    errors = member_errors(member(born=date(1980, 5, 1), id_number="", birth_year_only=True),
                           TODAY)
    assert [(e.key, e.field) for e in errors] == [("birth_date", "Ngày sinh")]


def test_the_person_picker_shows_a_year_alone(households, ward):
    households.save(household(ward[0], members=[
        member("Vũ Thị Nở", date(1947, 1, 1), Sex.FEMALE, id_number="", birth_year_only=True)]),
        today=TODAY)
    (choice,) = households.find_residents("vu thi no")
    assert "(1947)" in choice.label and "01/01/1947" not in choice.label
    assert households.resident(choice.id).label == choice.label


def test_every_member_error_carries_the_key_of_its_field():
    bad = member("Lan3", date(2030, 1, 1), None, id_number="12", phone="abc",
                 old_id_number="1", moved_out_on=date(1900, 1, 1))
    keys = {e.key for e in member_errors(bad, TODAY)}
    assert {"full_name", "birth_date", "sex", "id_number", "old_id_number", "phone",
            "moved_out_on"} <= keys
    assert None not in keys
    h = household(None, code="", address="", members=[member(rel=Relationship.CHILD)])
    assert {e.key for e in household_errors(h, TODAY)} >= {"code", "area_id", "address",
                                                            "relation"}


def test_a_stored_member_is_moved_out_never_deleted(households, ward):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Thu Hà", date(2001, 1, 1), Sex.FEMALE, Relationship.CHILD,
                         "001301000001")]), today=TODAY)
    data = households.get(hid)
    dropped = replace(data, members=data.members[:1])
    with pytest.raises(FieldError, match="không được xóa nhân khẩu"):
        households.save(dropped, today=TODAY)
    data.members[1].moved_out_on = date(2026, 5, 1)
    data.members[1].moved_out_reason = "Đi học ở Huế"
    households.save(data, today=TODAY)
    after = households.get(hid)
    assert len(after.members) == 2 and after.members[1].moved_out_on == date(2026, 5, 1)
    assert households.rows([hid])[hid].member_count == 1


def _signups(db, hid):
    with db.session() as s:
        return dict(s.execute(select(HouseholdSignup.year, HouseholdSignup.signed_on)
                              .where(HouseholdSignup.household_id == hid)).all())


def test_signups_saved_with_the_household(households, ward, db):
    data = household(ward[0])
    data.signups = {2026: date(2026, 3, 2)}
    hid = households.save(data, today=TODAY)  # a new household signs up in its first save
    assert _signups(db, hid) == {2026: date(2026, 3, 2)}
    data = households.get(hid)
    assert data.signups == {2026: date(2026, 3, 2)}
    data.signups[2026] = date(2026, 4, 1)
    households.save(data, today=TODAY)
    assert _signups(db, hid) == {2026: date(2026, 4, 1)}
    data = households.get(hid)
    data.signups[2026] = None  # cancelled: recorded by mistake
    households.save(data, today=TODAY)
    assert _signups(db, hid) == {}

    data = households.get(hid)
    data.signups[2026] = date(2025, 12, 1)
    with pytest.raises(FieldError, match="phải thuộc năm 2026") as err:
        households.save(data, today=TODAY)
    assert err.value.key == "signup"
    data.signups[2026] = date(2026, 7, 1)  # after today
    with pytest.raises(FieldError):
        households.save(data, today=TODAY)
    assert _signups(db, hid) == {}


def test_a_signed_off_year_refuses_a_signup_change_from_the_dialog(households, ward, db):
    hid = households.save(household(ward[0]), today=TODAY)
    households.sign_up([hid], 2025, date(2025, 3, 1), today=TODAY)
    PeriodService(db).lock(SIGNUPS, 2025, today=TODAY)
    data = households.get(hid)
    data.address = "20 Hàng Bạc"
    households.save(data, today=TODAY)  # the sign-up is untouched: the save goes through
    data = households.get(hid)
    data.signups[2025] = None
    with pytest.raises(PeriodLocked, match="Năm 2025 đã khóa sổ"):
        households.save(data, today=TODAY)
    assert _signups(db, hid) == {2025: date(2025, 3, 1)}
    assert households.get(hid).address == "20 Hàng Bạc"  # the refused save wrote nothing


def test_history_targets_cover_household_members_and_signups(households, ward, db):
    hid = households.save(household(ward[0], members=[
        member(), member("Đặng Thu Hà", date(2001, 1, 1), Sex.FEMALE, Relationship.CHILD,
                         "001301000001")]), today=TODAY)
    households.sign_up([hid], 2026, date(2026, 2, 1), today=TODAY)
    data = households.get(hid)
    targets = households.history_targets(hid)
    assert targets[0] == ("household", hid)
    assert [t for t in targets if t[0] == "resident"] == [("resident", m.id) for m in data.members]
    assert len([t for t in targets if t[0] == "household_signup"]) == 1
    assert households.history_targets(None) == []
    data.members[1].occupation = "Sinh viên"
    households.save(data, today=TODAY)
    lines = audit.history_lines(db, targets)
    assert any(line[4] == "Nghề nghiệp" and line[6] == "Sinh viên" for line in lines)
    assert any(line[3] == "Đăng ký hộ an toàn" for line in lines)
