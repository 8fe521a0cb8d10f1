"""`antq-desktop forms` and `antq-desktop export` through cli.main."""

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from antq_desktop.cli import main
from antq_desktop.reports import export, registry
from antq_desktop.reports.registry import Form, Params
from antq_desktop.validation import FieldError
from tests.reports.test_cert_forms import YEAR, certified_ward


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_forms_lists_id_and_title(capsys, test_form):
    code, out, err = run(capsys, "forms")
    assert code == 0 and not err
    assert "test-list\tDanh sách thử nghiệm" in out.splitlines()


def test_forms_when_there_are_none(capsys, monkeypatch):
    monkeypatch.setattr(registry, "_FORMS", {})
    monkeypatch.setattr(registry, "_loaded", True)
    code, out, _ = run(capsys, "forms")
    assert code == 0 and out == "Chưa có biểu mẫu báo cáo nào.\n"


def test_export_writes_and_prints_the_path(capsys, db, ward, test_form, tmp_path):
    _, calls = test_form
    target = tmp_path / "danh sách.xlsx"
    code, out, err = run(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                         "--quarter", "2", "--area", "to dan pho so 2", "-o", str(target))
    assert (code, err) == (0, "")
    assert out.strip() == str(target.resolve())
    assert calls == [Params(2025, quarter=2, area_id=ward[1])]
    assert load_workbook(target).active["A2"].value == "CÔNG AN PHƯỜNG HOÀN KIẾM"


def test_export_area_by_id(capsys, db, ward, test_form, tmp_path):
    _, calls = test_form
    code, _, _ = run(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                     "--area", str(ward[0]), "-o", str(tmp_path / "a.xlsx"))
    assert code == 0 and calls[0].area_id == ward[0]


def _one_line_error(capsys, *argv, code=1):
    got, out, err = run(capsys, *argv)
    assert got == code and out == ""
    assert err.startswith("antq-desktop: ") and err.count("\n") == 1
    return err


def test_export_errors(capsys, db, ward, test_form, tmp_path):
    out = str(tmp_path / "a.xlsx")
    base = ("--db", db.url, "export")
    assert "Không có biểu mẫu “khong-co”" in _one_line_error(
        capsys, *base, "khong-co", "--year", "2025", "-o", out)
    assert "Năm “20x5” không hợp lệ" in _one_line_error(
        capsys, *base, "test-list", "--year", "20x5", "-o", out)
    assert "Năm 1990 không hợp lệ" in _one_line_error(
        capsys, *base, "test-list", "--year", "1990", "-o", out)
    assert "Quý 7 không hợp lệ" in _one_line_error(
        capsys, *base, "test-list", "--year", "2025", "--quarter", "7", "-o", out)
    assert "Không có khu dân cư “Tổ 9”" in _one_line_error(
        capsys, *base, "test-list", "--year", "2025", "--area", "Tổ 9", "-o", out)
    assert "đuôi .xlsx, .docx hoặc .pdf" in _one_line_error(
        capsys, *base, "test-list", "--year", "2025", "-o", str(tmp_path / "a.csv"))
    assert not (tmp_path / "a.xlsx").exists()


def test_export_before_the_unit_is_set_up(capsys, db, test_form, tmp_path):
    err = _one_line_error(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                          "-o", str(tmp_path / "a.xlsx"))
    assert "Chưa nhập thông tin đơn vị" in err


def test_export_area_for_a_form_without_areas(capsys, db, ward, tmp_path):
    registry.register(Form("test-year", "Biểu năm", lambda db, p: None))
    try:
        err = _one_line_error(capsys, "--db", db.url, "export", "test-year", "--year", "2025",
                              "--area", "1", "-o", str(tmp_path / "a.xlsx"))
    finally:
        registry.unregister("test-year")
    assert "không lập riêng cho từng khu dân cư" in err


def test_export_field_error(capsys, db, ward, tmp_path):
    def build(db, params):
        raise FieldError("Năm báo cáo", "chưa có số liệu.")

    registry.register(Form("test-field", "Biểu lỗi", build))
    try:
        err = _one_line_error(capsys, "--db", db.url, "export", "test-field", "--year", "2025",
                              "-o", str(tmp_path / "a.xlsx"))
    finally:
        registry.unregister("test-field")
    assert err == "antq-desktop: Năm báo cáo: chưa có số liệu.\n"


