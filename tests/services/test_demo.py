import random
import unicodedata
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select

from antq_desktop.cli import main
from antq_desktop.db.engine import open_database
from antq_desktop.db.models import Area, Household, HouseholdSearch, HouseholdSignup, Resident, Unit
from antq_desktop.enums import Relationship, ResidenceKind, Sex
from antq_desktop.services import demo as demo_module
from antq_desktop.services.demo import DemoError, DemoSummary, area_count, generate
from antq_desktop.services.households import TEMPORARY_RESIDENCE_MAX_DAYS, household_errors
from antq_desktop.services.unit import UnitInfo
from antq_desktop.text import fold, title_name
from antq_desktop.validation import ID_PROVINCE_CODES, check_id_number, id_number_facts

N = 300
TODAY = date(2026, 12, 1)  # the day the demo is made for (the tests do not read the clock)
YEAR_DAYS = 365.2425


def _count(db, model, *where):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _counts(db):
    return {m.__name__: _count(db, m) for m in (Unit, Area, Household, Resident, HouseholdSignup)}


@pytest.fixture
def demo(db):
    return generate(db, households=N, seed=7, today=TODAY)


def _active_residents(db):
    """(resident, household) rows of people living in the ward now."""
    with db.session() as s:
        return list(s.execute(
            select(Resident, Household.id)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.moved_out_on.is_(None), Household.moved_out_on.is_(None))
        ))


def test_counts_and_summary(db, demo, households, unit_service):
    assert (demo.areas, demo.households) == (area_count(N), N) == (6, N)
    assert _counts(db) == {"Unit": 1, "Area": demo.areas, "Household": N,
                           "Resident": demo.residents, "HouseholdSignup": demo.signups}
    assert 3.3 * N < demo.residents < 4.3 * N  # 1–7 members, about 4 on average
    with db.session() as s:
        sizes = set(s.scalars(select(Household.member_count)))
        codes = list(s.scalars(select(Household.code).order_by(Household.code)))
        areas = list(s.scalars(select(Area.name).order_by(Area.sort_order)))
    assert min(sizes) >= 1 and max(sizes) <= 7
    assert codes == [f"HK{i:06d}" for i in range(1, N + 1)]
    assert households.next_code() == f"HK{N + 1:06d}"
    assert areas == [f"Tổ dân phố số {i}" for i in range(1, 7)]
    unit = unit_service.get()
    assert (unit.province_code, unit.ward_code, unit.ward_name) == (1, 70, "Phường Hoàn Kiếm")
    assert (unit.header_superior, unit.header_issuer) == ("CÔNG AN THÀNH PHỐ HÀ NỘI",
                                                          "CÔNG AN PHƯỜNG HOÀN KIẾM")
    assert unit.place_name == "Phường Hoàn Kiếm"
    assert unit.commander_title == "Trưởng Công an phường" and unit.commander_name

    text = demo.describe()
    assert text.startswith("Đã tạo phường mẫu Phường Hoàn Kiếm (Thành phố Hà Nội): 6 khu dân cư, "
                           "300 hộ, ")
    assert f"{demo.signups:,}".replace(",", ".") + " lượt đăng ký, " in text
    assert (f"{demo.rehab_cases} hồ sơ quản lý, giáo dục, giúp đỡ, "
            f"{demo.mediation_cases} vụ, việc hòa giải") in text
    assert demo.cert_records > 0
    assert text.endswith(f", {demo.cert_records} hồ sơ “An toàn về an ninh, trật tự”.")
    with db.session() as s:
        names = set(s.scalars(select(Resident.full_name)))
    assert not any(name in text for name in names)  # no personal data in the summary


