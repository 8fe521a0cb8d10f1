"""Every year-end indicator against records counted by hand: 2024 (last year) and 2025 (this
year), per residential area, for the ward-level records and for the whole ward.

The records are written with the models directly (one transaction), households through the
households service. Areas: A1 = Tổ dân phố số 1, A2 = Tổ dân phố số 2, W = the whole ward
(``area_id`` None), A3 = Tổ dân phố số 3 (retired in 2025, one patrol in 2024).
"""

import json
from datetime import date

import pytest
from sqlalchemy import event

from antq_desktop.db.guard import ONE_WARD_CHECK
from antq_desktop.db.models import (
    Award,
    CertRecord,
    CertUnit,
    MediationCase,
    MediationTeam,
    MovementModel,
    Outreach,
    Patrol,
    RehabCase,
    RehabEvaluation,
    Tip,
    WeaponHandover,
)
from antq_desktop.enums import (
    AwardLevel,
    CaseOrigin,
    CertCategory,
    CertResult,
    Classification,
    EndReason,
    MediationStatus,
    MediationType,
    OutreachKind,
    Regime,
    TipResult,
    WeaponKind,
)
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.indicators import (
    PACKAGED_PATH,
    Figures,
    IndicatorError,
    IndicatorService,
    Ratio,
    load_definitions,
    override_path,
    source,
    source_names,
)
from antq_desktop.services.mediation_stats import MediationStats
from antq_desktop.services.rehab_stats import RehabStats
from antq_desktop.text import fold
from tests.conftest import household, member, sqlite_only

TODAY = date(2026, 11, 20)
S, C, R = MediationStatus, Classification, TipResult
A1, A2, W = "A1", "A2", "W"

# code -> {place: (2024, 2025)}; places missing from a row are 0 (or 0/0) in both years
EXPECTED = {
    "tips_received": {A1: (1, 3), A2: (1, 2), W: (0, 1)},
    "tips_valuable": {A1: (1, 2), A2: (0, 1), W: (0, 1)},
    "cases_solved": {A1: (1, 2), W: (0, 1)},
    "arrests": {A1: (1, 2), W: (0, 3)},
    "wanted_surrendered": {A2: (0, 1)},
    "models_active": {A1: (1, 2), A2: (1, 0), W: (1, 0)},
    "model_members": {A1: (10, 15), A2: (8, 0), W: (20, 0)},
    "rehab_managed": {A1: (1, 2), A2: (1, 1), W: (0, 1)},
    "rehab_received": {A1: (1, 1), A2: (1, 0), W: (0, 1)},
    "rehab_improved": {A1: (1, 1), A2: (1, 0), W: (0, 1)},
    "mediation_received": {A1: (1, 3), A2: (1, 2)},
    "mediation_succeeded": {A1: (1, 1), A2: (0, 1)},
    "mediation_failed": {A1: (0, 1), A2: (1, 0)},
    "weapons": {A1: (1, 2)},
    "ammunition": {A1: (0, 30)},
    "explosives": {A1: (0, 1.5)},  # the 3 "quả" of A2 are not kilograms
    "firecrackers": {A2: (2, 0), W: (0, 12.5)},
    "knives": {A1: (1, 0), A2: (0, 4)},
    "support_tools": {A2: (0, 1)},
    "outreach_sessions": {A1: (0, 2), A2: (1, 0), W: (0, 1)},
    "outreach_attendance": {A1: (0, 50), A2: (40, 0), W: (0, 300)},
    "patrols": {A1: (1, 2), A2: (0, 1), "A3": (1, 0)},
    "patrol_participants": {A1: (3, 11), A2: (0, 4), "A3": (6, 0)},
    "households_signed": {A1: (Ratio(1, 3), Ratio(2, 2)), A2: (Ratio(2, 2), Ratio(1, 2))},
    "cert_areas": {A1: (Ratio(1, 1), Ratio(1, 1)), A2: (Ratio(1, 1), Ratio(0, 1))},
    "cert_agencies": {W: (Ratio(1, 2), Ratio(1, 2))},
    "cert_enterprises": {W: (Ratio(0, 1), Ratio(0, 1))},
    "cert_schools": {W: (Ratio(0, 1), Ratio(1, 1))},
    "awards_collective": {A1: (0, 1), W: (0, 1)},
    "awards_individual": {A2: (1, 0), W: (0, 1)},
}
RATIOS = {"households_signed", "cert_areas", "cert_agencies", "cert_enterprises", "cert_schools"}


