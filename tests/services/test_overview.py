"""The Tổng quan data: cards equal the year-end form's figures; chart series add up to the
indicators; each due item appears and disappears with the data."""

from datetime import date, datetime, timedelta

import pytest

from antq_desktop.db.models import (
    CertRecord,
    MediationCase,
    Mediator,
    RehabCase,
    RehabEvaluation,
)
from antq_desktop.enums import CaseOrigin, Classification, MediationStatus, MediationType, Regime
from antq_desktop.enums import Sex
from antq_desktop.reports.document import Formatted
from antq_desktop.reports.forms import yearend
from antq_desktop.reports.layout import Heading
from antq_desktop.reports.registry import Params
from antq_desktop.services import backup
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.indicators import Figures, Ratio
from antq_desktop.services.mediation import MediationService
from antq_desktop.services.overview import OverviewService, Target
from antq_desktop.services.rehabilitation import DueFilter
from antq_desktop.text import fold
from tests.conftest import household, member, sqlite_only
from tests.services.test_indicators import TODAY, records  # noqa: F401

WARD = "TOÀN PHƯỜNG HOÀN KIẾM"


def _form_blocks(db, year=2025, area_id=None):
    """{block heading: {indicator label: (last, this)}} of the year-end document."""
    doc = yearend.document(db, Params(year, area_id=area_id), today=TODAY)
    out, current = {}, None
    for row in doc.rows:
        if isinstance(row, Heading):
            current = out.setdefault(row.text, {})
        elif isinstance(row, list) and isinstance(row[0], int):
            last, this = (v.value if isinstance(v, Formatted) else v for v in row[3:5])
            current[row[1]] = (last, this)
    return out


def _ratio(text):
    num, den = (int(x.replace(".", "")) for x in text.split("/"))
    return Ratio(num, den)


def _check_cards(view, block):
    """Every card against the form's rows of ``block``; returns the keys checked."""
    labels = {i.code: i.label for i in view.table.definitions.indicators}
    checked = set()
    for card in view.cards:
        if not card.codes:
            continue
        form = [block[labels[c]] for c in card.codes]
        if card.key == "mediation_success":
            (s_last, s_this), (r_last, r_this) = form
            assert card.this == pytest.approx(100 * s_this / r_this)
            assert card.last == pytest.approx(100 * s_last / r_last)
        elif card.key == "certification":
            last = sum((_ratio(a) for a, _ in form), Ratio(0, 0))
            this = sum((_ratio(b) for _, b in form), Ratio(0, 0))
            assert (card.last, card.this) == (last, this), form
        else:
            (shown,) = form
            assert yearend.cell_values(Figures(card.last, card.this))[:2] == shown, card.key
        checked.add(card.key)
    return checked


def test_every_card_equals_the_yearend_form_figure(db, records, pin_today):  # noqa: F811
    pin_today(TODAY)
    view = OverviewService(db).load(2025, today=TODAY, now=datetime(2026, 11, 20, 9))
    blocks = _form_blocks(db)
    labels = {i.code: i.label for i in view.table.definitions.indicators}
    checked = _check_cards(view, blocks[WARD])
    assert checked >= {"households_signed", "certification", "rehab_managed", "rehab_improved",
                       "mediation_received", "mediation_success", "tips_received",
                       "tips_valuable", "patrols", "outreach_sessions", "weapons"}
    # the figures the records give (tests/services/test_indicators.py counted them by hand)
    assert view.card("tips_received").this == 6 and view.card("tips_received").last == 2
    assert view.card("households_signed").this == Ratio(3, 4)
    # the sign-up card's lowest areas: each area's figure as the form prints it for that area
    details = view.card("households_signed").details
    area_label = labels["households_signed"]
    assert details[1] == (f"50 % — Tổ dân phố số 2 "
                          f"({blocks['KHU DÂN CƯ: TỔ DÂN PHỐ SỐ 2'][area_label][1]} hộ)")
    assert len(details) == 2  # Tổ dân phố số 1 is at 100 %: not a low area


def test_every_card_of_an_area_equals_its_section_of_the_form(db, records):  # noqa: F811
    a1 = records["A1"]
    view = OverviewService(db).load(2025, today=TODAY, area_id=a1)
    blocks = _form_blocks(db, area_id=a1)
    checked = _check_cards(view, blocks["KHU DÂN CƯ: TỔ DÂN PHỐ SỐ 1"])
    assert "certification" in checked and view.card("certification").codes == ("cert_areas",)
    assert view.card("tips_received").this == 3 and view.card("patrols").this == 2
    assert view.card("households_signed").target.filters["area_id"] == a1
    assert view.card("tips_received").target.filters == {"kind": "tip", "year": 2025,
                                                          "area_id": a1}
    bars = view.chart("months_tips").bars
    assert sum(b.values[0] for b in bars) == 3 and sum(b.values[1] for b in bars) == 1
    mediation = view.chart("months_mediation").bars
    assert sum(b.values[0] for b in mediation) == 3  # A1's team's cases of 2025
    classes = {b.label: b.values[0] for b in view.chart("rehab_classes").bars}
    assert classes["A"] + classes["Tiến bộ"] == view.card("rehab_improved").this
    assert [b.label for b in view.chart("certification").bars] == ["Khu dân cư"]