def test_export_file_open_elsewhere(capsys, db, ward, test_form, tmp_path, monkeypatch):
    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export.os, "replace", locked)
    target = tmp_path / "a.xlsx"
    err = _one_line_error(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                          "-o", str(target))
    assert err == (f"antq-desktop: Không ghi được tệp {target}: tệp đang mở trong chương trình "
                   "khác hoặc không có quyền ghi.\n")


def test_export_pdf_of_a_printable_form(capsys, qapp, db, ward, tmp_path):
    certified_ward(db, ward)
    target = tmp_path / "cong nhan.pdf"
    code, out, err = run(capsys, "--db", db.url, "export", "cert-recognised", "--year",
                         str(YEAR), "--category", "agency", "-o", str(target))
    assert (code, err) == (0, "") and out.strip() == str(target.resolve())
    text = "\n".join(p.extract_text(extraction_mode="layout").replace("\t", " ")
                     for p in PdfReader(target).pages)
    # an annex of the People's Committee's decision: no police header
    assert "CÔNG AN PHƯỜNG HOÀN KIẾM" not in text and "DANH SÁCH" in text
    assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 12 tháng 11 năm 2025 của Chủ tịch UBND " \
           "phường)" in " ".join(text.split())
    assert "Cơ quan được công nhận đạt tiêu chuẩn" in text and "Ngân hàng Sao Mai" in text
    assert "Tổ dân phố số 1" not in text


def test_export_xlsx_with_a_category_by_its_vietnamese_name(capsys, db, ward, tmp_path):
    certified_ward(db, ward)
    target = tmp_path / "de nghi.xlsx"
    code, _, err = run(capsys, "--db", db.url, "export", "cert-proposed", "--year", str(YEAR),
                       "--category", "Khu dan cu", "-o", str(target))
    assert (code, err) == (0, "")
    texts = [c.value for row in load_workbook(target).active.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "Tổ dân phố số 2" in texts and "Ngân hàng Sao Mai" not in texts


def test_pdf_of_an_excel_only_form(capsys, db, ward, test_form, tmp_path):
    err = _one_line_error(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                          "-o", str(tmp_path / "a.pdf"))
    assert "“Danh sách thử nghiệm” chưa in hoặc xuất PDF được" in err and ".xlsx" in err
    assert not (tmp_path / "a.pdf").exists()


def test_category_errors(capsys, db, ward, test_form, tmp_path):
    out = str(tmp_path / "a.xlsx")
    err = _one_line_error(capsys, "--db", db.url, "export", "cert-proposed", "--year", "2025",
                          "--category", "chợ", "-o", out)
    assert "Không có loại đơn vị “chợ”" in err and "agency (cơ quan)" in err
    err = _one_line_error(capsys, "--db", db.url, "export", "test-list", "--year", "2025",
                          "--category", "school", "-o", out)
    assert "không lập riêng theo loại đơn vị" in err
    assert not (tmp_path / "a.xlsx").exists()


@pytest.mark.parametrize("argv, expected", [
    (("export", "rehab-list", "-o", "x.xlsx"), "antq-desktop export: thiếu tham số bắt buộc: --year"),
    (("demo", "--households", "abc"),
     "antq-desktop demo: tham số --households: 'abc' không phải là một số"),
    (("frobnicate",), "antq-desktop: tham số LỆNH: không có lựa chọn 'frobnicate'"),
    (("forms", "--x"), "antq-desktop: tham số không dùng được: --x"),
])
def test_argument_errors_are_vietnamese(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(expected)
    assert "Xem hướng dẫn" in err and "usage" not in err


def test_help_is_vietnamese(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "xem hướng dẫn này" in out and "show this help" not in out


def test_export_refuses_a_database_that_does_not_exist(capsys, tmp_path):
    wrong = tmp_path / "khong-co" / "antq.db"  # a mistyped --db
    code, out, err = run(capsys, "--db", str(wrong), "export", "rehab-list", "--year", "2025",
                         "-o", str(tmp_path / "a.xlsx"))
    assert (code, out) == (1, "")
    assert err == (f"antq-desktop: Không có cơ sở dữ liệu {wrong.resolve()}. Hãy kiểm tra đường "
                   "dẫn --db (lệnh này không tạo cơ sở dữ liệu mới).\n")
    assert not wrong.parent.exists() and not (tmp_path / "a.xlsx").exists()
