"""Issue 12, "clean input": each bad input gets the field's Vietnamese message and the database
stays as it was; stored older text still exports; races on unique constraints name the field."""

from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select, text, update

from antq_desktop.db.models import Base, Household, HouseholdSignup, Resident
from antq_desktop.enums import (
    CaseOrigin,
    CertCategory,
    Classification,
    EndReason,
    MediationType,
    Regime,
    Relationship,
    Sex,
    SupportKind,
)
from antq_desktop.regimes import Period
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params
from antq_desktop.services.activities import ActivityService, Kind, ModelData
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.mediation import CaseData as MedCase
from antq_desktop.services.mediation import MediationService, PartyData
from antq_desktop.services.rehabilitation import CaseData as RehabCase
from antq_desktop.services.rehabilitation import (
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.validation import FieldError
from tests.conftest import household, member

TODAY = date(2026, 6, 15)
HIDDEN = "có ký tự điều khiển hoặc ký tự ẩn"


def snapshot(db) -> dict[str, int]:
    """Row counts of every table: "nothing was written". The audit trail is left out: a race's
    other save writes its own entries (tests/services/test_audit.py checks that a refused save
    writes none)."""
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables if t.name != "audit_entry"}


def refused(db, save, field, message, written_meanwhile: dict[str, int] | None = None):
    """``save()`` raises FieldError(``field``, …``message``…) and writes nothing (besides
    ``written_meanwhile``: rows another save committed during it, in a race)."""
    before = snapshot(db)
    with pytest.raises(FieldError) as info:
        save()
    assert info.value.field == field, str(info.value)
    assert message in info.value.message, str(info.value)
    for table, n in (written_meanwhile or {}).items():
        before[table] += n
    assert snapshot(db) == before
    return info.value


# -- households: a bad-input corpus ------------------------------------------------------------
def _m(**kw):
    return member(**kw)


HOUSEHOLD_CORPUS = [
    # (case id, changes to the household, field, message)
    ("bel-in-name", {"members": [_m(name="Đặng Đức\x07 Anh")]}, "Họ và tên", HIDDEN + " (U+0007)"),
    ("nul-in-name", {"members": [_m(name="Đặng\x00Anh")]}, "Họ và tên", HIDDEN),
    ("zwsp-in-name", {"members": [_m(name="Đặng\u200bAnh")]}, "Họ và tên", "U+200B"),
    ("rlo-in-name", {"members": [_m(name="Đặng\u202eAnh")]}, "Họ và tên", "U+202E"),
    ("bom-in-code", {"code": "\ufeffHK000001"}, "Số hộ", "U+FEFF"),
    ("isolate-in-code", {"code": "HK\u2066000001"}, "Số hộ", "U+2066"),
    ("accents-only", {"members": [_m(name="\u0301\u0300")]}, "Họ và tên", "phải có chữ cái"),
    ("punctuation-only", {"members": [_m(name="-- ..")]}, "Họ và tên", "phải có chữ cái"),
    ("emoji-only", {"members": [_m(name="😀")]}, "Họ và tên", "phải có chữ cái"),
    ("emoji-in-name", {"members": [_m(name="Đặng Anh 😀")]}, "Họ và tên", "(😀)"),
    ("long-name", {"members": [_m(name="A" * 10_000)]}, "Họ và tên", "không quá 100 ký tự"),
    ("long-code", {"code": "H" * 31}, "Số hộ", "không quá 30 ký tự"),
    ("symbol-code", {"code": "###"}, "Số hộ", "phải có chữ hoặc số"),
    ("long-address", {"address": "Số 1 " * 100}, "Địa chỉ", "không quá 300 ký tự"),
    ("long-occupation", {"members": [_m(occupation="x" * 101)]}, "Nghề nghiệp",
     "không quá 100 ký tự"),
    ("arabic-digits-id", {"members": [_m(id_number="00108001234\u0665")]},
     "Số định danh cá nhân", "12 chữ số (0–9)"),
    ("letters-in-id", {"members": [_m(id_number="00108001234O")]}, "Số định danh cá nhân",
     "12 chữ số"),
    ("superscript-id", {"members": [_m(id_number="²²²²²²²²²²²²")]}, "Số định danh cá nhân",
     "mã tỉnh"),
    ("arabic-digits-phone", {"members": [_m(phone="09123456\u0667\u0668")]}, "Số điện thoại",
     "không đúng dạng"),
    ("letters-in-phone", {"members": [_m(phone="abc0912345678")]}, "Số điện thoại",
     "không đúng dạng"),
    ("since-1800", {"since": date(1800, 1, 1)}, "Ngày đến cư trú", "trước ngày 01/01/1900"),
    ("since-year-1", {"since": date(1, 1, 1)}, "Ngày đến cư trú", "trước ngày 01/01/1900"),
    ("moved-away-1800", {"moved_out_on": date(1800, 1, 1)}, "Ngày hộ chuyển đi",
     "trước ngày 01/01/1900"),
]