def test_a_card_of_an_indicator_the_list_lacks_is_left_out(db, records, tmp_path):  # noqa: F811
    import json

    from antq_desktop.services.indicators import PACKAGED_PATH, IndicatorService
    data = json.loads(PACKAGED_PATH.read_text(encoding="utf-8"))
    data["indicators"] = [i for i in data["indicators"] if i.get("code") != "patrols"]
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    view = OverviewService(db, IndicatorService(db, path)).load(2025, today=TODAY)
    assert "patrols" not in {c.key for c in view.cards}
    assert "tips_received" in {c.key for c in view.cards}


def test_chart_series_add_up_to_the_indicators(db, records):  # noqa: F811
    view = OverviewService(db).load(2025, today=TODAY)
    ward = view.table.ward
    for key, code in (("tips", "tips_received"), ("patrols", "patrols"),
                      ("mediation", "mediation_received")):
        bars = view.chart(f"months_{key}").bars
        assert sum(b.values[0] for b in bars) == ward[code].this, key
        assert sum(b.values[1] for b in bars) == ward[code].last, key
    assert view.chart("months_tips").bars[0].values == (1, 0)  # 10/01/2025
    classes = {b.label: b.values[0] for b in view.chart("rehab_classes").bars}
    assert classes["A"] + classes["Tiến bộ"] == ward["rehab_improved"].this
    signup = {b.label: b.values[0] for b in view.chart("signup").bars}
    assert signup == {"Tổ dân phố số 1": 100.0, "Tổ dân phố số 2": 50.0}
    assert view.chart("signup").line == 100.0
    cert = {b.label: b.values for b in view.chart("certification").bars}
    # shares of not registered, registered, evaluated, recognised, not met
    assert cert["Khu dân cư"] == (0, 0, 50, 50, 0)
    assert cert["Cơ quan"] == (0, 0, 0, 50, 50)
    assert cert["Cơ sở giáo dục"] == (0, 0, 0, 100, 0)
    assert "Khu dân cư (2 đơn vị): đã đánh giá" in view.chart("certification").bars[0].tip
    assert view.chart("certification").bars[1].target == Target(
        "certification", {"year": 2025, "category": view.chart("certification").bars[1]
                          .target.filters["category"]})


# -- due work -------------------------------------------------------------------------------------
DAY = date(2026, 3, 25)  # in the first quarter, 6 days before the registration deadline


def _due(db, day=DAY, now=None, folder=None):
    return OverviewService(db).due_work(day, now or datetime(day.year, day.month, day.day, 9),
                                        folder)


def _kinds(items, kind):
    return [i for i in items if i.kind == kind]


def test_evaluations_overdue_and_due_appear_and_go(db, ward, tmp_path):
    a1, _ = ward
    with db.session.begin() as s:
        old = RehabCase(person_name="Lê Văn Tư", name_folded=fold("Lê Văn Tư"), area_id=a1,
                        regime=Regime.REINTEGRATION, start_date=date(2025, 5, 1))
        new = RehabCase(person_name="Trần Văn Năm", name_folded=fold("Trần Văn Năm"),
                        area_id=a1, regime=Regime.YOUTH, start_date=date(2026, 1, 10))
        s.add_all([old, new])
    items = _due(db, date(2026, 4, 3), folder=tmp_path)
    (overdue,) = _kinds(items, "evaluation_overdue")
    assert overdue.text == "1 người quá hạn đánh giá" and overdue.past
    assert overdue.on == date(2025, 7, 5)  # Q2 2025 ended 30/06, due 5 days later
    assert overdue.target == Target("rehabilitation", {"due": DueFilter.OVERDUE,
                                                       "status": "open"})
    (due,) = _kinds(items, "evaluation_due")
    assert due.on == date(2026, 4, 5) and not due.past
    assert due.target.filters["due"] == DueFilter.DUE_OR_OVERDUE
    with db.session.begin() as s:
        s.get(RehabCase, old.id).closed_on = date(2026, 4, 1)
        s.add(RehabEvaluation(case_id=new.id, evaluated_on=date(2026, 4, 1), period_year=2026,
                              period_no=1, classification=Classification.PROGRESS))
    items = _due(db, date(2026, 4, 3), folder=tmp_path)
    assert not _kinds(items, "evaluation_overdue") and not _kinds(items, "evaluation_due")


def test_mediation_not_started_in_3_days_appears_and_goes(db, ward, tmp_path):
    MediationService(db).ensure_teams()
    team = MediationService(db).list_teams()[0]
    with db.session.begin() as s:
        case = MediationCase(team_id=team.id, received_on=date(2026, 3, 18),
                             origin=CaseOrigin.ASSIGNED, case_type=MediationType.CIVIL,
                             content="Tranh chấp lối đi", status=MediationStatus.IN_PROGRESS)
        s.add(case)
    (item,) = _kinds(_due(db, folder=tmp_path), "mediation_late")
    assert item.on == date(2026, 3, 18) and item.text.startswith("1 vụ việc")
    assert item.target == Target("mediation", {"late_only": True, "status": "open"})
    with db.session.begin() as s:
        s.get(MediationCase, case.id).started_on = date(2026, 3, 20)
    assert not _kinds(_due(db, folder=tmp_path), "mediation_late")


