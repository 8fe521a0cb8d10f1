"""The form registry, the unit's letterhead and atomic export."""

import os
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from antq_desktop.enums import CertCategory
from antq_desktop.reports import export, registry
from antq_desktop.reports.document import TableDocument, to_workbook
from antq_desktop.reports.export import ExportError, export_file, export_pdf, export_xlsx
from antq_desktop.reports.layout import Column
from antq_desktop.reports.registry import Form, Params, ReportError
from antq_desktop.validation import FieldError


def test_registered_form_is_listed_and_found(test_form):
    form, _ = test_form
    assert form in registry.all_forms()
    assert registry.get("test-list") is form


def test_form_is_gone_after_its_test():
    assert "test-list" not in [f.id for f in registry.all_forms()]


def test_unknown_form_is_a_key_error_with_a_vietnamese_message():
    with pytest.raises(KeyError) as exc:
        registry.get("khong-co")
    assert str(exc.value) == ("Không có biểu mẫu “khong-co”. Xem danh sách bằng lệnh: "
                              "antq-desktop forms.")
    assert isinstance(exc.value, ReportError)


def test_an_id_is_registered_once(test_form):
    form, _ = test_form
    registry.register(form)  # the same form again is harmless
    with pytest.raises(ValueError):
        registry.register(Form("test-list", "Khác", form.build))


@pytest.mark.parametrize("params, message", [
    (Params(1999), "Năm 1999 không hợp lệ"),
    (Params(2028), "Năm 2028 không hợp lệ"),
    (Params(2025, quarter=5), "Quý 5 không hợp lệ"),
])
def test_bad_parameters(test_form, params, message):
    form, _ = test_form
    with pytest.raises(ReportError, match=message):
        form.check(params, today=date(2026, 1, 5))


def test_parameters_a_form_does_not_take():
    form = Form("x", "Biểu năm", lambda db, p: None)
    form.check(Params(2025))
    with pytest.raises(ReportError, match="không lập theo quý"):
        form.check(Params(2025, quarter=1))
    with pytest.raises(ReportError, match="không lập riêng cho từng khu dân cư"):
        form.check(Params(2025, area_id=1))


def test_letterhead_needs_the_unit(db, unit_service):
    with pytest.raises(ReportError, match="Chưa nhập thông tin đơn vị"):
        registry.load_letterhead(db)


def test_letterhead_from_the_units_settings(db, ward):
    lh = registry.load_letterhead(db)
    assert (lh.superior, lh.issuer, lh.place) == (
        "CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN PHƯỜNG HOÀN KIẾM", "Phường Hoàn Kiếm")
    assert lh.signer_title == ("TRƯỞNG CÔNG AN PHƯỜNG",)
    assert lh.signer_name == "Nguyễn Văn Hùng"


