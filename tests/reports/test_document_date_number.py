"""The officer sets the document's date and number: `export --date/--number`, the Báo cáo
dialog, and every form's header ("Số: 12/BC-CAP", "…, ngày 05 tháng 01 năm 2026")."""

from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from antq_desktop.cli import main
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.ui.reports.dialog import ReportsDialog
from tests.reports.test_cert_forms import YEAR, certified_ward

ON = date(2026, 1, 5)
WHEN = "Phường Hoàn Kiếm, ngày 05 tháng 01 năm 2026"


def _texts(path):
    return [c.value for row in load_workbook(path).active.iter_rows() for c in row
            if isinstance(c.value, str)]


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.mark.parametrize("form_id", ["rehab-list", "rehab-summary", "mediation-stats",
                                     "yearend-summary", "cert-proposed"])
def test_every_form_with_a_number_prints_the_chosen_date_and_number(db, ward, tmp_path,
                                                                     form_id):
    path = export_xlsx(db, form_id, Params(2025, on=ON, number=" 12/BC-CAP "),
                       tmp_path / "f.xlsx")
    texts = _texts(path)
    assert WHEN in texts and "Số: 12/BC-CAP" in texts


def test_an_annex_takes_them_as_the_decisions(db, ward, tmp_path):
    """The recognised list is an annex: the date and number are the decision's, in its
    "(Kèm theo …)" line; the police's "Số:" and place and date lines are not there."""
    path = export_xlsx(db, "cert-recognised", Params(2025, on=ON, number=" 12/QĐ-UBND "),
                       tmp_path / "f.xlsx")
    texts = _texts(path)
    assert ("(Kèm theo Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch UBND "
            "phường)") in texts
    assert WHEN not in texts and not any(t.startswith("Số:") for t in texts)


def test_without_them_the_number_is_left_blank_to_fill_by_hand(db, ward, tmp_path):
    texts = _texts(export_xlsx(db, "rehab-list", Params(2025, on=ON), tmp_path / "f.xlsx"))
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/" in texts and WHEN in texts


def test_the_command_line_takes_date_and_number_into_the_pdf(capsys, qapp, db, ward, tmp_path):
    certified_ward(db, ward)
    target = tmp_path / "de-nghi.pdf"
    code, _, err = run(capsys, "--db", db.url, "export", "cert-proposed", "--year", str(YEAR),
                       "--date", "5/1/2026", "--number", "07/TTr-CAP", "-o", str(target))
    assert (code, err) == (0, "")
    text = PdfReader(target).pages[0].extract_text().replace("\t", " ")
    assert "Số: 07/TTr-CAP" in text and WHEN in text


@pytest.mark.parametrize("argv, message", [
    (("--date", "31/02/2026"), "Ngày văn bản (--date): ngày 31/02/2026 không tồn tại."),
    (("--date", "2026-01-05"), "Ngày văn bản (--date): không đúng dạng ngày/tháng/năm"),
    (("--date", "31/12/2024"), "Ngày văn bản 31/12/2024 không hợp lệ: không được trước năm "
                               "báo cáo 2025."),
    (("--number", "x" * 31), "Số văn bản “" + "x" * 30 + "” không hợp lệ: tối đa 30 ký tự"),
])
def test_a_wrong_date_or_number_is_one_line_naming_the_field(capsys, db, ward, tmp_path, argv,
                                                             message):
    target = tmp_path / "f.xlsx"
    code, out, err = run(capsys, "--db", db.url, "export", "rehab-list", "--year", "2025",
                         *argv, "-o", str(target))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("antq-desktop: " + message)
    assert not target.exists()


def test_a_number_on_two_lines_is_refused():
    form = registry.get("rehab-list")
    with pytest.raises(ReportError, match="trên một dòng"):
        form.check(Params(2025, number="12/BC\nCAP"), today=date(2026, 1, 5))


def test_the_dialog_passes_date_and_number(qtbot, db, ward):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    dialog.form.setCurrentIndex(dialog.form.findData("rehab-summary"))
    dialog.year.setValue(2025)
    dialog.on.setDate(dialog.on.date().fromString("05/01/2026", "dd/MM/yyyy"))
    qtbot.keyClicks(dialog.number, "12/BC-CAP")
    params = dialog.params()
    assert (params.on, params.number) == (ON, "12/BC-CAP")
    dialog.number.clear()
    assert dialog.params().number is None
    assert dialog.number.maxLength() == registry.MAX_NUMBER


def test_the_ward_category_speaks_of_xa_phuong_dac_khu(db, ward, tmp_path):
    from antq_desktop.enums import CertCategory

    texts = _texts(export_xlsx(db, "cert-proposed",
                               Params(2025, category=CertCategory.WARD, on=ON),
                               tmp_path / "f.xlsx"))
    assert any(t.startswith("Xã, phường, đặc khu đề nghị công nhận") for t in texts)
    assert not any("thị trấn" in t for t in texts)
