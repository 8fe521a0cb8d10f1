from datetime import date

import pytest

from antq_desktop.enums import Classification, EndReason, Regime, Sex, SupportKind
from antq_desktop.regimes import DueState, Period
from antq_desktop.services.rehabilitation import (
    CaseData,
    CaseStatus,
    DueFilter,
    EvaluationData,
    RehabilitationService,
    SupportData,
)
from antq_desktop.validation import FieldError
from tests.conftest import household, member


@pytest.fixture
def rehab(db):
    return RehabilitationService(db)


def _case(name="Lê Văn Tuấn", regime=Regime.REINTEGRATION, start=date(2025, 2, 10), **kw):
    return CaseData(person_name=name, regime=regime, start_date=start, **kw)


def test_open_case_for_registered_resident(rehab, households, ward):
    households.save(household(ward[0], members=[member("Đặng Văn Hải", id_number="")]))
    found = rehab.find_residents("dang van hai")
    assert [f.full_name for f in found] == ["Đặng Văn Hải"]
    pick = found[0]
    cid = rehab.save(_case(pick.full_name, resident_id=pick.id, birth_date=pick.birth_date,
                           sex=pick.sex, address=pick.address, area_id=pick.area_id,
                           decision_number="12/QĐ-UBND", decision_date=date(2025, 2, 1),
                           supervisor="Hội Cựu chiến binh tổ 1", model="3 cộng 1"))
    rows = rehab.list_cases()
    assert [(r.id, r.person_name, r.area_name) for r in rows] == [
        (cid, "Đặng Văn Hải", "Tổ dân phố số 1")]
    assert rows[0].decision == "12/QĐ-UBND ngày 01/02/2025"
    assert rehab.find_residents("x") == []  # too short to search


def test_case_validation(rehab):
    with pytest.raises(FieldError, match="Họ và tên"):
        rehab.save(_case(""))
    with pytest.raises(FieldError, match="Diện quản lý"):
        rehab.save(_case(regime=None))
    with pytest.raises(FieldError, match="Ngày bắt đầu"):
        rehab.save(_case(start=None))
    with pytest.raises(FieldError, match="Dự kiến kết thúc"):
        rehab.save(_case(planned_end=date(2024, 1, 1)))
    with pytest.raises(FieldError, match="Số định danh"):
        rehab.save(_case(id_number="001080012345", sex=Sex.FEMALE, birth_date=date(1980, 1, 1)))
    assert rehab.list_cases(status=CaseStatus.ALL) == []


def test_classes_per_regime(rehab):
    ex_prisoner = rehab.save(_case())
    drug = rehab.save(_case("Phạm Minh Đức", Regime.DRUG_USER))
    rehab.add_evaluation(ex_prisoner, EvaluationData(date(2025, 7, 2), Period(2025, 2, 3),
                                                     Classification.B))
    with pytest.raises(FieldError, match="xếp loại: A, B, C, D"):
        rehab.add_evaluation(ex_prisoner, EvaluationData(date(2025, 10, 2), Period(2025, 3, 3),
                                                         Classification.PROGRESS))
    with pytest.raises(FieldError, match="Xếp loại"):
        rehab.add_evaluation(drug, EvaluationData(date(2025, 3, 2), Period(2025, 2, 1),
                                                  Classification.A))
    rehab.add_evaluation(drug, EvaluationData(date(2025, 3, 2), Period(2025, 2, 1),
                                              Classification.PROGRESS))
    with pytest.raises(FieldError, match="đã có đánh giá"):
        rehab.add_evaluation(drug, EvaluationData(date(2025, 3, 3), Period(2025, 2, 1),
                                                  Classification.VIOLATION))
    with pytest.raises(FieldError, match="trước kỳ bắt đầu"):
        rehab.add_evaluation(drug, EvaluationData(date(2025, 3, 3), Period(2025, 1, 1),
                                                  Classification.VIOLATION))
    latest = {r.id: r.latest for r in rehab.list_cases()}
    assert latest == {ex_prisoner: Classification.B, drug: Classification.PROGRESS}