def test_thousands_separator_in_summary():
    summary = DemoSummary("Phường Hoàn Kiếm", "Thành phố Hà Nội", 12, 2000, 7812, 3650, 1200,
                          1034)
    assert summary.describe() == ("Đã tạo phường mẫu Phường Hoàn Kiếm (Thành phố Hà Nội): "
                                  "12 khu dân cư, 2.000 hộ, 7.812 nhân khẩu, 3.650 lượt đăng ký, "
                                  "1.200 hồ sơ quản lý, giáo dục, giúp đỡ, "
                                  "1.034 vụ, việc hòa giải.")


def test_one_active_head_per_active_household(db, demo):
    with db.session() as s:
        heads = dict(iter(s.execute(
            select(Household.id, func.count(Resident.id))
            .outerjoin(Resident, (Resident.household_id == Household.id)
                       & (Resident.relation == Relationship.HEAD)
                       & Resident.moved_out_on.is_(None))
            .where(Household.moved_out_on.is_(None))
            .group_by(Household.id))))
    assert heads and set(heads.values()) == {1}


def test_sampled_households_pass_validation(db, demo, households):
    with db.session() as s:
        ids = sorted(s.scalars(select(Household.id)))
    for hid in random.Random(1).sample(ids, 80):
        data = households.get(hid)
        assert household_errors(data, TODAY) == [], data.code
        for m in data.members:
            assert unicodedata.is_normalized("NFC", m.full_name)
            assert title_name(m.full_name) == m.full_name  # what saving would make of it


def test_cached_columns_are_what_the_service_computes(db, demo, households):
    """Saving a generated household unchanged through the service leaves its list row as is."""
    cached = (Household.head_name, Household.head_sort, Household.member_count,
              Household.residence_kind, HouseholdSearch.folded, HouseholdSearch.lower)
    rows = select(Household.id, *cached).join(HouseholdSearch)
    with db.session() as s:
        ids = sorted(s.scalars(select(Household.id)))
        before = {r[0]: tuple(r[1:]) for r in s.execute(rows)}
    sample = random.Random(2).sample(ids, 40)
    for hid in sample:
        households.save(households.get(hid))
    with db.session() as s:
        after = {r[0]: tuple(r[1:]) for r in s.execute(rows)}
    assert {h: after[h] for h in sample} == {h: before[h] for h in sample}


def test_id_numbers_unique_and_consistent(db, demo):
    rows = _active_residents(db)
    numbers = [r.id_number for r, _ in rows if r.id_number]
    assert len(numbers) == len(set(numbers))
    home = 0
    for r, _ in rows:
        if not r.id_number:
            continue
        assert check_id_number(r.id_number, r.sex, r.birth_date) is None, r.id_number
        province, sex, year = id_number_facts(r.id_number)
        assert province in ID_PROVINCE_CODES and sex is r.sex and year == r.birth_date.year
        home += province == 1
    assert home > 0.7 * len(numbers)  # mostly born in Hà Nội
    with db.session() as s:
        everyone = [n for n in s.scalars(select(Resident.id_number)) if n]
        old = [n for n in s.scalars(select(Resident.old_id_number)) if n]
    assert len(everyone) == len(set(everyone))
    assert old and all(len(n) == 9 and n.isdigit() for n in old)
    children = [r for r, _ in rows if (TODAY - r.birth_date).days < 14 * YEAR_DAYS]
    grown = [r for r, _ in rows if (TODAY - r.birth_date).days >= 14 * YEAR_DAYS]
    assert any(not r.id_number for r in children) and any(r.id_number for r in children)
    assert sum(bool(r.id_number) for r in grown) > 0.95 * len(grown)


def test_people_look_real(db, demo):
    rows = [r for r, _ in _active_residents(db)]
    for r in rows:
        assert r.name_folded == fold(r.full_name)
        assert 2 <= len(r.full_name.split()) <= 4
        assert date(1900, 1, 1) <= r.birth_date <= TODAY
        if r.phone:
            assert len(r.phone) == 10 and r.phone[0] == "0" and r.phone.isdigit()
        if (TODAY - r.birth_date).days >= 23 * YEAR_DAYS:
            assert r.occupation
    surnames = [r.full_name.split()[0] for r in rows]
    assert max(set(surnames), key=surnames.count) == "Nguyễn"
    assert {"Trần", "Lê", "Phạm"} <= set(surnames)
    assert any(r.phone for r in rows) and not all(r.phone for r in rows)