def test_households_not_signed_up_appear_per_area_and_go(db, ward, households, tmp_path):
    a1, a2 = ward
    h1 = households.save(household(a1, "HK000001", [member("Nguyễn Văn An", id_number=None)]))
    h2 = households.save(household(a2, "HK000002", [member("Trần Thị Bình", id_number=None)]))
    households.sign_up([h2], 2026, date(2026, 2, 1), today=DAY)
    (item,) = _kinds(_due(db, folder=tmp_path), "signup")
    assert item.text == ("Tổ dân phố số 1: 1 hộ chưa đăng ký xây dựng KDC an toàn năm 2026")
    assert item.on == date(2026, 3, 31) and not item.past
    assert item.target == Target("households", {"area_id": a1, "year": 2026,
                                                "unsigned_first": True})
    assert _kinds(_due(db, date(2026, 4, 2), folder=tmp_path), "signup")[0].past
    households.sign_up([h1], 2026, date(2026, 3, 24), today=DAY)
    assert not _kinds(_due(db, folder=tmp_path), "signup")


def test_certification_deadlines_appear_and_go(db, ward, tmp_path):
    service = CertificationService(db)
    service.sync_units()
    (item,) = _kinds(_due(db, folder=tmp_path), "certification")
    assert item.on == date(2026, 3, 31) and "còn 6 ngày" in item.text and not item.past
    assert item.target.tab == "certification"
    assert item.target.filters["state"].value == "not_registered"
    with db.session.begin() as s:
        for row in service.year_rows(2026):
            s.add(CertRecord(unit_id=row.unit_id, year=2026, registered_on=date(2026, 3, 1)))
    assert not _kinds(_due(db, folder=tmp_path), "certification")


def test_teams_short_of_mediators_or_of_a_woman_appear_and_go(db, ward, tmp_path):
    service = MediationService(db)
    service.ensure_teams()
    team = service.list_teams()[0]
    items = _kinds(_due(db, folder=tmp_path), "team")
    assert len(items) == 2  # both areas' teams are empty
    assert items[0].text == (f"{team.name} mới có 0 hòa giải viên (cần ít nhất 3); chưa có "
                             "hòa giải viên nữ")
    assert items[0].target == Target("mediation", {"team_id": team.id})
    with db.session.begin() as s:
        for name, sex in (("Nguyễn Văn A", Sex.MALE), ("Trần Văn B", Sex.MALE),
                          ("Lê Văn C", Sex.MALE)):
            s.add(Mediator(team_id=team.id, full_name=name, name_folded=fold(name), sex=sex,
                           is_leader=name.endswith("A")))
    (item, _other) = _kinds(_due(db, folder=tmp_path), "team")
    assert item.text == f"{team.name} chưa có hòa giải viên nữ"
    with db.session.begin() as s:
        s.add(Mediator(team_id=team.id, full_name="Phạm Thị D", name_folded=fold("Phạm Thị D"),
                       sex=Sex.FEMALE))
    assert [i.target.filters["team_id"] for i in _kinds(_due(db, folder=tmp_path), "team")] \
        != [team.id]
    assert team.id not in [i.target.filters.get("team_id")
                           for i in _kinds(_due(db, folder=tmp_path), "team")]


@sqlite_only
def test_a_backup_older_than_7_days_appears_and_goes(db, ward, tmp_path):
    folder = tmp_path / "backups"
    (item,) = _kinds(_due(db, folder=folder), "backup")
    assert item.text.startswith("Chưa có bản sao lưu nào") and item.target == Target("backup")
    made = backup.backup_now(db, folder=folder, now=datetime(2026, 3, 24, 20))
    assert not _kinds(_due(db, now=datetime(2026, 3, 25, 9), folder=folder), "backup")
    (late,) = _kinds(_due(db, now=made.created + timedelta(days=7, hours=1), folder=folder),
                     "backup")
    assert late.on == made.created.date() and "quá 7 ngày" in late.text



def test_the_sign_up_due_work_is_the_same_from_the_year_table(db, ward, households, tmp_path):
    a1, a2 = ward
    for i, area in enumerate((a1, a1, a2), start=1):
        households.save(household(area, f"HK00000{i}", [member(f"Nguyễn Văn {'ABC'[i - 1]}",
                                                               id_number=None)]))
    service = OverviewService(db)
    view = service.load(2026, today=DAY, backup_folder=tmp_path)  # reuses its year table
    alone = _kinds(_due(db, folder=tmp_path), "signup")  # the households' summary
    assert _kinds(view.due, "signup") == alone and len(alone) == 2
    assert alone[0].text.startswith("Tổ dân phố số 1: 2 hộ")
