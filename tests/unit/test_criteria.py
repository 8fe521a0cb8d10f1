from datetime import date

import pytest

from antq_desktop.criteria import CRITERIA, SIGNUPS, WARD_RATIO, criteria_for, criterion
from antq_desktop.enums import CertCategory, CertResult, CertState
from antq_desktop.services.certification_rules import (
    CriterionData,
    CriterionState,
    RecordData,
    derive_state,
    percent,
    proposed_result,
    record_errors,
    ward_ratio_of,
)

C = CertCategory


def test_every_category_has_its_criteria_in_order():
    assert set(CRITERIA) == set(CertCategory)
    counts = {cat: len(criteria_for(cat)) for cat in CertCategory}
    assert counts == {C.AREA: 5, C.WARD: 4, C.AGENCY: 5, C.ENTERPRISE: 5, C.SCHOOL: 8}
    for cat, items in CRITERIA.items():
        assert [c.number for c in items] == list(range(1, len(items) + 1))
        prefix = {C.AREA: "kdc"}.get(cat, cat.value)
        assert [c.code for c in items] == [f"{prefix}-{n}" for n in range(1, len(items) + 1)]
        for c in items:
            assert c.short and len(c.short) <= 45, c.code
            assert c.text.endswith(".") and len(c.text) > len(c.short), c.code
            assert len(c.code) <= 20  # cert_criterion.code is String(20)


def test_codes_are_unique_and_found_by_code():
    codes = [c.code for items in CRITERIA.values() for c in items]
    assert len(codes) == len(set(codes))
    assert criterion("ward-4").computed == WARD_RATIO
    with pytest.raises(KeyError):
        criterion("kdc-9")


def test_only_kdc_1_and_ward_4_are_computed():
    computed = {c.code: c.computed for items in CRITERIA.values() for c in items if c.computed}
    assert computed == {"kdc-1": SIGNUPS, "ward-4": WARD_RATIO}
    assert "100% hộ gia đình" in criterion("kdc-1").text
    assert "ít nhất 70%" in criterion("ward-4").text


def test_school_is_agency_shaped_plus_three():
    agency, school = criteria_for(C.AGENCY), criteria_for(C.SCHOOL)
    assert [c.short for c in school[:5]] == [c.short for c in agency]
    extra = " ".join(c.text for c in school[5:])
    assert "người học" in extra and "cha mẹ học sinh" in extra and "bạo lực học đường" in extra
    enterprise = criteria_for(C.ENTERPRISE)
    assert "doanh nghiệp" in enterprise[0].text and "người lao động" in enterprise[0].text
    assert "cơ quan," not in enterprise[0].text


def test_state_is_derived_from_the_record():
    s = CertState
    assert derive_state(None, None, "") is s.NOT_REGISTERED
    assert derive_state(date(2025, 2, 1), None, "") is s.REGISTERED
    assert derive_state(date(2025, 2, 1), CertResult.MET, "") is s.EVALUATED
    assert derive_state(date(2025, 2, 1), CertResult.MET, "12/QĐ-UBND") is s.RECOGNISED
    assert derive_state(date(2025, 2, 1), CertResult.NOT_MET, "") is s.NOT_MET


def test_proposed_result_needs_every_criterion():
    items = criteria_for(C.AREA)
    all_met = [CriterionState(c, True) for c in items]
    assert proposed_result(all_met) is CertResult.MET
    one_short = all_met[:2] + [CriterionState(items[2], False)] + all_met[3:]
    assert proposed_result(one_short) is CertResult.NOT_MET
    assert proposed_result([]) is CertResult.NOT_MET


def test_ward_ratio_boundary_is_seventy_percent():
    s = CertState
    seven = ward_ratio_of([s.RECOGNISED] * 7 + [s.EVALUATED, s.NOT_MET, s.REGISTERED])
    assert seven.met and seven.all_registered and seven.recognised_share == 0.7
    assert seven.text == "Đăng ký 10/10 (100%), công nhận 7/10 (70,0%)"
    six = ward_ratio_of([s.RECOGNISED] * 6 + [s.EVALUATED] * 4)
    assert not six.met and six.all_registered
    missing_one = ward_ratio_of([s.RECOGNISED] * 9 + [s.NOT_REGISTERED])
    assert not missing_one.met and not missing_one.all_registered
    assert missing_one.text == "Đăng ký 9/10 (90,0%), công nhận 9/10 (90,0%)"
    assert not ward_ratio_of([]).met


def test_percent_and_numbers_vietnamese():
    assert percent(1234, 1250) == "98,7%"
    assert percent(2, 3) == "66,7%"
    assert percent(12, 12) == "100%"
    assert percent(9999, 10000) == "99,9%"  # never rounded up to a whole it is not
    assert percent(0, 5) == "0,0%"
    assert percent(0, 0) == "0%"


def _full(category, **kw):
    return RecordData(criteria=[CriterionData(c.code, True) for c in criteria_for(category)], **kw)


def test_record_errors_allows_a_late_evaluation_but_not_one_after_march():
    today = date(2026, 6, 1)
    ok = _full(C.AGENCY, registered_on=date(2025, 2, 1), evaluated_on=date(2026, 1, 10),
               result=CertResult.MET)
    assert record_errors(C.AGENCY, 2025, ok, today) == []
    late = _full(C.AGENCY, registered_on=date(2025, 2, 1), evaluated_on=date(2026, 4, 1),
                 result=CertResult.MET)
    (e,) = record_errors(C.AGENCY, 2025, late, today)
    assert e.field == "Ngày họp đánh giá" and "31/03/2026" in e.message