def _zero(code):
    return Ratio(0, 0) if code in RATIOS else 0


def _sum(code, pairs):
    last, this = _zero(code), _zero(code)
    for a, b in pairs:
        last, this = last + a, this + b
    return last, this


@pytest.fixture
def records(db, ward, unit_service, households):
    a1, a2 = ward
    a3 = unit_service.add_area("Tổ dân phố số 3")
    quiet = unit_service.add_area("Tổ dân phố số 4")  # retired, no records: not listed
    places = {A1: a1, A2: a2, W: None, "A3": a3}

    # households: h3 signs up for 2025, then moves away in June 2025
    names = ["", "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em"]

    def hh(area, code, number):
        return households.save(household(area, code, [member(names[number], id_number=None)]))
    h1, h2, h3 = (hh(a1, f"HK00000{i}", i) for i in (1, 2, 3))
    h4, h5 = (hh(a2, f"HK00000{i}", i) for i in (4, 5))
    households.sign_up([h1, h4, h5], 2024, date(2024, 2, 1))
    households.sign_up([h1, h2, h3, h4], 2025, date(2025, 2, 1))
    households.move_away(h3, date(2025, 6, 1))

    with db.session.begin() as s:
        def tip(on, where, valuable, result, persons=0):
            s.add(Tip(received_on=on, area_id=places[where], content="Tin báo", valuable=valuable,
                      result=result, persons=persons))
        tip(date(2025, 1, 10), A1, True, R.CASE_SOLVED)
        tip(date(2025, 3, 5), A1, True, R.ARREST, 2)
        tip(date(2025, 6, 1), A1, False, R.NO_RESULT)
        tip(date(2025, 7, 7), A2, True, R.SURRENDER, 1)
        tip(date(2025, 12, 31), W, True, R.ARREST, 3)
        tip(date(2025, 2, 2), A2, False, R.PENDING)
        tip(date(2024, 5, 5), A1, True, R.ARREST, 1)
        tip(date(2024, 12, 31), A2, False, R.NO_RESULT)
        tip(date(2023, 12, 31), A2, True, R.ARREST, 5)  # before both years
        tip(date(2026, 1, 1), A1, True, R.CASE_SOLVED)  # after both

        def model(where, since, members, ended=None):
            s.add(MovementModel(name="Tổ tự quản", area_id=places[where], started_on=since,
                                members=members, ended_on=ended))
        model(A1, date(2020, 1, 1), 10)
        model(A1, date(2025, 6, 1), 5)
        model(A2, date(2019, 1, 1), 8, date(2025, 3, 1))
        model(W, date(2024, 12, 31), 20, date(2025, 12, 31))  # ended on the last day of 2025
        model(A2, date(2026, 2, 1), 7)

        def rehab(where, regime, start, evaluations=(), closed=None):
            c = RehabCase(person_name="Lê Văn Tư", name_folded=fold("Lê Văn Tư"),
                          area_id=places[where], regime=regime, start_date=start,
                          closed_on=closed, close_reason=EndReason.COMPLETED if closed else None)
            s.add(c)
            s.flush()
            for year, no, cls in evaluations:
                s.add(RehabEvaluation(case_id=c.id, evaluated_on=date(year, 12, 31),
                                      period_year=year, period_no=no, classification=cls))
        # latest of 2024 is A (improved), latest of 2025 is B (not)
        rehab(A1, Regime.REINTEGRATION, date(2024, 3, 1),
              [(2024, 2, C.B), (2024, 4, C.A), (2025, 1, C.A), (2025, 3, C.B)])
        rehab(A1, Regime.YOUTH, date(2025, 2, 1), [(2025, 1, C.NO_PROGRESS),
                                                   (2025, 4, C.PROGRESS)])
        rehab(A2, Regime.DRUG_USER, date(2024, 6, 1), [(2024, 12, C.PROGRESS)],
              closed=date(2025, 1, 15))
        rehab(W, Regime.WARD_EDUCATION, date(2025, 5, 1), [(2025, 6, C.PROGRESS)],
              closed=date(2025, 10, 1))
        rehab(A2, Regime.SUSPENDED, date(2023, 1, 1), [(2023, 6, C.PROGRESS)],
              closed=date(2023, 12, 31))

        teams = {}
        for where in (A1, A2):
            team = MediationTeam(area_id=places[where], name=f"Tổ hòa giải {where}")
            s.add(team)
            s.flush()
            teams[where] = team.id

        def mediation(where, received, status, closed):
            s.add(MediationCase(team_id=teams[where], received_on=received,
                                origin=CaseOrigin.PARTY_REQUEST, case_type=MediationType.CIVIL,
                                content="Tranh chấp", status=status, closed_on=closed))
        mediation(A1, date(2025, 1, 5), S.SUCCEEDED, date(2025, 1, 8))
        mediation(A1, date(2025, 2, 10), S.FAILED, date(2025, 2, 20))
        mediation(A1, date(2025, 12, 20), S.SUCCEEDED, date(2026, 1, 3))  # open at 2025's end
        mediation(A2, date(2025, 5, 5), S.SUCCEEDED, date(2025, 5, 6))
        mediation(A2, date(2025, 6, 1), S.STOPPED, date(2025, 6, 2))
        mediation(A2, date(2024, 3, 3), S.FAILED, date(2024, 3, 10))
        mediation(A1, date(2024, 12, 30), S.SUCCEEDED, date(2024, 12, 31))

        def weapon(on, where, kind, quantity, unit):
            s.add(WeaponHandover(received_on=on, area_id=places[where], kind=kind,
                                 quantity=quantity, unit=unit))
        weapon(date(2025, 4, 1), A1, WeaponKind.FIREARM, 2, "khẩu")
        weapon(date(2025, 4, 2), A1, WeaponKind.EXPLOSIVE, 1.5, "kg")
        weapon(date(2025, 4, 3), A2, WeaponKind.EXPLOSIVE, 3, "quả")
        weapon(date(2025, 4, 4), W, WeaponKind.FIRECRACKER, 12.5, "kg")
        weapon(date(2025, 4, 5), A2, WeaponKind.KNIFE, 4, "chiếc")
        weapon(date(2025, 4, 6), A1, WeaponKind.AMMUNITION, 30, "viên")
        weapon(date(2025, 4, 7), A2, WeaponKind.SUPPORT_TOOL, 1, "chiếc")
        weapon(date(2024, 4, 1), A2, WeaponKind.FIRECRACKER, 2, "Kg")
        weapon(date(2024, 4, 2), A1, WeaponKind.KNIFE, 1, "chiếc")
        weapon(date(2024, 4, 3), A1, WeaponKind.FIREARM, 1, "khẩu")

        def outreach(on, where, kind, attendance):
            s.add(Outreach(held_on=on, area_id=places[where], kind=kind, attendance=attendance))
        outreach(date(2025, 3, 1), A1, OutreachKind.MEETING, 50)
        outreach(date(2025, 3, 2), A1, OutreachKind.LOUDSPEAKER, 0)
        outreach(date(2025, 8, 19), W, OutreachKind.STAGE, 300)
        outreach(date(2024, 8, 19), A2, OutreachKind.MEETING, 40)

        for on, where, people in ((date(2025, 1, 1), A1, 5), (date(2025, 1, 2), A1, 6),
                                  (date(2025, 1, 3), A2, 4), (date(2024, 1, 4), A1, 3),
                                  (date(2024, 5, 5), "A3", 6)):
            s.add(Patrol(held_on=on, area_id=places[where], participants=people))

        def unit(category, name, where=W, retired=None, **years):
            u = CertUnit(category=category, area_id=places[where], name=name,
                         name_folded=fold(name), retired_on=retired)
            s.add(u)
            s.flush()
            for key, (result, decision) in years.items():
                s.add(CertRecord(unit_id=u.id, year=int(key[1:]), registered_on=date(
                    int(key[1:]), 2, 1), result=result, decision_number=decision))
        met, not_met = CertResult.MET, CertResult.NOT_MET
        unit(CertCategory.AREA, "Tổ dân phố số 1", A1, y2024=(met, "10/QĐ-UBND"),
             y2025=(met, "12/QĐ-UBND"))
        unit(CertCategory.AREA, "Tổ dân phố số 2", A2, y2024=(met, "10/QĐ-UBND"),
             y2025=(met, ""))  # evaluated, no decision yet: not recognised
        unit(CertCategory.AGENCY, "Trường Chính trị", y2024=(met, "5/QĐ"), y2025=(met, "6/QĐ"))
        unit(CertCategory.AGENCY, "Kho bạc", y2025=(not_met, ""))
        unit(CertCategory.AGENCY, "Chi cục thuế cũ", retired=date(2024, 6, 1),
             y2024=(met, "4/QĐ"))  # retired during 2024: counts for neither year
        unit(CertCategory.ENTERPRISE, "Công ty May 10")
        unit(CertCategory.SCHOOL, "Trường THCS Lê Lợi", y2025=(met, "7/QĐ"))

        def award(on, where, collective, level):
            s.add(Award(awarded_on=on, recipient="Tổ dân phố", collective=collective,
                        area_id=places[where], level=level))
        award(date(2025, 8, 19), A1, True, AwardLevel.WARD_POLICE)
        award(date(2025, 8, 19), W, False, AwardLevel.PROVINCE_POLICE)
        award(date(2025, 12, 1), W, True, AwardLevel.WARD_COMMITTEE)
        award(date(2024, 8, 19), A2, False, AwardLevel.WARD_POLICE)

    unit_service.retire_area(a3, date(2025, 1, 1))
    unit_service.retire_area(quiet, date(2025, 1, 1))
    return places