@pytest.mark.parametrize("changes, field, message",
                         [c[1:] for c in HOUSEHOLD_CORPUS], ids=[c[0] for c in HOUSEHOLD_CORPUS])
def test_household_bad_input(db, households, ward, pin_today, changes, field, message):
    pin_today(TODAY)
    data = replace(household(ward[0]), **changes)
    refused(db, lambda: households.save(data, today=TODAY), field, message)


def test_household_message_names_the_person(db, households, ward, pin_today):
    pin_today(TODAY)
    data = household(ward[0], members=[member(), member("Lê Thị\x07 Hoa", sex=Sex.FEMALE,
                                                        id_number="", rel=Relationship.WIFE)])
    error = refused(db, lambda: households.save(data, today=TODAY), "Họ và tên", HIDDEN)
    assert error.row == "Lê Thị\x07 Hoa"  # the member, as the dialog's list shows her


def test_free_text_is_stripped_not_refused(db, households, ward, pin_today):
    pin_today(TODAY)
    hid = households.save(replace(household(ward[0], address="12\x07 Hàng\u200b Bạc"),
                                  notes="Ghi\x1b chú\r\ndòng 2\u202e",
                                  members=[member(notes="a\x00b", occupation="Thợ\x07 may")]),
                          today=TODAY)
    saved = households.get(hid)
    assert saved.address == "12 Hàng Bạc"
    assert saved.notes == "Ghi chú\ndòng 2"
    assert (saved.members[0].notes, saved.members[0].occupation) == ("ab", "Thợ may")


def test_full_width_id_stored_as_ascii_and_caught_as_duplicate(db, households, ward, pin_today):
    pin_today(TODAY)
    hid = households.save(household(ward[0], members=[member(id_number="００１０８００１２３４５",
                                                             phone="０９１２ ３４５ ６７８")]),
                          today=TODAY)
    saved = households.get(hid).members[0]
    assert (saved.id_number, saved.phone) == ("001080012345", "0912345678")
    other = household(ward[1], "HK000002", [member("Lê Văn Bình", id_number="001080012345")])
    refused(db, lambda: households.save(other, today=TODAY), "Số định danh cá nhân",
            "001080012345 đã có ở nhân khẩu Đặng Đức Anh")
    superscript = household(ward[1], "HK000003",
                            [member("Lê Văn Cường", id_number="⁰⁰¹⁰⁸⁰⁰¹²³⁴⁵")])
    refused(db, lambda: households.save(superscript, today=TODAY), "Số định danh cá nhân",
            "001080012345 đã có")