def test_families_fit_together(db, demo, households):
    with db.session() as s:
        ids = list(s.scalars(select(Household.id)))

    def years(older, younger):
        return (younger.birth_date - older.birth_date).days / YEAR_DAYS

    seen = set()
    for hid in ids:
        members = households.get(hid).members
        head = members[0]
        assert head.relation is Relationship.HEAD and head.active
        assert (TODAY - head.birth_date).days >= 18 * YEAR_DAYS
        father = head if head.sex is Sex.MALE else None
        for m in members[1:]:
            seen.add(m.relation)
            if m.relation is Relationship.WIFE:
                assert (head.sex, m.sex) == (Sex.MALE, Sex.FEMALE)
            elif m.relation is Relationship.HUSBAND:
                assert (head.sex, m.sex) == (Sex.FEMALE, Sex.MALE)
                father = m
            elif m.relation is Relationship.CHILD:
                assert 18 <= years(head, m) <= 40.1
            elif m.relation is Relationship.GRANDCHILD:
                assert years(head, m) >= 36
            elif m.relation in (Relationship.FATHER, Relationship.MOTHER):
                assert 18 <= years(m, head) <= 40.1
        spouses = [m for m in members if m.relation in (Relationship.WIFE, Relationship.HUSBAND)]
        assert len(spouses) <= 1
        for m in members:
            if m.relation is Relationship.CHILD:
                for parent in spouses:  # the head's spouse is the other parent
                    assert 18 <= years(parent, m) <= 40.1
                if father is not None:  # children take their father's family name
                    assert m.full_name.split()[0] == father.full_name.split()[0]
    assert {Relationship.WIFE, Relationship.CHILD, Relationship.GRANDCHILD,
            Relationship.CHILD_IN_LAW, Relationship.MOTHER} <= seen


def test_residence_mix(db):
    generate(db, households=1000, seed=3, today=TODAY)
    with db.session() as s:
        kinds = dict(iter(s.execute(select(Household.residence_kind, func.count())
                                    .group_by(Household.residence_kind))))
        temporary = list(s.scalars(select(Resident).where(
            Resident.residence_kind == ResidenceKind.TEMPORARY)))
        absent = _count(db, Resident, Resident.residence_kind == ResidenceKind.ABSENT)
        moved = list(s.scalars(select(Resident).where(Resident.moved_out_on.is_not(None))))
        gone = list(s.scalars(select(Household).where(Household.moved_out_on.is_not(None))))
    assert 0.05 * 1000 < kinds[ResidenceKind.TEMPORARY] < 0.16 * 1000
    assert kinds[ResidenceKind.PERMANENT] > 0.8 * 1000
    for r in temporary:
        assert r.residence_from <= TODAY
        assert 0 <= (r.residence_to - r.residence_from).days <= TEMPORARY_RESIDENCE_MAX_DAYS
    assert absent > 0
    assert moved and all(r.moved_out_on <= TODAY and r.moved_out_reason for r in moved)
    assert 1 <= len(gone) <= 30
    assert all(h.moved_out_on <= TODAY and h.moved_out_reason for h in gone)


def test_search_by_folded_name_finds_household(db, demo, households):
    rows = _active_residents(db)
    for r, hid in random.Random(3).sample(rows, 15):
        assert hid in households.query_ids(fold(r.full_name))
        assert hid in households.query_ids(r.full_name.upper())
        if r.id_number:
            assert hid in households.query_ids(r.id_number)


