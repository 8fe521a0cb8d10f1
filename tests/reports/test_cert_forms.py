"""The certification lists (cert-proposed, cert-recognised) as .xlsx, opened and checked cell
by cell against records written through CertificationService."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from antq_desktop.criteria import criteria_for
from antq_desktop.enums import CertCategory, CertResult
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.forms.certification import (
    PROPOSED_COLUMNS,
    RECOGNISED_COLUMNS,
    proposed_document,
)
from antq_desktop.reports.layout import MOTTO, NATIONAL_TITLE, place_date
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CertUnitData, CriterionData, RecordData

YEAR = 2025
SAVED_ON = date(2026, 1, 10)  # every date of YEAR's cycle is past
C = CertCategory
REGISTERED, EVALUATED = date(YEAR, 2, 10), date(YEAR, 10, 20)
DECIDED = date(YEAR, 11, 12)
DECISION = "15/QĐ-UBND"
TITLE = "“An toàn về an ninh, trật tự”"


def _record(category, result=None, evaluated=EVALUATED, decision="", certificate=""):
    criteria = [CriterionData(c.code, result is CertResult.MET) for c in criteria_for(category)]
    return RecordData(registered_on=REGISTERED, evaluated_on=evaluated, result=result,
                      decision_number=decision, decision_date=DECIDED if decision else None,
                      certificate_number=certificate, criteria=criteria)


def certified_ward(db, ward, decision=DECISION) -> dict[str, int]:
    """Units of the ``ward`` fixture's two areas plus agencies, an enterprise and a school, in
    every state of YEAR. Returns unit ids by name.

    Recognised: Tổ dân phố số 1, Ngân hàng Sao Mai, Công ty Ánh Dương (one decision).
    Proposed only (met, no decision yet): Tổ dân phố số 2. Not met: Bưu điện Hàng Bạc.
    Registered only: Trường THCS Trưng Vương.
    """
    cert = CertificationService(db)
    ids = {r.name: r.unit_id for r in cert.year_rows(YEAR)}  # the areas and the ward
    for category, name, address, head in [
        (C.AGENCY, "Ngân hàng Sao Mai", "12 Hàng Bạc", "Trần Văn An"),
        (C.AGENCY, "Bưu điện Hàng Bạc", "40 Hàng Bạc", "Lê Thị Bình"),
        (C.ENTERPRISE, "Công ty Ánh Dương", "5 Hàng Bè", "Phạm Quốc Cường"),
        (C.SCHOOL, "Trường THCS Trưng Vương", "3 Hàng Bài", "Đỗ Thu Dung"),
    ]:
        ids[name] = cert.save_unit(CertUnitData(category=category, name=name, address=address,
                                                head_name=head))
    met = CertResult.MET
    plan = [
        ("Tổ dân phố số 1", C.AREA, _record(C.AREA, met, decision=decision,
                                            certificate="GCN-01")),
        ("Tổ dân phố số 2", C.AREA, _record(C.AREA, met)),
        ("Ngân hàng Sao Mai", C.AGENCY, _record(C.AGENCY, met, decision=decision,
                                                certificate="GCN-02")),
        ("Bưu điện Hàng Bạc", C.AGENCY, _record(C.AGENCY, CertResult.NOT_MET)),
        ("Công ty Ánh Dương", C.ENTERPRISE, _record(C.ENTERPRISE, met, decision=decision,
                                                         certificate="GCN-03")),
        ("Trường THCS Trưng Vương", C.SCHOOL, _record(C.SCHOOL, evaluated=None)),
    ]
    for name, _category, data in plan:
        cert.save_record(ids[name], YEAR, data, today=SAVED_ON)
    return ids


@pytest.fixture
def units(db, ward):
    return certified_ward(db, ward)


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _sheet(db, tmp_path, form_id, category=None):
    path = tmp_path / f"{form_id}.xlsx"
    export_xlsx(db, form_id, Params(YEAR, category=category), path)
    return load_workbook(path).active


def _table(rows, ncols):
    """The rows after the "(1) (2) …" line up to the signature, with trailing Nones cut."""
    start = rows.index([f"({i})" for i in range(1, ncols + 1)]) + 1
    end = next(i for i, row in enumerate(rows) if "Nơi nhận:" in row)
    return [row[:ncols] for row in rows[start:end] if any(v is not None for v in row)]


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def test_both_lists_are_registered_and_printable():
    for form_id in ("cert-proposed", "cert-recognised"):
        form = registry.get(form_id)
        assert form.takes_category and form.printable
        assert not form.takes_area and not form.takes_quarter
        assert TITLE in form.title


def test_recognised_list_cell_by_cell(db, units, tmp_path, pin_today):
    pin_today(date(2026, 1, 5))  # the document's date, by default today
    ws = _sheet(db, tmp_path, "cert-recognised")
    rows = _rows(ws)
    # The header: superior and issuer on the left, the national title and motto on the right.
    assert rows[0][0] == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert rows[1][0] == "CÔNG AN PHƯỜNG HOÀN KIẾM"
    assert NATIONAL_TITLE in rows[0] and MOTTO in rows[1]
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert place_date("Phường Hoàn Kiếm", date(2026, 1, 5)) in texts
    assert any(t.startswith("Số:") for t in texts)
    title = texts.index("DANH SÁCH")
    assert texts[title + 1] == f"Các đơn vị được công nhận đạt tiêu chuẩn {TITLE} năm {YEAR}"
    assert texts[title + 2] == (f"(Kèm theo Quyết định số {DECISION} ngày 12/11/{YEAR} "
                                "của Chủ tịch UBND phường)")
    assert ws.page_setup.orientation == "landscape"
    n = len(RECOGNISED_COLUMNS) - 1  # every row "Đạt": no "Kết quả" column
    header = next(row for row in rows if row[0] == "STT")
    assert header[:n] == ["STT", "Tên đơn vị", "Địa chỉ", "Người đứng đầu",
                          "Ngày đăng ký phấn đấu", "Ngày họp đánh giá",
                          "Số, ngày quyết định công nhận", "Số Giấy công nhận"]
    assert "Kết quả" not in texts and "Đạt" not in texts
    table = [[_day(v) for v in row] for row in _table(rows, n)]
    decided = f"{DECISION} ngày 12/11/{YEAR}"
    assert table == [
        ["I. Khu dân cư"] + [None] * (n - 1),
        [1, "Tổ dân phố số 1", None, None, REGISTERED, EVALUATED, decided, "GCN-01"],
        ["II. Cơ quan"] + [None] * (n - 1),
        [1, "Ngân hàng Sao Mai", "12 Hàng Bạc", "Trần Văn An", REGISTERED, EVALUATED,
         decided, "GCN-02"],
        ["III. Doanh nghiệp"] + [None] * (n - 1),
        [1, "Công ty Ánh Dương", "5 Hàng Bè", "Phạm Quốc Cường", REGISTERED, EVALUATED,
         decided, "GCN-03"],
        ["Tổng cộng: 3 đơn vị"] + [None] * (n - 1),
    ]
    # The signature block: recipients on the left, the unit's signer on the right.
    assert "Nơi nhận:" in texts and "- Đảng ủy, UBND phường Hoàn Kiếm;" in texts
    assert texts[-1] == "Nguyễn Văn Hùng"
    assert texts.index("Nơi nhận:") < texts.index("TRƯỞNG CÔNG AN PHƯỜNG") < len(texts) - 1


def test_proposed_list_has_every_unit_that_met_the_criteria(db, units, tmp_path):
    rows = _rows(_sheet(db, tmp_path, "cert-proposed"))
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert f"Các đơn vị đề nghị công nhận đạt tiêu chuẩn {TITLE} năm {YEAR}" in texts
    assert not any(t.startswith("(Kèm theo Quyết định") for t in texts)
    n = len(PROPOSED_COLUMNS) - 1  # every proposed unit met the criteria: no "Kết quả"
    header = next(row for row in rows if row[0] == "STT")
    assert header[6:n] == ["Số tiêu chuẩn đạt", "Ghi chú"]
    table = [[_day(v) for v in row] for row in _table(rows, n)]
    five = f"{len(criteria_for(C.AREA))}/{len(criteria_for(C.AREA))}"
    agency = f"{len(criteria_for(C.AGENCY))}/{len(criteria_for(C.AGENCY))}"
    enterprise = f"{len(criteria_for(C.ENTERPRISE))}/{len(criteria_for(C.ENTERPRISE))}"
    assert table == [
        ["I. Khu dân cư"] + [None] * (n - 1),
        [1, "Tổ dân phố số 1", None, None, REGISTERED, EVALUATED, five, "Đã công nhận"],
        [2, "Tổ dân phố số 2", None, None, REGISTERED, EVALUATED, five, None],
        ["II. Cơ quan"] + [None] * (n - 1),
        [1, "Ngân hàng Sao Mai", "12 Hàng Bạc", "Trần Văn An", REGISTERED, EVALUATED, agency,
         "Đã công nhận"],
        ["III. Doanh nghiệp"] + [None] * (n - 1),
        [1, "Công ty Ánh Dương", "5 Hàng Bè", "Phạm Quốc Cường", REGISTERED, EVALUATED,
         enterprise, "Đã công nhận"],
        ["Tổng cộng: 4 đơn vị"] + [None] * (n - 1),
    ]
    assert "Bưu điện Hàng Bạc" not in texts and "Trường THCS Trưng Vương" not in texts


def test_one_category(db, units, tmp_path):
    rows = _rows(_sheet(db, tmp_path, "cert-recognised", C.AGENCY))
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert f"Cơ quan được công nhận đạt tiêu chuẩn {TITLE} năm {YEAR}" in texts
    table = _table(rows, len(RECOGNISED_COLUMNS) - 1)
    assert [row[:2] for row in table] == [[1, "Ngân hàng Sao Mai"],
                                          ["Tổng cộng: 1 đơn vị", None]]
    proposed = _table(_rows(_sheet(db, tmp_path, "cert-proposed", C.AREA)),
                      len(PROPOSED_COLUMNS) - 1)
    assert [row[:2] for row in proposed] == [[1, "Tổ dân phố số 1"], [2, "Tổ dân phố số 2"],
                                             ["Tổng cộng: 2 đơn vị", None]]


def test_an_empty_list_still_prints(db, units, tmp_path):
    rows = _rows(_sheet(db, tmp_path, "cert-recognised", C.SCHOOL))
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert f"Cơ sở giáo dục được công nhận đạt tiêu chuẩn {TITLE} năm {YEAR}" in texts
    assert _table(rows, len(RECOGNISED_COLUMNS)) == [
        ["Không có đơn vị nào."] + [None] * (len(RECOGNISED_COLUMNS) - 1)]
    assert "Nguyễn Văn Hùng" in texts


def test_several_decisions_are_not_summed_up_in_a_note(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    cert = CertificationService(db)
    data = _record(C.AREA, CertResult.MET, decision="16/QĐ-UBND", certificate="GCN-04")
    cert.save_record(ids["Tổ dân phố số 2"], YEAR, data, today=SAVED_ON)
    doc = registry.get("cert-recognised").document(db, Params(YEAR))
    assert doc.note is None
    assert [r[1] for r in doc.rows if isinstance(r, list)][:2] == ["Tổ dân phố số 1",
                                                                  "Tổ dân phố số 2"]


def test_document_is_landscape_with_the_units_letterhead(db, units):
    doc = proposed_document(db, Params(YEAR))
    assert doc.landscape and doc.letterhead.signer_name == "Nguyễn Văn Hùng"
    assert doc.recipients and doc.title == "Danh sách"


def test_forms_without_categories_refuse_one(db, units, tmp_path):
    with pytest.raises(ReportError, match="không lập riêng theo loại đơn vị"):
        export_xlsx(db, "rehab-list", Params(YEAR, category=C.AGENCY), tmp_path / "x.xlsx")


def test_recognised_list_names_the_decider_from_the_settings(db, units, tmp_path):
    from dataclasses import replace

    from antq_desktop.services.settings import SettingsService

    settings = SettingsService(db)
    settings.save_cert_settings(replace(settings.cert_settings(),
                                        decider_title="Chủ tịch UBND xã Vĩnh Quỳnh"))
    texts = [v for row in _rows(_sheet(db, tmp_path, "cert-recognised")) for v in row
             if isinstance(v, str)]
    assert f"(Kèm theo Quyết định số {DECISION} ngày 12/11/{YEAR} của Chủ tịch UBND xã " \
           "Vĩnh Quỳnh)" in texts