def test_due_and_overdue_filters(rehab):
    quarterly = rehab.save(_case(start=date(2026, 1, 10)))
    monthly = rehab.save(_case("Vũ Thị Mai", Regime.SUSPENDED, date(2026, 3, 1)))
    today = date(2026, 4, 3)  # Q1 over, within its 5 grace days; March over too
    states = {r.id: r.due.state for r in rehab.list_cases(today=today)}
    assert states == {quarterly: DueState.DUE, monthly: DueState.DUE}
    rehab.add_evaluation(monthly, EvaluationData(date(2026, 4, 2), Period(2026, 3, 1),
                                                 Classification.PROGRESS), today=today)
    later = date(2026, 4, 7)
    rows = rehab.list_cases(today=later)
    assert rows[0].id == quarterly and rows[0].due.state == DueState.OVERDUE  # overdue first
    assert [r.id for r in rehab.list_cases(due=DueFilter.OVERDUE, today=later)] == [quarterly]
    assert [r.id for r in rehab.list_cases(due=DueFilter.DUE_OR_OVERDUE, today=later)] == [
        quarterly]
    monthly_due = next(r for r in rows if r.id == monthly).due
    assert (monthly_due.period, monthly_due.due_on) == (Period(2026, 4, 1), date(2026, 5, 5))


def test_support_rules(rehab):
    cid = rehab.save(_case())
    with pytest.raises(FieldError, match="Số tiền vay"):
        rehab.add_support(cid, SupportData(date(2025, 5, 1), SupportKind.LOAN, lender="NHCSXH"))
    with pytest.raises(FieldError, match="Nơi cho vay"):
        rehab.add_support(cid, SupportData(date(2025, 5, 1), SupportKind.LOAN, amount=30_000_000))
    rehab.add_support(cid, SupportData(date(2025, 5, 1), SupportKind.LOAN, "Chăn nuôi",
                                       30_000_000, "Ngân hàng Chính sách xã hội"))
    rehab.add_support(cid, SupportData(date(2025, 6, 1), SupportKind.VOCATIONAL,
                                       "Lớp sửa xe máy 3 tháng"))
    with pytest.raises(FieldError, match="Ngày hỗ trợ"):
        rehab.add_support(cid, SupportData(date(2024, 1, 1), SupportKind.JOB))
    assert [s.kind for s in rehab.get(cid).supports] == [SupportKind.LOAN, SupportKind.VOCATIONAL]


def test_closing_keeps_the_case_searchable(rehab):
    cid = rehab.save(_case("Nguyễn Thành Đạt"))
    with pytest.raises(FieldError, match="Lý do kết thúc"):
        rehab.close(cid, date(2025, 12, 1), None)
    with pytest.raises(FieldError, match="Ghi chú kết thúc"):
        rehab.close(cid, date(2025, 12, 1), EndReason.OTHER)
    rehab.close(cid, date(2025, 12, 1), EndReason.RECORD_CLEARED)
    assert rehab.list_cases() == []
    closed = rehab.list_cases("nguyen thanh dat", status=CaseStatus.CLOSED)
    assert [r.id for r in closed] == [cid]
    assert closed[0].status_label == "Đã kết thúc 01/12/2025 (Được xóa án tích)"
    assert closed[0].due.state == DueState.CLOSED
    with pytest.raises(FieldError, match="đã kết thúc"):
        rehab.add_evaluation(cid, EvaluationData(date(2025, 12, 5), Period(2025, 4, 3),
                                                 Classification.A))
    with pytest.raises(FieldError, match="đã kết thúc"):
        rehab.close(cid, date(2025, 12, 2), EndReason.DEAD)
    rehab.reopen(cid)
    assert [r.id for r in rehab.list_cases()] == [cid]


def test_regime_fixed_once_evaluated(rehab):
    cid = rehab.save(_case())
    rehab.add_evaluation(cid, EvaluationData(date(2025, 7, 1), Period(2025, 2, 3),
                                             Classification.A))
    data = rehab.get(cid)
    data.regime = Regime.DRUG_USER
    with pytest.raises(FieldError, match="Diện quản lý"):
        rehab.save(data)
    data = rehab.get(cid)
    data.supervisor = "Chi hội Phụ nữ"
    rehab.save(data)
    assert rehab.get(cid).supervisor == "Chi hội Phụ nữ"
