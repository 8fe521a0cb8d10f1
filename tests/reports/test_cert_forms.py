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
    """The rows after the "(1) (2) …" line up to the signature (or the end of an annex), with
    trailing Nones cut."""
    start = rows.index([f"({i})" for i in range(1, ncols + 1)]) + 1
    end = next((i for i, row in enumerate(rows) if "Nơi nhận:" in row), len(rows))
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
    # An annex of the People's Committee's decision (ND30, Phụ lục III mẫu 2.1): it opens with
    # its title and the decision it goes with; no police letterhead, number, place and date.
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert rows[0][0] == "DANH SÁCH" and texts.index("DANH SÁCH") == 0
    assert texts[1] == f"Các đơn vị được công nhận đạt tiêu chuẩn {TITLE} năm {YEAR}"
    assert texts[2] == (f"(Kèm theo Quyết định số {DECISION} ngày 12 tháng 11 năm {YEAR} "
                        "của Chủ tịch UBND phường)")
    assert ws[_address(ws, texts[2])].font.i and ws[_address(ws, texts[2])].font.sz == 14
    assert not any(NATIONAL_TITLE in t or MOTTO in t or "CÔNG AN" in t or t.startswith("Số:")
                   for t in texts)
    assert place_date("Phường Hoàn Kiếm", date(2026, 1, 5)) not in texts
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
    # No police signature block or recipients: the decision carries them. The table ends it.
    assert texts[-1] == "Tổng cộng: 3 đơn vị"
    assert "Nơi nhận:" not in texts and "Nguyễn Văn Hùng" not in texts
    assert ws.print_area.endswith(f"${ws.max_row}") and ws.print_title_rows


def _address(ws, text):
    return next(c.coordinate for row in ws.iter_rows() for c in row if c.value == text)


def test_the_proposal_list_stays_a_police_document(db, units, tmp_path, pin_today):
    pin_today(date(2026, 1, 5))
    path = tmp_path / "proposed.xlsx"
    export_xlsx(db, "cert-proposed", Params(YEAR, number="7/TTr-CAP"), path)
    rows = _rows(load_workbook(path).active)
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert rows[0][0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and rows[1][0] == "CÔNG AN PHƯỜNG HOÀN KIẾM"
    assert NATIONAL_TITLE in rows[0] and MOTTO in rows[1]
    assert "Số: 7/TTr-CAP" in texts
    assert place_date("Phường Hoàn Kiếm", date(2026, 1, 5)) in texts
    assert "Nơi nhận:" in texts and "- Đảng ủy, UBND phường Hoàn Kiếm;" in texts
    assert texts[-1] == "Nguyễn Văn Hùng"
    assert texts.index("Nơi nhận:") < texts.index("TRƯỞNG CÔNG AN PHƯỜNG") < len(texts) - 1


def _annex_line(db, tmp_path, **kw):
    path = tmp_path / "recognised.xlsx"
    export_xlsx(db, "cert-recognised", Params(YEAR, **kw), path)
    return load_workbook(path).active["A3"].value


def test_the_annex_carries_the_decisions_number_and_date(db, units, tmp_path):
    assert _annex_line(db, tmp_path, number="125/QĐ-UBND", on=date(2026, 2, 3)) == (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 03 tháng 02 năm 2026 của Chủ tịch UBND "
        "phường)")
    # one category: its own decider; the ward itself is recognised by a higher body
    assert _annex_line(db, tmp_path, category=C.WARD, on=date(2026, 1, 5)) == (
        "(Kèm theo Quyết định số ………/QĐ-……… ngày 05 tháng 01 năm 2026 của Chủ tịch UBND "
        "tỉnh, thành phố)")


def test_with_no_number_and_several_decisions_the_annex_leaves_blanks(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    data = _record(C.AREA, CertResult.MET, decision="16/QĐ-UBND", certificate="GCN-04")
    CertificationService(db).save_record(ids["Tổ dân phố số 2"], YEAR, data, today=SAVED_ON)
    assert _annex_line(db, tmp_path) == (
        "(Kèm theo Quyết định số ………/QĐ-……… ngày ……… tháng ……… năm ……… của Chủ tịch UBND "
        "phường)")
    assert _annex_line(db, tmp_path, on=date(2026, 3, 12)).startswith(
        "(Kèm theo Quyết định số ………/QĐ-……… ngày 12 tháng 3 năm 2026 ")


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
    assert texts[2].startswith("(Kèm theo Quyết định số ")


def test_several_decisions_are_each_on_their_rows(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    cert = CertificationService(db)
    data = _record(C.AREA, CertResult.MET, decision="16/QĐ-UBND", certificate="GCN-04")
    cert.save_record(ids["Tổ dân phố số 2"], YEAR, data, today=SAVED_ON)
    doc = registry.get("cert-recognised").document(db, Params(YEAR))
    assert doc.annex and DECISION not in doc.note and "16/QĐ-UBND" not in doc.note
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
    assert f"(Kèm theo Quyết định số {DECISION} ngày 12 tháng 11 năm {YEAR} của Chủ tịch " \
           "UBND xã Vĩnh Quỳnh)" in texts
