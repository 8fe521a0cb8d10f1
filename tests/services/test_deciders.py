"""Who recognises a unit "An toàn về an ninh, trật tự" is a setting per category: the ward's
chairman for its residential areas and the units it manages, a higher body for the ward itself;
the recognised list names the decider of its own category."""

from dataclasses import replace

import pytest

from antq_desktop.enums import CertCategory as C
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import RecordData
from antq_desktop.services.settings import WARD_DECIDER, SettingsService
from antq_desktop.validation import FieldError
from tests.reports.test_cert_forms import DECISION, YEAR, _rows, _sheet, units  # noqa: F401


def test_defaults_the_ward_is_recognised_by_a_higher_body(db):
    c = SettingsService(db).cert_settings()
    assert c.decider_for(C.AREA) == c.decider_for(C.SCHOOL) == "Chủ tịch UBND phường"
    assert c.decider_for(C.WARD) == WARD_DECIDER == "Chủ tịch UBND tỉnh, thành phố"


def test_each_category_is_saved_and_an_emptied_one_falls_back(db):
    settings = SettingsService(db)
    settings.save_cert_settings(replace(settings.cert_settings(), deciders={
        C.SCHOOL: " Giám đốc Sở Giáo dục và Đào tạo ", C.WARD: "Giám đốc Công an thành phố"}))
    c = settings.cert_settings()
    assert c.decider_for(C.SCHOOL) == "Giám đốc Sở Giáo dục và Đào tạo"
    assert c.decider_for(C.WARD) == "Giám đốc Công an thành phố"
    assert c.decider_for(C.AGENCY) == "Chủ tịch UBND phường"
    settings.save_cert_settings(replace(c, deciders={C.SCHOOL: "", C.WARD: ""}))
    c = settings.cert_settings()
    assert (c.decider_for(C.SCHOOL), c.decider_for(C.WARD)) == ("Chủ tịch UBND phường",
                                                                WARD_DECIDER)


def test_a_decider_too_long_is_refused_naming_the_category(db):
    settings = SettingsService(db)
    with pytest.raises(FieldError, match=r"Người quyết định công nhận \(xã, phường, đặc khu\)"):
        settings.save_cert_settings(replace(settings.cert_settings(),
                                            deciders={C.WARD: "x" * 151}))


def test_the_recognised_list_names_its_categorys_decider(db, units, tmp_path):  # noqa: F811
    from datetime import date

    from antq_desktop.criteria import criteria_for
    from antq_desktop.enums import CertResult
    from antq_desktop.services.certification_rules import CriterionData

    settings = SettingsService(db)
    settings.save_cert_settings(replace(settings.cert_settings(), deciders={
        C.WARD: "Chủ tịch UBND thành phố Hà Nội"}))
    cert = CertificationService(db)
    ward_unit = next(r.unit_id for r in cert.year_rows(YEAR) if r.category is C.WARD)
    cert.save_record(ward_unit, YEAR, RecordData(
        registered_on=date(YEAR, 2, 10), evaluated_on=date(YEAR, 10, 20),
        result=CertResult.MET, decision_number="88/QĐ-UBND", decision_date=date(YEAR, 11, 18),
        certificate_number="GCN-P", criteria=[CriterionData(c.code, True)
                                              for c in criteria_for(C.WARD)]),
        today=date(YEAR + 1, 1, 10))
    texts = [v for row in _rows(_sheet(db, tmp_path, "cert-recognised", C.WARD)) for v in row
             if isinstance(v, str)]
    assert (f"(Kèm theo Quyết định số 88/QĐ-UBND ngày 18 tháng 11 năm {YEAR} của Chủ tịch "
            "UBND thành phố Hà Nội)") in texts
    texts = [v for row in _rows(_sheet(db, tmp_path, "cert-recognised", C.AREA)) for v in row
             if isinstance(v, str)]
    assert (f"(Kèm theo Quyết định số {DECISION} ngày 12 tháng 11 năm {YEAR} của Chủ tịch UBND "
            "phường)") in texts
