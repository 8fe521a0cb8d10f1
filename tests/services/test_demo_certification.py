"""The demo ward's certification: units and two years of records that pass the service's rules
and agree with the households' sign-ups."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from antq_desktop.db.engine import open_database
from antq_desktop.db.models import CertRecord
from antq_desktop.enums import CertCategory, CertResult, CertState
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CriterionData, RecordData, record_errors
from antq_desktop.services.demo import generate
from antq_desktop.services.settings import SettingsService
from antq_desktop.validation import check_phone

N = 300
C, S = CertCategory, CertState
# The days the demo is made for (the tests do not read the clock): within the registration
# weeks, before the recognition deadline; and past the deadline, this year decided.
DAYS = [date(2026, 3, 20), date(2026, 11, 30)]


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo(request, tmp_path_factory):
    """One demo ward per day for the module (SQLite: these tests read only); its day."""
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    today = request.param
    summary = generate(db, households=N, seed=7, today=today)
    yield db, summary, CertificationService(db), today
    db.dispose()


def _years(today):
    return today.year - 1, today.year


def test_units_of_every_category(demo):
    _db, summary, cert, today = demo
    rows = cert.year_rows(_years(today)[0])
    by = {c: [r for r in rows if r.category is c] for c in CertCategory}
    assert len(by[C.AREA]) == summary.areas
    assert [r.name for r in by[C.WARD]] == ["Phường Hoàn Kiếm"]
    assert 4 <= len(by[C.AGENCY]) <= 6 and 5 <= len(by[C.ENTERPRISE]) <= 8
    assert 3 <= len(by[C.SCHOOL]) <= 5
    agencies = {r.name for r in by[C.AGENCY]}
    assert {"Ủy ban nhân dân phường Hoàn Kiếm", "Trạm Y tế phường Hoàn Kiếm"} <= agencies
    assert all(re.match(r"Trường (THCS|THPT) ", r.name) for r in by[C.SCHOOL])
    assert all(r.name.startswith("Công ty ") for r in by[C.ENTERPRISE])
    for r in by[C.AGENCY] + by[C.ENTERPRISE] + by[C.SCHOOL]:
        assert r.address.startswith("số ") and len(r.head_name.split()) >= 3, r.name
        assert r.phone and check_phone(r.phone) is None, r.phone
    assert cert.sync_units() == 0


def _data(info) -> RecordData:
    return RecordData(info.registered_on, info.evaluated_on, info.result, info.decision_number,
                      info.decision_date, info.certificate_number, info.notes,
                      [CriterionData(c.criterion.code, c.met, c.note) for c in info.checklist])


def test_records_pass_the_rules_and_agree_with_the_sign_ups(demo, pin_today):
    db, summary, cert, today = demo
    pin_today(today)  # the computed criteria count the households living here today
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CertRecord)) == summary.cert_records
    if today >= date(today.year, 3, 26):  # every unit registered in both years
        assert summary.cert_records == 2 * len(cert.year_rows(today.year - 1))
    assert "hồ sơ “An toàn về an ninh, trật tự”" in summary.describe()
    seen = 0
    for year in _years(today):
        for row in cert.year_rows(year):
            info = cert.record(row.unit_id, year)
            if not info.exists:
                continue
            seen += 1
            assert record_errors(row.category, year, _data(info), today) == [], row.name
            for c in info.checklist:
                if c.computed_met is not None:  # kdc-1 and ward-4 say what the records say
                    assert c.met == c.computed_met, (row.name, year, c.criterion.code)
            if info.result is CertResult.NOT_MET:
                failed = [c for c in info.checklist if not c.met]
                assert failed and all(c.note for c in failed), row.name
    assert seen == summary.cert_records


def test_last_year_is_complete_and_decided(demo):
    db, _summary, cert, today = demo
    year = today.year - 1
    rows = cert.year_rows(year)
    assert all(r.registered_on and date(year, 1, 1) <= r.registered_on <= date(year, 3, 31)
               for r in rows)
    assert all(r.state in (S.RECOGNISED, S.NOT_MET) for r in rows if r.category is not C.WARD)
    deadline = SettingsService(db).cert_settings().recognition_on(year)
    recognised = cert.listing(year, "recognised")
    assert recognised and cert.listing(year, "proposed") == recognised
    numbers = {u.decision_number for u in recognised if u.category is not C.WARD}
    assert len(numbers) == 1 and re.fullmatch(r"\d+/QĐ-UBND", numbers.pop())
    for u in recognised:
        assert u.evaluated_on <= u.decision_date < deadline or u.category is C.WARD
        assert u.certificate_number.endswith("/GCN-UBND")
        assert u.criteria_met == u.criteria_total
    met = sum(r.result is CertResult.MET for r in rows if r.category in
              (C.AGENCY, C.ENTERPRISE, C.SCHOOL))
    assert met >= 0.6 * sum(r.category in (C.AGENCY, C.ENTERPRISE, C.SCHOOL) for r in rows)


def test_this_year_decided_only_past_the_deadline(demo):
    db, _summary, cert, today = demo
    year = today.year
    deadline = SettingsService(db).cert_settings().recognition_on(year)
    rows = cert.year_rows(year)
    assert all(r.registered_on is None or r.registered_on <= today for r in rows)
    assert all(r.evaluated_on is None or r.evaluated_on <= today for r in rows)
    decided = [r for r in rows if r.decision_number and r.category is not C.WARD]
    if today > deadline:
        assert decided and not [r for r in rows if r.state is S.EVALUATED]
    else:
        assert decided == []
    if today >= date(year, 3, 26):
        assert all(r.state is not S.NOT_REGISTERED for r in rows)