def _table(db, **kw):
    return IndicatorService(db, path=PACKAGED_PATH).table(2025, today=TODAY, **kw)


def test_the_expectations_cover_every_packaged_indicator():
    indicators = load_definitions(PACKAGED_PATH).indicators
    codes = [i.code for i in indicators]
    assert sorted(codes) == sorted(EXPECTED)
    assert len(codes) == len(set(codes))
    assert {i.code for i in indicators if i.ward_only} == {
        "cert_agencies", "cert_enterprises", "cert_schools"}  # no area has them
    assert {i.code for i in indicators if i.ratio} == RATIOS


def test_every_indicator_per_area_ward_level_and_ward_total(db, records):
    table = _table(db)
    assert table.year == 2025 and table.cutoff == date(2025, 12, 31)
    assert [a.name for a in table.areas] == ["Tổ dân phố số 1", "Tổ dân phố số 2",
                                             "Tổ dân phố số 3"]  # 4: retired, nothing
    by_place = {A1: table.areas[0], A2: table.areas[1], "A3": table.areas[2],
                W: table.ward_level}
    for code, expected in EXPECTED.items():
        for place, figures in by_place.items():
            want = expected.get(place, (_zero(code), _zero(code)))
            got = figures[code]
            assert (got.last, got.this) == pytest.approx(want), (code, place)
        ward = table.ward[code]
        assert (ward.last, ward.this) == pytest.approx(_sum(code, expected.values())), code


