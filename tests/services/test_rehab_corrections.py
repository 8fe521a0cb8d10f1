"""Correcting and voiding an evaluation or support entry (issue 14). A correction replaces the
entry's values in one transaction under the same rules as a new entry and is refused when the
entry changed since it was read; a void needs a reason, keeps the entry in the history and takes
it out of every count: the case list, the due dates, the regime lock, the report forms, the
year-end indicators and the overview. Runs on SQLite and, with ANTQ_TEST_PG_URL, PostgreSQL."""

from dataclasses import replace
from datetime import date

import pytest

from antq_desktop.enums import Classification, EndReason, Regime, SupportKind
from antq_desktop.regimes import DueState, Period
from antq_desktop.services.indicators import PACKAGED_PATH, IndicatorService
from antq_desktop.services.overview import OverviewService
from antq_desktop.services.rehab_stats import RehabStats
from antq_desktop.services.rehabilitation import (
    CaseData,
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.services.versions import StaleRecord
from antq_desktop.validation import FieldError

TODAY = date(2026, 11, 20)
Q = lambda n: Period(2026, n, 3)  # noqa: E731  quarters of 2026


@pytest.fixture
def rehab(db):
    return RehabilitationService(db)


@pytest.fixture
def case(rehab, ward):
    """An ex-prisoner evaluated A in Q1–Q3 2026 (so "clearly improved"), with one loan."""
    cid = rehab.save(CaseData("Lê Văn An", Regime.REINTEGRATION, date(2025, 6, 1),
                              area_id=ward[0]), today=TODAY)
    for n in (1, 2, 3):
        rehab.add_evaluation(cid, EvaluationData(Q(n).last_day, Q(n), Classification.A),
                             today=TODAY)
    rehab.add_support(cid, SupportData(date(2026, 3, 1), SupportKind.LOAN, "", 30_000_000,
                                       "NHCSXH"), today=TODAY)
    return cid


def _figures(db, rehab, case_id):
    """Every figure an evaluation or a support entry of the case reaches."""
    stats = RehabStats(db)
    total = stats.year_summary(2026, today=TODAY).total
    managed = [p for people in stats.managed(2026).values() for p in people]
    table = IndicatorService(db, path=PACKAGED_PATH).table(2026, today=TODAY)
    row = next(r for r in rehab.list_cases(today=TODAY) if r.id == case_id)
    return {
        "summary": (total.improved, total.relapsed, total.vocational, total.loans,
                    total.loan_amount),
        "managed": [(p.name, p.latest, p.latest_period) for p in managed],
        "quarter 4": [p.classification for p in stats.reintegration_quarter(2026, 4)],
        "indicator": table.ward["rehab_improved"].this,
        "overview": OverviewService(db).classes(2026),
        "list": (row.latest, row.latest_period, row.due.period),
    }


def test_a_voided_evaluation_and_support_count_nowhere_and_stay_in_the_history(db, rehab,
                                                                                 case):
    relapse_case = rehab.save(CaseData("Trần Cường", Regime.YOUTH, date(2026, 1, 15)),
                              today=TODAY)
    before = _figures(db, rehab, case)
    assert before["summary"] == (1, 0, 0, 1, 30_000_000)
    wrong = rehab.add_evaluation(case, EvaluationData(date(2026, 11, 2), Q(4),
                                                      Classification.C), today=TODAY)
    relapse = rehab.add_evaluation(relapse_case, EvaluationData(
        date(2026, 4, 2), Q(1), Classification.RELAPSE), today=TODAY)
    course = rehab.add_support(case, SupportData(date(2026, 5, 1), SupportKind.VOCATIONAL),
                               today=TODAY)
    loan = rehab.add_support(case, SupportData(date(2026, 6, 1), SupportKind.LOAN, "",
                                               5_000_000, "NHCSXH"), today=TODAY)
    counted = _figures(db, rehab, case)
    for key in before:  # each figure does see the wrong entries while they are live
        assert counted[key] != before[key], key

    rehab.void_evaluation(case, wrong, "Nhập nhầm người", today=TODAY)
    rehab.void_evaluation(relapse_case, relapse, "Nhầm kỳ", today=TODAY)
    rehab.void_support(case, course, "Không tham gia lớp", today=TODAY)
    rehab.void_support(case, loan, "Nhập trùng", today=TODAY)
    after = _figures(db, rehab, case)
    assert {k: v for k, v in after.items() if k != "quarter 4"} == \
        {k: v for k, v in before.items() if k != "quarter 4"}
    assert after["quarter 4"] == [None]  # "Chưa đánh giá" again

    data = rehab.get(case)
    voided = [(e.period, e.voided_on, e.void_reason) for e in data.evaluations if e.voided]
    assert voided == [(Q(4), TODAY, "Nhập nhầm người")]
    assert len(data.evaluations) == 4 and len(data.live_evaluations) == 3
    assert [(p.kind, p.void_reason) for p in data.supports if p.voided] == [
        (SupportKind.VOCATIONAL, "Không tham gia lớp"), (SupportKind.LOAN, "Nhập trùng")]


def test_a_void_needs_a_reason_and_happens_once(rehab, case):
    ev = rehab.get(case).evaluations[0]
    for reason in ("", "   "):
        with pytest.raises(FieldError, match="Lý do hủy"):
            rehab.void_evaluation(case, ev.id, reason, today=TODAY)
    assert not rehab.get(case).evaluations[0].voided
    rehab.void_evaluation(case, ev.id, "Nhầm kỳ", version=ev.version, today=TODAY)
    with pytest.raises(FieldError, match="đã bị hủy"):
        rehab.void_evaluation(case, ev.id, "lần nữa", today=TODAY)
    voided = rehab.get(case).evaluations[0]
    with pytest.raises(FieldError, match="đã bị hủy"):
        rehab.update_evaluation(case, replace(voided, remarks="sửa"), today=TODAY)
    support = rehab.get(case).supports[0]
    with pytest.raises(FieldError, match="Lý do hủy"):
        rehab.void_support(case, support.id, "", today=TODAY)
    with pytest.raises(LookupError):  # another case's entry
        other = rehab.save(CaseData("Hà Em", Regime.YOUTH, date(2026, 1, 5)), today=TODAY)
        rehab.void_support(other, support.id, "x", today=TODAY)


def test_a_voided_period_is_free_for_the_right_evaluation(rehab, case):
    q3 = rehab.get(case).evaluations[2]
    with pytest.raises(FieldError, match="đã có đánh giá"):
        rehab.add_evaluation(case, EvaluationData(date(2026, 10, 1), Q(3), Classification.B),
                             today=TODAY)
    rehab.void_evaluation(case, q3.id, "Nhầm xếp loại", today=TODAY)
    rehab.add_evaluation(case, EvaluationData(date(2026, 10, 1), Q(3), Classification.B),
                         today=TODAY)
    data = rehab.get(case)
    assert [(e.period, e.classification, e.voided) for e in data.evaluations
            if e.period == Q(3)] == [(Q(3), Classification.A, True),
                                     (Q(3), Classification.B, False)]
    assert next(r for r in rehab.list_cases(today=TODAY) if r.id == case).latest \
        is Classification.B


def test_a_correction_replaces_the_values_under_the_same_rules(rehab, case):
    data = rehab.get(case)
    q2 = data.evaluations[1]
    rehab.update_evaluation(case, replace(q2, classification=Classification.B,
                                          evaluated_on=date(2026, 7, 3), remarks=" Chậm  "),
                            today=TODAY)
    again = rehab.get(case).evaluations[1]
    assert (again.id, again.period, again.classification, again.evaluated_on, again.remarks) \
        == (q2.id, Q(2), Classification.B, date(2026, 7, 3), "Chậm")
    assert again.version == q2.version + 1
    # its own period is no clash; another live one's is, and nothing is written
    with pytest.raises(FieldError, match="đã có đánh giá"):
        rehab.update_evaluation(case, replace(again, period=Q(3)), today=TODAY)
    with pytest.raises(FieldError, match="xếp loại: A, B, C, D"):
        rehab.update_evaluation(case, replace(again, classification=Classification.PROGRESS),
                                today=TODAY)
    assert rehab.get(case).evaluations[1] == again

    loan = data.supports[0]
    with pytest.raises(FieldError, match="Số tiền vay"):
        rehab.update_support(case, replace(loan, amount=0), today=TODAY)
    rehab.update_support(case, replace(loan, amount=25_000_000, lender="Quỹ CCB"),
                         today=TODAY)
    fixed = rehab.get(case).supports[0]
    assert (fixed.id, fixed.amount, fixed.lender) == (loan.id, 25_000_000, "Quỹ CCB")
    assert RehabStats(rehab.db).year_summary(
        2026, today=TODAY).total.loan_amount == 25_000_000


def test_a_correction_of_an_entry_changed_since_it_was_read_is_refused(rehab, case):
    read = rehab.get(case)
    ev, sp = read.evaluations[0], read.supports[0]
    rehab.update_evaluation(case, replace(ev, remarks="bản khác"), today=TODAY)
    rehab.update_support(case, replace(sp, details="bản khác"), today=TODAY)
    with pytest.raises(StaleRecord):
        rehab.update_evaluation(case, replace(ev, classification=Classification.B),
                                today=TODAY)
    with pytest.raises(StaleRecord):
        rehab.void_evaluation(case, ev.id, "nhầm", version=ev.version, today=TODAY)
    with pytest.raises(StaleRecord):
        rehab.update_support(case, replace(sp, amount=1), today=TODAY)
    with pytest.raises(StaleRecord):
        rehab.void_support(case, sp.id, "nhầm", version=sp.version, today=TODAY)
    now = rehab.get(case)
    assert (now.evaluations[0].classification, now.evaluations[0].remarks) == \
        (Classification.A, "bản khác")
    assert (now.supports[0].amount, now.supports[0].voided) == (30_000_000, False)


def test_the_regime_unlocks_when_every_evaluation_is_voided(rehab, case):
    data = rehab.get(case)
    with pytest.raises(FieldError, match="Diện quản lý"):
        rehab.save(replace(data, regime=Regime.SUSPENDED), today=TODAY)
    for ev in data.evaluations[:2]:
        rehab.void_evaluation(case, ev.id, "Nhầm diện", today=TODAY)
    with pytest.raises(FieldError, match="Diện quản lý"):
        rehab.save(replace(rehab.get(case), regime=Regime.SUSPENDED), today=TODAY)
    rehab.void_evaluation(case, data.evaluations[2].id, "Nhầm diện", today=TODAY)
    rehab.save(replace(rehab.get(case), regime=Regime.SUSPENDED), today=TODAY)
    assert rehab.get(case).regime is Regime.SUSPENDED


def test_voided_entries_bound_neither_the_start_nor_the_close(rehab, case):
    data = rehab.get(case)
    # a start moved after a voided evaluation's period, and a close before a voided support
    for ev in data.evaluations:
        rehab.void_evaluation(case, ev.id, "Nhầm", today=TODAY)
    rehab.void_support(case, data.supports[0].id, "Nhầm", today=TODAY)
    rehab.save(replace(rehab.get(case), start_date=date(2026, 8, 1)), today=TODAY)
    row = next(r for r in rehab.list_cases(today=TODAY) if r.id == case)
    assert row.latest is None and row.due.state is not DueState.CLOSED
    rehab.close(case, date(2026, 8, 2), EndReason.MOVED, today=TODAY)
    assert rehab.get(case).closed_on == date(2026, 8, 2)


def test_migration_0012_down_drops_voided_entries_and_up_keeps_the_rest(db, rehab, case):
    from alembic import command
    from sqlalchemy import text

    from antq_desktop.db.engine import alembic_config, make_engine, open_database
    from tests.conftest import PG_URL

    data = rehab.get(case)
    rehab.void_evaluation(case, data.evaluations[2].id, "Nhầm", today=TODAY)
    url = PG_URL or str(db.engine.url)
    db.dispose()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0011")
    with engine.connect() as conn:  # a voided row would count again in the older schema
        assert conn.execute(text("select count(*) from rehab_evaluation")).scalar() == 2
    engine.dispose()
    upgraded = open_database(url)
    try:
        again = RehabilitationService(upgraded).get(case)
        assert [(e.period, e.voided) for e in again.evaluations] == [(Q(1), False),
                                                                     (Q(2), False)]
        RehabilitationService(upgraded).add_evaluation(case, EvaluationData(
            Q(3).last_day, Q(3), Classification.B), today=TODAY)
    finally:
        upgraded.dispose()


def test_a_signed_off_quarter_refuses_corrections_and_voids_of_its_evaluations(db, rehab,
                                                                              case):
    """Locked means locked (issue 15): an evaluation of a signed-off quarter can be neither
    corrected nor voided, nor moved out of it; the open quarters stay editable."""
    from antq_desktop.services.periods import EVALUATIONS, PeriodLocked, PeriodService

    PeriodService(db).lock(EVALUATIONS, 2026, quarter=1, today=TODAY)
    q1, q2 = rehab.get(case).evaluations[:2]
    with pytest.raises(PeriodLocked):
        rehab.void_evaluation(case, q1.id, "Nhập nhầm", version=q1.version, today=TODAY)
    with pytest.raises(PeriodLocked):  # moved out of the locked quarter: still its figures
        rehab.update_evaluation(case, replace(q1, classification=Classification.B),
                                today=TODAY)
    with pytest.raises(PeriodLocked):  # moved into it
        rehab.update_evaluation(case, replace(q2, evaluated_on=date(2026, 3, 30),
                                              period=Q(1)), today=TODAY)
    assert rehab.get(case).evaluations[:2] == [q1, q2]
    rehab.void_evaluation(case, q2.id, "Nhập nhầm", version=q2.version, today=TODAY)