# -- households: dates on later edits and on sign-up / move-away ---------------------------------
def test_since_cannot_move_after_the_households_sign_ups(db, households, ward, pin_today):
    pin_today(TODAY)
    hid = households.save(replace(household(ward[0]), since=date(2020, 1, 1)), today=TODAY)
    households.sign_up(hid, 2024, date(2024, 3, 1), today=TODAY)
    data = households.get(hid)
    data.since = date(2025, 1, 1)
    refused(db, lambda: households.save(data, today=TODAY), "Ngày đến cư trú",
            "không được sau ngày đăng ký 01/03/2024")
    assert households.get(hid).since == date(2020, 1, 1)


def test_sign_up_not_before_the_household_came(db, households, ward):
    hid = households.save(replace(household(ward[0]), since=date(2025, 5, 1)), today=TODAY)
    refused(db, lambda: households.sign_up(hid, 2025, date(2025, 2, 1), today=TODAY),
            "Ngày đăng ký", "đến cư trú từ ngày 01/05/2025")
    assert households.sign_up_area(ward[0], 2025, date(2025, 2, 1), today=TODAY) == 0


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1800, 6, 1), date(1989, 12, 31)])
def test_sign_up_date_bounds(db, households, ward, day):
    hid = households.save(household(ward[0]), today=TODAY)
    refused(db, lambda: households.sign_up(hid, day.year, day, today=TODAY), "Ngày đăng ký",
            "không được trước ngày 01/01/1990")


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1800, 6, 1)])
def test_move_away_date_bounds(db, households, ward, day):
    hid = households.save(household(ward[0]), today=TODAY)
    refused(db, lambda: households.move_away(hid, day, today=TODAY), "Ngày hộ chuyển đi",
            "không được trước ngày 01/01/1900")


# -- rehabilitation -------------------------------------------------------------------------------
def _case(**kw):
    kw.setdefault("person_name", "Lê Văn Tuấn")
    return RehabCase(regime=kw.pop("regime", Regime.REINTEGRATION),
                     start_date=kw.pop("start_date", date(2025, 2, 10)), **kw)


REHAB_CORPUS = [
    ("bel-name", {"person_name": "Lê\x07 Tuấn"}, "Họ và tên", HIDDEN),
    ("emoji-name", {"person_name": "🙂"}, "Họ và tên", "phải có chữ cái"),
    ("long-name", {"person_name": "Lê " * 5000}, "Họ và tên", "không quá 100 ký tự"),
    ("decision-number-zwj", {"decision_number": "12/QĐ\u200d-UBND"}, "Số quyết định", HIDDEN),
    ("decision-number-long", {"decision_number": "1" * 51}, "Số quyết định", "không quá 50"),
    ("decision-1800", {"decision_date": date(1800, 1, 1)}, "Ngày quyết định",
     "trước ngày 01/01/1990"),
    ("decision-year-1", {"decision_date": date(1, 1, 1)}, "Ngày quyết định",
     "trước ngày 01/01/1990"),
    ("start-1800", {"start_date": date(1800, 1, 1)}, "Ngày bắt đầu", "trước ngày 01/01/1990"),
    ("planned-3000", {"planned_end": date(3000, 1, 1)}, "Dự kiến kết thúc", "20 năm tới"),
    ("supervisor-long", {"supervisor": "x" * 201}, "Người được giao quản lý", "không quá 200"),
    ("full-width-arabic-id", {"id_number": "00108001234\u0665"}, "Số định danh cá nhân",
     "12 chữ số (0–9)"),
]


@pytest.mark.parametrize("changes, field, message", [c[1:] for c in REHAB_CORPUS],
                         ids=[c[0] for c in REHAB_CORPUS])
def test_rehab_bad_input(db, changes, field, message):
    rehab = RehabilitationService(db)
    refused(db, lambda: rehab.save(_case(**changes), today=TODAY), field, message)


def test_rehab_full_width_id_stored_ascii(db):
    rehab = RehabilitationService(db)
    cid = rehab.save(_case(id_number="００１０８００１２３４５", sex=Sex.MALE), today=TODAY)
    assert rehab.get(cid).id_number == "001080012345"