def test_the_change_absolute_percent_and_ratio_share(db, records):
    ward = _table(db).ward
    tips = ward["tips_received"]
    assert (tips.last, tips.this, tips.delta, tips.percent) == (2, 6, 4, 200.0)
    models = ward["models_active"]
    assert (models.delta, models.percent) == (-1, pytest.approx(-100 / 3))
    fire = ward["firecrackers"]
    assert (fire.delta, fire.percent) == (10.5, 525.0)
    assert ward["ammunition"].percent is None  # nothing last year
    signed = ward["households_signed"]
    assert (signed.last, signed.this) == (Ratio(3, 5), Ratio(3, 4))
    assert str(signed.this) == "3/4" and signed.is_ratio
    assert signed.this.share == 75.0 and signed.delta == pytest.approx(15.0)  # share points
    assert signed.percent is None
    assert ward["cert_enterprises"].delta == 0.0
    assert Figures(Ratio(0, 0), Ratio(1, 2)).delta is None  # no share last year
    assert str(Ratio(35000, 35200)) == "35.000/35.200"


def test_totals_agree_with_the_rehabilitation_and_mediation_reports(db, records):
    ward = _table(db).ward
    for year, attr in ((2024, "last"), (2025, "this")):
        rehab = RehabStats(db).year_summary(year, today=TODAY).total
        assert getattr(ward["rehab_received"], attr) == rehab.received
        assert getattr(ward["rehab_improved"], attr) == rehab.improved
        mediation = MediationStats(db).year_outcomes(year, today=TODAY).total
        assert getattr(ward["mediation_received"], attr) == mediation.received
        assert getattr(ward["mediation_succeeded"], attr) == mediation.succeeded
        assert getattr(ward["mediation_failed"], attr) == mediation.failed


