from datetime import date

import pytest

from antq_desktop.enums import Classification, EndReason, Regime, SupportKind
from antq_desktop.regimes import Period
from antq_desktop.services.rehab_stats import RehabStats
from antq_desktop.services.rehabilitation import (
    CaseData,
    EvaluationData,
    RehabilitationService,
    SupportData,
)

TODAY = date(2026, 11, 20)


@pytest.fixture
def records(db, ward):
    """A small ward whose figures were counted by hand (see the comments)."""
    r = RehabilitationService(db)

    def case(name, regime, start, area=None):
        return r.save(CaseData(name, regime, start, area_id=area))

    # 1 ex-prisoner from 2025, area 1: Q1–Q3 2026 evaluated A, B, A → improved; loan 30m
    a = case("Lê Văn An", Regime.REINTEGRATION, date(2025, 6, 1), ward[0])
    for q, cls in ((1, Classification.A), (2, Classification.B), (3, Classification.A)):
        r.add_evaluation(a, EvaluationData(Period(2026, q, 3).last_day.replace(day=28),
                                           Period(2026, q, 3), cls), today=TODAY)
    r.add_support(a, SupportData(date(2026, 3, 1), SupportKind.LOAN, "", 30_000_000,
                                 "NHCSXH"), today=TODAY)
    r.add_support(a, SupportData(date(2026, 4, 1), SupportKind.LOAN, "", 20_000_000,
                                 "NHCSXH"), today=TODAY)
    # 2 drug user received 2026, area 2: relapse in March; closed for a new sentence in May
    b = case("Phạm Bình", Regime.DRUG_USER, date(2026, 2, 1), ward[1])
    r.add_evaluation(b, EvaluationData(date(2026, 3, 3), Period(2026, 2, 1),
                                       Classification.PROGRESS), today=TODAY)
    r.add_evaluation(b, EvaluationData(date(2026, 4, 2), Period(2026, 3, 1),
                                       Classification.RELAPSE), today=TODAY)
    r.close(b, date(2026, 5, 10), EndReason.NEW_SENTENCE, today=TODAY)
    # 3 youth received 2026, no area: progress; vocational training and a job
    c = case("Trần Cường", Regime.YOUTH, date(2026, 1, 15))
    r.add_evaluation(c, EvaluationData(date(2026, 4, 1), Period(2026, 1, 3),
                                       Classification.PROGRESS), today=TODAY)
    r.add_support(c, SupportData(date(2026, 5, 1), SupportKind.VOCATIONAL), today=TODAY)
    r.add_support(c, SupportData(date(2026, 8, 1), SupportKind.JOB), today=TODAY)
    # 4 ex-prisoner closed in 2025: not in 2026 at all
    d = case("Đỗ Dũng", Regime.REINTEGRATION, date(2024, 1, 1), ward[0])
    r.close(d, date(2025, 12, 31), EndReason.RECORD_CLEARED, today=TODAY)
    # 5 ex-prisoner received 2026, area 1: class C (not improved)
    e = case("Hà Em", Regime.REINTEGRATION, date(2026, 2, 1), ward[0])
    r.add_evaluation(e, EvaluationData(date(2026, 4, 2), Period(2026, 1, 3),
                                       Classification.C), today=TODAY)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_year_summary_against_hand_counts(db, records):
    summary = RehabStats(db).year_summary(2026, today=TODAY)
    by_regime = {row.label: row for row in summary.by_regime}
    ex = by_regime["Tái hòa nhập cộng đồng"]
    assert (ex.under_management, ex.received, ex.improved, ex.loans, ex.loan_amount,
            ex.relapsed, ex.closed) == (2, 1, 1, 1, 50_000_000, 0, 0)
    drug = by_regime["Người sử dụng trái phép chất ma túy"]
    assert (drug.under_management, drug.received, drug.improved, drug.relapsed,
            drug.closed) == (1, 1, 0, 1, 1)  # under management from February to May
    youth = by_regime["Thanh thiếu niên chậm tiến, có nguy cơ"]
    assert (youth.received, youth.improved, youth.vocational, youth.jobs) == (1, 1, 1, 1)
    t = summary.total
    assert (t.under_management, t.received, t.improved, t.vocational, t.jobs, t.loans,
            t.loan_amount, t.relapsed, t.closed) == (4, 3, 2, 1, 1, 1, 50_000_000, 1, 1)
    by_area = {row.label: row for row in summary.by_area}
    assert by_area["Tổ dân phố số 1"].under_management == 2
    # "Đang quản lý" of a year: everyone under management at some time in it, as in the list
    listed = RehabStats(db).managed(2026)
    assert t.under_management == sum(len(people) for people in listed.values()) == 4
    assert by_area["Tổ dân phố số 2"].relapsed == 1
    assert by_area["Ngoài các khu dân cư"].received == 1
    assert sum(r.received for r in summary.by_area) == t.received


def test_managed_list_with_latest_class(db, records):
    stats = RehabStats(db)
    year = stats.managed(2026)
    assert [p.name for p in year[Regime.REINTEGRATION]] == ["Lê Văn An", "Hà Em"]
    an = year[Regime.REINTEGRATION][0]
    assert (an.latest, an.latest_period) == (Classification.A, "Quý III/2026")
    q2 = stats.managed(2026, quarter=2)
    assert q2[Regime.REINTEGRATION][0].latest is Classification.B  # as of the end of Q2
    assert [p.name for p in q2[Regime.DRUG_USER]] == ["Phạm Bình"]
    assert q2[Regime.DRUG_USER][0].closed.startswith("10/05/2026")
    assert stats.managed(2026, quarter=3)[Regime.DRUG_USER] == []  # closed in Q2
    assert [p.name for p in stats.managed(2025)[Regime.REINTEGRATION]] == ["Lê Văn An", "Đỗ Dũng"]