@pytest.fixture
def evaluated_case(db):
    """A case started 10/02/2025 with an evaluation in Q2 2025 and support on 01/08/2025."""
    rehab = RehabilitationService(db)
    cid = rehab.save(_case(), today=TODAY)
    rehab.add_evaluation(cid, EvaluationData(date(2025, 7, 2), Period(2025, 2, 3),
                                             Classification.B), today=TODAY)
    rehab.add_support(cid, SupportData(date(2025, 8, 1), SupportKind.JOB), today=TODAY)
    return rehab, cid


def test_rehab_start_cannot_move_after_its_evaluations(db, evaluated_case):
    rehab, cid = evaluated_case
    data = rehab.get(cid)
    data.start_date = date(2025, 7, 10)
    refused(db, lambda: rehab.save(data, today=TODAY), "Ngày bắt đầu",
            "không được sau ngày đánh giá 02/07/2025")
    data.start_date = date(2025, 7, 1)  # after the evaluated quarter began
    refused(db, lambda: rehab.save(data, today=TODAY), "Ngày bắt đầu", "kỳ đã đánh giá")
    assert rehab.get(cid).start_date == date(2025, 2, 10)


def test_rehab_start_cannot_move_after_its_close(db):
    rehab = RehabilitationService(db)
    cid = rehab.save(_case(), today=TODAY)
    rehab.close(cid, date(2025, 3, 1), EndReason.COMPLETED, today=TODAY)
    data = rehab.get(cid)
    data.start_date = date(2025, 4, 1)
    refused(db, lambda: rehab.save(data, today=TODAY), "Ngày bắt đầu",
            "không được sau ngày kết thúc hồ sơ 01/03/2025")


def test_rehab_close_not_before_its_evaluations(db, evaluated_case):
    rehab, cid = evaluated_case
    refused(db, lambda: rehab.close(cid, date(2025, 6, 1), EndReason.COMPLETED, today=TODAY),
            "Ngày kết thúc", "01/08/2025")


@pytest.mark.parametrize("amount, field, message", [
    (10**20, "Số tiền vay", "không được quá 1.000.000.000.000 đồng"),
    (10**12 + 1, "Số tiền vay", "không được quá"),
    (0, "Số tiền vay", "phải lớn hơn 0 đồng"),
    (-1, "Số tiền vay", "phải lớn hơn 0 đồng"),
])
def test_loan_amount_bounds(db, amount, field, message):
    rehab = RehabilitationService(db)
    cid = rehab.save(_case(), today=TODAY)
    loan = SupportData(date(2025, 3, 1), SupportKind.LOAN, amount=amount,
                       lender="Ngân hàng Chính sách xã hội")
    refused(db, lambda: rehab.add_support(cid, loan, today=TODAY), field, message)
    ok = replace(loan, amount=10**12)
    assert rehab.add_support(cid, ok, today=TODAY)


# -- mediation, activities, certification, areas --------------------------------------------------
@pytest.fixture
def team(db, ward):
    med = MediationService(db)
    med.ensure_teams()
    return med, med.list_teams()[0].id


def _med_case(team_id, **kw):
    kw.setdefault("received_on", date(2026, 3, 2))
    return MedCase(team_id=team_id, origin=CaseOrigin.PARTY_REQUEST,
                   case_type=MediationType.EVERYDAY,
                   content=kw.pop("content", "Tranh chấp lối đi chung"),
                   parties=kw.pop("parties", [PartyData("Hoàng Văn Khải", birth_year=1971)]), **kw)


@pytest.mark.parametrize("changes, field, message", [
    ({"received_on": date(1, 1, 1)}, "Ngày nhận", "trước ngày 01/01/1990"),
    ({"received_on": date(1800, 1, 1)}, "Ngày nhận", "trước ngày 01/01/1990"),
    ({"parties": [PartyData("Hoàng\x07 Khải")]}, "Họ và tên", HIDDEN),
    ({"parties": [PartyData("✨✨")]}, "Họ và tên", "phải có chữ cái"),
    ({"parties": [PartyData("Khải", address="x" * 301)]}, "Địa chỉ", "không quá 300"),
    ({"content": "\x07\u200b"}, "Nội dung chủ yếu", "chưa nhập"),
], ids=["year-1", "1800", "bel-party", "emoji-party", "long-address", "content-invisible"])
def test_mediation_bad_input(db, team, changes, field, message):
    med, team_id = team
    refused(db, lambda: med.save(_med_case(team_id, **changes), today=TODAY), field, message)