def test_certification_ratios_agree_with_the_certification_service(db, records):
    ratios = CertificationService(db).category_ratios(2025)  # also syncs the ward's own unit
    ward = _table(db).ward
    for code, category in (("cert_areas", CertCategory.AREA),
                           ("cert_agencies", CertCategory.AGENCY),
                           ("cert_enterprises", CertCategory.ENTERPRISE),
                           ("cert_schools", CertCategory.SCHOOL)):
        assert (ward[code].this.num, ward[code].this.den) == ratios[category], code


def test_one_area_only(db, records):
    table = _table(db, area_id=records[A2])
    assert [a.name for a in table.areas] == ["Tổ dân phố số 2"]
    assert table.areas[0]["knives"].this == 4
    assert table.ward["tips_received"].this == 6  # the ward figures stay whole


def test_the_current_year_counts_up_to_today(db, ward):
    a1 = ward[0]
    with db.session.begin() as s:
        team = MediationTeam(area_id=a1, name="Tổ hòa giải")
        s.add(team)
        s.flush()
        s.add(MediationCase(team_id=team.id, received_on=date(2026, 10, 1),
                            origin=CaseOrigin.PARTY_REQUEST, case_type=MediationType.CIVIL,
                            content="Tranh chấp", status=S.SUCCEEDED,
                            closed_on=date(2026, 11, 25)))
        s.add(MovementModel(name="Camera an ninh", area_id=a1, started_on=date(2026, 1, 1),
                            members=4, ended_on=date(2026, 12, 1)))
        s.add(Patrol(held_on=date(2026, 11, 21), area_id=a1, participants=3))  # after today
    table = IndicatorService(db, path=PACKAGED_PATH).table(2026, today=TODAY)
    assert table.cutoff == TODAY
    f = table.areas[0]
    assert (f["mediation_received"].this, f["mediation_succeeded"].this) == (1, 0)
    assert f["models_active"].this == 1 and f["model_members"].this == 4
    assert f["patrols"].this == 0
    assert table.ward_level is None  # no ward-level records


def test_each_source_is_one_query_per_year(db, records):
    statements = []
    event.listen(db.engine, "before_cursor_execute",  # not the guard's one-ward check
                 lambda *args: args[2] != ONE_WARD_CHECK and statements.append(args[2]))
    params = {"tips.count": {"valuable": True}, "certification.recognised": {
        "categories": (CertCategory.AGENCY,)}}
    with db.session() as s:
        for name in source_names():
            statements.clear()
            values = source(name)(s, 2025, params.get(name, {}))
            assert len(statements) == 1, name
            assert "GROUP BY" in statements[0].upper(), name
            assert all(k is None or isinstance(k, int) for k in values), name
        assert source("tips.count")(s, 2025, {"valuable": True}) == {
            records[A1]: 2, records[A2]: 1, None: 1}


# -- the list as data ---------------------------------------------------------------------------
def _write(path, indicators):
    path.write_text(json.dumps({"indicators": indicators}, ensure_ascii=False),
                    encoding="utf-8")
    return path