def test_search_index_built_after_the_load(db, demo, households, monkeypatch):
    """The demo builds the SQLite search index in one go; it must agree with plain LIKE."""
    if not db.has_fts:
        pytest.skip("SQLite without FTS5 trigram")
    terms = ["nguyen van", "hang bac", "thi thu", "001", "hk0001", "tran"]
    with_index = {t: households.query_ids(t) for t in terms}
    monkeypatch.setattr(db, "has_fts", False)
    assert {t: households.query_ids(t) for t in terms} == with_index
    assert all(with_index[t] for t in ("nguyen van", "001", "hk0001", "tran"))


def test_signups(db, demo, households):
    this_year, last_year = TODAY.year, TODAY.year - 1
    now = households.signup_summary(this_year, TODAY)
    assert len(now) == 6
    assert all(0 < a.signed <= a.total for a in now)
    full = [a for a in now if a.signed == a.total]
    assert 0 < len(full) < 6  # some areas meet the certification's "100% of households"
    ratio_now = sum(a.signed for a in now) / sum(a.total for a in now)
    before = households.signup_summary(last_year, TODAY)
    ratio_before = sum(a.signed for a in before) / sum(a.total for a in before)
    assert 0.85 < ratio_now < 1
    assert ratio_before > 0.9
    # last year counts the households living here then: newcomers do not spoil a full area
    assert any(a.signed == a.total for a in before)
    with db.session() as s:
        arrived = s.scalar(select(func.count()).select_from(Household)
                           .where(Household.since.is_not(None)))
    assert 0 < arrived < sum(a.total for a in now)
    with db.session() as s:
        rows = list(s.execute(select(HouseholdSignup.year, HouseholdSignup.signed_on,
                                     Household.moved_out_on)
                              .join(Household, Household.id == HouseholdSignup.household_id)))
    assert {year for year, _, _ in rows} == {last_year, this_year}
    late = 0
    for year, on, gone in rows:
        assert on.year == year and on <= TODAY
        late += on.month > 3  # came after the campaign to an area where everyone signs
        assert gone is None or on < gone
    assert late < len(rows) * 0.05


def test_refuses_a_database_that_is_not_empty(db, demo):
    before = _counts(db)
    with pytest.raises(DemoError, match="đã có dữ liệu"):
        generate(db, households=20, today=TODAY)
    assert _counts(db) == before


@pytest.mark.parametrize("what", ["unit", "area"])
def test_refuses_a_configured_database(db, unit_service, what):
    if what == "area":
        unit_service.add_area("Thôn Đông")
    else:
        unit_service.save(UnitInfo(1, "Thành phố Hà Nội", 70, "Phường Hoàn Kiếm",
                                   "CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN PHƯỜNG HOÀN KIẾM",
                                   "Phường Hoàn Kiếm"))
    before = _counts(db)
    with pytest.raises(DemoError, match="chỉ điền vào cơ sở dữ liệu trống"):
        generate(db, households=10, today=TODAY)
    assert _counts(db) == before


def test_progress_and_cancel(db, unit_service, monkeypatch):
    monkeypatch.setattr(demo_module, "INSERT_CHUNK", 40)
    calls = []

    def cancel_midway(done, total):
        calls.append((done, total))
        return done < 80

    def schema():
        with db.engine.connect() as conn:
            return sorted(inspect(conn).get_table_names()) + (
                conn.exec_driver_sql("SELECT type, name FROM sqlite_master ORDER BY name").all()
                if db.is_sqlite else [])

    before = schema()
    with pytest.raises(DemoError, match="hủy"):
        generate(db, households=200, progress=cancel_midway, today=TODAY)
    assert calls == [(0, 200), (40, 200), (80, 200)]
    assert set(_counts(db).values()) == {0} and unit_service.get() is None
    assert schema() == before  # the search index and its triggers are back

    calls.clear()
    generate(db, households=100, progress=lambda done, total: calls.append((done, total)),
             today=TODAY)
    assert calls == [(0, 100), (40, 100), (80, 100), (100, 100)]  # None from it: go on
    assert _count(db, Household) == 100
    assert schema() == before