def test_mediation_content_cleaned(db, team):
    med, team_id = team
    cid = med.save(_med_case(team_id, content="Tranh\x07 chấp\u202e\nlối đi"), today=TODAY)
    assert med.get(cid).content == "Tranh chấp\nlối đi"


def test_team_name_and_book_number(db, team):
    med, team_id = team
    data = med.get_team(team_id)
    data.book_number = "01\x07"
    refused(db, lambda: med.save_team(data, today=TODAY), "Quyển số", HIDDEN)
    data.book_number, data.name = "01", "T" * 201
    refused(db, lambda: med.save_team(data, today=TODAY), "Tên tổ hòa giải", "không quá 200")


def test_activity_names_refused_notes_cleaned(db, ward):
    acts = ActivityService(db)
    bad = ModelData("Camera\x07 an ninh", ward[0], date(2024, 5, 1), members=3)
    refused(db, lambda: acts.save(Kind.MODEL, bad, today=TODAY), "Tên mô hình", HIDDEN)
    rid = acts.save(Kind.MODEL, replace(bad, name="Camera an ninh", notes="a\x07b\nc"),
                    today=TODAY)
    assert acts.get(Kind.MODEL, rid).notes == "ab\nc"


@pytest.mark.parametrize("name, message", [("Bưu\x07 điện", HIDDEN), ("***", "chữ hoặc số"),
                                           ("B" * 201, "không quá 200")])
def test_cert_unit_name(db, ward, name, message):
    cert = CertificationService(db)
    refused(db, lambda: cert.save_unit(CertUnitData(CertCategory.AGENCY, name)), "Tên đơn vị",
            message)


@pytest.mark.parametrize("name, message", [("Tổ\u200b 3", HIDDEN), ("…", "chữ hoặc số"),
                                           ("T" * 101, "không quá 100")])
def test_area_name(db, unit_service, ward, name, message):
    refused(db, lambda: unit_service.add_area(name), "Tên khu dân cư", message)


def test_retire_dates_bounds(db, unit_service, ward):
    refused(db, lambda: unit_service.retire_area(ward[1], date(1, 1, 1), today=TODAY),
            "Ngày thôi sử dụng", "trước ngày 01/01/1990")
    cert = CertificationService(db)
    uid = cert.save_unit(CertUnitData(CertCategory.AGENCY, "Bưu điện phường"))
    refused(db, lambda: cert.retire_unit(uid, date(1800, 1, 1), today=TODAY),
            "Ngày thôi theo dõi", "trước ngày 01/01/1990")


# -- races on unique constraints ----------------------------------------------------------------
def during_flush(db, action):
    """Run ``action`` (another save, committed on its own connection) the first time a session
    flushes: after the service's duplicate check, before its insert."""
    fired = []

    def hook(session, _ctx, _instances):
        if not fired:
            fired.append(True)
            action()

    event.listen(db.session, "before_flush", hook)
    return lambda: event.remove(db.session, "before_flush", hook)


def test_race_on_household_code(db, households, ward):
    stop = during_flush(db, lambda: HouseholdService(db).save(
        household(ward[1], "HK000001", [member("Lê Văn Bình", id_number="")]), today=TODAY))
    try:
        error = refused(db, lambda: households.save(household(ward[0]), today=TODAY),
                        "Số hộ", "HK000001 đã dùng cho một hộ khác.",
                        {"household": 1, "resident": 1, "household_search": 1})
    finally:
        stop()
    assert error.row is None