@pytest.fixture
def out(tmp_path):
    """An output folder of its own (tmp_path also holds the test database)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_export_writes_the_workbook(db, ward, test_form, out):
    _, calls = test_form
    seen = []
    path = export_xlsx(db, "test-list", Params(2025, quarter=4, area_id=ward[0]),
                       out / "ds.xlsx", progress=lambda p, text: seen.append((p, text)))
    assert path == out / "ds.xlsx"
    assert calls == [Params(2025, quarter=4, area_id=ward[0])]
    wb = load_workbook(path)
    assert wb.active["A1"].value == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert wb.properties.title == "Danh sách thử nghiệm"
    assert [p for p, _ in seen] == [0, 80, 100]
    assert "Danh sách thử nghiệm" in seen[0][1]
    assert os.listdir(out) == ["ds.xlsx"]  # no temporary file left


def test_export_checks_parameters_before_building(db, ward, test_form, out):
    _, calls = test_form
    with pytest.raises(ReportError, match="Năm 1990"):
        export_xlsx(db, "test-list", Params(1990), out / "ds.xlsx")
    assert calls == [] and not os.listdir(out)


def test_failed_build_leaves_the_old_file(db, ward, out):
    target = out / "ds.xlsx"
    target.write_bytes(b"old")

    def build(db, params):
        raise FieldError("Năm", "chưa có số liệu.")

    registry.register(Form("test-broken", "Hỏng", build))
    try:
        with pytest.raises(FieldError):
            export_xlsx(db, "test-broken", Params(2025), target)
    finally:
        registry.unregister("test-broken")
    assert target.read_bytes() == b"old" and os.listdir(out) == ["ds.xlsx"]


def test_file_open_elsewhere(db, ward, test_form, out, monkeypatch):
    """On Windows a file open in Excel cannot be replaced: PermissionError."""
    target = out / "ds.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export.os, "replace", locked)
    with pytest.raises(ExportError) as exc:
        export_xlsx(db, "test-list", Params(2025), target)
    assert str(exc.value) == (f"Không ghi được tệp {target}: tệp đang mở trong chương trình "
                              "khác hoặc không có quyền ghi.")
    assert target.read_bytes() == b"old"
    assert os.listdir(out) == ["ds.xlsx"]  # the temporary file is cleaned up


def test_missing_folder_and_folder_as_target(db, ward, test_form, out):
    with pytest.raises(ExportError, match="không tồn tại"):
        export_xlsx(db, "test-list", Params(2025), out / "khong" / "ds.xlsx")
    with pytest.raises(ExportError, match="là một thư mục"):
        export_xlsx(db, "test-list", Params(2025), out)


# -- categories and printable documents ---------------------------------------------------------------
def test_only_forms_that_take_a_category_accept_one():
    plain = Form("x", "Biểu năm", lambda db, p: None)
    with pytest.raises(ReportError, match="“Biểu năm” không lập riêng theo loại đơn vị"):
        plain.check(Params(2025, category=CertCategory.AGENCY))
    by_category = Form("y", "Danh sách", lambda db, p: None, takes_category=True)
    by_category.check(Params(2025, category=CertCategory.AGENCY))
    assert not plain.printable and not by_category.printable


@pytest.fixture
def printable_form():
    """A form with a printable document; it records the parameters it was built with."""
    calls = []

    def document(db, params):
        calls.append(params)
        return TableDocument(
            letterhead=registry.load_letterhead(db), number="", on=date(2026, 1, 5),
            title="Danh sách", subject_lines=[f"Năm {params.year}"],
            columns=[Column("STT", 6, "center"), Column("Tên đơn vị", 30)],
            rows=[[1, "Ngân hàng Sao Mai"]], recipients=["Lưu: VT."])

    form = registry.register(Form("test-doc", "Danh sách in được",
                                  lambda db, p: to_workbook(document(db, p)),
                                  takes_category=True, document=document))
    yield form, calls
    registry.unregister(form.id)


def test_export_pdf_of_a_printable_form(qapp, db, ward, printable_form, out):
    form, calls = printable_form
    seen = []
    params = Params(2025, category=CertCategory.SCHOOL)
    path = export_pdf(db, "test-doc", params, out / "ds.pdf",
                      progress=lambda p, text: seen.append(p))
    assert form.printable and calls == [params]
    assert path.read_bytes().startswith(b"%PDF") and seen == [0, 50, 100]
    text = PdfReader(path).pages[0].extract_text(extraction_mode="layout").replace("\t", " ")
    assert "Ngân hàng Sao Mai" in text and "Năm 2025" in text
    assert os.listdir(out) == ["ds.pdf"]


def test_export_pdf_of_an_excel_only_form(db, ward, test_form, out):
    _, calls = test_form
    with pytest.raises(ReportError, match="chưa in hoặc xuất PDF được"):
        export_pdf(db, "test-list", Params(2025), out / "ds.pdf")
    assert calls == [] and not os.listdir(out)


def test_export_file_follows_the_suffix(qapp, db, ward, printable_form, out):
    assert load_workbook(export_file(db, "test-doc", Params(2025), out / "a.xlsx")).active[
        "A1"].value == "CÔNG AN THÀNH PHỐ HÀ NỘI"
    assert export_file(db, "test-doc", Params(2025), out / "b.PDF").read_bytes()[:4] == b"%PDF"
    with pytest.raises(ExportError, match="đuôi .xlsx, .docx hoặc .pdf"):
        export_file(db, "test-doc", Params(2025), out / "c.csv")
    assert sorted(os.listdir(out)) == ["a.xlsx", "b.PDF"]