@sqlite_only
def test_a_list_next_to_the_database_replaces_the_packaged_one(db, records, tmp_path):
    service = IndicatorService(db)
    assert service.definitions_path() == PACKAGED_PATH
    own = _write(tmp_path / "indicators.json", [
        {"section": "1. Tuần tra"},
        {"code": "patrols", "label": "Số lượt tuần tra", "unit": "lượt",
         "source": "patrols.count"},
        {"code": "explosives_all", "label": "Vật liệu nổ (mọi đơn vị)", "unit": "",
         "source": "weapons.quantity", "params": {"kinds": ["explosive"]}},
    ])
    assert override_path(db) == own
    table = service.table(2025, today=TODAY)
    assert table.definitions.path == own
    assert [getattr(i, "title", None) or i.label for i in table.items] == [
        "1. Tuần tra", "Số lượt tuần tra", "Vật liệu nổ (mọi đơn vị)"]
    assert table.ward["patrols"].this == 3
    assert table.ward["explosives_all"].this == 4.5  # kilograms and "quả" alike, as asked


@pytest.mark.parametrize("items, message", [
    ("{not json", "sai cú pháp JSON ở dòng 1, cột 2"),
    ([], "phải có danh sách chỉ tiêu"),
    ([{"section": "I"}, {"code": "tips_x", "label": "Tin", "unit": "tin",
                         "source": "tips.cnt"}],
     "mục 2 (“tips_x”): nguồn số liệu “tips.cnt” không có. Các nguồn có: awards.count"),
    ([{"code": "tips", "label": "Tin", "unit": "tin", "source": "tips.count",
       "params": {"valuble": True}}],
     "mục 1 (“tips”): nguồn “tips.count” không có tham số “valuble” (có: valuable, results)"),
    ([{"code": "tips", "label": "Tin", "unit": "tin", "source": "tips.count",
       "params": {"results": ["arrested"]}}],
     "mục 1 (“tips”): tham số “results”: “arrested” không phải giá trị hợp lệ"),
    ([{"code": "tips", "label": "Tin", "unit": "tin", "source": "tips.count",
       "params": {"valuable": "có"}}], "tham số “valuable”: phải là true hoặc false"),
    ([{"code": "tips", "unit": "tin", "source": "tips.count"}],
     "mục 1 (“tips”): thiếu “label”"),
    ([{"code": "a", "label": "A", "unit": "", "source": "patrols.count"},
      {"code": "a", "label": "B", "unit": "", "source": "patrols.count"}],
     "mục 2 (“a”): mã “a” bị trùng"),
    ([{"code": "Tin báo", "label": "A", "unit": "", "source": "patrols.count"}],
     "mã “Tin báo” chỉ gồm chữ thường không dấu"),
    ([{"code": "cert", "label": "KDC", "unit": "", "source": "certification.recognised"}],
     "nguồn “certification.recognised” cần tham số “categories”"),
    ([{"code": "p", "label": "P", "unit": "", "source": "patrols.count", "parms": {}}],
     "mục 1 (“p”): khóa “parms” không dùng được"),
    ([{"section": "I", "label": "x"}], "mục 1: dòng tiêu đề mục chỉ có khóa “section”"),
    ([{"section": "Chỉ có tiêu đề"}], "chưa có chỉ tiêu nào"),
    ([{"code": "p", "label": "P", "unit": "", "source": "patrols.count", "scope": "area"}],
     "mục 1 (“p”): “scope” là “all” (mặc định) hoặc “ward”"),
])
def test_a_malformed_list_is_a_message_naming_the_item(db, tmp_path, items, message):
    path = tmp_path / "chi-tieu.json"
    if isinstance(items, str):
        path.write_text(items, encoding="utf-8")
    else:
        _write(path, items)
    with pytest.raises(IndicatorError) as err:
        IndicatorService(db, path=path).table(2025, today=TODAY)
    assert f"Tệp chỉ tiêu {path}" in str(err.value)
    assert message in str(err.value)


@sqlite_only
def test_a_broken_user_list_is_not_silently_replaced(db, tmp_path):
    (tmp_path / "indicators.json").write_text('{"indicators": [', encoding="utf-8")
    with pytest.raises(IndicatorError, match="sai cú pháp JSON"):
        IndicatorService(db).definitions()