def test_race_on_living_id_number(db, households, ward):
    with db.engine.begin() as conn:  # migration 0007's index, if this tree does not have it yet
        conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_resident_living_id_number "
                          "ON resident (id_number) "
                          "WHERE id_number IS NOT NULL AND moved_out_on IS NULL"))
    stop = during_flush(db, lambda: HouseholdService(db).save(
        household(ward[1], "HK000002", [member("Lê Văn Bình")]), today=TODAY))
    try:
        refused(db, lambda: households.save(household(ward[0]), today=TODAY),
                "Số định danh cá nhân", "001080012345 đã có ở nhân khẩu Lê Văn Bình, hộ HK000002.",
                {"household": 1, "resident": 1, "household_search": 1})
    finally:
        stop()


def test_race_on_sign_up(db, households, ward):
    hid = households.save(household(ward[0]), today=TODAY)

    def other():
        with db.engine.begin() as conn:
            conn.execute(HouseholdSignup.__table__.insert().values(
                household_id=hid, year=2026, signed_on=date(2026, 2, 1)))

    stop = during_flush(db, other)
    try:
        with pytest.raises(FieldError) as info:
            households.sign_up(hid, 2026, date(2026, 3, 1), today=TODAY)
    finally:
        stop()
    assert (info.value.field, "đã được ghi đăng ký năm 2026" in info.value.message) == (
        "Đăng ký", True)
    with db.session() as s:  # the other save's row, not ours
        assert s.scalars(select(HouseholdSignup.signed_on)).all() == [date(2026, 2, 1)]


def test_race_on_evaluation_period(db):
    rehab = RehabilitationService(db)
    cid = rehab.save(_case(), today=TODAY)
    ev = EvaluationData(date(2025, 7, 2), Period(2025, 2, 3), Classification.B)
    stop = during_flush(db, lambda: RehabilitationService(db).add_evaluation(cid, ev,
                                                                            today=TODAY))
    try:
        before = snapshot(db)
        with pytest.raises(FieldError) as info:
            rehab.add_evaluation(cid, ev, today=TODAY)
    finally:
        stop()
    assert info.value.field == "Kỳ đánh giá" and "đã có đánh giá" in info.value.message
    after = snapshot(db)
    assert after["rehab_evaluation"] == before["rehab_evaluation"] + 1  # the other one only


def test_race_on_area_name(db, unit_service, ward):
    stop = during_flush(db, lambda: unit_service.add_area("Tổ dân phố số 9"))
    try:
        refused(db, lambda: unit_service.add_area("Tổ dân phố số 9"), "Tên khu dân cư",
                "“Tổ dân phố số 9” đã có.", {"area": 1})
    finally:
        stop()


# -- exports never fail on text stored before these checks ------------------------------------
@pytest.mark.parametrize("form_id", ["household-register", "households-unsigned"])
def test_export_with_stored_control_characters(db, households, ward, tmp_path, form_id,
                                               pin_today):
    pin_today(TODAY)
    hid = households.save(household(ward[0]), today=TODAY)
    with db.session.begin() as s:  # as an older version could store them
        s.execute(update(Resident).values(full_name="Đặng\x07 Đức\u200b Anh",
                                          occupation="Thợ\x1b may"))
        nul = "\x01" if db.engine.dialect.name == "postgresql" else "\x00"  # PG stores no NUL
        s.execute(update(Household).where(Household.id == hid).values(
            address=f"12{nul} Hàng Bạc", head_name="Đặng\x07 Đức Anh"))
    path = export_xlsx(db, form_id, Params(year=2026, area_id=ward[0], on=TODAY),
                       tmp_path / "out.xlsx")
    values = [c.value for row in load_workbook(path).active.iter_rows() for c in row
              if isinstance(c.value, str)]
    assert any("Hàng Bạc" in v for v in values)
    assert not any(ch in v for v in values for ch in "\x00\x01\x07\x1b\u200b")