def dump_ward(database):
    """The generated people, households and sign-ups, to compare two demos."""
    cols = (Resident.household_id, Resident.full_name, Resident.birth_date, Resident.sex,
            Resident.id_number, Resident.relation, Resident.residence_kind, Resident.phone)
    with database.session() as s:
        return (list(s.execute(select(*cols).order_by(Resident.id))),
                list(s.execute(select(Household.code, Household.address, Household.since,
                                      Household.moved_out_on, HouseholdSearch.folded)
                               .join(HouseholdSearch).order_by(Household.id))),
                list(s.execute(select(HouseholdSignup.household_id, HouseholdSignup.year,
                                      HouseholdSignup.signed_on)
                               .order_by(HouseholdSignup.id))))


def test_same_seed_same_ward(db, demo, tmp_path):
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        generate(other, households=N, seed=7, today=TODAY)
        assert dump_ward(other) == dump_ward(db)
    finally:
        other.dispose()


def test_the_day_decides_the_dates(db, demo, tmp_path):
    """``today`` is the demo's only clock: a day later, people are born and sign up by then."""
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        later = TODAY + timedelta(days=400)
        generate(other, households=N, seed=7, today=later)
        assert dump_ward(other) != dump_ward(db)
        with other.session() as s:
            births = list(s.scalars(select(Resident.birth_date)))
            years = set(s.scalars(select(HouseholdSignup.year)))
        assert max(births) < later and max(births) > TODAY  # babies born after TODAY
        assert years == {later.year - 1, later.year}
    finally:
        other.dispose()


def test_cli_demo(tmp_path, capsys):
    path = str(tmp_path / "cli.db")
    with pytest.raises(SystemExit) as exit_:
        main(["--db", path, "demo", "--households", "50"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Phường Hoàn Kiếm" in out and "50 hộ" in out

    with pytest.raises(SystemExit) as exit_:
        main(["--db", path, "demo", "--households", "50"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert "đã có dữ liệu" in captured.err and captured.out == ""
    db = open_database(f"sqlite:///{path}")
    try:
        assert _count(db, Household) == 50
    finally:
        db.dispose()


def test_demo_rehabilitation_cases_follow_the_rules(db, demo):
    from antq_desktop.db.models import RehabCase, RehabEvaluation
    from antq_desktop.regimes import REGIMES, DueState
    from antq_desktop.services.demo_rehab import case_count
    from antq_desktop.services.rehabilitation import CaseStatus, RehabilitationService

    rehab = RehabilitationService(db)
    everything = rehab.list_cases(status=CaseStatus.ALL, today=TODAY)
    assert len(everything) == case_count(N) == demo.rehab_cases
    assert len({r.regime for r in everything}) >= 4
    assert any(r.closed_on for r in everything) and any(not r.closed_on for r in everything)
    assert any(r.due.state in (DueState.DUE, DueState.OVERDUE) for r in everything)
    with db.session() as s:
        for case in s.scalars(select(RehabCase)):
            info = REGIMES[case.regime]
            assert case.resident_id is not None
            for ev in s.scalars(select(RehabEvaluation).where(RehabEvaluation.case_id == case.id)):
                assert ev.classification in info.classes
                assert case.start_date <= ev.evaluated_on <= TODAY
                assert ev.period_no <= 12 // info.months_per_period


def test_cases_can_be_added_after_the_demo(db, demo):
    """The demo leaves the id sequences where new records can follow (PostgreSQL too)."""
    from antq_desktop.enums import Regime
    from antq_desktop.services.rehabilitation import CaseData, RehabilitationService

    rehab = RehabilitationService(db)
    before = len(rehab.list_cases(status="all"))
    rehab.save(CaseData("Lê Văn Mới", Regime.YOUTH, TODAY))
    assert len(rehab.list_cases(status="all")) == before + 1
