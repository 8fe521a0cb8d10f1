"""Many wards in one store (issue 18; docs/ARCHITECTURE.md §6): two wards side by side, with the
same area name and the same household code, each seeing only its own records through every
service; a province account sees both and writes nothing; an old file is upgraded in place
into its one ward. Runs on SQLite and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from alembic import command
from sqlalchemy import select, text

from antq_desktop.access import Permission, PermissionDenied, Role
from antq_desktop.db.engine import Database, alembic_config, head_revision, make_engine, \
    open_database
from antq_desktop.db.models import Area, Household, MediationCase, Resident, Tip
from antq_desktop.enums import CaseOrigin, CertCategory, CertResult, MediationType, Regime, Sex, \
    TipResult
from antq_desktop.services.activities import ActivityService, Kind, PatrolData, TipData
from antq_desktop.services.certification import CertificationService
from antq_desktop.criteria import criteria_for
from antq_desktop.services.certification_rules import CertUnitData, CriterionData, RecordData
from antq_desktop.services.duplicates import DuplicateService
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.services.mediation import CaseData as MediationCaseData
from antq_desktop.services.mediation import MediationService, MediatorData, PartyData
from antq_desktop.services.mediation_stats import MediationStats
from antq_desktop.services.overview import OverviewService
from antq_desktop.services.registers import RegisterService
from antq_desktop.services.rehab_stats import RehabStats
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.services.unit import UnitInfo, UnitService
from antq_desktop.services.users import UserService, login
from antq_desktop.validation import FieldError
from tests.conftest import PG_URL, household, member

TODAY = date(2025, 11, 20)
YEAR = 2025
PASSWORD = "mật-khẩu-1"
AREA = "Tổ dân phố số 1"
CODE = "HK000001"
HOAN_KIEM = UnitInfo(
    province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
    ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
    header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm")
CUA_NAM = replace(HOAN_KIEM, ward_code=73, ward_name="Phường Cửa Nam",
                  header_issuer="CÔNG AN PHƯỜNG CỬA NAM", place_name="Phường Cửa Nam")


@dataclass
class Ward:
    db: Database
    unit_id: int
    area: int
    household: int
    resident: int
    rehab: int
    team: int
    mediation: int
    cert_unit: int
    tips: list[int]
    marker: str  # a word found in every text of this ward's records, and in no other ward's


def populate(handle: Database, marker: str, id_number: str, tips: int) -> Ward:
    """One area, one household (the same code in every ward), a rehabilitation case, a team
    with a mediator and a case, an agency recognised this year, ``tips`` tips and a patrol."""
    units = UnitService(handle)
    area = units.add_area(AREA)
    homes = HouseholdService(handle)
    hid = homes.save(household(area, CODE, [member(f"Hoàng Văn {marker}", id_number=id_number)],
                               address=f"12 phố {marker}"), today=TODAY)
    homes.sign_up(hid, YEAR, date(YEAR, 2, 1), today=TODAY)
    resident = homes.get(hid).members[0].id
    rehab = RehabilitationService(handle).save(CaseData(
        person_name=f"Lò Văn {marker}", regime=Regime.REINTEGRATION,
        start_date=date(YEAR, 3, 1), area_id=area, address=f"ngõ {marker}"), today=TODAY)
    med = MediationService(handle)
    med.ensure_teams()
    (team,) = med.list_teams()
    data = med.get_team(team.id)
    data.mediators = [MediatorData(full_name=f"Trần Thị {marker}", sex=Sex.FEMALE,
                                   is_leader=True)]
    med.save_team(data, today=TODAY)
    case = med.save(MediationCaseData(
        team_id=team.id, received_on=date(YEAR, 4, 2), origin=CaseOrigin.PARTY_REQUEST,
        case_type=MediationType.EVERYDAY, content=f"Tranh chấp lối đi ngõ {marker}",
        parties=[PartyData(f"Vũ Văn {marker}", birth_year=1970)]), today=TODAY)
    cert = CertificationService(handle)
    cert.sync_units()
    agency = cert.save_unit(CertUnitData(CertCategory.AGENCY, f"Bưu điện {marker}"))
    cert.save_record(agency, YEAR, RecordData(registered_on=date(YEAR, 2, 1),
                                              evaluated_on=date(YEAR, 10, 1),
                                              result=CertResult.MET,
                                              decision_number=f"1/QĐ-{marker}",
                                              decision_date=date(YEAR, 10, 15),
                                              criteria=[CriterionData(c.code, True) for c in
                                                        criteria_for(CertCategory.AGENCY)]),
                     today=TODAY)
    acts = ActivityService(handle)
    tip_ids = [acts.save(Kind.TIP, TipData(received_on=date(YEAR, 5, i + 1), area_id=area,
                                           content=f"Tin báo {marker} số {i + 1}",
                                           result=TipResult.PENDING), today=TODAY)
               for i in range(tips)]
    acts.save(Kind.PATROL, PatrolData(held_on=date(YEAR, 6, 1), area_id=area, participants=4,
                                      notes=f"tuần tra {marker}"), today=TODAY)
    return Ward(handle, _unit(handle), area, hid, resident,
                rehab, team.id, case, agency, tip_ids, marker)


def _unit(handle: Database) -> int:
    from antq_desktop.db.guard import scope_of

    return scope_of(handle)


def handle_for(db: Database, unit_id: int) -> Database:
    """A second handle on the same store, working in ward ``unit_id`` (as the system user)."""
    other = open_database(db.url)
    other.unit_id = unit_id
    return other


@pytest.fixture
def wards(db):
    UnitService(db).save(HOAN_KIEM)
    b_unit = UnitService(db).add_ward(CUA_NAM)
    b_handle = handle_for(db, b_unit)
    try:
        a = populate(db, "Khánh", "001080012345", tips=1)
        b = populate(b_handle, "Bích", "001080099999", tips=2)
        yield a, b
    finally:
        b_handle.dispose()


def test_the_same_area_name_and_household_code_live_in_two_wards(wards):
    a, b = wards
    assert (a.unit_id, b.unit_id) == (1, 2)
    assert [x.name for x in UnitService(a.db).areas()] == [AREA]
    assert [x.name for x in UnitService(b.db).areas()] == [AREA]
    assert a.area != b.area and a.household != b.household
    assert HouseholdService(a.db).get(a.household).code == CODE
    assert HouseholdService(b.db).get(b.household).code == CODE
    with pytest.raises(FieldError, match="đã có"):  # still unique within a ward
        UnitService(b.db).add_area("tổ dân phố số 1")
    with pytest.raises(FieldError, match="Số hộ: HK000001 đã dùng"):
        HouseholdService(b.db).save(household(b.area, CODE, [member(id_number="")]),
                                    today=TODAY)
    with a.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM household WHERE code = :c"),
                            {"c": CODE}).scalar() == 2
        assert set(conn.execute(text("SELECT unit_id FROM area")).scalars()) == {1, 2}
    assert UnitService(a.db).get().ward_name == "Phường Hoàn Kiếm"
    assert UnitService(b.db).get().ward_name == "Phường Cửa Nam"


def test_each_ward_lists_and_searches_its_own_records(wards):
    a, b = wards
    for me, other in ((a, b), (b, a)):
        homes = HouseholdService(me.db)
        assert homes.query_ids() == [me.household]
        assert homes.query_ids(search=CODE) == [me.household]
        assert homes.query_ids(search=other.marker) == []
        assert homes.query_ids(search=me.marker) == [me.household]
        assert homes.rows([other.household]) == {}
        assert homes.counts().households == 1
        with pytest.raises(LookupError):
            homes.get(other.household)
        assert [r.id for r in homes.find_residents(other.marker)] == []
        assert [c.id for c in RehabilitationService(me.db).list_cases()] == [me.rehab]
        with pytest.raises(LookupError):
            RehabilitationService(me.db).get(other.rehab)
        med = MediationService(me.db)
        assert [t.id for t in med.list_teams()] == [me.team]
        assert [c.id for c in med.list_cases(today=TODAY)] == [me.mediation]
        assert med.list_cases(search=other.marker, today=TODAY) == []
        cert = CertificationService(me.db)
        names = {r.name for r in cert.year_rows(YEAR)}
        assert f"Bưu điện {me.marker}" in names and f"Bưu điện {other.marker}" not in names
        assert [r.id for r in ActivityService(me.db).rows(Kind.TIP, YEAR)] == sorted(me.tips, reverse=True)


def test_the_orm_itself_never_returns_another_wards_rows(wards):
    a, b = wards
    with a.db.session() as s:
        assert s.get(Household, b.household) is None
        assert s.get(Area, b.area) is None
        assert s.get(MediationCase, b.mediation) is None
        assert {r.household_id for r in s.scalars(select(Resident))} == {a.household}
        assert sorted(s.scalars(select(Tip.id))) == a.tips
        # a join through the parent, and a child reached by its own foreign key
        assert s.scalars(select(Resident.id).join(Household)
                         .where(Household.code == CODE)).all() == [a.resident]
        assert s.scalars(select(Resident.id).where(Resident.id == b.resident)).all() == []


def test_a_ward_cannot_write_into_another(wards):
    a, b = wards
    with pytest.raises(FieldError):  # the other ward's area does not exist here
        HouseholdService(a.db).save(household(b.area, "HK000777", [member(id_number="")]),
                                    today=TODAY)
    with pytest.raises(PermissionDenied, match="phường, xã khác"):
        with a.db.session.begin() as s:
            s.add(Tip(received_on=TODAY, area_id=b.area, content="x", result=TipResult.PENDING))
    with pytest.raises(PermissionDenied, match="phường, xã khác"):
        with a.db.session.begin() as s:
            s.add(Tip(unit_id=b.unit_id, received_on=TODAY, content="x",
                      result=TipResult.PENDING))
    assert [r.id for r in ActivityService(b.db).rows(Kind.TIP, YEAR)] == sorted(b.tips, reverse=True)


def test_the_year_end_figures_are_each_wards_own(wards):
    a, b = wards
    for me, tips in ((a, 1), (b, 2)):
        table = IndicatorService(me.db).table(YEAR, today=TODAY)
        ward = table.ward.figures
        assert ward["tips_received"].this == tips
        assert ward["patrols"].this == 1
        assert ward["mediation_received"].this == 1
        assert ward["rehab_managed"].this == 1
        assert [r.area_id for r in table.areas] == [me.area]
        summary = RehabStats(me.db).year_summary(YEAR, today=TODAY)
        assert (summary.total.received, summary.total.under_management) == (1, 1)
        outcomes = MediationStats(me.db).year_outcomes(YEAR, today=TODAY)
        assert (outcomes.total.received, outcomes.team_count, outcomes.mediators) == (1, 1, 1)


# -- every public list and search function, for ward A: nothing of ward B ----------------------
LISTINGS = {
    "households.query_ids": lambda d, b: HouseholdService(d).query_ids(),
    "households.query_ids/search": lambda d, b: HouseholdService(d).query_ids(search="HK"),
    "households.query_ids/other": lambda d, b: HouseholdService(d).query_ids(search=b.marker),
    "households.rows": lambda d, b: HouseholdService(d).rows(
        HouseholdService(d).query_ids() + [b.household], year=YEAR),
    "households.matching_members": lambda d, b: HouseholdService(d).matching_members(
        [b.household], b.marker),
    "households.counts": lambda d, b: HouseholdService(d).counts(),
    "households.signup_summary": lambda d, b: HouseholdService(d).signup_summary(YEAR, TODAY),
    "households.find_residents": lambda d, b: HouseholdService(d).find_residents("Hoàng Văn"),
    "households.next_code": lambda d, b: HouseholdService(d).next_code(),
    "unit.areas": lambda d, b: UnitService(d).areas(include_retired=True),
    "rehabilitation.list_cases": lambda d, b: RehabilitationService(d).list_cases(
        status="all", today=TODAY),
    "rehabilitation.counts": lambda d, b: RehabilitationService(d).counts(),
    "rehabilitation.find_residents": lambda d, b: RehabilitationService(d).find_residents(
        b.marker),
    "rehab_stats.managed": lambda d, b: RehabStats(d).managed(YEAR),
    "rehab_stats.reintegration_quarter": lambda d, b: RehabStats(d).reintegration_quarter(
        YEAR, 1),
    "rehab_stats.year_summary": lambda d, b: RehabStats(d).year_summary(YEAR, today=TODAY),
    "mediation.list_teams": lambda d, b: MediationService(d).list_teams(include_retired=True),
    "mediation.warnings": lambda d, b: MediationService(d).warnings(),
    "mediation.list_cases": lambda d, b: MediationService(d).list_cases(today=TODAY),
    "mediation.list_cases/search": lambda d, b: MediationService(d).list_cases(
        search=b.marker, today=TODAY),
    "mediation.counts": lambda d, b: MediationService(d).counts(today=TODAY),
    "mediation.years": lambda d, b: MediationService(d).years(),
    "mediation.find_residents": lambda d, b: MediationService(d).find_residents(b.marker),
    "mediation.mediator_choices": lambda d, b: MediationService(d).mediator_choices(b.team),
    "mediation.team_for_area": lambda d, b: MediationService(d).team_for_area(b.area),
    "mediation_stats.book_teams": lambda d, b: MediationStats(d).book_teams(YEAR),
    "mediation_stats.year_outcomes": lambda d, b: MediationStats(d).year_outcomes(
        YEAR, today=TODAY),
    "certification.year_rows": lambda d, b: CertificationService(d).year_rows(YEAR),
    "certification.year_rows/search": lambda d, b: CertificationService(d).year_rows(
        YEAR, search=b.marker),
    "certification.listing": lambda d, b: CertificationService(d).listing(YEAR, "recognised"),
    "certification.state_counts": lambda d, b: CertificationService(d).state_counts(YEAR),
    "certification.category_ratios": lambda d, b: CertificationService(d).category_ratios(
        YEAR),
    "certification.overview": lambda d, b: CertificationService(d).overview(YEAR, TODAY),
    "certification.deadlines": lambda d, b: CertificationService(d).deadlines(YEAR, TODAY),
    "activities.rows": lambda d, b: [ActivityService(d).rows(k, YEAR) for k in Kind],
    "activities.rows/search": lambda d, b: [ActivityService(d).rows(k, search=b.marker)
                                            for k in Kind],
    "activities.counts": lambda d, b: ActivityService(d).counts(YEAR),
    "activities.years": lambda d, b: ActivityService(d).years(today=TODAY),
    "duplicates.matches": lambda d, b: DuplicateService(d).matches(f"Hoàng Văn {b.marker}"),
    "duplicates.scan": lambda d, b: DuplicateService(d).scan(),
    "duplicates.hand_typed": lambda d, b: DuplicateService(d).hand_typed(),
    "registers.register": lambda d, b: RegisterService(d).register(YEAR),
    "indicators.table": lambda d, b: IndicatorService(d).table(YEAR, today=TODAY),
    "overview.load": lambda d, b: OverviewService(d).load(YEAR, today=TODAY),
    "overview.due_work": lambda d, b: OverviewService(d).due_work(TODAY),
    "overview.monthly": lambda d, b: OverviewService(d).monthly(YEAR, TODAY),
    "overview.classes": lambda d, b: OverviewService(d).classes(YEAR),
}
# what ward B's results hold (ids, texts): none of it may be in ward A's
B_IDS = ("household", "resident", "rehab", "mediation")


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_no_service_listing_of_ward_a_shows_ward_b(wards, name):
    a, b = wards
    found_a = LISTINGS[name](a.db, b)
    found_b = LISTINGS[name](b.db, a)
    shown = repr(found_a)
    assert b.marker not in shown, f"{name} shows ward B's records to ward A"
    assert a.marker not in repr(found_b), f"{name} shows ward A's records to ward B"
    if isinstance(found_a, list) and found_a and all(isinstance(i, int) for i in found_a):
        assert not set(found_a) & {getattr(b, k) for k in B_IDS}
    if isinstance(found_a, dict):
        assert b.household not in found_a or name != "households.rows"


def test_the_listings_cover_every_public_listing_of_the_services():
    """A new list or search function of a service must be added to LISTINGS."""
    services = {
        "households": HouseholdService, "unit": UnitService,
        "rehabilitation": RehabilitationService, "rehab_stats": RehabStats,
        "mediation": MediationService, "mediation_stats": MediationStats,
        "certification": CertificationService, "activities": ActivityService,
        "duplicates": DuplicateService, "registers": RegisterService,
        "indicators": IndicatorService, "overview": OverviewService,
    }
    listing = ("list", "query", "rows", "find", "search", "scan", "count", "summary", "table",
               "years", "register", "matches", "listing", "load", "managed", "teams",
               "overview", "ratios", "outcomes", "hand_typed", "areas", "choices", "due")
    writes = {"mediation.ensure_teams"}  # housekeeping, not a listing
    covered = {n.split("/")[0] for n in LISTINGS} | writes
    missing = []
    for prefix, cls in services.items():
        for attr in dir(cls):
            if attr.startswith("_") or not callable(getattr(cls, attr)):
                continue
            if any(word in attr for word in listing) and f"{prefix}.{attr}" not in covered:
                missing.append(f"{prefix}.{attr}")
    assert missing == []


# -- the province account ---------------------------------------------------------------------
def test_a_province_account_reads_every_ward_and_writes_nothing(db, wards):
    a, b = wards
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("tinh", PASSWORD, Role.ADMIN, province=True)
    with pytest.raises(FieldError, match="tài khoản cấp tỉnh"):
        users.add("tinh2", PASSWORD, Role.VIEWER, province=True, area_ids=(a.area,))
    province = open_database(db.url)
    try:
        user = login(province, "tinh", PASSWORD)
        assert user.province and user.unit_id is None and user.area_ids is None
        homes = HouseholdService(province)
        assert sorted(homes.query_ids()) == sorted([a.household, b.household])
        assert homes.query_ids(search=b.marker) == [b.household]
        assert homes.get(b.household).code == CODE
        assert sorted(c.id for c in MediationService(province).list_cases(today=TODAY)) \
            == sorted([a.mediation, b.mediation])
        ward = IndicatorService(province).table(YEAR, today=TODAY).ward.figures
        assert ward["tips_received"].this == 3  # 1 + 2: the sum of the wards' own
        with pytest.raises(PermissionDenied, match="cấp tỉnh") as refused:
            homes.save(household(a.area, "HK000900", [member(id_number="")]), today=TODAY)
        assert str(refused.value).startswith("Quyền: Tài khoản “tinh” là tài khoản cấp tỉnh")
        with pytest.raises(PermissionDenied, match="cấp tỉnh"):
            ActivityService(province).save(Kind.TIP, TipData(
                received_on=TODAY, area_id=b.area, content="Tin báo", result=TipResult.PENDING),
                today=TODAY)
        with pytest.raises(PermissionDenied, match="cấp tỉnh"):
            UnitService(province).add_area("Tổ dân phố số 9")
        with pytest.raises(PermissionDenied, match="cấp tỉnh"):
            with province.session.begin() as s:  # the guard, whatever the service
                s.add(Tip(received_on=TODAY, area_id=a.area, content="x",
                          result=TipResult.PENDING))
        assert not user.can(Permission.WRITE) and user.can(Permission.READ)
    finally:
        province.dispose()
    assert HouseholdService(a.db).counts().households == 1  # nothing written
    assert [r.id for r in ActivityService(b.db).rows(Kind.TIP, YEAR)] == sorted(b.tips, reverse=True)


def test_accounts_work_in_their_own_ward(db, wards):
    a, b = wards
    UserService(a.db).add("quantri", PASSWORD, Role.ADMIN)
    admin_a = open_database(db.url)
    admin_b_handle = handle_for(db, b.unit_id)
    try:
        login(admin_a, "quantri", PASSWORD)
        UserService(admin_a).add("canbo_a", PASSWORD, Role.CLERK)
        UserService(admin_b_handle).add("quantri_b", PASSWORD, Role.ADMIN)  # system, ward B
        assert UserService(admin_a).get("canbo_a").unit_id == a.unit_id
        assert UserService(admin_a).get("quantri_b").unit_id == b.unit_id
        assert [u.name for u in UserService(admin_a).list()] == ["canbo_a", "quantri"]
        with pytest.raises(FieldError, match="không có tài khoản"):
            UserService(admin_a).disable("quantri_b")
        with pytest.raises(FieldError, match="không có khu dân cư"):
            UserService(admin_a).set_role("canbo_a", Role.CLERK, area_ids=(b.area,))
        clerk = open_database(db.url)
        try:
            login(clerk, "canbo_a", PASSWORD)
            assert HouseholdService(clerk).query_ids() == [a.household]
            hid = HouseholdService(clerk).save(household(
                a.area, "HK000002", [member("Ngô Văn Mới", id_number="")]), today=TODAY)
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT unit_id FROM household WHERE id = :i"),
                                    {"i": hid}).scalar() == a.unit_id
        finally:
            clerk.dispose()
    finally:
        admin_a.dispose()
        admin_b_handle.dispose()


# -- an old file ------------------------------------------------------------------------------
def test_a_0015_store_is_upgraded_in_place_into_its_one_ward(db):
    UnitService(db).save(HOAN_KIEM)
    a = populate(db, "Khánh", "001080012345", tips=2)
    UserService(db).add("quantri", PASSWORD, Role.ADMIN)
    url = PG_URL or str(db.engine.url)
    db.dispose()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0015")
    with engine.connect() as conn:
        assert "unit_id" not in conn.execute(text("SELECT * FROM household")).keys()
    engine.dispose()
    upgraded = open_database(url)
    try:
        with upgraded.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == head_revision()
            for table in ("area", "household", "rehab_case", "mediation_team", "cert_unit",
                          "tip", "patrol", "app_user"):
                assert set(conn.execute(text(f"SELECT unit_id FROM {table}")).scalars()) \
                    == {1}, table
        homes = HouseholdService(upgraded)
        assert homes.query_ids() == [a.household]
        data = homes.get(a.household)
        assert (data.code, data.members[0].full_name) == (CODE, "Hoàng Văn Khánh")
        assert [r.id for r in ActivityService(upgraded).rows(Kind.TIP, YEAR)] == sorted(a.tips, reverse=True)
        assert UnitService(upgraded).get().ward_name == "Phường Hoàn Kiếm"
        homes.save(data, today=TODAY)  # and it keeps working
        assert login(upgraded, "quantri", PASSWORD).unit_id == 1
    finally:
        upgraded.dispose()


def test_a_0015_file_with_areas_but_no_unit_gets_a_blank_unit(db):
    area = UnitService(db).add_area(AREA)
    url = PG_URL or str(db.engine.url)
    db.dispose()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0015")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM unit"))
    engine.dispose()
    upgraded = open_database(url)
    try:
        assert UnitService(upgraded).get() is None  # not set up: the dialog still asks
        assert [x.id for x in UnitService(upgraded).areas()] == [area]
        UnitService(upgraded).save(HOAN_KIEM)
        assert UnitService(upgraded).get().ward_name == "Phường Hoàn Kiếm"
        assert UnitService(upgraded).wards()[0].id == 1
    finally:
        upgraded.dispose()


def test_an_area_limited_account_of_another_ward_keeps_its_areas(db, wards):
    """Signing in reads the account's areas whatever ward the handle was opened in (a fresh
    handle works in the store's first ward): an area-limited clerk of ward B is limited to its
    area, never to every area of ward B."""
    a, b = wards
    UserService(a.db).add("quantri", PASSWORD, Role.ADMIN)
    admin_b = handle_for(db, b.unit_id)
    fresh = open_database(db.url)
    try:
        UserService(admin_b).add("quantri_b", PASSWORD, Role.ADMIN)
        login(admin_b, "quantri_b", PASSWORD)
        UserService(admin_b).add("canbo_b", PASSWORD, Role.CLERK, area_ids=(b.area,))
        user = login(fresh, "canbo_b", PASSWORD)
        assert user.unit_id == b.unit_id and user.area_ids == frozenset({b.area})
        assert UserService(admin_b).get("canbo_b").area_ids == (b.area,)
    finally:
        admin_b.dispose()
        fresh.dispose()
